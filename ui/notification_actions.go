package ui

import (
	"errors"
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/notify"
)

// ownNotification loads the notification named in the path through the
// notifications View rule: another user's notification is a 404.
func ownNotification(e *core.RequestEvent) (*core.Record, error) {
	rec, err := access.FindVisible(e.App, access.Info(getCtx(e).User, http.MethodGet, nil), "notifications", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	return rec, err
}

// markRead sets read_at through the notifications Update rule (which lets a
// user set nothing else), unless the notification is read already.
func markRead(e *core.RequestEvent, rec *core.Record) error {
	if rec.GetString("read_at") != "" {
		return nil
	}
	err := access.Update(e.App, access.Info(getCtx(e).User, http.MethodPatch,
		map[string]any{"read_at": types.NowDateTime()}), rec)
	if errors.Is(err, access.ErrForbidden) {
		return e.ForbiddenError("", err)
	}
	return err
}

// notificationOpen marks a notification read and follows its link. The link
// must be a local path (the schema's pattern says so; it is checked again
// here so a bad row can never redirect off the portal).
func (u *portal) notificationOpen(e *core.RequestEvent) error {
	rec, err := ownNotification(e)
	if err != nil {
		return err
	}
	if err := markRead(e, rec); err != nil {
		return err
	}
	link := rec.GetString("link")
	if !notify.SafeLink(link) {
		link = "/notifications"
	}
	return e.Redirect(http.StatusSeeOther, link)
}

// notificationRead marks one notification read and returns to the list.
func (u *portal) notificationRead(e *core.RequestEvent) error {
	rec, err := ownNotification(e)
	if err != nil {
		return err
	}
	if err := markRead(e, rec); err != nil {
		return err
	}
	u.setFlash(e, "flash.notification_read")
	return e.Redirect(http.StatusSeeOther, backToList(e))
}

// notificationReadAll marks every unread notification of the user read. The
// rows come from the List rule and each passes the Update rule; they are
// then written with one UPDATE per 200 rather than a save (and its hooks)
// each, and the bell is told once.
func (u *portal) notificationReadAll(e *core.RequestEvent) error {
	user := getCtx(e).User
	now := types.NowDateTime()
	list := access.Info(user, http.MethodGet, nil)
	patch := access.Info(user, http.MethodPatch, map[string]any{"read_at": now})
	err := e.App.RunInTransaction(func(tx core.App) error {
		for {
			res, err := access.ListVisible(tx, list, "notifications", access.ListOptions{
				Where:   []dbx.Expression{dbx.HashExp{"notifications.user": user.Id, "notifications.read_at": ""}},
				PerPage: 200,
			})
			if err != nil {
				return err
			}
			ids := make([]any, 0, len(res.Items))
			for _, r := range res.Items {
				ok, err := access.CanUpdate(tx, patch, r)
				if err != nil {
					return err
				}
				if ok {
					ids = append(ids, r.Id)
				}
			}
			if len(ids) > 0 {
				if _, err := tx.DB().Update("notifications", dbx.Params{"read_at": now.String()},
					dbx.And(dbx.In("id", ids...), dbx.HashExp{"read_at": ""})).Execute(); err != nil {
					return err
				}
			}
			// Rows the rule refused would come back on the next round.
			if !res.HasMore || len(ids) < len(res.Items) {
				return nil
			}
		}
	})
	if err != nil {
		return err
	}
	notify.PublishUnread(e.App, user.Id)
	u.setFlash(e, "flash.notifications_all_read")
	return e.Redirect(http.StatusSeeOther, backToList(e))
}

// notificationDelete deletes one notification through the Delete rule.
func (u *portal) notificationDelete(e *core.RequestEvent) error {
	rec, err := ownNotification(e)
	if err != nil {
		return err
	}
	ok, err := access.CanDelete(e.App, access.Info(getCtx(e).User, http.MethodDelete, nil), rec)
	if err != nil {
		return err
	}
	if !ok {
		return e.ForbiddenError("", errors.New("notification not deletable by this user"))
	}
	if err := e.App.Delete(rec); err != nil {
		return err
	}
	u.setFlash(e, "flash.notification_deleted")
	return e.Redirect(http.StatusSeeOther, backToList(e))
}

// notificationPrefs saves the user's e-mail preference (immediately, daily
// digest or off) from the profile page, through the users Update rule.
func (u *portal) notificationPrefs(e *core.RequestEvent) error {
	loc := u.locale(e)
	pref := formValue(e, "notify_email")
	if !slices.Contains(notify.EmailPreferences, pref) {
		p, err := u.profilePage(e)
		if err != nil {
			return err
		}
		p.Errors["notify_email"] = tr(loc, "validation.invalid")
		return u.render(e, http.StatusBadRequest, "profile", p)
	}
	if err := u.updateSelf(e, map[string]any{"notify_email": pref}); err != nil {
		if errs, ok := validationMessages(loc, err); ok {
			p, perr := u.profilePage(e)
			if perr != nil {
				return perr
			}
			p.Errors = errs
			return u.render(e, http.StatusBadRequest, "profile", p)
		}
		return err
	}
	u.setFlash(e, "flash.notify_email_saved")
	return e.Redirect(http.StatusSeeOther, "/profile#notify-h")
}
