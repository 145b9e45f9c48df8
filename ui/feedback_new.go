package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
)

// feedbackCategories are the feedback form's categories.
var feedbackCategories = []string{"idea", "problem", "praise", "other"}

// Feedback limits: the message's length, the page address's, and how many
// messages one person may send per hour.
const (
	minFeedback     = 5
	maxFeedback     = 4000
	maxFeedbackPage = 500
	feedbackPerHour = 10
	// feedbackMine is how many of their own messages the form lists.
	feedbackMine = 5
)

// FeedbackView is one feedback message as the form and the inbox show it.
type FeedbackView struct {
	ID, Category, Message, Page, Status string
	From, Partner                       string // inbox only
	Created                             time.Time
}

func feedbackView(r *core.Record) *FeedbackView {
	return &FeedbackView{ID: r.Id, Category: r.GetString("category"), Message: r.GetString("message"),
		Page: r.GetString("page"), Status: r.GetString("status"), Created: r.GetDateTime("created").Time()}
}

// feedbackFormData is the feedback form's data.
type feedbackFormData struct {
	Categories []string
	Mine       []*FeedbackView
	Max        int
}

// feedbackPage builds the form with the user's latest messages.
func (u *portal) feedbackPage(e *core.RequestEvent) (*Page, error) {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	d := &feedbackFormData{Categories: feedbackCategories, Max: maxFeedback}
	mine, err := access.ListVisible(e.App, info, "feedback", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"feedback.user": user.Id}}, Sort: []string{"-created"}, PerPage: feedbackMine})
	if err != nil {
		return nil, err
	}
	for _, r := range mine.Items {
		d.Mine = append(d.Mine, feedbackView(r))
	}
	p := &Page{Title: u.t(e, "feedback.title"), Data: d, Errors: map[string]string{}, Values: map[string]string{"category": "idea"}}
	return p, nil
}

// safeFeedbackPage keeps the optional page address if it is a local path
// or an http(s) address ("" otherwise, ok false).
func safeFeedbackPage(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	if utf8.RuneCountInString(s) > maxFeedbackPage || strings.ContainsAny(s, "\r\n") {
		return "", false
	}
	if strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
		return s, true
	}
	if u, err := url.Parse(s); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return s, true
	}
	return "", false
}

// feedbackShow is the feedback form, open to everyone signed in; ?page=
// pre-fills the page the feedback is about.
func (u *portal) feedbackShow(e *core.RequestEvent) error {
	p, err := u.feedbackPage(e)
	if err != nil {
		return err
	}
	if pg, ok := safeFeedbackPage(strings.TrimSpace(e.Request.URL.Query().Get("page"))); ok {
		p.Values["page"] = pg
	}
	return u.render(e, http.StatusOK, "feedback_new", p)
}

// feedbackSubmit files a message through the feedback Create rule, with an
// activity event, in one transaction. More than feedbackPerHour messages an
// hour is a 429.
func (u *portal) feedbackSubmit(e *core.RequestEvent) error {
	user := getCtx(e).User
	loc := u.locale(e)
	p, err := u.feedbackPage(e)
	if err != nil {
		return err
	}
	for _, f := range []string{"category", "page"} {
		p.Values[f] = formValue(e, f)
	}
	p.Values["message"] = strings.ToValidUTF8(strings.TrimSpace(e.Request.PostFormValue("message")), "")
	v := p.Values
	if !slices.Contains(feedbackCategories, v["category"]) {
		p.Errors["category"] = tr(loc, "validation.feedback_category")
	}
	switch n := utf8.RuneCountInString(v["message"]); {
	case n == 0:
		p.Errors["message"] = tr(loc, "validation.required")
	case n < minFeedback:
		p.Errors["message"] = tr(loc, "validation.feedback_too_short", minFeedback)
	case n > maxFeedback:
		p.Errors["message"] = tr(loc, "validation.feedback_too_long", maxFeedback)
	}
	page, ok := safeFeedbackPage(v["page"])
	if !ok {
		p.Errors["page"] = tr(loc, "validation.feedback_page")
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "feedback_new", p)
	}
	info := access.Info(user, http.MethodGet, nil)
	recent, err := access.CountVisible(e.App, info, "feedback", dbx.HashExp{"feedback.user": user.Id},
		dbx.NewExp("feedback.created > {:since}", dbx.Params{"since": dbTime(now().Add(-time.Hour))}))
	if err != nil {
		return err
	}
	if recent >= feedbackPerHour {
		p.FormErr = tr(loc, "validation.feedback_rate", feedbackPerHour)
		return u.render(e, http.StatusTooManyRequests, "feedback_new", p)
	}
	c, err := e.App.FindCachedCollectionByNameOrId("feedback")
	if err != nil {
		return err
	}
	rec := core.NewRecord(c)
	body := map[string]any{"user": user.Id, "category": v["category"], "message": v["message"], "page": page}
	err = createWithEvent(e, rec, body, activity.KindFeedbackSent)
	if err := u.saveError(e, p, err); err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "feedback_new", p)
	}
	u.setFlash(e, "flash.feedback_sent")
	return e.Redirect(http.StatusSeeOther, "/feedback")
}
