package ui

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/training"
)

// certificateRoutes binds the certificate pages and the public verification page: in for signed-in users, staff for vendor staff only, g
// for guests too.
func (u *portal) certificateRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	// Public: no session needed, rate-limited per client address.
	g.GET("/verify", u.verifyForm)
	g.GET("/verify/{code}", u.verifyShow)

	in.GET("/certificates", u.certificateList)
	in.GET("/certificates/export.csv", u.certificateExport)
	in.GET("/certificates/{id}", u.certificateShow)
	in.GET("/certifications", u.certificationList)

	staff.POST("/certificates/{id}/revoke", u.certificateRevoke)
	staff.GET("/certifications/report", u.certifiedReport)
	staff.GET("/certifications/report.csv", u.certifiedReportExport)
	// The rule admits admins only; managers get a 403 from requireCertAdmin.
	staff.GET("/certifications/new", u.certificationNewShow)
	staff.POST("/certifications/new", u.certificationNewSubmit)
	staff.GET("/certifications/{id}/edit", u.certificationEditShow)
	staff.POST("/certifications/{id}/edit", u.certificationEditSubmit)
}

// certificateStates are the statuses a certificate is shown with.
var certificateStates = []string{"valid", "expired", "revoked"}

// certExpiringDays is the window of "expiring soon" (filters, report, badge).
const certExpiringDays = 30

// CertificateView is a certificate as the list, its page and exports show
// it. Status is as of the page view: a valid certificate past its last
// valid day shows as expired before the hourly job has marked it.
type CertificateView struct {
	ID, UserID, PartnerID, CertificationID string
	Holder, Partner, Certification         string
	Code, FormattedCode                    string
	Status, Reason                         string
	Issued, Expires, Revoked               time.Time
	Expiring                               bool // valid and ending within certExpiringDays
	DaysLeft                               int
}

// certificateStatus is a certificate's status at now: the stored one, or
// expired for a valid certificate past its last valid day.
func certificateStatus(stored string, expires, at time.Time) string {
	if stored == "valid" && training.Expired(expires, at) {
		return "expired"
	}
	return stored
}

func certificateView(r *core.Record, at time.Time) *CertificateView {
	v := &CertificateView{
		ID: r.Id, UserID: r.GetString("user"), PartnerID: r.GetString("partner"), CertificationID: r.GetString("certification"),
		Holder: r.GetString("holder_name"), Partner: r.GetString("partner_name"),
		Code: r.GetString("code"), FormattedCode: training.FormatCode(r.GetString("code")),
		Reason: r.GetString("revocation_reason"), Issued: r.GetDateTime("issued").Time(),
		Expires: r.GetDateTime("expires").Time(), Revoked: r.GetDateTime("revoked").Time(),
	}
	v.Status = certificateStatus(r.GetString("status"), v.Expires, at)
	if v.Status == "valid" && !v.Expires.IsZero() {
		v.DaysLeft = hooks.DaysLeft(v.Expires, certDay(at))
		v.Expiring = v.DaysLeft <= certExpiringDays
	}
	return v
}

// certDay is midnight UTC of t's day.
func certDay(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// certificateViews maps certificates and names their certifications in one
// query through the viewer's own List rule.
func certificateViews(app core.App, info *core.RequestInfo, recs []*core.Record) ([]*CertificateView, error) {
	at := now()
	ids := []any{}
	for _, r := range recs {
		ids = append(ids, r.GetString("certification"))
	}
	certs, err := visibleByID(app, info, "certifications", ids)
	if err != nil {
		return nil, err
	}
	out := make([]*CertificateView, len(recs))
	for i, r := range recs {
		out[i] = certificateView(r, at)
		if c := certs[r.GetString("certification")]; c != nil {
			out[i].Certification = c.GetString("name")
		}
	}
	return out, nil
}

// certificateStateExpr matches the certificates in a state at t, judged as
// certificateStatus does, on the (status, expires) index.
func certificateStateExpr(state string, t time.Time) dbx.Expression {
	p := dbx.Params{"certCut": dbTime(t.AddDate(0, 0, -1))}
	switch state {
	case "valid":
		return dbx.NewExp("certificates.status = 'valid' AND (certificates.expires = '' OR certificates.expires > {:certCut})", p)
	case "expired":
		return dbx.NewExp("(certificates.status = 'expired' OR (certificates.status = 'valid'"+
			" AND certificates.expires != '' AND certificates.expires <= {:certCut}))", p)
	case "revoked":
		return dbx.HashExp{"certificates.status": "revoked"}
	}
	return dbx.NewExp("1=0")
}

// certificateExpiringExpr matches valid certificates whose last valid day is
// within certExpiringDays of t's day.
func certificateExpiringExpr(t time.Time) dbx.Expression {
	return dbx.NewExp("certificates.status = 'valid' AND certificates.expires > {:certCut} AND certificates.expires < {:certHorizon}",
		dbx.Params{"certCut": dbTime(t.AddDate(0, 0, -1)), "certHorizon": dbTime(certDay(t).AddDate(0, 0, certExpiringDays+1))})
}

// certificateScope narrows a viewer's queries on a collection with user
// and partner columns (certificates, certificate_counts) to what their role
// can see at most (the rule still decides), so SQLite can use the (user,
// …) and (partner, …) indexes instead of evaluating the whole rule on every
// row: a partner user's own rows, a partner admin's organisation, a
// manager's partners (from the (manager, name) index of partners).
func certificateScope(user *core.Record, table string) []dbx.Expression {
	col := func(c string) string { return table + "." + c }
	switch roles.Of(user) {
	case roles.PartnerUser:
		return []dbx.Expression{dbx.HashExp{col("user"): user.Id}}
	case roles.PartnerAdmin:
		p := user.GetString("partner")
		if table == "certificate_counts" {
			return []dbx.Expression{dbx.HashExp{col("partner"): p}}
		}
		if p != "" {
			return []dbx.Expression{dbx.Or(dbx.HashExp{col("partner"): p}, dbx.HashExp{col("user"): user.Id})}
		}
		return []dbx.Expression{dbx.HashExp{col("user"): user.Id}}
	case roles.Manager:
		managed := dbx.NewExp("[["+col("partner")+"]] IN (SELECT [[id]] FROM {{partners}} WHERE [[manager]] = {:certScopeManager})",
			dbx.Params{"certScopeManager": user.Id})
		if table == "certificate_counts" {
			return []dbx.Expression{managed}
		}
		// A manager who took a course holds a certificate of their own.
		return []dbx.Expression{dbx.Or(managed, dbx.HashExp{col("user"): user.Id})}
	}
	return nil
}

// certificatePastDueExpr matches valid certificates whose last valid day
// has passed at t but that the hourly job has not marked yet: a narrow
// range of the (status, expires) index.
func certificatePastDueExpr(t time.Time) dbx.Expression {
	return dbx.NewExp("certificates.status = 'valid' AND certificates.expires != '' AND certificates.expires <= {:certCut}",
		dbx.Params{"certCut": dbTime(t.AddDate(0, 0, -1))})
}

// visibleCertificate loads the certificate in the path through its View
// rule (404 when the user may not see it).
func visibleCertificate(e *core.RequestEvent) (*core.Record, *core.RequestInfo, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, "certificates", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, nil, e.NotFoundError("", err)
	}
	return rec, info, err
}

// revocationProbe is a revocation body, for asking the Update rule whether
// the viewer may revoke before showing the form.
func revocationProbe(reason string) map[string]any {
	return map[string]any{"status": "revoked", "revocation_reason": reason}
}

// certificationOptions lists the certifications the viewer may see, for
// filters (at most 200: certifications are few).
func certificationOptions(app core.App, info *core.RequestInfo) ([]Option, error) {
	page, err := access.ListVisible(app, info, "certifications", access.ListOptions{Sort: []string{"name"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	out := make([]Option, 0, len(page.Items))
	for _, r := range page.Items {
		out = append(out, Option{Value: r.Id, Label: r.GetString("name")})
	}
	return out, nil
}

// certPartnerOptionsMax is how many partners a filter lists as choices;
// beyond, the filter searches partners by name instead.
const certPartnerOptionsMax = 200

// certPartnerOptions lists the partners the viewer may see, by name, up to
// certPartnerOptionsMax; more reports that there are others.
func certPartnerOptions(app core.App, info *core.RequestInfo) (opts []Option, more bool, err error) {
	res, err := access.ListVisible(app, info, "partners", access.ListOptions{Sort: []string{"name"}, PerPage: certPartnerOptionsMax})
	if err != nil {
		return nil, false, err
	}
	for _, p := range res.Items {
		opts = append(opts, Option{Value: p.Id, Label: p.GetString("name")})
	}
	return opts, res.HasMore, nil
}

// certHasOption reports whether v is one of the options' values.
func certHasOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}
