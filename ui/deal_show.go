package ui

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/deals"
	"github.com/ponte-portal/ponte/internal/roles"
)

// DealEventView is one row of a deal's history.
type DealEventView struct {
	At                                         time.Time
	Who                                        string // "" when the viewer may not see who
	System                                     bool   // made by the portal itself (the expiry job, imports)
	FromStage, ToStage, FromStatus, ToStatus   string
	FromBase, ToBase                           float64
	Comment                                    string
	Created, StageChanged, StatusChanged, Paid bool
}

// ConflictView is the other registration an approver compares a flagged
// deal with. Approvers only: partners never learn whose it is.
type ConflictView struct {
	ID, Customer, Domain, Country, PartnerName, Stage, Status, Currency string
	Amount                                                              float64
	Submitted, ProtectionUntil                                          time.Time
	SamePartner, Visible                                                bool
}

// dealShowData is the deal page's data.
type dealShowData struct {
	Deal    *DealView
	History []*DealEventView
	Base    string
	// Notice is what a partner is told about a flagged registration:
	// "protected" (another partner's registration, never named) or
	// "duplicate" (their own organisation's).
	Notice string
	// Conflict is the other registration, for approvers only.
	Conflict *ConflictView
	// The update form.
	CanUpdate, AmountLocked bool
	StageOptions            []string
	Currencies              []string
	// The approver panel.
	IsApprover, CanDecide, CanExtend bool
	ProtectionDays                   int
}

// dealShow shows a deal the View rule lets the user see: details, history,
// the update form when the Update rule allows, and for approvers the
// decision panel with the conflicting registration side by side.
func (u *portal) dealShow(e *core.RequestEvent) error {
	rec, info, err := visibleDeal(e)
	if err != nil {
		return err
	}
	p, err := u.dealPage(e, rec, info)
	if err != nil {
		return err
	}
	p.Values = dealFormValues(rec)
	return u.render(e, http.StatusOK, "deal_show", p)
}

// dealFormValues are the update form's values for rec.
func dealFormValues(rec *core.Record) map[string]string {
	v := map[string]string{"stage": rec.GetString("stage"), "amount": fmt.Sprintf("%.2f", rec.GetFloat("amount")),
		"currency": rec.GetString("currency"), "notes": rec.GetString("notes")}
	if ec := rec.GetDateTime("expected_close"); !ec.IsZero() {
		v["expected_close"] = ec.Time().Format(time.DateOnly)
	}
	return v
}

// dealPage builds the deal page for rec (shared with the update and
// decision handlers, which re-show it with errors).
func (u *portal) dealPage(e *core.RequestEvent, rec *core.Record, info *core.RequestInfo) (*Page, error) {
	user := getCtx(e).User
	set := deals.LoadSettings(e.App)
	v := dealView(rec)
	d := &dealShowData{Deal: v, Base: set.BaseCurrency, ProtectionDays: set.ProtectionDays}
	role := roles.Of(user)
	d.IsApprover = isDealApprover(e.App, user, rec)

	names, err := visibleByID(e.App, info, "users", []any{rec.GetString("submitted_by"), rec.GetString("decided_by")})
	if err != nil {
		return nil, err
	}
	if r := names[rec.GetString("submitted_by")]; r != nil {
		v.SubmittedBy = r.GetString("name")
	}
	if r := names[rec.GetString("decided_by")]; r != nil {
		v.DecidedBy = r.GetString("name")
	}
	if pr, err := access.FindVisible(e.App, info, "partners", v.PartnerID); err == nil {
		v.PartnerName = pr.GetString("name")
	}
	if d.History, err = dealHistory(e.App, info, rec.Id); err != nil {
		return nil, err
	}
	if rec.GetBool("conflict") {
		if err := dealConflict(e.App, info, rec, d); err != nil {
			return nil, err
		}
	}

	canUpdate, err := access.CanUpdate(e.App, access.Info(user, http.MethodPatch, nil), rec)
	if err != nil {
		return nil, err
	}
	d.CanUpdate = canUpdate
	staff := roles.IsStaff(role)
	d.AmountLocked = v.Stage == deals.StageWon && !staff
	d.StageOptions = dealStageOptions(v.Stage, d.IsApprover)
	d.Currencies = deals.Currencies(e.App, set.BaseCurrency)
	if !slices.Contains(d.Currencies, v.Currency) {
		d.Currencies = append(d.Currencies, v.Currency)
	}
	d.CanDecide = d.IsApprover && v.Status == deals.StatusPending
	d.CanExtend = d.IsApprover && v.Status == deals.StatusApproved && v.Open
	return &Page{Title: v.Customer, Data: d, Errors: map[string]string{}}, nil
}

// dealStageOptions lists the stages the form offers from stage: the open
// stages and the closing ones; won stays won; lost stays lost unless an
// approver reopens it.
func dealStageOptions(stage string, approver bool) []string {
	switch {
	case stage == deals.StageWon:
		return []string{deals.StageWon}
	case stage == deals.StageLost && !approver:
		return []string{deals.StageLost}
	case stage == deals.StageLost:
		return append(slices.Clone(deals.OpenStages), deals.StageLost)
	}
	return deals.Stages
}

// dealHistory maps the deal's history rows (under deal_events' own List
// rule) with the names of the people the viewer may see.
func dealHistory(app core.App, info *core.RequestInfo, id string) ([]*DealEventView, error) {
	page, err := access.ListVisible(app, info, "deal_events", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"deal_events.deal": id}}, Sort: []string{"at"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	var uids []any
	for _, r := range page.Items {
		if r.GetString("user") != "" {
			uids = append(uids, r.GetString("user"))
		}
	}
	users, err := visibleByID(app, info, "users", uids)
	if err != nil {
		return nil, err
	}
	out := make([]*DealEventView, 0, len(page.Items))
	for _, r := range page.Items {
		ev := &DealEventView{At: r.GetDateTime("at").Time(), FromStage: r.GetString("from_stage"), ToStage: r.GetString("to_stage"),
			FromStatus: r.GetString("from_status"), ToStatus: r.GetString("to_status"), FromBase: r.GetFloat("from_amount_base"),
			ToBase: r.GetFloat("to_amount_base"), Comment: r.GetString("comment")}
		if u := users[r.GetString("user")]; u != nil {
			ev.Who = u.GetString("name")
		}
		ev.System = r.GetString("user") == ""
		ev.Created = ev.FromStatus == "" && ev.FromStage == ""
		ev.StageChanged = !ev.Created && ev.FromStage != ev.ToStage
		ev.StatusChanged = !ev.Created && ev.FromStatus != ev.ToStatus
		ev.Paid = !ev.Created && ev.FromBase != ev.ToBase
		out = append(out, ev)
	}
	return out, nil
}

// dealConflict fills what the viewer is told about a flagged registration.
// The other deal is read directly, and only for approvers: a manager must
// compare it with a deal of a partner they do not manage, which the deals
// rule would hide, and which partners must never see.
func dealConflict(app core.App, info *core.RequestInfo, rec *core.Record, d *dealShowData) error {
	other, err := app.FindRecordById("deals", rec.GetString("conflict_with"))
	if err != nil {
		return nil // the other deal was deleted: nothing to compare
	}
	same := other.GetString("partner") == rec.GetString("partner")
	d.Notice = "protected"
	if same {
		d.Notice = "duplicate"
	}
	if !d.IsApprover {
		return nil
	}
	c := &ConflictView{ID: other.Id, Customer: other.GetString("customer_name"), Domain: other.GetString("customer_domain"),
		Country: other.GetString("customer_country"), Stage: other.GetString("stage"), Status: other.GetString("status"),
		Currency: other.GetString("currency"), Amount: other.GetFloat("amount"),
		Submitted: other.GetDateTime("submitted").Time(), ProtectionUntil: other.GetDateTime("protection_until").Time(),
		SamePartner: same}
	if p, err := app.FindRecordById("partners", other.GetString("partner")); err == nil {
		c.PartnerName = p.GetString("name")
	}
	_, err = access.FindVisible(app, info, "deals", other.Id)
	c.Visible = err == nil
	d.Conflict = c
	return nil
}
