package ui

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
)

// maxRevocationReason is the longest revocation reason (the schema's limit).
const maxRevocationReason = hooks.MaxRevocationReason

// certificateRevoke revokes a valid certificate with the reason given, for
// the staff the certificates Update rule admits (admins, the partner's
// manager). The hook stamps the date and the actor, appends the event and
// notifies the holder in the same transaction. A missing or long reason
// re-shows the page with the error beside the field (400); a certificate
// no longer valid is a conflict (409); a manager of another partner never
// sees the certificate (404).
func (u *portal) certificateRevoke(e *core.RequestEvent) error {
	rec, info, err := visibleCertificate(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	loc := u.locale(e)
	reason := formValue(e, "revocation_reason")
	ok, err := access.CanUpdate(e.App, access.Info(user, http.MethodPatch, revocationProbe(reason)), rec)
	if err != nil {
		return err
	}
	if !ok {
		return e.ForbiddenError("", errors.New("certificate not revocable by this user"))
	}
	p, err := u.certificatePage(e, rec, info)
	if err != nil {
		return err
	}
	p.Values["revocation_reason"] = reason
	status := http.StatusBadRequest
	switch n := utf8.RuneCountInString(reason); {
	case p.Data.(*certificateShowData).Cert.Status != "valid":
		p.FormErr = tr(loc, "validation.certificate_not_valid")
		status = http.StatusConflict
	case n == 0:
		p.Errors["revocation_reason"] = tr(loc, "validation.certificate_reason_required")
	case n > maxRevocationReason:
		p.Errors["revocation_reason"] = tr(loc, "validation.certificate_reason_too_long")
	}
	if len(p.Errors) == 0 && p.FormErr == "" {
		_, err = updateWithEvent(e, rec, revocationProbe(reason), "")
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
		if len(p.Errors) == 0 && p.FormErr == "" {
			u.setFlash(e, "flash.certificates.revoked")
			return e.Redirect(http.StatusSeeOther, "/certificates/"+rec.Id)
		}
		// The hook refused: the certificate changed meanwhile.
		if p.Errors["revocation_reason"] == "" {
			for _, msg := range p.Errors {
				p.FormErr = msg
			}
			p.Errors = map[string]string{}
			status = http.StatusConflict
		}
	}
	return u.render(e, status, "certificate_show", p)
}
