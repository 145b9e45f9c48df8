package seed

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

var small = Options{Partners: 20, Users: 200, Deals: 600, Events: 4000, Months: 12, Seed: 7,
	Until: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)}

// digest hashes every row of the generated tables (the bcrypt hash, salted
// at random, left out).
func digest(t *testing.T, app core.App) string {
	t.Helper()
	h := sha256.New()
	for _, table := range []string{"tiers", "currency_rates", "users", "partners", "conversations", "deals",
		"deal_events", "certifications", "certificates", "messages", "activity", "kpi_daily", "kpi_monthly"} {
		var rows []dbx.NullStringMap
		if err := app.DB().NewQuery("SELECT * FROM " + table + " ORDER BY id").All(&rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			delete(r, "password")
			fmt.Fprintf(h, "%s %v\n", table, r)
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func count(t *testing.T, app core.App, q string) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery(q).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRunIsDeterministicAndComplete(t *testing.T) {
	a, b := testapp.NewEmpty(t), testapp.NewEmpty(t)
	var out bytes.Buffer
	if err := Run(a, small, &out); err != nil {
		t.Fatal(err)
	}
	if err := Run(b, small, nil); err != nil {
		t.Fatal(err)
	}
	if da, db := digest(t, a), digest(t, b); da != db {
		t.Fatalf("two runs with the same options differ: %s vs %s", da, db)
	}
	c := testapp.NewEmpty(t)
	other := small
	other.Seed = 8
	if err := Run(c, other, nil); err != nil {
		t.Fatal(err)
	}
	if digest(t, a) == digest(t, c) {
		t.Fatal("another seed gave the same data")
	}

	// What was asked for is there.
	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM partners":                                 small.Partners,
		"SELECT COUNT(*) FROM users WHERE partner != ''":                small.Users,
		"SELECT COUNT(*) FROM deals":                                    small.Deals,
		"SELECT COUNT(*) FROM activity":                                 small.Events,
		"SELECT COUNT(*) FROM deal_events WHERE from_stage = ''":        small.Deals,
		"SELECT COUNT(*) FROM users WHERE role = 'admin'":               1,
		"SELECT COUNT(DISTINCT partner) FROM users WHERE partner != ''": small.Partners,
		"SELECT COUNT(*) FROM users WHERE role = 'manager'":             1,
		"SELECT COUNT(*) FROM activity WHERE created < '2025-11-28'":    0,
		"SELECT COUNT(*) FROM activity WHERE created >= '2026-11-28'":   0,
		"SELECT COUNT(*) FROM deal_events WHERE at >= '2026-11-28'":     0,
		"SELECT COUNT(*) FROM deal_events WHERE at < '2025-11-28'":      0,
		"SELECT COUNT(*) FROM activity a WHERE a.kind = 'conversation.message' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = a.target_id)": 0,
	} {
		if got := count(t, a, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
	// Every kind of history is represented.
	for q, what := range map[string]string{
		"SELECT COUNT(*) FROM deals WHERE stage = 'won'":                                                 "won deals",
		"SELECT COUNT(*) FROM deals WHERE stage = 'lost'":                                                "lost deals",
		"SELECT COUNT(*) FROM deals WHERE status = 'rejected'":                                           "rejected deals",
		"SELECT COUNT(*) FROM deals WHERE status = 'expired'":                                            "expired deals",
		"SELECT COUNT(*) FROM deals WHERE status = 'approved' AND stage = 'negotiation'":                 "deals in negotiation",
		"SELECT COUNT(*) FROM deal_events WHERE from_amount_base != to_amount_base AND from_stage != ''": "amount changes",
		"SELECT COUNT(*) FROM certificates WHERE status = 'valid'":                                       "valid certificates",
		"SELECT COUNT(*) FROM certificates WHERE status = 'revoked'":                                     "revoked certificates",
		"SELECT COUNT(*) FROM certificates WHERE status = 'expired'":                                     "expired certificates",
		"SELECT COUNT(*) FROM activity WHERE kind = 'conversation.message' AND partner = ''":             "staff messages",
		"SELECT COUNT(DISTINCT kind) FROM activity":                                                      "activity kinds",
		"SELECT COUNT(DISTINCT substr(at, 1, 7)) FROM deal_events":                                       "months of deal history",
		"SELECT COUNT(*) FROM kpi_daily":                                                                 "daily rollups",
		"SELECT COUNT(*) FROM kpi_monthly WHERE metric = 'users.active'":                                 "monthly active users",
	} {
		if count(t, a, q) == 0 {
			t.Errorf("no %s (%s)", what, q)
		}
	}
	if n := count(t, a, "SELECT COUNT(DISTINCT substr(at, 1, 7)) FROM deal_events"); n < 12 {
		t.Errorf("deal history spans %d months, want 12", n)
	}
	// A deal's fields are the state its last event leads to.
	bad := count(t, a, `SELECT COUNT(*) FROM deals d JOIN deal_events e ON e.deal = d.id
		WHERE e.at = (SELECT MAX(at) FROM deal_events WHERE deal = d.id)
		AND (e.to_stage != d.stage OR e.to_status != d.status OR abs(e.to_amount_base - d.amount_base) > 0.005)`)
	if bad != 0 {
		t.Errorf("%d deals disagree with their last event", bad)
	}
	// Each event starts where the previous one ended.
	broken := count(t, a, `SELECT COUNT(*) FROM deal_events e JOIN deal_events p ON p.deal = e.deal
		AND p.at = (SELECT MAX(at) FROM deal_events WHERE deal = e.deal AND at < e.at)
		WHERE p.to_stage != e.from_stage OR p.to_status != e.from_status OR abs(p.to_amount_base - e.from_amount_base) > 0.005`)
	if broken != 0 {
		t.Errorf("%d deal events do not continue the previous one", broken)
	}
	// The seeded people can sign in with the shared password.
	u, err := a.FindAuthRecordByEmail("users", PersonEmail(small.Seed, 3, 0))
	if err != nil || !u.ValidatePassword(Password) || u.GetString("role") != "partner_admin" {
		t.Fatalf("partner admin of partner 3: %v", err)
	}
	if _, err := a.FindAuthRecordByEmail("users", ManagerEmail(small.Seed, 0)); err != nil {
		t.Fatal(err)
	}
	// Progress without a terminal: plain lines, ending at 100 % and a summary.
	s := out.String()
	if strings.Contains(s, "\r") || !strings.Contains(s, "seed 100%") || !strings.Contains(s, "600 deals") {
		t.Errorf("progress output:\n%s", s)
	}
}

func TestRunRefusesAPopulatedDatabase(t *testing.T) {
	app := testapp.New(t) // the fixture network has partners
	before := count(t, app, "SELECT COUNT(*) FROM partners")
	if err := Run(app, small, nil); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("err = %v, want ErrNotEmpty", err)
	}
	if n := count(t, app, "SELECT COUNT(*) FROM partners"); n != before {
		t.Fatalf("partners %d → %d after a refused run", before, n)
	}
	o := small
	o.Force = true
	if err := Run(app, o, nil); err != nil {
		t.Fatal(err)
	}
	if n := count(t, app, "SELECT COUNT(*) FROM partners"); n != before+small.Partners {
		t.Fatalf("partners = %d, want %d", n, before+small.Partners)
	}
	// The fixture's tiers and admin are reused, not duplicated.
	if n := count(t, app, "SELECT COUNT(*) FROM users WHERE role = 'admin'"); n != 1 {
		t.Fatalf("admins = %d", n)
	}
	// The same seed again collides on its ids and writes nothing.
	partners := count(t, app, "SELECT COUNT(*) FROM partners")
	if err := Run(app, o, nil); err == nil {
		t.Fatal("a second run with the same seed succeeded")
	}
	if n := count(t, app, "SELECT COUNT(*) FROM partners"); n != partners {
		t.Fatalf("partners %d → %d after a failed run", partners, n)
	}
}

func TestOptionsAreValidated(t *testing.T) {
	app := testapp.NewEmpty(t)
	for _, o := range []Options{{Partners: 0, Months: 12}, {Partners: 1, Months: 0}, {Partners: 1, Months: 12, Users: -1}} {
		if err := Run(app, o, nil); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
}

func TestCommand(t *testing.T) {
	app := testapp.NewEmpty(t)
	cmd := Command(app)
	cmd.SetArgs([]string{"--until", "30/11/2026"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "--until") {
		t.Fatalf("a malformed --until: %v", err)
	}
	cmd = Command(app)
	cmd.SetArgs([]string{"--partners", "4", "--users", "9", "--deals", "30", "--events", "80", "--months", "2",
		"--seed", "3", "--until", "2026-10-31"})
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{
		"SELECT COUNT(*) FROM partners":                               4,
		"SELECT COUNT(*) FROM deals":                                  30,
		"SELECT COUNT(*) FROM activity":                               80,
		"SELECT COUNT(*) FROM activity WHERE created >= '2026-11-01'": 0,
		"SELECT COUNT(*) FROM activity WHERE created < '2026-09-01'":  0,
		"SELECT COUNT(*) FROM users WHERE email LIKE '%@seed3.test'":  9 + 1 + 1,
	} {
		if got := count(t, app, q); got != want {
			t.Errorf("%s = %d, want %d", q, got, want)
		}
	}
}
