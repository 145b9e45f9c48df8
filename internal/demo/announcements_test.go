package demo_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/demo"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestDemoAnnouncements loads the demo and checks its announcements: the
// kinds the demo promises, who sees what through the rules, reads and
// acknowledgements, no notification sent by the load itself, the scheduled
// one announced when its time comes, and the same choices on every load.
func TestDemoAnnouncements(t *testing.T) {
	app := testapp.NewEmpty(t)
	mustLoad(t, app)

	anns, err := app.FindAllRecords("announcements")
	if err != nil {
		t.Fatal(err)
	}
	if len(anns) < 6 || len(anns) > 8 {
		t.Fatalf("%d demo announcements, want 6 to 8", len(anns))
	}
	now := time.Now()
	var pinned, scheduled, expired, ack, tier, draft int
	for _, a := range anns {
		pub, exp := a.GetDateTime("publish_at"), a.GetDateTime("expires_at")
		switch {
		case a.GetString("status") == "draft":
			draft++
		case pub.Time().After(now):
			scheduled++
		case !exp.IsZero() && exp.Time().Before(now):
			expired++
		}
		if a.GetBool("pinned") {
			pinned++
		}
		if a.GetBool("requires_acknowledgement") {
			ack++
		}
		if a.GetString("audience") == "tiers" {
			tier++
		}
		if a.GetString("body_html") == "" {
			t.Errorf("%q has no rendered body", a.GetString("title"))
		}
	}
	if pinned == 0 || scheduled == 0 || expired == 0 || ack == 0 || tier == 0 || draft == 0 {
		t.Errorf("pinned %d, scheduled %d, expired %d, acknowledgement %d, tier %d, draft %d: want each at least 1",
			pinned, scheduled, expired, ack, tier, draft)
	}
	if n := count(t, app, "notifications", dbx.HashExp{"kind": "announcement.published"}); n != 0 {
		t.Errorf("loading the demo sent %d announcement notifications", n)
	}
	reads := count(t, app, "announcement_reads")
	acks := count(t, app, "announcement_reads", dbx.NewExp("acknowledged != ''"))
	if reads < 20 || acks < 3 {
		t.Errorf("%d reads and %d acknowledgements, want a believable number", reads, acks)
	}
	if n := count(t, app, "activity", dbx.HashExp{"kind": "announcement.read"}); n != reads {
		t.Errorf("%d read events for %d reads", n, reads)
	}

	// The printed partner user (gold, Brazil) sees the programme news, the
	// gold invitation and his partner's own, not the North American one,
	// and has read only the pinned one.
	lucas, err := app.FindAuthRecordByEmail("users", demo.PartnerUserEmail)
	if err != nil {
		t.Fatal(err)
	}
	titles := visibleTitles(t, app, lucas)
	for _, want := range []string{"Boas-vindas ao Programa de Parceiros 2026", "Nova política de registro de oportunidades",
		"Convite: Encontro de Parceiros Gold e Platinum", "Paulista Cloud: revisão trimestral de negócios"} {
		if !slices.Contains(titles, want) {
			t.Errorf("Lucas does not see %q (sees %q)", want, titles)
		}
	}
	for _, not := range []string{"Q3 incentives for North America", "Manutenção programada da plataforma",
		"Webinar: novidades da versão 5.2", "Calendário de treinamentos do 2º semestre"} {
		if slices.Contains(titles, not) {
			t.Errorf("Lucas sees %q", not)
		}
	}
	if n := count(t, app, "announcement_reads", dbx.HashExp{"user": lucas.Id}); n != 1 {
		t.Errorf("Lucas has %d reads, want 1 (the pinned news)", n)
	}
	// An American partner user sees the regional one and not the Brazilian
	// partner's own.
	jennifer, err := app.FindAuthRecordByEmail("users", "jennifer.walsh@lakeshore-data.example")
	if err != nil {
		t.Fatal(err)
	}
	titles = visibleTitles(t, app, jennifer)
	if !slices.Contains(titles, "Q3 incentives for North America") || slices.Contains(titles, "Paulista Cloud: revisão trimestral de negócios") {
		t.Errorf("Jennifer sees %q", titles)
	}

	// The scheduled one is announced by the scheduler when its time comes.
	if n, err := hooks.PublishDueAnnouncements(app, now.Add(4*24*time.Hour)); err != nil || n != 1 {
		t.Errorf("scheduler four days on: %d announced, %v; want 1", n, err)
	}

	t.Run("deterministic", func(t *testing.T) {
		other := testapp.NewEmpty(t)
		mustLoad(t, other)
		if a, b := count(t, app, "announcement_reads"), count(t, other, "announcement_reads"); a != b {
			t.Errorf("two loads wrote %d and %d reads", a, b)
		}
		l2, _ := other.FindAuthRecordByEmail("users", demo.PartnerUserEmail)
		if !slices.Equal(visibleTitles(t, app, lucas), visibleTitles(t, other, l2)) {
			t.Error("two loads show Lucas different announcements")
		}
	})
}

func visibleTitles(t *testing.T, app core.App, user *core.Record) []string {
	t.Helper()
	page, err := access.ListVisible(app, access.Info(user, http.MethodGet, nil), "announcements",
		access.ListOptions{Sort: []string{"title"}, PerPage: 50})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range page.Items {
		out = append(out, r.GetString("title"))
	}
	return out
}
