package ui

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/roles"
)

// documentShowData is a document page's data.
type documentShowData struct {
	Doc      *DocumentView
	Current  *VersionView
	Versions []*VersionView
	MoreHistory,
	CanEdit, CanDelete, Acked, CanAck bool
	AckedAt time.Time
	// Staff analytics and a partner admin's own organisation's figures.
	Stats *documentStats
	// Limit is the upload limit, shown beside the file input.
	Limit    int64
	Statuses []string
}

// documentStats are a document's usage figures, each counted through the
// List rule of downloads and acknowledgements: a manager sees their
// partners' figures, a partner admin their own organisation's.
type documentStats struct {
	Downloads, Downloaders int
	ByPartner              []statRow
	ByVersion              []statRow
	ByUser                 []statRow
	// Acknowledgement coverage of the current version, for staff.
	ShowCoverage           bool
	AudiencePartners       int
	AckedPartners          int
	AckedUsers             int
	Missing                []string
	MissingMore            int
	AckedBy                []statRow
	CoveragePct            int
	ScopeIsOwnOrg, IsStaff bool
}

// statRow is one labelled line of a figures table.
type statRow struct {
	Label       string
	Rows, Users int
}

// documentHistoryOnPage is how many versions the document page lists before
// linking to the full history.
const documentHistoryOnPage = 5

func (u *portal) documentShow(e *core.RequestEvent) error {
	rec, info, err := visibleDocument(e)
	if err != nil {
		return err
	}
	markLinkRead(e, "/documents/"+rec.Id)
	c := getCtx(e)
	_, folders, err := loadFolders(e.App, info)
	if err != nil {
		return err
	}
	d := &documentShowData{Doc: documentView(rec, folders), Limit: c.Brand.MaxUploadBytes, Statuses: documents.Statuses}
	d.Doc.Description = storedHTML(rec, "description_html")
	names, err := privatePartnerNames(e.App, info, []*core.Record{rec})
	if err != nil {
		return err
	}
	d.Doc.Private = names[d.Doc.PrivateID]
	d.Versions, d.MoreHistory, err = documentVersions(e.App, info, rec, 1, documentHistoryOnPage)
	if err != nil {
		return err
	}
	for _, v := range d.Versions {
		if v.Current {
			d.Current = v
		}
	}
	if canManageDocuments(c.User) {
		if d.CanEdit, err = access.CanUpdate(e.App, access.Info(c.User, http.MethodPatch, nil), rec); err != nil {
			return err
		}
		if d.CanDelete, err = access.CanDelete(e.App, access.Info(c.User, http.MethodDelete, nil), rec); err != nil {
			return err
		}
	}
	if d.Doc.RequiresAck && d.Current != nil && c.User.GetString("partner") != "" {
		acks, err := access.ListVisible(e.App, info, "document_acknowledgements", access.ListOptions{
			Where: []dbx.Expression{dbx.HashExp{"document_acknowledgements.version": d.Current.ID,
				"document_acknowledgements.user": c.User.Id}}, PerPage: 1})
		if err != nil {
			return err
		}
		if len(acks.Items) > 0 {
			d.Acked = true
			d.AckedAt = acks.Items[0].GetDateTime("created").Time()
		} else {
			d.CanAck = d.Doc.Status == "published"
		}
	}
	if d.Stats, err = u.documentStats(e, info, rec, d.Versions); err != nil {
		return err
	}
	p := &Page{Title: d.Doc.Title, Data: d, Errors: map[string]string{}, Values: map[string]string{}}
	status := http.StatusOK
	if rs, ok := e.Get(reshowKey).(reshow); ok {
		status = rs.status
		p.Errors["file"] = rs.msg
		p.Values["notes"] = rs.notes
	}
	return u.render(e, status, "document_show", p)
}

// documentStats counts a document's downloads and acknowledgements for staff
// and partner admins (nil for anyone else).
func (u *portal) documentStats(e *core.RequestEvent, info *core.RequestInfo, doc *core.Record, versions []*VersionView) (*documentStats, error) {
	role := roles.Of(getCtx(e).User)
	if !roles.IsStaff(role) && role != roles.PartnerAdmin {
		return nil, nil
	}
	s := &documentStats{IsStaff: roles.IsStaff(role), ScopeIsOwnOrg: role == roles.PartnerAdmin}
	// Totals, partners and versions come from the document_stats rollup,
	// never from counting every download. An admin's rule shows the rows
	// over all partners (scope "total"); anyone else sums the rows of the
	// partners their rule shows them.
	doc1 := dbx.HashExp{"document_stats.document": doc.Id}
	totals, err := access.ListVisible(e.App, info, "document_stats", access.ListOptions{
		Where: []dbx.Expression{doc1, dbx.HashExp{"document_stats.scope": "total"}}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	seesTotals := len(totals.Items) > 0
	var vrows []access.GroupSum
	if seesTotals {
		for _, r := range totals.Items {
			if r.GetString("version") == "" {
				s.Downloads, s.Downloaders = r.GetInt("downloads"), r.GetInt("users")
			} else {
				vrows = append(vrows, access.GroupSum{Key: r.GetString("version"), SumA: r.GetInt("downloads"), SumB: r.GetInt("users")})
			}
		}
	} else {
		total, err := access.SumVisibleBy(e.App, info, "document_stats", "", "downloads", "users", 0,
			withScope(getCtx(e).User, "document_stats.partner", doc1, dbx.HashExp{"document_stats.version": "", "document_stats.scope": "partner"})...)
		if err != nil {
			return nil, err
		}
		if len(total) > 0 {
			s.Downloads, s.Downloaders = total[0].SumA, total[0].SumB
		}
	}
	if s.IsStaff {
		// One row per partner: the top ones straight from the rank index.
		top, err := access.ListVisible(e.App, info, "document_stats", access.ListOptions{
			Where: []dbx.Expression{doc1, dbx.HashExp{"document_stats.version": "", "document_stats.scope": "partner"}},
			Sort:  []string{"-downloads"}, PerPage: 20})
		if err != nil {
			return nil, err
		}
		rows := make([]access.GroupCount, 0, len(top.Items))
		for _, r := range top.Items {
			rows = append(rows, access.GroupCount{Key: r.GetString("partner"), Rows: r.GetInt("downloads"), Distinct: r.GetInt("users")})
		}
		if s.ByPartner, err = labelRows(e.App, info, "partners", "name", rows, u.t(e, "documents.stats.vendor_staff")); err != nil {
			return nil, err
		}
		if !seesTotals {
			vrows, err = access.SumVisibleBy(e.App, info, "document_stats", "version", "downloads", "users", 50,
				withScope(getCtx(e).User, "document_stats.partner", doc1, dbx.HashExp{"document_stats.scope": "partner"},
					dbx.Not(dbx.HashExp{"document_stats.version": ""}))...)
			if err != nil {
				return nil, err
			}
		}
		slices.SortFunc(vrows, func(a, b access.GroupSum) int { return b.SumA - a.SumA })
		numbers := map[string]int{}
		for _, v := range versions {
			numbers[v.ID] = v.Number
		}
		var missing []any
		for _, r := range vrows {
			if _, ok := numbers[r.Key]; !ok {
				missing = append(missing, r.Key)
			}
		}
		more, err := visibleByID(e.App, info, "document_versions", missing)
		if err != nil {
			return nil, err
		}
		for id, r := range more {
			numbers[id] = r.GetInt("number")
		}
		for _, r := range vrows {
			s.ByVersion = append(s.ByVersion, statRow{Label: "v" + strconv.Itoa(numbers[r.Key]), Rows: r.SumA, Users: r.SumB})
		}
	} else {
		// A partner admin's colleagues: their own partner's downloads of this
		// document, narrowed by the (document, partner, user) index.
		rows, err := access.CountVisibleBy(e.App, info, "document_downloads", "user", "", 50,
			dbx.HashExp{"document_downloads.document": doc.Id, "document_downloads.partner": getCtx(e).User.GetString("partner")})
		if err != nil {
			return nil, err
		}
		if s.ByUser, err = labelRows(e.App, info, "users", "name", rows, "—"); err != nil {
			return nil, err
		}
	}
	if doc.GetBool("requires_acknowledgement") && doc.GetString("current_version") != "" {
		if err := u.ackCoverage(e, info, doc, s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// ackCoverage fills who has and has not acknowledged the current version:
// partners in the document's audience that the viewer may see.
func (u *portal) ackCoverage(e *core.RequestEvent, info *core.RequestInfo, doc *core.Record, s *documentStats) error {
	user := getCtx(e).User
	cur := doc.GetString("current_version")
	s.ShowCoverage = true
	aud := documents.AudienceOf(doc)
	// The counts come from the stats rollup: an admin reads the version's
	// total row, anyone else the rows of the partners their rule shows.
	verRows := dbx.HashExp{"document_stats.document": doc.Id, "document_stats.version": cur}
	totals, err := access.ListVisible(e.App, info, "document_stats", access.ListOptions{
		Where: []dbx.Expression{verRows, dbx.HashExp{"document_stats.scope": "total"}}, PerPage: 1})
	if err != nil {
		return err
	}
	partnersOfViewer := withScope(user, "partners.id", aud.PartnerWhere())
	if len(totals.Items) > 0 {
		t := totals.Items[0]
		s.AckedUsers, s.AckedPartners = t.GetInt("acks"), t.GetInt("acked_partners")
		// Whoever sees the totals sees every partner: the audience's size is
		// a plain count.
		if s.AudiencePartners, err = documents.ReachPartners(e.App, aud); err != nil {
			return err
		}
	} else {
		partnerRows := withScope(user, "document_stats.partner", verRows, dbx.HashExp{"document_stats.scope": "partner"})
		sum, err := access.SumVisibleBy(e.App, info, "document_stats", "", "acks", "acks", 0, partnerRows...)
		if err != nil {
			return err
		}
		if len(sum) > 0 {
			s.AckedUsers = sum[0].SumA
		}
		if s.AckedPartners, err = access.CountVisible(e.App, info, "document_stats",
			append(partnerRows, dbx.NewExp("document_stats.acks > 0"))...); err != nil {
			return err
		}
		if s.AudiencePartners, err = access.CountVisible(e.App, info, "partners", partnersOfViewer...); err != nil {
			return err
		}
	}
	if s.AckedPartners > s.AudiencePartners {
		// Partners that acknowledged before the audience changed.
		s.AckedPartners = s.AudiencePartners
	}
	if s.AudiencePartners > 0 {
		s.CoveragePct = s.AckedPartners * 100 / s.AudiencePartners
	}
	notAcked := dbx.NewExp(`partners.id NOT IN (SELECT partner FROM document_stats
		WHERE document = {:ackd} AND version = {:ackv} AND scope = 'partner' AND acks > 0)`, dbx.Params{"ackd": doc.Id, "ackv": cur})
	missing, err := access.ListVisible(e.App, info, "partners", access.ListOptions{
		Where: append(partnersOfViewer, notAcked), Sort: []string{"name"}, PerPage: 20})
	if err != nil {
		return err
	}
	for _, p := range missing.Items {
		s.Missing = append(s.Missing, p.GetString("name"))
	}
	if missing.HasMore {
		s.MissingMore = max(s.AudiencePartners-s.AckedPartners-len(s.Missing), 0)
	}
	latest, err := access.ListVisible(e.App, info, "document_acknowledgements", access.ListOptions{
		Where: withScope(user, "document_acknowledgements.partner", dbx.HashExp{"document_acknowledgements.version": cur}),
		Sort:  []string{"-created"}, PerPage: 20})
	if err != nil {
		return err
	}
	byUser := make([]access.GroupCount, 0, len(latest.Items))
	for _, a := range latest.Items {
		byUser = append(byUser, access.GroupCount{Key: a.GetString("user"), Rows: 1})
	}
	s.AckedBy, err = labelRows(e.App, info, "users", "name", byUser, "—")
	return err
}

// partnerScope narrows a query on a per-partner table to the partners the
// viewer's rules can show at all: a manager's own partners, a partner user's
// own organisation (nil for an admin). It is only a hint that lets SQLite
// use an index — the collection's rule is still applied on top.
func partnerScope(user *core.Record, column string) dbx.Expression {
	switch roles.Of(user) {
	case roles.Manager:
		return dbx.NewExp("[["+column+"]] IN (SELECT id FROM partners WHERE manager = {:scopeManager})",
			dbx.Params{"scopeManager": user.Id})
	case roles.PartnerAdmin, roles.PartnerUser:
		return dbx.HashExp{column: user.GetString("partner")}
	}
	return nil
}

// withScope appends the viewer's partner scope to where, when there is one.
func withScope(user *core.Record, column string, where ...dbx.Expression) []dbx.Expression {
	if sc := partnerScope(user, column); sc != nil {
		return append(where, sc)
	}
	return where
}

// sumRows turns rollup sums into counts for labelRows.
func sumRows(rows []access.GroupSum) []access.GroupCount {
	out := make([]access.GroupCount, len(rows))
	for i, r := range rows {
		out[i] = access.GroupCount{Key: r.Key, Rows: r.SumA, Distinct: r.SumB}
	}
	return out
}

// labelRows names the groups of a count (partners, users) through the
// viewer's own access; an empty key gets emptyLabel.
func labelRows(app core.App, info *core.RequestInfo, collection, field string, rows []access.GroupCount, emptyLabel string) ([]statRow, error) {
	ids := make([]any, 0, len(rows))
	for _, r := range rows {
		if r.Key != "" {
			ids = append(ids, r.Key)
		}
	}
	recs, err := visibleByID(app, info, collection, ids)
	if err != nil {
		return nil, err
	}
	out := make([]statRow, 0, len(rows))
	for _, r := range rows {
		label := emptyLabel
		if rec := recs[r.Key]; rec != nil {
			label = rec.GetString(field)
		}
		out = append(out, statRow{Label: label, Rows: r.Rows, Users: r.Distinct})
	}
	return out, nil
}

// documentHistory is the full history: every version and every metadata
// change the user may see.
func (u *portal) documentHistory(e *core.RequestEvent) error {
	rec, info, err := visibleDocument(e)
	if err != nil {
		return err
	}
	errs := map[string]string{}
	_, page := listQuery(u.locale(e), e.Request.URL.Query(), errs)
	if len(errs) > 0 {
		return e.BadRequestError("", nil)
	}
	versions, more, err := documentVersions(e.App, info, rec, page, 50)
	if err != nil {
		return err
	}
	changes, err := access.ListVisible(e.App, info, "document_changes", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"document_changes.document": rec.Id}},
		Sort:  []string{"-created"}, PerPage: 100})
	if err != nil {
		return err
	}
	var userIDs []any
	for _, ch := range changes.Items {
		if id := ch.GetString("user"); id != "" {
			userIDs = append(userIDs, id)
		}
	}
	users, err := visibleByID(e.App, info, "users", userIDs)
	if err != nil {
		return err
	}
	d := &documentHistoryData{Doc: documentView(rec, nil), Versions: versions,
		Pager: newPager("/documents/"+rec.Id+"/history", nil, page, more)}
	d.CanEdit, err = access.CanUpdate(e.App, access.Info(getCtx(e).User, http.MethodPatch, nil), rec)
	if err != nil {
		return err
	}
	d.CanEdit = d.CanEdit && canManageDocuments(getCtx(e).User)
	for _, ch := range changes.Items {
		cv := ChangeView{Field: ch.GetString("field"), Old: ch.GetString("old"), New: ch.GetString("new"),
			When: ch.GetDateTime("created").Time()}
		if usr := users[ch.GetString("user")]; usr != nil {
			cv.By = usr.GetString("name")
		}
		d.Changes = append(d.Changes, cv)
	}
	return u.render(e, http.StatusOK, "document_history", &Page{Title: u.t(e, "documents.history_of", d.Doc.Title), Data: d})
}

// documentHistoryData is the history page's data.
type documentHistoryData struct {
	Doc      *DocumentView
	Versions []*VersionView
	Changes  []ChangeView
	Pager    Pager
	CanEdit  bool
}

// ChangeView is one metadata change in a document's history.
type ChangeView struct {
	Field, Old, New, By string
	When                time.Time
}
