package hooks_test

// The onboarding hooks: a checklist for a partner created in (or moved into)
// onboarding, each step kind ticking from the real action in the action's
// own save, manual ticks stamped with who ticked, completion moving the
// partner to active exactly once, templates added later, and a partner
// moved out by hand.

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/onboarding"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// tinyPNG is a valid 1×1 PNG for logo uploads.
var tinyPNG = []byte{0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
	0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00,
	0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82}

// progressDone reports whether the partner's row of step is ticked.
func progressDone(t *testing.T, app core.App, partnerID, stepID string) *core.Record {
	t.Helper()
	return testapp.OnboardingProgress(t, app, partnerID, stepID)
}

// checklist loads the partner's partner_onboarding row.
func checklist(t *testing.T, app core.App, partnerID string) *core.Record {
	t.Helper()
	r, err := onboarding.ChecklistOf(app, partnerID)
	if err != nil || r == nil {
		t.Fatalf("checklist of %s: %v %v", partnerID, r, err)
	}
	return r
}

// countEvents counts activity rows of kind for the partner.
func countEvents(t *testing.T, app core.App, partnerID, kind string) int {
	t.Helper()
	n, err := app.CountRecords("activity", dbx.HashExp{"partner": partnerID, "kind": kind})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// addStep creates an active required step template from Go.
func addStep(t *testing.T, app core.App, kind string, fields map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(onboarding.Steps)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Set("kind", kind)
	r.Set("title_en", "Step "+kind)
	r.Set("title_pt", "Etapa "+kind)
	r.Set("required", true)
	r.Set("active", true)
	r.Set("sort", 100)
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("saving step %s: %v", kind, err)
	}
	return r
}

func TestOnboardingNewPartnerGetsChecklistJudgedAtOnce(t *testing.T) {
	app := testapp.New(t)
	c, _ := app.FindCollectionByNameOrId("partners")
	p := core.NewRecord(c)
	p.Set("name", "Nova Parceira Ltda")
	p.Set("slug", "nova-parceira")
	p.Set("status", "onboarding")
	p.Set("country", "BR")
	p.Set("website", "https://nova.example")
	logo, err := filesystem.NewFileFromBytes(tinyPNG, "logo.png")
	if err != nil {
		t.Fatal(err)
	}
	p.Set("logo", logo)
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	rows, err := app.FindRecordsByFilter(onboarding.Progress, "partner = {:p}", "", 0, 0, dbx.Params{"p": p.Id})
	if err != nil || len(rows) != 4 {
		t.Fatalf("progress rows = %d (%v), want one per active default step (4)", len(rows), err)
	}
	// The profile was complete at creation: ticked by the system at once.
	prof := progressDone(t, app, p.Id, testapp.StepProfile)
	if !prof.GetBool("done") || prof.GetString("done_by") != "" || prof.GetDateTime("done_at").IsZero() {
		t.Fatalf("profile step: done=%v by=%q at=%v", prof.GetBool("done"), prof.GetString("done_by"), prof.GetDateTime("done_at"))
	}
	cl := checklist(t, app, p.Id)
	if cl.GetString("status") != onboarding.StatusOnboarding || cl.GetInt("done") != 1 || cl.GetInt("total") != 4 {
		t.Fatalf("checklist = %s %d/%d, want onboarding 1/4", cl.GetString("status"), cl.GetInt("done"), cl.GetInt("total"))
	}
	if n := countEvents(t, app, p.Id, activity.KindOnboardingStepDone); n != 1 {
		t.Fatalf("step_done events = %d, want 1", n)
	}
	// An active partner created by an admin gets no checklist.
	q := core.NewRecord(c)
	q.Set("name", "Ativa Ltda")
	q.Set("slug", "ativa")
	q.Set("status", "active")
	q.Set("country", "BR")
	if err := app.Save(q); err != nil {
		t.Fatal(err)
	}
	if r, _ := onboarding.ChecklistOf(app, q.Id); r != nil {
		t.Fatal("an active partner got a checklist")
	}
}

func TestOnboardingProfileTicksWhenPartnerAdminAddsLogo(t *testing.T) {
	app := testapp.New(t)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	if progressDone(t, app, testapp.PartnerAcme, testapp.StepProfile).GetBool("done") {
		t.Fatal("profile ticked without a logo")
	}
	carla, err := app.FindRecordById("users", testapp.AcmeAdminID)
	if err != nil {
		t.Fatal(err)
	}
	acme, _ := app.FindRecordById("partners", testapp.PartnerAcme)
	logo, _ := filesystem.NewFileFromBytes(tinyPNG, "logo.png")
	// Through the partners Update rule, as the portal's edit form does.
	if err := access.Update(app, access.Info(carla, http.MethodPatch, map[string]any{"logo": logo}), acme); err != nil {
		t.Fatalf("partner admin saving the logo: %v", err)
	}
	prof := progressDone(t, app, testapp.PartnerAcme, testapp.StepProfile)
	if !prof.GetBool("done") || prof.GetString("done_by") != "" {
		t.Fatalf("profile step after logo: done=%v by=%q", prof.GetBool("done"), prof.GetString("done_by"))
	}
	// Removing the logo again keeps the tick: the work was done.
	acme, _ = app.FindRecordById("partners", testapp.PartnerAcme)
	acme.Set("logo", "")
	if err := app.Save(acme); err != nil {
		t.Fatal(err)
	}
	if !progressDone(t, app, testapp.PartnerAcme, testapp.StepProfile).GetBool("done") {
		t.Fatal("profile step unticked when the logo was removed")
	}
}

func TestOnboardingInviteTicksWhenEnoughColleaguesJoin(t *testing.T) {
	app := testapp.New(t)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	// Acme has Carla and Diego: 2 users, the step wants 1 + 2.
	if progressDone(t, app, testapp.PartnerAcme, testapp.StepInvite).GetBool("done") {
		t.Fatal("invite step ticked with 2 users")
	}
	users, _ := app.FindCollectionByNameOrId("users")
	u := core.NewRecord(users)
	u.Set("email", "nina@acme.test")
	u.Set("name", "Nina Alves")
	u.Set("role", "partner_user")
	u.Set("partner", testapp.PartnerAcme)
	u.SetPassword(testapp.Password)
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	r := progressDone(t, app, testapp.PartnerAcme, testapp.StepInvite)
	if !r.GetBool("done") || r.GetString("evidence") != "3" {
		t.Fatalf("invite step after a third user: done=%v evidence=%q", r.GetBool("done"), r.GetString("evidence"))
	}
	// Globex's checklist (not started) is untouched and Globex got none.
	if cl, _ := onboarding.ChecklistOf(app, testapp.PartnerGlobex); cl != nil {
		t.Fatal("Globex got a checklist")
	}
}

func TestOnboardingAgreementTicksOnAcknowledgement(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDocuments(t, app)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	step := addStep(t, app, onboarding.KindAgreement, map[string]any{"document": testapp.DocAcmePrivate})
	if progressDone(t, app, testapp.PartnerAcme, step.Id).GetBool("done") {
		t.Fatal("agreement ticked before any acknowledgement")
	}
	diego, _ := app.FindRecordById("users", testapp.AcmeUserID)
	doc, _ := app.FindRecordById("documents", testapp.DocAcmePrivate)
	c, _ := app.FindCollectionByNameOrId("document_acknowledgements")
	ack := core.NewRecord(c)
	body := map[string]any{"document": doc.Id, "version": doc.GetString("current_version"), "user": diego.Id}
	if err := access.Create(app, access.Info(diego, http.MethodPost, body), ack); err != nil {
		t.Fatalf("acknowledging: %v", err)
	}
	r := progressDone(t, app, testapp.PartnerAcme, step.Id)
	if !r.GetBool("done") || r.GetString("evidence") != "Diego Rocha" {
		t.Fatalf("agreement step: done=%v evidence=%q", r.GetBool("done"), r.GetString("evidence"))
	}
}

func TestOnboardingCourseTicksWhenAColleagueCompletesIt(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedTraining(t, app)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	step := addStep(t, app, onboarding.KindCourse, map[string]any{"course": testapp.CourseGold})
	c, _ := app.FindCollectionByNameOrId("enrollments")
	en := core.NewRecord(c)
	en.Set("user", testapp.AcmeUserID)
	en.Set("course", testapp.CourseGold)
	if err := app.Save(en); err != nil {
		t.Fatalf("enrolling: %v", err)
	}
	if progressDone(t, app, testapp.PartnerAcme, step.Id).GetBool("done") {
		t.Fatal("course step ticked on enrolment")
	}
	en, _ = app.FindRecordById("enrollments", en.Id)
	en.Set("completed_lessons", []string{testapp.LessonGold1})
	if err := app.Save(en); err != nil {
		t.Fatalf("completing the lesson: %v", err)
	}
	if en.GetString("status") != "completed" {
		t.Fatalf("enrolment status = %q: the fixture course needs more than its lesson", en.GetString("status"))
	}
	r := progressDone(t, app, testapp.PartnerAcme, step.Id)
	if !r.GetBool("done") || r.GetString("evidence") != "Diego Rocha" {
		t.Fatalf("course step: done=%v evidence=%q", r.GetBool("done"), r.GetString("evidence"))
	}
}

func TestOnboardingFirstDealTicksOnRegistration(t *testing.T) {
	app := testapp.New(t)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	if progressDone(t, app, testapp.PartnerAcme, testapp.StepFirstDeal).GetBool("done") {
		t.Fatal("first deal ticked without deals")
	}
	if _, err := newDeal(t, app, testapp.AcmeUserID, nil); err != nil {
		t.Fatal(err)
	}
	r := progressDone(t, app, testapp.PartnerAcme, testapp.StepFirstDeal)
	if !r.GetBool("done") || r.GetString("evidence") != "Omega Logística Ltda." {
		t.Fatalf("first deal step: done=%v evidence=%q", r.GetBool("done"), r.GetString("evidence"))
	}
}

func TestOnboardingCompletesOnceAndActivatesPartner(t *testing.T) {
	app := testapp.New(t)
	testapp.StartOnboarding(t, app, testapp.PartnerGlobex)
	g, _ := app.FindRecordById("partners", testapp.PartnerGlobex)
	joined := g.GetDateTime("joined")
	// Profile, invite and deal from the real actions.
	logo, _ := filesystem.NewFileFromBytes(tinyPNG, "logo.png")
	g.Set("logo", logo)
	if err := app.Save(g); err != nil {
		t.Fatal(err)
	}
	users, _ := app.FindCollectionByNameOrId("users")
	u := core.NewRecord(users)
	u.Set("email", "olga@globex.test")
	u.Set("name", "Olga")
	u.Set("role", "partner_user")
	u.Set("partner", testapp.PartnerGlobex)
	u.SetPassword(testapp.Password)
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	if _, err := newDeal(t, app, testapp.GlobexUserID, map[string]any{"partner": testapp.PartnerGlobex}); err != nil {
		t.Fatal(err)
	}
	cl := checklist(t, app, testapp.PartnerGlobex)
	if cl.GetInt("done") != 3 || cl.GetString("status") != onboarding.StatusOnboarding {
		t.Fatalf("before the manual step: %d/%d %s", cl.GetInt("done"), cl.GetInt("total"), cl.GetString("status"))
	}
	// Bruno ticks the kick-off call through the progress rule.
	bruno, _ := app.FindRecordById("users", testapp.ManagerBrunoID)
	manual, _ := app.FindRecordById(onboarding.Progress, testapp.ProgressGlobexManual)
	activity.SetActor(manual, bruno.Id)
	if err := access.Update(app, access.Info(bruno, http.MethodPatch, map[string]any{"done": true}), manual); err != nil {
		t.Fatalf("manager ticking: %v", err)
	}
	manual, _ = app.FindRecordById(onboarding.Progress, testapp.ProgressGlobexManual)
	if manual.GetString("done_by") != bruno.Id {
		t.Fatalf("done_by = %q, want Bruno", manual.GetString("done_by"))
	}
	cl = checklist(t, app, testapp.PartnerGlobex)
	g, _ = app.FindRecordById("partners", testapp.PartnerGlobex)
	if cl.GetString("status") != onboarding.StatusCompleted || cl.GetDateTime("completed").IsZero() || g.GetString("status") != "active" {
		t.Fatalf("after all steps: checklist %s, partner %s", cl.GetString("status"), g.GetString("status"))
	}
	if !g.GetDateTime("joined").Equal(joined) {
		t.Fatalf("joined changed from %v to %v", joined, g.GetDateTime("joined"))
	}
	// Unticking and ticking again never completes twice.
	for _, done := range []bool{false, true} {
		manual, _ = app.FindRecordById(onboarding.Progress, testapp.ProgressGlobexManual)
		manual.Set("done", done)
		if err := app.Save(manual); err != nil {
			t.Fatal(err)
		}
	}
	if n := countEvents(t, app, testapp.PartnerGlobex, activity.KindOnboardingCompleted); n != 1 {
		t.Fatalf("onboarding.completed events = %d, want 1", n)
	}
	// Globex's partner admin and channel manager are told, once; its
	// partner users and the other partner's people are not.
	for user, want := range map[string]int{testapp.GlobexAdminID: 1, testapp.ManagerBrunoID: 1,
		testapp.GlobexUserID: 0, testapp.AcmeAdminID: 0, testapp.ManagerAnaID: 0} {
		n, err := app.CountRecords("notifications", dbx.HashExp{"kind": "onboarding.completed", "user": user})
		if err != nil {
			t.Fatal(err)
		}
		if int(n) != want {
			t.Errorf("onboarding.completed notifications of %s = %d, want %d", user, n, want)
		}
	}
	if s := checklist(t, app, testapp.PartnerGlobex).GetString("status"); s != onboarding.StatusCompleted {
		t.Fatalf("checklist re-opened: %s", s)
	}
}

func TestOnboardingCompletionSetsJoinedWhenEmpty(t *testing.T) {
	app := testapp.New(t)
	g, _ := app.FindRecordById("partners", testapp.PartnerGlobex)
	g.Set("joined", "")
	if err := app.Save(g); err != nil {
		t.Fatal(err)
	}
	testapp.StartOnboarding(t, app, testapp.PartnerGlobex)
	// Only the manual step stays required.
	for _, id := range []string{testapp.StepProfile, testapp.StepInvite, testapp.StepFirstDeal} {
		s, _ := app.FindRecordById(onboarding.Steps, id)
		s.Set("required", false)
		if err := app.Save(s); err != nil {
			t.Fatal(err)
		}
	}
	manual, _ := app.FindRecordById(onboarding.Progress, testapp.ProgressGlobexManual)
	manual.Set("done", true)
	if err := app.Save(manual); err != nil {
		t.Fatal(err)
	}
	g, _ = app.FindRecordById("partners", testapp.PartnerGlobex)
	y, m, d := time.Now().UTC().Date()
	if g.GetString("status") != "active" || !g.GetDateTime("joined").Time().Equal(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("partner %s joined %v, want active joined today", g.GetString("status"), g.GetDateTime("joined"))
	}
}

func TestOnboardingTemplatesAddedLaterAndPartnersMovedOut(t *testing.T) {
	app := testapp.New(t)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	testapp.StartOnboarding(t, app, testapp.PartnerGlobex)
	// Staff move Globex back to active by hand: its checklist is "left".
	g, _ := app.FindRecordById("partners", testapp.PartnerGlobex)
	g.Set("status", "active")
	if err := app.Save(g); err != nil {
		t.Fatal(err)
	}
	if s := checklist(t, app, testapp.PartnerGlobex).GetString("status"); s != onboarding.StatusLeft {
		t.Fatalf("Globex checklist = %s, want left", s)
	}
	// A new step lands on Acme's checklist (still onboarding), not Globex's.
	step := addStep(t, app, onboarding.KindManual, nil)
	if n, _ := app.CountRecords(onboarding.Progress, dbx.HashExp{"step": step.Id}); n != 1 {
		t.Fatalf("rows of the new step = %d, want 1 (Acme only)", n)
	}
	if cl := checklist(t, app, testapp.PartnerAcme); cl.GetInt("total") != 5 {
		t.Fatalf("Acme total = %d, want 5", cl.GetInt("total"))
	}
	// Deactivating it takes it out of the counts again.
	step.Set("active", false)
	if err := app.Save(step); err != nil {
		t.Fatal(err)
	}
	if cl := checklist(t, app, testapp.PartnerAcme); cl.GetInt("total") != 4 {
		t.Fatalf("Acme total after deactivation = %d, want 4", cl.GetInt("total"))
	}
}

func TestOnboardingStepValidation(t *testing.T) {
	app := testapp.New(t)
	c, _ := app.FindCollectionByNameOrId(onboarding.Steps)
	for kind, field := range map[string]string{onboarding.KindAgreement: "document", onboarding.KindCourse: "course", onboarding.KindInvite: "count"} {
		r := core.NewRecord(c)
		r.Set("kind", kind)
		r.Set("title_en", "x")
		r.Set("title_pt", "x")
		err := app.Save(r)
		if err == nil {
			t.Fatalf("%s step without %s saved", kind, field)
		}
		var verrs validation.Errors
		if !errors.As(err, &verrs) || verrs[field] == nil {
			t.Fatalf("%s step: error %v, want one on %s", kind, err, field)
		}
	}
}

func TestOnboardingInvitationStampsAndAcceptanceTicks(t *testing.T) {
	app := testapp.New(t)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	var inv *core.Record
	if err := app.RunInTransaction(func(tx core.App) error {
		var err error
		inv, err = invite.Issue(tx, invite.Request{Email: "nova@acme.test", Name: "Nova Lima", Role: roles.PartnerUser,
			PartnerID: testapp.PartnerAcme, InvitedBy: testapp.AcmeAdminID, Locale: "pt-BR"})
		return err
	}); err != nil {
		t.Fatalf("inviting: %v", err)
	}
	cl := checklist(t, app, testapp.PartnerAcme)
	if cl.GetDateTime("invited").String() != inv.GetDateTime("created").String() {
		t.Fatalf("invited = %v, want the invitation's %v", cl.GetDateTime("invited"), inv.GetDateTime("created"))
	}
	if progressDone(t, app, testapp.PartnerAcme, testapp.StepInvite).GetBool("done") {
		t.Fatal("invite step ticked before the invitation was accepted")
	}
	token := testapp.LastInvitationToken(t, app)
	if err := app.RunInTransaction(func(tx core.App) error {
		_, err := invite.Accept(tx, token, invite.Acceptance{Name: "Nova Lima", Password: "Nova-Senha-2026!"}, time.Now().UTC())
		return err
	}); err != nil {
		t.Fatalf("accepting: %v", err)
	}
	r := progressDone(t, app, testapp.PartnerAcme, testapp.StepInvite)
	if !r.GetBool("done") || r.GetString("evidence") != "3" {
		t.Fatalf("invite step after acceptance: done=%v evidence=%q", r.GetBool("done"), r.GetString("evidence"))
	}
}
