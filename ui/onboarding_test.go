package ui_test

// Onboarding pages: the partner home's checklist moving with a real action,
// manual ticks from both sides, the staff list's figures and filters, the
// partner detail, the steps editor with its translated errors.

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/onboarding"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// tickManual marks the partner's manual step done from Go.
func tickManual(t *testing.T, app core.App, id string) {
	t.Helper()
	r, err := app.FindRecordById(onboarding.Progress, id)
	if err != nil {
		t.Fatal(err)
	}
	r.Set("done", true)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func TestOnboardingHomeChecklistMovesWithAcknowledgement(t *testing.T) {
	app, srv := newServer(t)
	testapp.SeedDocuments(t, app)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	c, _ := app.FindCollectionByNameOrId(onboarding.Steps)
	step := core.NewRecord(c)
	step.Set("kind", onboarding.KindAgreement)
	step.Set("title_en", "Acknowledge the reseller agreement")
	step.Set("title_pt", "Dê ciência do contrato de revenda")
	step.Set("document", testapp.DocAcmePrivate)
	step.Set("required", true)
	step.Set("active", true)
	step.Set("sort", 15)
	if err := app.Save(step); err != nil {
		t.Fatal(err)
	}

	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	home := diego.get("/")
	expectStatus(t, home, http.StatusOK, "Acme home")
	expectContains(t, home, "Acme home before", "Primeiros passos", "0 de 5 etapas concluídas (0%)", `value="0"`,
		"Dê ciência do contrato de revenda", `href="/documents/`+testapp.DocAcmePrivate+`"`, `href="/deals/new"`)

	// The real action: Diego acknowledges the agreement in the portal.
	res := diego.post("/documents/"+testapp.DocAcmePrivate+"/acknowledge", nil)
	expectStatus(t, res, http.StatusSeeOther, "acknowledging")
	home = diego.get("/")
	expectContains(t, home, "Acme home after", "1 de 5 etapas concluídas (20%)", `value="20"`)
	if n := strings.Count(home.Body, `class="onb-step is-done"`); n != 1 {
		t.Fatalf("steps shown done = %d, want 1", n)
	}

	// Partner users get no link to the profile form they may not use.
	expectNotContains(t, home, "Diego's home", `href="/partners/acme-brasil/edit"`)
	// Staff see what ticked it, in their language.
	expectContains(t, signedIn(t, app, srv, testapp.ManagerAnaEmail).get("/onboarding/acme-brasil"), "Ana on Acme",
		"ciência dada por Diego Rocha", "marcada automaticamente")

	// Globex is not onboarding: no panel.
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	expectNotContains(t, fabio.get("/"), "Globex home", "Getting started", "Primeiros passos")
}

func TestOnboardingManualTickFromBothSides(t *testing.T) {
	app, srv := newServer(t)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	testapp.StartOnboarding(t, app, testapp.PartnerGlobex)
	path := "/onboarding/acme-brasil/tick"
	form := func(done string) url.Values {
		return url.Values{"progress": {testapp.ProgressAcmeManual}, "done": {done}}
	}
	done := func() bool {
		r, err := app.FindRecordById(onboarding.Progress, testapp.ProgressAcmeManual)
		if err != nil {
			t.Fatal(err)
		}
		return r.GetBool("done")
	}
	// Partner people are refused the staff route (403); Bruno, who does not
	// manage Acme, is told the row does not exist (404).
	for email, want := range map[string]int{testapp.AcmeUserEmail: http.StatusForbidden, testapp.AcmeAdminEmail: http.StatusForbidden,
		testapp.GlobexAdminEmail: http.StatusForbidden, testapp.ManagerBrunoEmail: http.StatusNotFound} {
		res := signedIn(t, app, srv, email).post(path, form("1"))
		expectStatus(t, res, want, email+" ticking Acme's manual step")
		if done() {
			t.Fatalf("%s ticked Acme's manual step", email)
		}
	}
	guest := newBrowser(t, srv).post(path, form("1"))
	if guest.Status == http.StatusSeeOther && done() {
		t.Fatal("a guest ticked the step")
	}

	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	page := ana.get("/onboarding/acme-brasil")
	expectStatus(t, page, http.StatusOK, "Ana's detail page")
	expectContains(t, page, "Ana's detail page", "Marcar como concluída", "Reunião inicial com seu gerente de canal")
	expectStatus(t, ana.post(path, form("1")), http.StatusSeeOther, "Ana ticking")
	if !done() {
		t.Fatal("Ana's tick was not stored")
	}
	r, _ := app.FindRecordById(onboarding.Progress, testapp.ProgressAcmeManual)
	if r.GetString("done_by") != testapp.ManagerAnaID {
		t.Fatalf("done_by = %q, want Ana", r.GetString("done_by"))
	}
	expectContains(t, ana.get("/onboarding/acme-brasil"), "after the tick", "Ana Souza", "Desmarcar")

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectStatus(t, admin.post(path, form("0")), http.StatusSeeOther, "admin unticking")
	if done() {
		t.Fatal("the admin's untick was not stored")
	}
	// A row under the wrong partner's address, or none at all: 404.
	expectStatus(t, admin.post(path, url.Values{"progress": {testapp.ProgressGlobexManual}, "done": {"1"}}),
		http.StatusNotFound, "Globex row under Acme's slug")
	expectStatus(t, admin.post(path, url.Values{"progress": {"nosuchprogress1"}, "done": {"1"}}),
		http.StatusNotFound, "unknown row")
	// An automatic step cannot be ticked by hand, even by an admin.
	prof := testapp.OnboardingProgress(t, app, testapp.PartnerAcme, testapp.StepProfile)
	expectStatus(t, admin.post(path, url.Values{"progress": {prof.Id}, "done": {"1"}}),
		http.StatusForbidden, "ticking the profile step by hand")
	// Bruno does not see Acme's detail page.
	expectStatus(t, signedIn(t, app, srv, testapp.ManagerBrunoEmail).get("/onboarding/acme-brasil"), http.StatusNotFound, "Bruno on Acme")
}

func TestOnboardingStaffListFigures(t *testing.T) {
	app, srv := newServer(t)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	testapp.StartOnboarding(t, app, testapp.PartnerGlobex)
	tickManual(t, app, testapp.ProgressAcmeManual)

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	list := admin.get("/onboarding")
	expectStatus(t, list, http.StatusOK, "admin list")
	expectContains(t, list, "admin list", "Acme Brasil Ltda", "1 of 4 required", "Globex México", "0 of 4 required",
		`href="/onboarding/acme-brasil"`, "Ana Souza", "Bruno Lima")
	byBruno := admin.get("/onboarding?manager=" + testapp.ManagerBrunoID)
	expectContains(t, byBruno, "filtered by Bruno", "Globex México")
	expectNotContains(t, byBruno, "filtered by Bruno", "Acme Brasil Ltda")
	expectStatus(t, admin.get("/onboarding?show=bogus"), http.StatusBadRequest, "unknown view")
	expectStatus(t, admin.get("/onboarding?manager=nosuchuser0001"), http.StatusBadRequest, "unknown manager")

	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	mine := ana.get("/onboarding")
	expectContains(t, mine, "Ana's list", "Acme Brasil Ltda", "1 de 4 obrigatórias")
	expectNotContains(t, mine, "Ana's list", "Globex México")
	home := ana.get("/")
	expectContains(t, home, "Ana's home", "Parceiros em integração", "Acme Brasil Ltda")

	expectStatus(t, signedIn(t, app, srv, testapp.AcmeAdminEmail).get("/onboarding"), http.StatusForbidden, "partner admin on the list")

	// Completed partners move to the completed view with their duration.
	for _, id := range []string{testapp.StepProfile, testapp.StepInvite, testapp.StepFirstDeal} {
		s, _ := app.FindRecordById(onboarding.Steps, id)
		s.Set("required", false)
		if err := app.Save(s); err != nil {
			t.Fatal(err)
		}
	}
	done := admin.get("/onboarding?show=completed")
	expectContains(t, done, "completed view", "Acme Brasil Ltda", "1 of 1 required")
	expectNotContains(t, done, "completed view", "Globex México")
	acme, _ := app.FindRecordById("partners", testapp.PartnerAcme)
	if acme.GetString("status") != "active" {
		t.Fatalf("Acme status = %s after its only required step", acme.GetString("status"))
	}
	// Its people see a short "completed" note instead of the checklist.
	home = signedIn(t, app, srv, testapp.AcmeUserEmail).get("/")
	expectContains(t, home, "Acme home after completion", "Integração concluída em")
	expectNotContains(t, home, "Acme home after completion", `class="onb-bar"`)
}

func TestOnboardingStepsEditor(t *testing.T) {
	app, srv := newServer(t)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	expectStatus(t, signedIn(t, app, srv, testapp.ManagerAnaEmail).get("/onboarding/steps"), http.StatusForbidden, "manager on the editor")
	expectStatus(t, signedIn(t, app, srv, testapp.AcmeAdminEmail).post("/onboarding/steps/new", url.Values{"kind": {"manual"}}),
		http.StatusForbidden, "partner admin creating a step")

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	list := admin.get("/onboarding/steps")
	expectStatus(t, list, http.StatusOK, "steps list")
	expectContains(t, list, "steps list", "Kick-off call with your channel manager", "Register your first deal")

	bad := admin.post("/onboarding/steps/new", url.Values{"kind": {"agreement"}, "title_en": {"Sign it"}, "title_pt": {""}})
	expectStatus(t, bad, http.StatusBadRequest, "agreement step without a document")
	expectContains(t, bad, "bad step", "Choose the document partners must acknowledge.", "This field is required.", `value="Sign it"`)
	bad = admin.post("/onboarding/steps/new", url.Values{"kind": {"invite_colleagues"}, "title_en": {"Invite"}, "title_pt": {"Convide"}, "count": {"0"}})
	expectStatus(t, bad, http.StatusBadRequest, "invite step with 0")
	expectContains(t, bad, "bad count", "Enter how many colleagues to invite, from 1 to 100.")

	bad = admin.post("/onboarding/steps/new", url.Values{"kind": {"bogus"}, "title_en": {strings.Repeat("x", 201)}, "title_pt": {"Etapa"}})
	expectStatus(t, bad, http.StatusBadRequest, "unknown kind, long title")
	expectContains(t, bad, "bad kind", "Choose one of the options.", "This text is too long.")
	if n, _ := app.CountRecords(onboarding.Steps); n != 4 {
		t.Fatalf("refused forms saved steps: %d templates", n)
	}

	ok := admin.post("/onboarding/steps/new", url.Values{"kind": {"invite_colleagues"}, "title_en": {"Invite a third"},
		"title_pt": {"Convide um terceiro"}, "count": {"3"}, "required": {"1"}, "active": {"1"}})
	expectStatus(t, ok, http.StatusSeeOther, "valid step")
	s, err := app.FindFirstRecordByFilter(onboarding.Steps, "title_en = 'Invite a third'")
	if err != nil || s.GetInt("count") != 3 {
		t.Fatalf("new step: %v %v", s, err)
	}
	if n, _ := app.CountRecords(onboarding.Progress, dbx.HashExp{"step": s.Id, "partner": testapp.PartnerAcme}); n != 1 {
		t.Fatalf("the new step is not on Acme's checklist (%d rows)", n)
	}

	// Moving the manual step up puts it before the first-deal step.
	expectStatus(t, admin.post("/onboarding/steps/"+testapp.StepManual+"/move", url.Values{"dir": {"up"}}), http.StatusSeeOther, "move up")
	manual, _ := app.FindRecordById(onboarding.Steps, testapp.StepManual)
	deal, _ := app.FindRecordById(onboarding.Steps, testapp.StepFirstDeal)
	if manual.GetInt("sort") >= deal.GetInt("sort") {
		t.Fatalf("manual sort %d, first deal %d: not moved up", manual.GetInt("sort"), deal.GetInt("sort"))
	}
	expectStatus(t, admin.post("/onboarding/steps/"+testapp.StepManual+"/move", url.Values{"dir": {"sideways"}}), http.StatusBadRequest, "bad move")

	// Deactivating through the editor.
	edit := admin.post("/onboarding/steps/"+testapp.StepManual+"/edit", url.Values{"kind": {"manual"},
		"title_en": {"Kick-off call"}, "title_pt": {"Reunião inicial"}, "required": {"1"}})
	expectStatus(t, edit, http.StatusSeeOther, "deactivating")
	manual, _ = app.FindRecordById(onboarding.Steps, testapp.StepManual)
	if manual.GetBool("active") {
		t.Fatal("step still active")
	}
}
