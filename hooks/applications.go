package hooks

import (
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/applications"
)

// Validation errors of partner applications, translated by the portal from
// their codes.
var (
	ErrApplicationDecided = validation.Errors{"status": validation.NewError(
		"validation_application_decided", "This application has already been decided.")}
	ErrApplicationNeedsPartner = validation.Errors{"partner": validation.NewError(
		"validation_required", "An approved application names the partner it created.")}
	ErrApplicationNeedsReason = validation.Errors{"decline_reason": validation.NewError(
		"validation_required", "A declined application says why.")}
)

// bindApplicationHooks binds the applications area's record hooks and jobs.
func bindApplicationHooks(app core.App) {
	app.OnRecordCreate("partner_applications").BindFunc(normaliseApplication)
	app.OnRecordUpdate("partner_applications").BindFunc(normaliseApplication)
	app.OnRecordValidate("partner_applications").BindFunc(validateApplication)
}

// normaliseApplication keeps the derived fields right for every save (the
// portal, the API, the demo): the lower-cased e-mail and the company key
// that open duplicates are found by, when consent was given, and when a
// decision was made.
func normaliseApplication(e *core.RecordEvent) error {
	r := e.Record
	r.Set("contact_email", strings.ToLower(strings.TrimSpace(r.GetString("contact_email"))))
	r.Set("company_key", applications.CompanyKey(r.GetString("company")))
	if r.GetBool("consent") && r.GetDateTime("consent_at").IsZero() {
		r.Set("consent_at", time.Now().UTC())
	}
	if r.GetString("status") == "" {
		r.Set("status", "new")
	}
	if r.GetString("status") != "new" && r.GetDateTime("decided_at").IsZero() {
		r.Set("decided_at", time.Now().UTC())
	}
	return e.Next()
}

// validateApplication holds the decision rules: a decision is final, an
// approval names its partner and a decline its reason.
func validateApplication(e *core.RecordEvent) error {
	r := e.Record
	status := r.GetString("status")
	if !r.IsNew() {
		if was := r.Original().GetString("status"); was != "new" && was != status {
			return ErrApplicationDecided
		}
	}
	switch status {
	case "approved":
		if r.GetString("partner") == "" {
			return ErrApplicationNeedsPartner
		}
	case "declined":
		if strings.TrimSpace(r.GetString("decline_reason")) == "" {
			return ErrApplicationNeedsReason
		}
	}
	return e.Next()
}
