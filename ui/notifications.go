package ui

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/notify"
)

// notificationRoutes binds the notifications pages: in for signed-in users, staff for
// vendor staff only, g for guests too.
func (u *portal) notificationRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	in.GET("/notifications", u.notificationList)
	in.GET("/notifications/count", u.notificationCount)
	in.POST("/notifications/read-all", u.notificationReadAll)
	in.POST("/notifications/{id}/open", u.notificationOpen)
	in.POST("/notifications/{id}/read", u.notificationRead)
	in.POST("/notifications/{id}/delete", u.notificationDelete)
	in.POST("/profile/notifications", u.notificationPrefs)

	// The one-click unsubscribe link of e-mails. Its POST is also sent by
	// mail clients (RFC 8058), which have no CSRF token: the key in the URL
	// is the secret, so this one route goes without the CSRF check.
	g.GET("/unsubscribe/{key}", u.unsubscribeShow)
	g.POST("/unsubscribe/{key}", u.unsubscribeSubmit).Unbind(csrfMiddlewareID)
}

// NotificationView is one notification as the list shows it.
type NotificationView struct {
	ID, Kind, Title, Icon string
	Unread                bool
	Created               time.Time
}

// notificationIcon picks the icon of a notification's kind by its area.
func notificationIcon(kind string) string {
	switch area, _, _ := strings.Cut(kind, "."); area {
	case "announcement":
		return "megaphone"
	case "forum":
		return "forums"
	case "conversation":
		return "messages"
	case "document":
		return "documents"
	}
	return "bell"
}

// notificationListData is the notifications page's own data.
type notificationListData struct {
	Items []NotificationView
	Pager Pager
	Page  int
}

// notificationsPerPage is the length of a page of notifications.
const notificationsPerPage = 20

// notificationList shows the signed-in user's notifications, newest first,
// through the notifications List rule (their own) and the (user, created)
// index, with next/previous pages instead of a total.
func (u *portal) notificationList(e *core.RequestEvent) error {
	user := getCtx(e).User
	p := &Page{Title: u.t(e, "notifications.title"), Errors: map[string]string{}}
	_, page := listQuery(u.locale(e), e.Request.URL.Query(), p.Errors)
	delete(p.Errors, "q") // the page has no search box
	res, err := access.ListVisible(e.App, access.Info(user, http.MethodGet, nil), "notifications", access.ListOptions{
		Where:   []dbx.Expression{dbx.HashExp{"notifications.user": user.Id}},
		Sort:    []string{"-created"},
		Page:    page,
		PerPage: notificationsPerPage,
	})
	if err != nil {
		return err
	}
	d := &notificationListData{Pager: newPager("/notifications", nil, page, res.HasMore), Page: page}
	for _, r := range res.Items {
		d.Items = append(d.Items, NotificationView{
			ID: r.Id, Kind: r.GetString("kind"), Title: r.GetString("title"), Icon: notificationIcon(r.GetString("kind")),
			Unread: r.GetString("read_at") == "", Created: r.GetDateTime("created").Time(),
		})
	}
	p.Data = d
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusBadRequest
	}
	return u.render(e, status, "notification_list", p)
}

// notificationCount answers the bell alone (the live script's fallback
// poll swaps it in).
func (u *portal) notificationCount(e *core.RequestEvent) error {
	return u.renderFragment(e, "notification_list", "bell", &Page{})
}

// backToList is the notifications page the user came from (the form's page
// field), so acting on a notification keeps their place.
func backToList(e *core.RequestEvent) string {
	if n, err := strconv.Atoi(formValue(e, "page")); err == nil && n > 1 && n <= maxPage {
		return "/notifications?page=" + strconv.Itoa(n)
	}
	return "/notifications"
}

// markLinkRead marks the user's unread notifications that point at link as
// read: opening an announcement, a conversation or a document answers its
// notification as clicking it would. It writes the user's own rows (the
// notifications rule gives each user exactly those) and updates the bell.
func markLinkRead(e *core.RequestEvent, link string) {
	user := getCtx(e).User
	res, err := e.App.DB().Update("notifications", dbx.Params{"read_at": types.NowDateTime().String()},
		dbx.HashExp{"user": user.Id, "read_at": "", "link": link}).Execute()
	if err != nil {
		e.App.Logger().Warn("marking notifications read", "link", link, "error", err)
		return
	}
	if n, _ := res.RowsAffected(); n > 0 {
		notify.PublishUnread(e.App, user.Id)
	}
}
