package ui

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/notify"
)

// csrfMiddlewareID names the portal's CSRF check (bound in routes.go) so
// that the one route that must accept a POST without a token, the one-click
// unsubscribe, can opt out of it.
const csrfMiddlewareID = "ponte.csrf"

// unsubscribeData is the unsubscribe page's own data.
type unsubscribeData struct {
	Key           string
	Done, Already bool
}

// unsubscribeUser finds the user of the key in the path; a malformed or
// unknown key is a 404. The page speaks the user's language.
func (u *portal) unsubscribeUser(e *core.RequestEvent) (*core.Record, error) {
	user, err := notify.UserByUnsubscribeKey(e.App, e.Request.PathValue("key"))
	if errors.Is(err, notify.ErrUnknownKey) {
		return nil, e.NotFoundError("", err)
	}
	if err != nil {
		return nil, err
	}
	if l := i18n.Normalize(user.GetString("locale")); l != "" {
		getCtx(e).Locale = l
	}
	return user, nil
}

// unsubscribeShow asks for confirmation: a link opened by a mail scanner
// must not unsubscribe anyone.
func (u *portal) unsubscribeShow(e *core.RequestEvent) error {
	user, err := u.unsubscribeUser(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "notification_unsubscribe", &Page{
		Title: u.t(e, "unsubscribe.title"),
		Data: &unsubscribeData{Key: e.Request.PathValue("key"),
			Already: notify.EmailPreference(user) == notify.EmailOff},
	})
}

// unsubscribeSubmit turns the key's user's notification e-mails off: the
// confirmation button, or a mail client's one-click POST (RFC 8058).
func (u *portal) unsubscribeSubmit(e *core.RequestEvent) error {
	user, err := u.unsubscribeUser(e)
	if err != nil {
		return err
	}
	if err := notify.Unsubscribe(e.App, user); err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "notification_unsubscribe", &Page{
		Title: u.t(e, "unsubscribe.done_title"),
		Data:  &unsubscribeData{Done: true},
	})
}
