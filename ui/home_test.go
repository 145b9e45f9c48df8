package ui_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestHomeShowsLearningAndDeals: the partner home lists the user's course in
// progress and counts the deals they may see; the staff home counts the
// registrations awaiting the viewer's decision. Each figure goes through the
// collections' rules, so another partner's learning and deals never show.
func TestHomeShowsLearningAndDeals(t *testing.T) {
	app, srv := newServer(t)
	testapp.SeedTraining(t, app)
	testapp.SeedDeals(t, app)

	enrolments, err := app.FindCollectionByNameOrId("enrollments")
	if err != nil {
		t.Fatal(err)
	}
	e := core.NewRecord(enrolments)
	e.Set("user", testapp.AcmeUserID)
	e.Set("course", testapp.CourseBasics)
	if err := app.Save(e); err != nil {
		t.Fatal(err)
	}
	e.Set("completed_lessons", []string{testapp.LessonBasics1})
	if err := app.Save(e); err != nil {
		t.Fatal(err)
	}

	diego := signedIn(t, app, srv, testapp.AcmeUserEmail).get("/")
	expectStatus(t, diego, 200, "diego's home")
	// 1 of 3 lessons and 1 quiz: 25 %.
	expectContains(t, diego, "diego's home", `href="/courses/partner-101"`, "25% concluído",
		// His own deals: one open (approved), one won; none pending.
		`Negócios em aberto</dt><dd>1</dd>`, `Aguardando aprovação</dt><dd>0</dd>`)

	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail).get("/")
	expectContains(t, carla, "carla's home", `Negócios em aberto</dt><dd>2</dd>`, `Aguardando aprovação</dt><dd>1</dd>`)
	expectNotContains(t, carla, "carla's home", `href="/courses/partner-101"`)

	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail).get("/")
	expectContains(t, fabio, "fabio's home", `Open deals</dt><dd>2</dd>`, `Awaiting approval</dt><dd>1</dd>`)
	expectNotContains(t, fabio, "fabio's home", "Partner 101")

	// Ana manages Acme: one Acme registration waits; the admin sees both.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail).get("/")
	expectContains(t, ana, "ana's home", `home-approvals"><span class="tile-n">1</span>`, `href="/deals?status=pending"`)
	admin := signedIn(t, app, srv, testapp.AdminEmail).get("/")
	expectContains(t, admin, "admin's home", `home-approvals"><span class="tile-n">2</span>`)
}

// TestCatalogueLinksStaffToTheirTools: staff reach the editor, progress and
// certified people from the catalogue and course pages; partners never see
// those links.
func TestCatalogueLinksStaffToTheirTools(t *testing.T) {
	app, srv := newServer(t)
	testapp.SeedTraining(t, app)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectContains(t, admin.get("/courses"), "admin catalogue", `href="/courses/new"`, `href="/training/progress"`, `href="/certifications/report"`)
	expectContains(t, admin.get("/courses/partner-101"), "admin course", `href="/courses/partner-101/edit"`)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	expectNotContains(t, diego.get("/courses"), "diego catalogue", `href="/courses/new"`, `href="/training/progress"`)
	expectNotContains(t, diego.get("/courses/partner-101"), "diego course", `href="/courses/partner-101/edit"`)
}

// TestPartnerPageLinksTheScorecard: the partner page links the scorecard for
// the viewers the scorecard admits (the partner's staff and its admin), and
// not for a partner user, whom the scorecard refuses.
func TestPartnerPageLinksTheScorecard(t *testing.T) {
	app, srv := newServer(t)
	link := `href="/partners/acme-brasil/scorecard"`
	expectContains(t, signedIn(t, app, srv, testapp.ManagerAnaEmail).get("/partners/acme-brasil"), "ana", link)
	expectContains(t, signedIn(t, app, srv, testapp.AcmeAdminEmail).get("/organisation"), "carla", link)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	expectNotContains(t, diego.get("/organisation"), "diego", link)
	expectStatus(t, diego.get("/partners/acme-brasil/scorecard"), 404, "diego's scorecard")
}
