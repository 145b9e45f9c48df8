package ui

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/roles"
)

// announcementShowData is the announcement page's data.
type announcementShowData struct {
	Ann                *AnnouncementView
	CanEdit, CanDelete bool
	// CanAck shows the "I have read it" button; Acked says it was pressed.
	CanAck, Acked bool
	AckedAt       time.Time
	// Rate is the read rate, for staff.
	Rate *readRate
}

// readRate is an announcement's reach and reading, as far as the viewer's
// rules show them: a manager sees their own partners only.
type readRate struct {
	Partners, Users, Readers, Acks int
	Pct, AckPct                    int
	Rows                           []readRateRow
	Pager                          Pager
}

// readRateRow is one partner of the audience with its readers.
type readRateRow struct {
	Name, Slug           string
	Users, Readers, Acks int
	Pct                  int
}

// readRatePartnersPerPage is how many partners the read-rate table lists
// per page.
const readRatePartnersPerPage = 25

// announcementShow shows an announcement and records that the viewer read
// it (once; the receipt's hook adds the activity event).
func (u *portal) announcementShow(e *core.RequestEvent) error {
	rec, info, err := visibleAnnouncement(e)
	if err != nil {
		return err
	}
	c := getCtx(e)
	errs := map[string]string{}
	_, page := listQuery(u.locale(e), e.Request.URL.Query(), errs)
	if len(errs) > 0 {
		return e.BadRequestError("", errors.New("bad page"))
	}
	markLinkRead(e, "/announcements/"+rec.Id)
	d := &announcementShowData{Ann: announcementView(rec)}
	d.Ann.Body = template.HTML(rec.GetString("body_html"))
	if a := rec.GetString("author"); a != "" {
		authors, err := visibleByID(e.App, info, "users", []any{a})
		if err != nil {
			return err
		}
		if r := authors[a]; r != nil {
			d.Ann.Author = r.GetString("name")
		}
	}
	if d.Ann.State == "live" {
		read, err := u.markRead(e, rec)
		if err != nil {
			return err
		}
		if read != nil && !read.GetDateTime("acknowledged").IsZero() {
			d.Acked, d.AckedAt = true, read.GetDateTime("acknowledged").Time()
		}
		d.CanAck = d.Ann.RequiresAck && !d.Acked && c.User.GetString("partner") != ""
	}
	if canWriteAnnouncements(c.User) {
		if d.CanEdit, err = access.CanUpdate(e.App, access.Info(c.User, http.MethodPatch, nil), rec); err != nil {
			return err
		}
		if d.CanDelete, err = access.CanDelete(e.App, access.Info(c.User, http.MethodDelete, nil), rec); err != nil {
			return err
		}
		if d.Rate, err = u.readRate(e, info, rec, page); err != nil {
			return err
		}
	}
	return u.render(e, http.StatusOK, "announcement_show", &Page{Title: d.Ann.Title, Data: d})
}

// markRead returns the viewer's read receipt of rec, creating it through
// the receipts' Create rule on the first visit. Two tabs opening the page
// at once meet the unique (announcement, user) index: the loser finds the
// winner's receipt.
func (u *portal) markRead(e *core.RequestEvent, rec *core.Record) (*core.Record, error) {
	user := getCtx(e).User
	find := func() (*core.Record, error) {
		res, err := access.ListVisible(e.App, access.Info(user, http.MethodGet, nil), "announcement_reads", access.ListOptions{
			Where:   []dbx.Expression{dbx.HashExp{"announcement_reads.announcement": rec.Id, "announcement_reads.user": user.Id}},
			PerPage: 1})
		if err != nil || len(res.Items) == 0 {
			return nil, err
		}
		return res.Items[0], nil
	}
	read, err := find()
	if err != nil || read != nil {
		return read, err
	}
	c, err := e.App.FindCachedCollectionByNameOrId("announcement_reads")
	if err != nil {
		return nil, err
	}
	read = core.NewRecord(c)
	err = e.App.RunInTransaction(func(tx core.App) error {
		return access.Create(tx, access.Info(user, http.MethodPost,
			map[string]any{"announcement": rec.Id, "user": user.Id}), read)
	})
	if err != nil {
		if again, ferr := find(); ferr == nil && again != nil {
			return again, nil
		}
		// The page is still worth showing; the receipt is retried on the
		// next visit.
		e.App.Logger().Warn("recording an announcement read", "announcement", rec.Id, "error", err)
		return nil, nil
	}
	return read, nil
}

// announcementAcknowledge records the viewer's "I have read it" on an
// announcement that asks for it, through the receipts' Update rule.
func (u *portal) announcementAcknowledge(e *core.RequestEvent) error {
	rec, _, err := visibleAnnouncement(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	if user.GetString("partner") == "" {
		return e.ForbiddenError("", errors.New("only partner users acknowledge announcements"))
	}
	if !rec.GetBool("requires_acknowledgement") || announcementState(rec, now()) != "live" {
		return e.BadRequestError("", errors.New("announcement asks for no acknowledgement"))
	}
	read, err := u.markRead(e, rec)
	if err != nil {
		return err
	}
	if read == nil {
		return errors.New("announcements: no read receipt to acknowledge")
	}
	if read.GetDateTime("acknowledged").IsZero() {
		err := e.App.RunInTransaction(func(tx core.App) error {
			fresh, err := tx.FindRecordById("announcement_reads", read.Id)
			if err != nil {
				return err
			}
			return access.Update(tx, access.Info(user, http.MethodPatch,
				map[string]any{"acknowledged": types.NowDateTime()}), fresh)
		})
		if errors.Is(err, access.ErrForbidden) {
			return e.ForbiddenError("", err)
		} else if err != nil {
			return err
		}
	}
	u.setFlash(e, "flash.announcement_acknowledged")
	return e.Redirect(http.StatusSeeOther, "/announcements/"+rec.Id)
}

// readRate counts the announcement's audience and readers for staff. Every
// count goes through the viewer's rules (a manager's partners only) and
// narrows announcement_reads by its (announcement, partner) index.
func (u *portal) readRate(e *core.RequestEvent, info *core.RequestInfo, rec *core.Record, page int) (*readRate, error) {
	user := getCtx(e).User
	aud := documents.AudienceOf(rec)
	r := &readRate{}
	var err error
	// "+" keeps SQLite off the deactivated index, which would walk every
	// user; the partner conditions narrow far more.
	active := dbx.NewExp("+users.deactivated = {:annActive}", dbx.Params{"annActive": false})
	if roles.Of(user) == roles.Admin {
		// An admin's rules show every partner, user and receipt, so the
		// totals are plain counts on the indexes (as the document page does
		// for its totals): the rule's joins on each of thousands of rows
		// would cost a hundred milliseconds.
		if r.Partners, r.Users, err = documents.Reach(e.App, aud); err != nil {
			return nil, err
		}
		q := func(extra string) (int, error) {
			var n int
			err := e.App.DB().NewQuery("SELECT COUNT(*) FROM announcement_reads WHERE announcement = {:a} AND partner != ''" + extra).
				Bind(dbx.Params{"a": rec.Id}).Row(&n)
			return n, err
		}
		if r.Readers, err = q(""); err != nil {
			return nil, err
		}
		if rec.GetBool("requires_acknowledgement") {
			if r.Acks, err = q(" AND acknowledged != ''"); err != nil {
				return nil, err
			}
		}
	} else {
		if r.Partners, err = access.CountVisible(e.App, info, "partners", withScope(user, "partners.id", aud.PartnerWhere())...); err != nil {
			return nil, err
		}
		if r.Users, err = access.CountVisible(e.App, info, "users",
			withScope(user, "users.partner", active, audienceUsersExpr(e.App, aud))...); err != nil {
			return nil, err
		}
		reads := withScope(user, "announcement_reads.partner", dbx.HashExp{"announcement_reads.announcement": rec.Id},
			dbx.NewExp("announcement_reads.partner != ''"))
		if r.Readers, err = access.CountVisible(e.App, info, "announcement_reads", reads...); err != nil {
			return nil, err
		}
		if rec.GetBool("requires_acknowledgement") {
			if r.Acks, err = access.CountVisible(e.App, info, "announcement_reads",
				append(reads, dbx.NewExp("announcement_reads.acknowledged != ''"))...); err != nil {
				return nil, err
			}
		}
	}
	r.Pct, r.AckPct = percent(r.Readers, r.Users), percent(r.Acks, r.Users)

	partners, err := access.ListVisible(e.App, info, "partners", access.ListOptions{
		Where: []dbx.Expression{aud.PartnerWhere()}, Sort: []string{"name"}, Page: page, PerPage: readRatePartnersPerPage})
	if err != nil {
		return nil, err
	}
	r.Pager = newPager("/announcements/"+rec.Id, nil, page, partners.HasMore)
	if len(partners.Items) == 0 {
		return r, nil
	}
	ids := make([]any, len(partners.Items))
	for i, p := range partners.Items {
		ids[i] = p.Id
	}
	inPartners := dbx.In("announcement_reads.partner", ids...)
	one := dbx.HashExp{"announcement_reads.announcement": rec.Id}
	readers, err := access.CountVisibleBy(e.App, info, "announcement_reads", "partner", "", 0, one, inPartners)
	if err != nil {
		return nil, err
	}
	acks, err := access.CountVisibleBy(e.App, info, "announcement_reads", "partner", "", 0, one, inPartners,
		dbx.NewExp("announcement_reads.acknowledged != ''"))
	if err != nil {
		return nil, err
	}
	users, err := access.CountVisibleGrouped(e.App, info, "users", "partner", dbx.In("users.partner", ids...), active)
	if err != nil {
		return nil, err
	}
	byKey := func(rows []access.GroupCount) map[string]int {
		m := make(map[string]int, len(rows))
		for _, g := range rows {
			m[g.Key] = g.Rows
		}
		return m
	}
	nr, na := byKey(readers), byKey(acks)
	for _, p := range partners.Items {
		row := readRateRow{Name: p.GetString("name"), Slug: p.GetString("slug"), Users: users[p.Id],
			Readers: nr[p.Id], Acks: na[p.Id]}
		row.Pct = percent(row.Readers, row.Users)
		r.Rows = append(r.Rows, row)
	}
	return r, nil
}

// percent is part of whole in whole percent, at most 100 (readers who left
// the audience after reading still count as readers).
func percent(part, whole int) int {
	if whole <= 0 {
		return 0
	}
	return min(part*100/whole, 100)
}

// audienceSeq numbers the parameters of audienceUsersExpr.
var audienceSeq atomic.Uint64

// audienceUsersExpr matches the users of the partners an audience reaches
// (documents.Audience.PartnerWhere as a subquery, its parameters renamed so
// they never clash with the outer query's).
func audienceUsersExpr(app core.App, a documents.Audience) dbx.Expression {
	q := app.DB().Select("partners.id").From("partners").Where(a.PartnerWhere()).Build()
	sql, params := q.SQL(), dbx.Params{}
	seq := audienceSeq.Add(1)
	for k, v := range q.Params() {
		nk := fmt.Sprintf("aud%d_%s", seq, k)
		sql = strings.ReplaceAll(sql, "{:"+k+"}", "{:"+nk+"}")
		params[nk] = v
	}
	return dbx.NewExp("users.partner IN ("+sql+")", params)
}
