package ui

import (
	"errors"
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// feedbackStatuses are the inbox's statuses, in their order.
var feedbackStatuses = []string{"new", "read", "done"}

// feedbackPerPage is the inbox's page size.
const feedbackPerPage = 25

// feedbackInboxData is the staff inbox's data.
type feedbackInboxData struct {
	Items      []*FeedbackView
	Pager      Pager
	Statuses   []string
	Categories []string
}

// feedbackInbox lists feedback for staff, newest first: admins all of it,
// a channel manager their partners' (the List rule), filtered by status and
// category.
func (u *portal) feedbackInbox(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	info := access.Info(c.User, http.MethodGet, nil)
	errs := map[string]string{}
	q := e.Request.URL.Query()
	_, page := listQuery(loc, q, errs)
	status, category := q.Get("status"), q.Get("category")
	filters := map[string]string{"status": status, "category": category}
	d := &feedbackInboxData{Statuses: feedbackStatuses, Categories: feedbackCategories}
	p := &Page{Title: u.t(e, "feedback.inbox"), Data: d, Errors: errs, Values: filters}
	var where []dbx.Expression
	if status != "" {
		if !slices.Contains(feedbackStatuses, status) {
			errs["status"] = tr(loc, "validation.invalid")
		}
		where = append(where, dbx.HashExp{"feedback.status": status})
	}
	if category != "" {
		if !slices.Contains(feedbackCategories, category) {
			errs["category"] = tr(loc, "validation.invalid")
		}
		where = append(where, dbx.HashExp{"feedback.category": category})
	}
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "feedback_inbox", p)
	}
	res, err := access.ListVisible(e.App, info, "feedback", access.ListOptions{
		Where: where, Sort: []string{"-created"}, Page: page, PerPage: feedbackPerPage})
	if err != nil {
		return err
	}
	users, partners := map[string]bool{}, map[string]bool{}
	for _, r := range res.Items {
		d.Items = append(d.Items, feedbackView(r))
		users[r.GetString("user")] = true
		if pt := r.GetString("partner"); pt != "" {
			partners[pt] = true
		}
	}
	userNames, err := namesOf(e.App, info, "users", users)
	if err != nil {
		return err
	}
	partnerNames, err := namesOf(e.App, info, "partners", partners)
	if err != nil {
		return err
	}
	for i, r := range res.Items {
		d.Items[i].From = userNames[r.GetString("user")]
		d.Items[i].Partner = partnerNames[r.GetString("partner")]
	}
	d.Pager = newPager("/feedback/inbox", filters, page, res.HasMore)
	return u.render(e, http.StatusOK, "feedback_inbox", p)
}

// namesOf reads the name field of the records of ids the viewer may see
// (one query for a page's worth).
func namesOf(app core.App, info *core.RequestInfo, collection string, ids map[string]bool) (map[string]string, error) {
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	recs, err := names(app, info, collection, list)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(recs))
	for id, r := range recs {
		out[id] = r.GetString("name")
	}
	return out, nil
}

// feedbackStatus marks a message new, read or done through the feedback
// Update rule (admins; a manager their partners').
func (u *portal) feedbackStatus(e *core.RequestEvent) error {
	user := getCtx(e).User
	rec, err := access.FindVisible(e.App, access.Info(user, http.MethodGet, nil), "feedback", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	}
	if err != nil {
		return err
	}
	status := formValue(e, "status")
	if !slices.Contains(feedbackStatuses, status) {
		return e.BadRequestError("", errors.New("bad feedback status"))
	}
	if _, err := updateWithEvent(e, rec, map[string]any{"status": status}, ""); err != nil {
		if errors.Is(err, access.ErrForbidden) {
			return e.ForbiddenError("", err)
		}
		return err
	}
	u.setFlash(e, "flash.feedback_marked")
	back := "/feedback/inbox"
	if b := formValue(e, "back"); b != "" {
		back = safeNext(b)
	}
	return e.Redirect(http.StatusSeeOther, back)
}
