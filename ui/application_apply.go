package ui

import (
	"database/sql"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/applications"
	"github.com/ponte-portal/ponte/internal/i18n"
)

// Form fields of the public application that are not applicant data: the
// honeypot, which people never see and scripts fill in, and the signed time
// the form was shown.
const (
	applyHoneypot = "homepage"
	applyStarted  = "started"
)

// applyFields are the applicant's fields, in form order.
var applyFields = []string{"company", "country", "website", "contact_name", "contact_email", "phone", "message"}

// applyData is the public form's data.
type applyData struct {
	Countries  []i18n.Country
	Token      string
	MaxMessage int
}

func (u *portal) applyPage(e *core.RequestEvent) *Page {
	loc := u.locale(e)
	return &Page{
		Title:  tr(loc, "applications.apply.title"),
		Data:   &applyData{Countries: i18n.Countries(loc), Token: applications.For(e.App).Token(), MaxMessage: applications.MaxMessage},
		Errors: map[string]string{}, Values: map[string]string{},
	}
}

// applyShow is the public "Become a partner" form.
func (u *portal) applyShow(e *core.RequestEvent) error {
	return u.render(e, http.StatusOK, "application_apply", u.applyPage(e))
}

// applyThanks is where every submission that is not refused lands, the
// ones silently dropped as automated included.
func (u *portal) applyThanks(e *core.RequestEvent) error {
	return u.render(e, http.StatusOK, "application_thanks", &Page{Title: u.t(e, "applications.thanks.title")})
}

// applySubmit receives an application. In order: a filled honeypot or a
// form sent too soon after it was shown (or with a forged timestamp) gets
// the thank-you page and is not stored, so a script learns nothing; an
// expired form asks to send again; invalid fields come back beside the
// form; past the per-address limit it is 429; an open application from the
// same e-mail or company is 409. Otherwise the application is stored with
// its event in one transaction, then the applicant and the admins are
// e-mailed.
func (u *portal) applySubmit(e *core.RequestEvent) error {
	loc := u.locale(e)
	guard := applications.For(e.App)
	if formValue(e, applyHoneypot) != "" {
		e.App.Logger().Info("application dropped: honeypot filled", "addr", guard.HashAddr(e.RealIP()))
		return e.Redirect(http.StatusSeeOther, "/apply/thanks")
	}
	p := u.applyPage(e)
	for _, f := range applyFields {
		p.Values[f] = formValue(e, f)
	}
	// The message keeps its line breaks.
	p.Values["message"] = strings.ToValidUTF8(strings.TrimSpace(e.Request.PostFormValue("message")), "")
	if formValue(e, "consent") == "1" {
		p.Values["consent"] = "1"
	}
	switch guard.CheckToken(formValue(e, applyStarted)) {
	case applications.TokenTooFast, applications.TokenForged:
		e.App.Logger().Info("application dropped: form timing", "addr", guard.HashAddr(e.RealIP()))
		return e.Redirect(http.StatusSeeOther, "/apply/thanks")
	case applications.TokenExpired:
		p.FormErr = tr(loc, "applications.error.expired")
		return u.render(e, http.StatusBadRequest, "application_apply", p)
	}

	in := applications.Normalize(applications.Input{
		Company: p.Values["company"], Country: p.Values["country"], Website: p.Values["website"],
		ContactName: p.Values["contact_name"], ContactEmail: p.Values["contact_email"], Phone: p.Values["phone"],
		Message: p.Values["message"], Consent: p.Values["consent"] == "1",
	})
	for field, fe := range applications.Validate(in) {
		args := make([]any, len(fe.Args))
		for i, a := range fe.Args {
			if n, ok := a.(int); ok {
				a = i18n.Int(loc, int64(n))
			}
			args[i] = a
		}
		p.Errors[field] = tr(loc, fe.Key, args...)
	}
	if len(p.Errors) > 0 {
		p.FormErr = tr(loc, "applications.error.fix")
		return u.render(e, http.StatusBadRequest, "application_apply", p)
	}
	if !guard.Allow(e.RealIP()) {
		p.FormErr = tr(loc, "applications.error.rate", i18n.Int(loc, int64(applications.Window/time.Minute)))
		return u.render(e, http.StatusTooManyRequests, "application_apply", p)
	}
	dup, err := openDuplicate(e.App, in.ContactEmail, applications.CompanyKey(in.Company))
	if err != nil {
		return err
	}
	if dup {
		p.FormErr = tr(loc, "applications.error.duplicate")
		return u.render(e, http.StatusConflict, "application_apply", p)
	}

	c, err := e.App.FindCachedCollectionByNameOrId("partner_applications")
	if err != nil {
		return err
	}
	rec := core.NewRecord(c)
	rec.Load(map[string]any{
		"company": in.Company, "country": in.Country, "website": in.Website, "contact_name": in.ContactName,
		"contact_email": in.ContactEmail, "phone": in.Phone, "message": in.Message, "consent": true,
		"consent_at": time.Now().UTC(), "locale": loc, "status": "new", "ip_hash": guard.HashAddr(e.RealIP()),
	})
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(rec); err != nil {
			return err
		}
		return activity.Record(tx, nil, activity.KindApplicationSubmitted, rec)
	})
	if err != nil {
		errs, ok := validationMessages(loc, err)
		if !ok {
			return err
		}
		// Two submissions in the same instant: the partial unique indexes
		// refuse the second.
		if _, dupEmail := errs["contact_email"]; dupEmail || errs["company_key"] != "" {
			p.FormErr = tr(loc, "applications.error.duplicate")
			return u.render(e, http.StatusConflict, "application_apply", p)
		}
		p.Errors = errs
		p.FormErr = tr(loc, "applications.error.fix")
		return u.render(e, http.StatusBadRequest, "application_apply", p)
	}

	// The application is kept whatever the mail server says; a failed
	// e-mail is logged, and the admins see the application in the list.
	if err := applications.SendReceived(e.App, rec); err != nil {
		e.App.Logger().Error("application confirmation e-mail", "application", rec.Id, "error", err)
	}
	if _, err := applications.NotifyAdmins(e.App, rec); err != nil {
		e.App.Logger().Error("application notice to admins", "application", rec.Id, "error", err)
	}
	return e.Redirect(http.StatusSeeOther, "/apply/thanks")
}

// openDuplicate reports whether an undecided application from the same
// e-mail address or the same company (by its key) exists. It reads as the
// system: the applicant, a guest, may not read applications, and learns only
// that one is pending.
func openDuplicate(app core.App, email, companyKey string) (bool, error) {
	// Two lookups, each answered by its partial unique index (SQLite does
	// not use partial indexes for the branches of an OR).
	for col, v := range map[string]string{"contact_email": email, "company_key": companyKey} {
		var id string
		err := app.DB().Select("id").From("partner_applications").
			Where(dbx.NewExp("status = 'new' AND [["+col+"]] = {:v}", dbx.Params{"v": v})).
			Limit(1).Row(&id)
		if err == nil {
			return true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
	}
	return false, nil
}
