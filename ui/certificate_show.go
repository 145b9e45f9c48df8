package ui

import (
	"html/template"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// certificateShowData is the printable certificate page's data.
type certificateShowData struct {
	Cert      *CertificateView
	VerifyURL string
	QR        template.HTML
	CanRevoke bool // staff whom the Update rule admits, certificate still valid
	RevokedBy string
	IsHolder  bool
	ReasonMax int
}

// certificatePage builds the certificate page for rec.
func (u *portal) certificatePage(e *core.RequestEvent, rec *core.Record, info *core.RequestInfo) (*Page, error) {
	user := getCtx(e).User
	views, err := certificateViews(e.App, info, []*core.Record{rec})
	if err != nil {
		return nil, err
	}
	v := views[0]
	d := &certificateShowData{Cert: v, VerifyURL: verifyURL(e, v.Code), IsHolder: v.UserID == user.Id, ReasonMax: maxRevocationReason}
	d.QR = certificateQR(e, d.VerifyURL, u.t(e, "certificates.qr_label", d.VerifyURL))
	// Only a certificate valid now can be revoked (one past its last day
	// shows as expired even before the hourly job marks it).
	if roles.IsStaff(roles.Of(user)) && v.Status == "valid" {
		ok, err := access.CanUpdate(e.App, access.Info(user, http.MethodPatch, revocationProbe("probe")), rec)
		if err != nil {
			return nil, err
		}
		d.CanRevoke = ok
	}
	if by := rec.GetString("revoked_by"); by != "" {
		if users, err := visibleByID(e.App, info, "users", []any{by}); err == nil && users[by] != nil {
			d.RevokedBy = userView(users[by], user).Name
		}
	}
	p := &Page{Title: u.t(e, "certificates.page_title", v.Certification, v.Holder), Data: d,
		Errors: map[string]string{}, Values: map[string]string{}}
	return p, nil
}

// certificateShow is the printable certificate: branding, holder, partner,
// certification, dates, the verification code, its short URL and a QR code
// of it. The certificates View rule decides who may open it (the holder,
// their partner admin, their manager, admins); anyone else gets a 404.
func (u *portal) certificateShow(e *core.RequestEvent) error {
	rec, info, err := visibleCertificate(e)
	if err != nil {
		return err
	}
	p, err := u.certificatePage(e, rec, info)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "certificate_show", p)
}
