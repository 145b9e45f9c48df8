package ui

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/roles"
)

// invitationRoutes binds the portal pages of invitations (staff invite a partner's first admin, partner admins invite colleagues) and their acceptance.
func (u *portal) invitationRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	// The invitee is a guest: the acceptance page works signed out. Its URL
	// carries the token, so PocketBase's request log (dashboard → Logs)
	// leaves these routes out: the token is only ever in the e-mail.
	g.GET("/invitations/accept/{token}", u.invitationAcceptShow).Bind(apis.SkipSuccessActivityLog())
	g.POST("/invitations/accept/{token}", u.invitationAcceptSubmit).Bind(apis.SkipSuccessActivityLog())
	g.POST("/invitations/accept/{token}/signout", u.invitationAcceptSignOut).Bind(apis.SkipSuccessActivityLog())
	g.GET("/invitations/accept/{token}/oauth2/{provider}", u.invitationOAuth2Start).Bind(apis.SkipSuccessActivityLog())
	g.GET("/invitations/oauth2/{provider}/callback", u.invitationOAuth2Callback)

	// Staff and partner admins; each handler checks the role.
	in.GET("/invitations", u.invitationList)
	in.GET("/invitations/new", u.invitationNewShow)
	in.POST("/invitations/new", u.invitationNewSubmit)
	in.POST("/invitations/resend/{id}", u.invitationResend)
	in.POST("/invitations/revoke/{id}", u.invitationRevoke)

	// Admins only: a new partner and its first admin.
	staff.GET("/invitations/partner", u.invitationPartnerShow)
	staff.POST("/invitations/partner", u.invitationPartnerSubmit)
}

// mayListInvitations reports whether a role has the invitations pages.
func mayListInvitations(user *core.Record) bool {
	r := roles.Of(user)
	return roles.IsStaff(r) || (r == roles.PartnerAdmin && user.GetString("partner") != "")
}

// requireInviter refuses the invitations pages to partner users.
func requireInviter(e *core.RequestEvent) error {
	if !mayListInvitations(getCtx(e).User) {
		return e.ForbiddenError("", errors.New("invitations: role may not invite"))
	}
	return nil
}

// InvitationView is an invitation as the list shows it (never its hash).
type InvitationView struct {
	ID, Email, Name, Role, Status     string
	Partner                           *PartnerView
	InvitedBy                         string // the inviter's name; "" = the system
	InvitedByStaff                    bool   // an inviter the viewer may not see
	Created, Expires, LastSent        time.Time
	RemindedAt, AcceptedAt, RevokedAt time.Time
	SendCount                         int
	CanManage                         bool
}

// invitationViews maps invitations, resolving partners and inviters through
// the viewer's own List rules in two queries.
func invitationViews(app core.App, info *core.RequestInfo, recs []*core.Record) ([]*InvitationView, error) {
	pids, uids := []any{}, []any{}
	for _, r := range recs {
		if p := r.GetString("partner"); p != "" {
			pids = append(pids, p)
		}
		if b := r.GetString("invited_by"); b != "" {
			uids = append(uids, b)
		}
	}
	partners, err := visibleByID(app, info, "partners", pids)
	if err != nil {
		return nil, err
	}
	inviters, err := visibleByID(app, info, "users", uids)
	if err != nil {
		return nil, err
	}
	out := make([]*InvitationView, len(recs))
	t := now()
	for i, r := range recs {
		v := &InvitationView{ID: r.Id, Email: r.GetString("email"), Name: r.GetString("name"), Role: r.GetString("role"),
			Status: r.GetString("status"), Created: r.GetDateTime("created").Time(), Expires: r.GetDateTime("expires").Time(),
			LastSent: r.GetDateTime("last_sent").Time(), RemindedAt: r.GetDateTime("reminded_at").Time(),
			AcceptedAt: r.GetDateTime("accepted_at").Time(), RevokedAt: r.GetDateTime("revoked_at").Time(),
			SendCount: r.GetInt("send_count")}
		if v.Status == invite.StatusPending && !v.Expires.After(t) {
			v.Status = invite.StatusExpired // not yet swept by the hourly job
		}
		if p := partners[r.GetString("partner")]; p != nil {
			v.Partner = partnerView(p)
		}
		if b := r.GetString("invited_by"); b != "" {
			if who := inviters[b]; who != nil {
				v.InvitedBy = userView(who, info.Auth).Name
			} else {
				v.InvitedByStaff = true
			}
		}
		var partner *core.Record
		if p := partners[r.GetString("partner")]; p != nil {
			partner = p
		}
		v.CanManage = (v.Status == invite.StatusPending || v.Status == invite.StatusExpired) &&
			(partner != nil || r.GetString("partner") == "") && invite.MayInvite(info.Auth, partner, v.Role)
		out[i] = v
	}
	return out, nil
}

// findInvitation loads an invitation through its View rule (404 otherwise).
func findInvitation(e *core.RequestEvent) (*core.Record, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, invite.Collection, e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	return rec, err
}

// inviteError turns a refusal of internal/invite into its HTTP status and
// translated message; ok is false for other errors (returned as they are).
func inviteError(loc string, err error) (status int, field, msg string, ok bool) {
	var ie *invite.Error
	if errors.As(err, &ie) {
		return ie.Status, ie.Field, tr(loc, ie.Key), true
	}
	var cd *invite.CooldownError
	if errors.As(err, &cd) {
		return http.StatusTooManyRequests, "", tr(loc, cd.Key(), cd.Minutes(now())), true
	}
	return 0, "", "", false
}
