package hooks_test

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/kpi"
	"github.com/ponte-portal/ponte/internal/seed"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// rollups reads both KPI tables as "table partner period metric" → value,
// leaving out zeros (a rebuild writes no row for a sum of zero).
func rollups(t testing.TB, app core.App) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	for _, tbl := range []struct{ name, period string }{{"kpi_daily", "day"}, {"kpi_monthly", "month"}} {
		var rows []struct {
			Partner string  `db:"partner"`
			Period  string  `db:"period"`
			Metric  string  `db:"metric"`
			Value   float64 `db:"value"`
		}
		err := app.DB().NewQuery("SELECT partner, " + tbl.period + " AS period, metric, value FROM " + tbl.name).All(&rows)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if math.Abs(r.Value) > 1e-9 {
				out[tbl.name+" "+r.Partner+" "+r.Period+" "+r.Metric] = r.Value
			}
		}
	}
	return out
}

// runningRows reads kpi_running as "partner month metric" → value, zeros
// left out.
func runningRows(t testing.TB, app core.App) map[string]float64 {
	t.Helper()
	var rows []struct {
		Partner string  `db:"partner"`
		Month   string  `db:"month"`
		Metric  string  `db:"metric"`
		Value   float64 `db:"value"`
	}
	if err := app.DB().NewQuery("SELECT partner, month, metric, value FROM kpi_running").All(&rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, r := range rows {
		if math.Abs(r.Value) > 1e-9 {
			out[r.Partner+" "+r.Month+" "+r.Metric] = r.Value
		}
	}
	return out
}

// assertRunningInvariant recomputes every sealed month's running totals from
// kpi_monthly and compares them with kpi_running.
func assertRunningInvariant(t testing.TB, app core.App) {
	t.Helper()
	sealed, err := kpi.Sealed(app)
	if err != nil {
		t.Fatal(err)
	}
	if sealed == "" {
		t.Fatal("nothing is sealed: the check would prove nothing")
	}
	var rows []struct {
		Partner string  `db:"partner"`
		Month   string  `db:"month"`
		Metric  string  `db:"metric"`
		Value   float64 `db:"value"`
	}
	err = app.DB().NewQuery(`SELECT s.partner AS partner, s.month AS month, s.metric AS metric,
			(SELECT SUM(m.value) FROM kpi_monthly m WHERE m.partner = s.partner AND m.metric = s.metric AND m.month <= s.month) AS value
		FROM (SELECT DISTINCT p.partner, p.metric, r.month FROM kpi_monthly p
			JOIN (SELECT DISTINCT month FROM kpi_running UNION SELECT DISTINCT month FROM kpi_monthly) r ON r.month >= p.month
			WHERE r.month <= {:sealed}) s`).Bind(dbx.Params{"sealed": sealed}).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{}
	for _, r := range rows {
		if math.Abs(r.Value) > 1e-9 {
			want[r.Partner+" "+r.Month+" "+r.Metric] = r.Value
		}
	}
	got := runningRows(t, app)
	// Months with no monthly row anywhere are not in the recomputation's
	// month list; the running table carries totals through them, so compare
	// only the months the recomputation knows.
	months := map[string]bool{}
	for k := range want {
		months[strings.Fields(k)[1]] = true
	}
	for k := range got {
		if !months[strings.Fields(k)[1]] {
			delete(got, k)
		}
	}
	assertSame(t, "running totals vs kpi_monthly", got, want)
}

// assertTotalsInvariant compares the programme totals with kpi_monthly
// summed over partners.
func assertTotalsInvariant(t testing.TB, app core.App) {
	t.Helper()
	read := func(q string) map[string]float64 {
		var rows []struct {
			Month  string  `db:"month"`
			Metric string  `db:"metric"`
			Value  float64 `db:"value"`
		}
		if err := app.DB().NewQuery(q).All(&rows); err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, r := range rows {
			if math.Abs(r.Value) > 1e-9 {
				out[r.Month+" "+r.Metric] = r.Value
			}
		}
		return out
	}
	want := read("SELECT month, metric, SUM(value) AS value FROM kpi_monthly GROUP BY month, metric")
	if len(want) == 0 {
		t.Fatal("no monthly rows: the check would prove nothing")
	}
	assertSame(t, "programme totals vs kpi_monthly", read("SELECT month, metric, value FROM kpi_totals"), want)
}

// assertSame fails on any row that differs (beyond float rounding).
func assertSame(t testing.TB, what string, got, want map[string]float64) {
	t.Helper()
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var diffs []string
	for k := range keys {
		if g, w := got[k], want[k]; math.Abs(g-w) > 1e-6*math.Max(1, math.Abs(w)) {
			diffs = append(diffs, fmt.Sprintf("%s: %v, want %v", k, g, w))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		t.Fatalf("%s: %d rows differ:\n%s", what, len(diffs), strings.Join(diffs[:min(len(diffs), 40)], "\n"))
	}
}

func value(t testing.TB, app core.App, table, partner, period, metric string) float64 {
	t.Helper()
	col := "day"
	if table == "kpi_monthly" {
		col = "month"
	}
	var v float64
	err := app.DB().NewQuery("SELECT COALESCE(SUM(value), 0) FROM " + table + " WHERE partner = {:p} AND " + col + " = {:d} AND metric = {:m}").
		Bind(dbx.Params{"p": partner, "d": period, "m": metric}).Row(&v)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// kpiEvent saves an activity row dated at.
func kpiEvent(t testing.TB, app core.App, user, partner, kind string, at time.Time) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("activity")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Set("user", user)
	r.Set("partner", partner)
	r.Set("kind", kind)
	dt, _ := types.ParseDateTime(at)
	r.SetRaw("created", dt)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// kpiDeal saves a deal; its history rows are written by dealStep.
func kpiDeal(t testing.TB, app core.App, partner, user string, amount float64) *core.Record {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("deals")
	d := core.NewRecord(c)
	d.Set("partner", partner)
	d.Set("submitted_by", user)
	d.Set("customer_name", "Cliente "+core.GenerateDefaultRandomId())
	d.Set("product", "Ponte Cloud")
	d.Set("amount", amount)
	d.Set("currency", "BRL")
	d.Set("amount_base", amount)
	d.Set("stage", "registered")
	d.Set("status", "pending")
	if err := app.Save(d); err != nil {
		t.Fatal(err)
	}
	return d
}

// dealStep appends one deal_events row.
func dealStep(t testing.TB, app core.App, deal *core.Record, at time.Time, from, to kpi.DealState) *core.Record {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("deal_events")
	e := core.NewRecord(c)
	e.Set("deal", deal.Id)
	e.Set("partner", deal.GetString("partner"))
	e.Set("from_stage", from.Stage)
	e.Set("from_status", from.Status)
	e.Set("from_amount_base", from.Amount)
	e.Set("to_stage", to.Stage)
	e.Set("to_status", to.Status)
	e.Set("to_amount_base", to.Amount)
	dt, _ := types.ParseDateTime(at)
	e.Set("at", dt)
	if err := app.Save(e); err != nil {
		t.Fatal(err)
	}
	return e
}

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestKPIDealHistory checks the deal metrics against hand-computed values:
// counts, pipeline moving between stages, won revenue adjusted by an amount
// change and reversed by a reopening, and a deleted deal taking its
// contribution with it.
func TestKPIDealHistory(t *testing.T) {
	app := testapp.New(t)
	acme := testapp.PartnerAcme
	empty := rollups(t, app)
	d := kpiDeal(t, app, acme, testapp.AcmeUserID, 1000)
	// Only the rows written here are checked: start from what the deal's
	// own save left (the deals hooks write its registration row).
	base := rollups(t, app)

	reg := kpi.DealState{Stage: "registered", Status: "pending", Amount: 1000}
	appr := kpi.DealState{Stage: "registered", Status: "approved", Amount: 1000}
	qual := kpi.DealState{Stage: "qualified", Status: "approved", Amount: 1000}
	won := kpi.DealState{Stage: "won", Status: "approved", Amount: 1000}
	won2 := kpi.DealState{Stage: "won", Status: "approved", Amount: 1200}
	neg := kpi.DealState{Stage: "negotiation", Status: "approved", Amount: 1200}
	dealStep(t, app, d, day("2026-03-02 10:00"), kpi.DealState{}, reg)
	dealStep(t, app, d, day("2026-03-03 10:00"), reg, appr)
	dealStep(t, app, d, day("2026-03-10 10:00"), appr, qual)
	dealStep(t, app, d, day("2026-04-01 09:00"), qual, won)
	dealStep(t, app, d, day("2026-04-01 15:00"), won, won2)
	dealStep(t, app, d, day("2026-04-20 15:00"), won2, neg)

	got := rollups(t, app)
	want := map[string]float64{}
	for k, v := range base {
		want[k] = v
	}
	add := func(period, metric string, v float64) {
		table := "kpi_daily"
		if len(period) == 7 {
			table = "kpi_monthly"
		}
		want[table+" "+acme+" "+period+" "+metric] += v
		if math.Abs(want[table+" "+acme+" "+period+" "+metric]) < 1e-9 {
			delete(want, table+" "+acme+" "+period+" "+metric)
		}
	}
	both := func(dayS, metric string, v float64) { add(dayS, metric, v); add(dayS[:7], metric, v) }
	both("2026-03-02", kpi.DealsRegistered, 1)
	both("2026-03-02", kpi.Pipeline, 1000)
	both("2026-03-02", kpi.PipelineRegistered, 1000)
	both("2026-03-03", kpi.DealsApproved, 1)
	both("2026-03-10", kpi.PipelineRegistered, -1000)
	both("2026-03-10", kpi.PipelineQualified, 1000)
	both("2026-04-01", kpi.DealsWon, 1)
	both("2026-04-01", kpi.RevenueWon, 1200) // won at 1000, then 1200 the same day
	both("2026-04-01", kpi.Pipeline, -1000)
	both("2026-04-01", kpi.PipelineQualified, -1000)
	both("2026-04-20", kpi.RevenueWon, -1200) // reopened
	both("2026-04-20", kpi.Pipeline, 1200)
	both("2026-04-20", kpi.PipelineNegotiation, 1200)
	assertSame(t, "after the history", got, want)

	// Weighted pipeline at the end of April: 1200 in negotiation at 75 %.
	probs, err := kpi.StageProbabilities(app)
	if err != nil {
		t.Fatal(err)
	}
	byStage := map[string]float64{}
	for _, s := range kpi.OpenStages {
		var v float64
		app.DB().NewQuery("SELECT COALESCE(SUM(value), 0) FROM kpi_monthly WHERE partner = {:p} AND metric = {:m} AND month <= '2026-04'").
			Bind(dbx.Params{"p": acme, "m": kpi.PipelineStage + s}).Row(&v)
		byStage[s] = v
	}
	if w := kpi.WeightedPipeline(byStage, probs); math.Abs(w-900) > 1e-9 {
		t.Fatalf("weighted pipeline = %v, want 900 (1200 × 75 %%); by stage %v", w, byStage)
	}

	// An admin deletes the deal: its history goes (cascade) and so does its
	// contribution.
	if err := app.Delete(d); err != nil {
		t.Fatal(err)
	}
	assertSame(t, "after deleting the deal", rollups(t, app), empty)
}

// TestKPIActivityAndPeople checks the event counts, the partner of a staff
// member's message and the distinct active people per day and month.
func TestKPIActivityAndPeople(t *testing.T) {
	app := testapp.New(t)
	acme, globex := testapp.PartnerAcme, testapp.PartnerGlobex
	base := rollups(t, app)
	kpiEvent(t, app, testapp.AcmeUserID, acme, activity.KindLogin, day("2026-05-04 08:00"))
	kpiEvent(t, app, testapp.AcmeUserID, acme, activity.KindLogin, day("2026-05-04 18:00"))
	kpiEvent(t, app, testapp.AcmeUserID, acme, activity.KindDocumentDownloaded, day("2026-05-05 09:00"))
	kpiEvent(t, app, testapp.AcmeAdminID, acme, activity.KindForumThreadCreated, day("2026-05-05 10:00"))
	kpiEvent(t, app, testapp.AcmeAdminID, acme, activity.KindForumPostCreated, day("2026-05-05 11:00"))
	// A manager acting on Acme's record is not one of Acme's active people.
	kpiEvent(t, app, testapp.ManagerAnaID, acme, activity.KindDealApproved, day("2026-05-05 12:00"))
	kpiEvent(t, app, testapp.GlobexUserID, globex, activity.KindLogin, day("2026-05-31 23:59"))
	kpiEvent(t, app, testapp.GlobexUserID, globex, activity.KindLogin, day("2026-06-01 00:00"))

	got := rollups(t, app)
	for _, c := range []struct {
		table, partner, period, metric string
		want                           float64
	}{
		{"kpi_daily", acme, "2026-05-04", kpi.Logins, 2},
		{"kpi_daily", acme, "2026-05-04", kpi.ActiveUsers, 1},
		{"kpi_daily", acme, "2026-05-05", kpi.Downloads, 1},
		{"kpi_daily", acme, "2026-05-05", kpi.ForumPosts, 2},
		{"kpi_daily", acme, "2026-05-05", kpi.ActiveUsers, 2}, // Diego and Carla, not Ana
		{"kpi_monthly", acme, "2026-05", kpi.ActiveUsers, 2},
		{"kpi_monthly", acme, "2026-05", kpi.Logins, 2},
		{"kpi_monthly", acme, "2026-05", kpi.ForumPosts, 2},
		{"kpi_daily", globex, "2026-05-31", kpi.ActiveUsers, 1},
		{"kpi_daily", globex, "2026-06-01", kpi.ActiveUsers, 1},
		{"kpi_monthly", globex, "2026-05", kpi.ActiveUsers, 1},
		{"kpi_monthly", globex, "2026-06", kpi.ActiveUsers, 1},
		{"kpi_monthly", globex, "2026-05", kpi.Logins, 1},
	} {
		if v := value(t, app, c.table, c.partner, c.period, c.metric); v != c.want {
			t.Errorf("%s %s %s %s = %v, want %v", c.table, c.partner, c.period, c.metric, v, c.want)
		}
	}
	if len(got)-len(base) != 17 {
		t.Errorf("%d new rollup rows, want 17: %v", len(got)-len(base), got)
	}

	// Conversations: the manager's answer counts for the conversation's
	// partner although the event has no partner.
	before := value(t, app, "kpi_daily", acme, time.Now().UTC().Format(time.DateOnly), kpi.Messages)
	testapp.SeedConversations(t, app)
	var staffEvents int
	app.DB().NewQuery(`SELECT COUNT(*) FROM activity WHERE kind = 'conversation.message' AND partner = ''`).Row(&staffEvents)
	if staffEvents == 0 {
		t.Fatal("the fixture conversations wrote no staff message event")
	}
	var acmeMsgs float64
	app.DB().NewQuery(`SELECT COALESCE(SUM(value), 0) FROM kpi_daily WHERE partner = {:p} AND metric = {:m}`).
		Bind(dbx.Params{"p": acme, "m": kpi.Messages}).Row(&acmeMsgs)
	if acmeMsgs-before != 2 {
		t.Fatalf("Acme messages = %v, want 2 (its user's and its manager's)", acmeMsgs-before)
	}
}

// TestKPICertifiedPeople checks training.certified as a level: +1 when a
// person gets a first valid certificate, nothing for a second, −1 only when
// none is left (revoked or expired), and a deleted certificate taken out.
func TestKPICertifiedPeople(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedTraining(t, app)
	acme := testapp.PartnerAcme
	certs, _ := app.FindCollectionByNameOrId("certificates")
	issue := func(user string, issued, expires time.Time) *core.Record {
		r := core.NewRecord(certs)
		r.Set("user", user)
		r.Set("partner", acme)
		r.Set("certification", testapp.CertSales)
		r.Set("code", strings.ToUpper(core.GenerateDefaultRandomId()+"ABCDE"))
		r.Set("issued", issued)
		if !expires.IsZero() {
			r.Set("expires", expires)
		}
		r.Set("status", "valid")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	level := func() float64 {
		var v float64
		app.DB().NewQuery(`SELECT COALESCE(SUM(value), 0) FROM kpi_daily WHERE partner = {:p} AND metric = {:m}`).
			Bind(dbx.Params{"p": acme, "m": kpi.CertifiedUsers}).Row(&v)
		return v
	}
	start := level()
	now := time.Now().UTC()
	a := issue(testapp.AcmeUserID, now.AddDate(0, -2, 0), time.Time{})
	if l := level() - start; l != 1 {
		t.Fatalf("after the first certificate: %v, want 1", l)
	}
	b := issue(testapp.AcmeUserID, now.AddDate(0, -1, 0), time.Time{})
	if l := level() - start; l != 1 {
		t.Fatalf("after a second certificate of the same person: %v, want 1", l)
	}
	old := issue(testapp.AcmeAdminID, now.AddDate(-2, 0, 0), now.AddDate(0, -1, 0))
	if l := level() - start; l != 2 {
		t.Fatalf("after Carla's (not yet marked expired) certificate: %v, want 2", l)
	}
	expiredDay := old.GetDateTime("expires").Time().AddDate(0, 0, 1).Format(time.DateOnly)

	// Revoke one of Diego's two: still certified.
	a.Set("status", "revoked")
	a.Set("revocation_reason", "Erro de emissão")
	if err := app.Save(a); err != nil {
		t.Fatal(err)
	}
	if l := level() - start; l != 2 {
		t.Fatalf("after revoking one of two: %v, want 2", l)
	}
	// The expiry job marks Carla's expired: −1 on the day after its last
	// valid day.
	old.Set("status", "expired")
	if err := app.Save(old); err != nil {
		t.Fatal(err)
	}
	if l := level() - start; l != 1 {
		t.Fatalf("after expiry: %v, want 1", l)
	}
	if v := value(t, app, "kpi_daily", acme, expiredDay, kpi.CertifiedUsers); v != -1 {
		t.Fatalf("certified change on %s = %v, want -1", expiredDay, v)
	}
	// Deleting Diego's remaining certificate: no valid one is left.
	if err := app.Delete(b); err != nil {
		t.Fatal(err)
	}
	if l := level() - start; l != 0 {
		t.Fatalf("after deleting the last valid certificate: %v, want 0", l)
	}
}

// TestKPIIncrementalEqualsRebuild writes a realistic mix — deals through
// every stage and status over several months (one deleted), activity of
// every kind on many days by partner people and staff, conversations,
// certificates issued, revoked, expired and deleted — and checks that the
// rollups the hooks kept equal a kpi.Rebuild from the raw rows, row by row.
func TestKPIIncrementalEqualsRebuild(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedTraining(t, app)
	testapp.SeedConversations(t, app)
	people := []struct{ user, partner string }{
		{testapp.AcmeUserID, testapp.PartnerAcme}, {testapp.AcmeAdminID, testapp.PartnerAcme},
		{testapp.GlobexUserID, testapp.PartnerGlobex}, {testapp.GlobexAdminID, testapp.PartnerGlobex},
	}
	stages := []string{"registered", "qualified", "proposal", "negotiation"}
	t0 := day("2026-01-05 09:00")
	var deals []*core.Record
	for i := range 24 {
		p := people[i%len(people)]
		amount := float64(1000 + 137*i)
		d := kpiDeal(t, app, p.partner, p.user, amount)
		deals = append(deals, d)
		at := t0.Add(time.Duration(i*61) * time.Hour)
		st := kpi.DealState{Stage: "registered", Status: "pending", Amount: amount}
		dealStep(t, app, d, at, kpi.DealState{}, st)
		step := func(to kpi.DealState) {
			at = at.Add(time.Duration(20+i%5*24) * time.Hour)
			dealStep(t, app, d, at, st, to)
			st = to
		}
		switch i % 6 {
		case 0: // rejected
			step(kpi.DealState{Stage: st.Stage, Status: "rejected", Amount: amount})
			continue
		case 1: // stays pending
			continue
		}
		step(kpi.DealState{Stage: st.Stage, Status: "approved", Amount: amount})
		for _, s := range stages[1 : 1+i%4] {
			step(kpi.DealState{Stage: s, Status: "approved", Amount: st.Amount})
		}
		switch i % 6 {
		case 2: // won, then the amount is corrected
			step(kpi.DealState{Stage: "won", Status: "approved", Amount: st.Amount})
			step(kpi.DealState{Stage: "won", Status: "approved", Amount: st.Amount * 1.1})
		case 3: // lost
			step(kpi.DealState{Stage: "lost", Status: "approved", Amount: st.Amount})
		case 4: // protection ran out
			step(kpi.DealState{Stage: st.Stage, Status: "expired", Amount: st.Amount})
		case 5: // won, reopened, revised, won again
			step(kpi.DealState{Stage: "won", Status: "approved", Amount: st.Amount})
			step(kpi.DealState{Stage: "negotiation", Status: "approved", Amount: st.Amount})
			step(kpi.DealState{Stage: "negotiation", Status: "approved", Amount: st.Amount * 0.8})
			step(kpi.DealState{Stage: "won", Status: "approved", Amount: st.Amount})
		}
	}
	if err := app.Delete(deals[5]); err != nil {
		t.Fatal(err)
	}

	// Seal the months so far: the events and certificates below change
	// sealed months, which the running totals must follow.
	if n, err := kpi.Seal(app, time.Now()); err != nil || n == 0 {
		t.Fatalf("sealing: %d months, %v", n, err)
	}
	assertRunningInvariant(t, app)

	// Activity of every kind the rollups count, and some they do not.
	kinds := []string{activity.KindProfileUpdated, activity.KindDealRegistered}
	for _, m := range kpi.ActivityMetrics {
		kinds = append(kinds, m.Kind)
	}
	for i := range 150 {
		p := people[(i*7)%len(people)]
		at := t0.Add(time.Duration(i*37) * time.Hour / 2)
		kpiEvent(t, app, p.user, p.partner, kinds[i%len(kinds)], at)
		if i%11 == 0 { // a manager acting on a partner's record
			kpiEvent(t, app, testapp.ManagerAnaID, testapp.PartnerAcme, activity.KindDealApproved, at)
		}
	}
	gone := kpiEvent(t, app, testapp.AcmeUserID, testapp.PartnerAcme, activity.KindLogin, day("2026-02-14 10:00"))
	if err := app.Delete(gone); err != nil {
		t.Fatal(err)
	}

	// Certificates: issued over time, one revoked, one expired, one deleted.
	certs, _ := app.FindCollectionByNameOrId("certificates")
	now := time.Now().UTC()
	var issued []*core.Record
	for i := range 8 {
		p := people[i%len(people)]
		r := core.NewRecord(certs)
		r.Set("user", p.user)
		r.Set("partner", p.partner)
		r.Set("certification", testapp.CertSales)
		r.Set("code", strings.ToUpper(core.GenerateDefaultRandomId()+"ABCDE"))
		r.Set("issued", now.AddDate(0, -20+i*2, 0))
		if i%3 == 0 {
			r.Set("expires", now.AddDate(0, -8+i*2, 0))
		}
		r.Set("status", "valid")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		issued = append(issued, r)
	}
	issued[1].Set("status", "revoked")
	issued[1].Set("revocation_reason", "Fraude")
	if err := app.Save(issued[1]); err != nil {
		t.Fatal(err)
	}
	issued[0].Set("status", "expired")
	if err := app.Save(issued[0]); err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(issued[2]); err != nil {
		t.Fatal(err)
	}

	incremental := rollups(t, app)
	if len(incremental) < 100 {
		t.Fatalf("only %d rollup rows: the mix is too thin to prove anything", len(incremental))
	}
	metrics := map[string]bool{}
	for k := range incremental {
		metrics[strings.Fields(k)[3]] = true
	}
	for _, m := range kpi.Metrics() {
		if !metrics[m.Name] {
			t.Errorf("metric %s never written by the mix", m.Name)
		}
	}
	assertRunningInvariant(t, app)
	assertTotalsInvariant(t, app)
	incrementalRunning := runningRows(t, app)
	st, err := kpi.Rebuild(app)
	if err != nil {
		t.Fatal(err)
	}
	if st.DailyRows == 0 || st.MonthlyRows == 0 {
		t.Fatalf("rebuild wrote %+v", st)
	}
	assertSame(t, "rebuilt vs incremental", rollups(t, app), incremental)
	assertSame(t, "rebuilt vs incremental running totals", runningRows(t, app), incrementalRunning)
	assertTotalsInvariant(t, app)

	// The rebuilt tables keep being kept: one more event adds to them.
	kpiEvent(t, app, testapp.AcmeUserID, testapp.PartnerAcme, activity.KindLogin, day("2026-01-05 07:00"))
	if v := value(t, app, "kpi_daily", testapp.PartnerAcme, "2026-01-05", kpi.Logins); v < 1 {
		t.Fatalf("logins after the rebuild = %v", v)
	}
	assertRunningInvariant(t, app)
	assertTotalsInvariant(t, app)

	// A partner deleted with its rollup rows leaves every total (its
	// people would have to go first; this one never had any).
	pc, err := app.FindCollectionByNameOrId("partners")
	if err != nil {
		t.Fatal(err)
	}
	gone = core.NewRecord(pc)
	gone.Load(map[string]any{"name": "Initech", "slug": "initech", "status": "active", "country": "BR"})
	if err := app.Save(gone); err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"2026-01", "2026-03", time.Now().UTC().Format("2006-01")} {
		if err := kpi.Add(app, kpi.Both(gone.Id, m+"-02", kpi.RevenueWon, 900)...); err != nil {
			t.Fatal(err)
		}
	}
	assertTotalsInvariant(t, app)
	if err := app.Delete(gone); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM kpi_monthly WHERE partner = {:p}").
		Bind(dbx.Params{"p": gone.Id}).Row(&left); err != nil || left != 0 {
		t.Fatalf("%d monthly rows of the deleted partner left (%v)", left, err)
	}
	assertTotalsInvariant(t, app)
	assertRunningInvariant(t, app)
}

// TestKPIThroughDeals drives the rollups through the deals hooks (the
// fixture deals, a manager winning a deal, an admin deleting one) and
// checks the levels by hand and against a rebuild.
func TestKPIThroughDeals(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)
	acme, globex := testapp.PartnerAcme, testapp.PartnerGlobex
	total := func(partner, metric string) float64 {
		var v float64
		if err := app.DB().NewQuery(`SELECT COALESCE(SUM(value), 0) FROM kpi_monthly WHERE partner = {:p} AND metric = {:m}`).
			Bind(dbx.Params{"p": partner, "m": metric}).Row(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	check := func(when string, want map[[2]string]float64) {
		t.Helper()
		for k, v := range want {
			if got := total(k[0], k[1]); math.Abs(got-v) > 1e-6 {
				t.Errorf("%s: %s %s = %v, want %v", when, k[0], k[1], got, v)
			}
		}
		incremental := rollups(t, app)
		if _, err := kpi.Rebuild(app); err != nil {
			t.Fatal(err)
		}
		assertSame(t, when+": rebuilt vs incremental", rollups(t, app), incremental)
	}
	// FixtureDeals: Acme 100,000 in proposal (approved), 50,000 registered
	// (pending), 100,000 won; Globex 90,000 in negotiation (approved),
	// 25,000 qualified (pending), 50,000 lost.
	check("fixture", map[[2]string]float64{
		{acme, kpi.DealsRegistered}: 3, {acme, kpi.DealsApproved}: 2, {acme, kpi.DealsWon}: 1,
		{acme, kpi.RevenueWon}: 100000, {acme, kpi.Pipeline}: 150000,
		{acme, kpi.PipelineProposal}: 100000, {acme, kpi.PipelineRegistered}: 50000,
		{globex, kpi.DealsRegistered}: 3, {globex, kpi.DealsLost}: 1, {globex, kpi.RevenueWon}: 0,
		{globex, kpi.Pipeline}: 115000, {globex, kpi.PipelineNegotiation}: 90000, {globex, kpi.PipelineQualified}: 25000,
	})

	// Bruno wins Globex's deal in negotiation.
	d, err := app.FindRecordById("deals", testapp.DealGlobexApproved)
	if err != nil {
		t.Fatal(err)
	}
	activity.SetActor(d, testapp.ManagerBrunoID)
	d.Set("stage", "won")
	if err := app.Save(d); err != nil {
		t.Fatal(err)
	}
	check("after winning", map[[2]string]float64{
		{globex, kpi.DealsWon}: 1, {globex, kpi.RevenueWon}: 90000,
		{globex, kpi.Pipeline}: 25000, {globex, kpi.PipelineNegotiation}: 0,
	})

	// An admin deletes Acme's won deal: it leaves every figure.
	won, err := app.FindRecordById("deals", testapp.DealAcmeWon)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(won); err != nil {
		t.Fatal(err)
	}
	check("after deleting a won deal", map[[2]string]float64{
		{acme, kpi.DealsRegistered}: 2, {acme, kpi.DealsApproved}: 1, {acme, kpi.DealsWon}: 0,
		{acme, kpi.RevenueWon}: 0, {acme, kpi.Pipeline}: 150000,
	})
}

// benchNetwork is the seeded network of the KPI benchmarks: 200 partners,
// 2,000 people, 20,000 deals, 200,000 events over 12 months.
var benchNetwork = seed.Options{Partners: 200, Users: 2000, Deals: 20000, Events: 200000, Months: 12, Seed: 1, Force: true}

// BenchmarkKPIHooks measures what the rollup hooks add to each write, on
// benchNetwork: saving an activity row and a deal_events row with the KPI
// hooks bound, then the same with them unbound.
// Run: go test -run XXX -bench KPIHooks -benchtime 1000x ./hooks/
func BenchmarkKPIHooks(b *testing.B) {
	app := testapp.New(b)
	o := benchNetwork
	if err := seed.Run(app, o, nil); err != nil {
		b.Fatal(err)
	}
	var user, partner, deal string
	if err := app.DB().NewQuery(`SELECT id, partner FROM users WHERE email = {:e}`).
		Bind(dbx.Params{"e": seed.PersonEmail(o.Seed, 7, 0)}).Row(&user, &partner); err != nil {
		b.Fatal(err)
	}
	if err := app.DB().NewQuery(`SELECT id FROM deals WHERE partner = {:p} LIMIT 1`).
		Bind(dbx.Params{"p": partner}).Row(&deal); err != nil {
		b.Fatal(err)
	}
	acts, _ := app.FindCollectionByNameOrId("activity")
	evs, _ := app.FindCollectionByNameOrId("deal_events")
	saveActivity := func(b *testing.B) {
		for b.Loop() {
			r := core.NewRecord(acts)
			r.Set("user", user)
			r.Set("partner", partner)
			r.Set("kind", activity.KindDocumentDownloaded)
			if err := app.Save(r); err != nil {
				b.Fatal(err)
			}
		}
	}
	saveDealEvent := func(b *testing.B) {
		stages := [2]string{"proposal", "negotiation"}
		i := 0
		for b.Loop() {
			r := core.NewRecord(evs)
			r.Set("deal", deal)
			r.Set("partner", partner)
			r.Set("from_stage", stages[i%2])
			r.Set("to_stage", stages[(i+1)%2])
			r.Set("from_status", "approved")
			r.Set("to_status", "approved")
			r.Set("from_amount_base", 1000)
			r.Set("to_amount_base", 1000)
			r.Set("at", types.NowDateTime())
			if err := app.Save(r); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
	today := time.Now().UTC().Format(time.DateOnly)
	b.Run("activity_with_kpi", saveActivity)
	b.Run("deal_event_with_kpi", saveDealEvent)
	if value(b, app, "kpi_daily", partner, today, kpi.Downloads) < 1 {
		b.Fatal("the hooks wrote no downloads")
	}
	for _, id := range []string{"ponte.kpi.activity.create", "ponte.kpi.deal_events.create"} {
		app.OnRecordCreate().Unbind(id)
		app.OnRecordCreate("activity").Unbind(id)
		app.OnRecordCreate("deal_events").Unbind(id)
	}
	before := value(b, app, "kpi_daily", partner, today, kpi.Downloads)
	b.Run("activity_without_kpi", saveActivity)
	b.Run("deal_event_without_kpi", saveDealEvent)
	if after := value(b, app, "kpi_daily", partner, today, kpi.Downloads); after != before {
		b.Fatalf("unbinding left the hooks in place: downloads %v → %v", before, after)
	}
}

// BenchmarkKPIRebuild measures kpi.Rebuild of benchNetwork.
// Run: go test -run XXX -bench KPIRebuild -benchtime 3x ./hooks/
func BenchmarkKPIRebuild(b *testing.B) {
	app := testapp.New(b)
	if err := seed.Run(app, benchNetwork, nil); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := kpi.Rebuild(app); err != nil {
			b.Fatal(err)
		}
	}
}

// TestKPIHooksAgreeWithRebuildOnSeededNetwork starts from a generated
// network (rolled up by a rebuild), writes through the hooks on top of it —
// activity of every kind by its people on many days, stage moves of its
// deals, certificates revoked and issued — and checks the hook-kept tables
// against a fresh rebuild.
func TestKPIHooksAgreeWithRebuildOnSeededNetwork(t *testing.T) {
	app := testapp.New(t)
	o := seed.Options{Partners: 15, Users: 120, Deals: 400, Events: 4000, Months: 6, Seed: 11, Force: true,
		Until: time.Date(2026, 10, 31, 0, 0, 0, 0, time.UTC)}
	if err := seed.Run(app, o, nil); err != nil {
		t.Fatal(err)
	}
	var people []struct {
		ID      string `db:"id"`
		Partner string `db:"partner"`
	}
	if err := app.DB().NewQuery(`SELECT id, partner FROM users WHERE email LIKE '%@seed11.test' AND partner != '' ORDER BY id`).All(&people); err != nil {
		t.Fatal(err)
	}
	kinds := []string{activity.KindProfileUpdated}
	for _, m := range kpi.ActivityMetrics {
		kinds = append(kinds, m.Kind)
	}
	start := day("2026-05-01 08:00")
	for i := range 300 {
		p := people[(i*13)%len(people)]
		kpiEvent(t, app, p.ID, p.Partner, kinds[i%len(kinds)], start.Add(time.Duration(i*17)*time.Hour))
	}

	// Stage moves of open deals, as the deals hooks would record them.
	var open []*core.Record
	if err := app.RecordQuery("deals").AndWhere(dbx.NewExp("status = 'approved' AND stage IN ('registered', 'qualified', 'proposal', 'negotiation')")).
		OrderBy("id").Limit(40).All(&open); err != nil {
		t.Fatal(err)
	}
	if len(open) < 10 {
		t.Fatalf("only %d open deals generated", len(open))
	}
	for i, d := range open {
		from := kpi.DealState{Stage: d.GetString("stage"), Status: "approved", Amount: d.GetFloat("amount_base")}
		to := from
		switch i % 3 {
		case 0:
			to.Stage = "won"
		case 1:
			to.Stage = "lost"
		case 2:
			to.Amount = from.Amount * 1.25
		}
		dealStep(t, app, d, day("2026-10-20 10:00").Add(time.Duration(i)*time.Hour), from, to)
	}

	// Certificates: revoke some valid ones, issue new ones.
	var valid []*core.Record
	if err := app.RecordQuery("certificates").AndWhere(dbx.NewExp("status = 'valid'")).OrderBy("id").Limit(4).All(&valid); err != nil {
		t.Fatal(err)
	}
	for _, c := range valid {
		c.Set("status", "revoked")
		c.Set("revocation_reason", "Auditoria")
		if err := app.Save(c); err != nil {
			t.Fatal(err)
		}
	}
	certs, _ := app.FindCollectionByNameOrId("certificates")
	var certification string
	if err := app.DB().NewQuery("SELECT id FROM certifications ORDER BY id LIMIT 1").Row(&certification); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		p := people[(i*7)%len(people)]
		r := core.NewRecord(certs)
		r.Set("user", p.ID)
		r.Set("partner", p.Partner)
		r.Set("certification", certification)
		r.Set("code", strings.ToUpper(core.GenerateDefaultRandomId()+"ABCDE"))
		r.Set("issued", day("2026-06-01 09:00").AddDate(0, 0, i*9))
		r.Set("status", "valid")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}

	incremental := rollups(t, app)
	if _, err := kpi.Rebuild(app); err != nil {
		t.Fatal(err)
	}
	assertSame(t, "hooks on a seeded network vs rebuild", rollups(t, app), incremental)
}
