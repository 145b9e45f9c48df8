package access_test

// The access matrix through PocketBase's REST API: every role, against its own
// partner and the other one, for list/view/create/update/delete on every
// collection. Each scenario runs on a fresh clone of the seeded fixture
// (testapp.Factory) and signs in with a token minted from that same app inside
// BeforeTestFunc (see as/authorize), so no token is ever hard-coded.
//
// Every scenario proves both sides: what is returned (ids, values) and what is
// not (the ids of records it must not see), and writes that are refused are
// checked again in AfterTestFunc by reloading the record.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// ---------------------------------------------------------------------------
// Actors and seeded records

// actor is one side of the matrix: a fixture user, or a guest (no e-mail).
type actor struct {
	name  string // as it reads in scenario names
	email string // "" for a guest
	id    string
}

var (
	guest       = actor{"guest", "", ""}
	admin       = actor{"admin", testapp.AdminEmail, testapp.AdminID}
	ana         = actor{"manager ana (acme)", testapp.ManagerAnaEmail, testapp.ManagerAnaID}
	bruno       = actor{"manager bruno (globex)", testapp.ManagerBrunoEmail, testapp.ManagerBrunoID}
	acmeAdmin   = actor{"partner_admin acme", testapp.AcmeAdminEmail, testapp.AcmeAdminID}
	acmeUser    = actor{"partner_user acme", testapp.AcmeUserEmail, testapp.AcmeUserID}
	globexAdmin = actor{"partner_admin globex", testapp.GlobexAdminEmail, testapp.GlobexAdminID}
	globexUser  = actor{"partner_user globex", testapp.GlobexUserEmail, testapp.GlobexUserID}

	// actors is every role of the matrix, guest first.
	actors = []actor{guest, admin, ana, bruno, acmeAdmin, acmeUser, globexAdmin, globexUser}
	// signedIn is every fixture user (they are also the users records).
	signedIn = actors[1:]
)

// Records the scenarios seed on top of the fixture, with fixed ids.
const (
	partnerOrphan = "partnerorphan01" // no manager, no tier: empty relation fields

	actAcmeUser   = "actacmeuser0001" // by the Acme partner_user
	actAcmeAdmin  = "actacmeadmin001" // by the Acme partner_admin
	actGlobexUser = "actglobexuser01" // by the Globex partner_user
	actSystem     = "actsystem000001" // no user, no partner

	sessAcmeUser = "sessacmeuser001"
)

// Distinctive values of the seeded session's hidden fields.
var (
	sessTokenHash = strings.Repeat("5e", 32)
	sessCSRF      = strings.Repeat("c5", 32)
	sessKeySum    = strings.Repeat("4b", 32)
)

var (
	allPartners = []string{testapp.PartnerAcme, testapp.PartnerGlobex, partnerOrphan}
	allUsers    = []string{testapp.AdminID, testapp.ManagerAnaID, testapp.ManagerBrunoID,
		testapp.AcmeAdminID, testapp.AcmeUserID, testapp.GlobexAdminID, testapp.GlobexUserID}
	allTiers    = []string{testapp.TierGold, testapp.TierSilver}
	allActivity = []string{actAcmeUser, actAcmeAdmin, actGlobexUser, actSystem}
)

type setupFunc func(t testing.TB, app *tests.TestApp)

type afterFunc func(t testing.TB, app *tests.TestApp, res *http.Response)

// seedOrphanPartner adds a partner whose manager and tier are empty: a rule
// that compared an empty @request.auth field with them would match it.
func seedOrphanPartner(t testing.TB, app *tests.TestApp) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("partners")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Id = partnerOrphan
	r.Set("name", "Orphan Lda")
	r.Set("slug", "orphan-lda")
	r.Set("status", "applicant")
	r.Set("country", "PT")
	if err := app.Save(r); err != nil {
		t.Fatalf("seeding orphan partner: %v", err)
	}
}

// seedActivity adds one event for the Acme partner_user, one for the Acme
// partner_admin, one for the Globex partner_user and one system event.
// emptyPartnerID names a partner without users, managed by Ana.
const emptyPartnerID = "partnerempty001"

// seedEmptyPartner adds a partner without users: the only kind that may be
// deleted.
func seedEmptyPartner(t testing.TB, app *tests.TestApp) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("partners")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Id = emptyPartnerID
	r.Set("name", "Empty Ltda")
	r.Set("slug", "empty")
	r.Set("status", "applicant")
	r.Set("country", "BR")
	r.Set("manager", testapp.ManagerAnaID)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func seedActivity(t testing.TB, app *tests.TestApp) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("activity")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct{ id, user, partner string }{
		{actAcmeUser, testapp.AcmeUserID, testapp.PartnerAcme},
		{actAcmeAdmin, testapp.AcmeAdminID, testapp.PartnerAcme},
		{actGlobexUser, testapp.GlobexUserID, testapp.PartnerGlobex},
		{actSystem, "", ""},
	} {
		r := core.NewRecord(c)
		r.Id = a.id
		r.Set("user", a.user)
		r.Set("partner", a.partner)
		r.Set("kind", "test.seed")
		if err := app.Save(r); err != nil {
			t.Fatalf("seeding activity %s: %v", a.id, err)
		}
	}
}

// seedSession adds a portal session of the Acme partner_user with known
// hidden values, so a scenario can prove they never reach a response.
func seedSession(t testing.TB, app *tests.TestApp) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("sessions")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	r := core.NewRecord(c)
	r.Id = sessAcmeUser
	r.Set("token_hash", sessTokenHash)
	r.Set("user", testapp.AcmeUserID)
	r.Set("csrf", sessCSRF)
	r.Set("key_sum", sessKeySum)
	r.Set("expires", now.Add(time.Hour))
	r.Set("last_seen", now)
	r.Set("user_agent", "seed")
	if err := app.Save(r); err != nil {
		t.Fatalf("seeding session: %v", err)
	}
}

// ---------------------------------------------------------------------------
// Signing requests in

// as returns a BeforeTestFunc that runs the setups and then signs the
// request in as a (a guest sends no Authorization header). The token is
// minted from the scenario's own app after the setups, so a setup that
// rotates the user's token key is already reflected in it.
func as(a actor, setups ...setupFunc) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		t.Helper()
		for _, s := range setups {
			s(t, app)
		}
		if a.email != "" {
			authorize(e, testapp.Token(t, app, a.email))
		}
	}
}

// authorize puts token on the scenario's request. ApiScenario builds the
// request after BeforeTestFunc returns, from the scenario's static Headers, so
// a token minted from the scenario's app is set by a router middleware that
// runs just before PocketBase's loadAuthToken middleware.
func authorize(e *core.ServeEvent, token string) {
	e.Router.Bind(&hook.Handler[*core.RequestEvent]{
		Id:       "ponte.test.authorize",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
		Func: func(re *core.RequestEvent) error {
			re.Request.Header.Set("Authorization", token)
			return re.Next()
		},
	})
}

// ---------------------------------------------------------------------------
// After-test checks

func afterAll(fs ...afterFunc) func(testing.TB, *tests.TestApp, *http.Response) {
	return func(t testing.TB, app *tests.TestApp, res *http.Response) {
		t.Helper()
		for _, f := range fs {
			f(t, app, res)
		}
	}
}

// snapshot renders every field of rec (hidden ones, password hash and token
// key included) for comparison.
func snapshot(rec *core.Record) map[string]string {
	out := map[string]string{}
	for _, f := range rec.Collection().Fields {
		out[f.GetName()] = fmt.Sprint(rec.Get(f.GetName()))
	}
	return out
}

// unchanged checks that the record is still exactly as in ref (an untouched
// clone of the same seeded template).
func unchanged(ref core.App, coll, id string) afterFunc {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		want, err := ref.FindRecordById(coll, id)
		if err != nil {
			t.Fatalf("reference %s/%s: %v", coll, id, err)
		}
		got, err := app.FindRecordById(coll, id)
		if err != nil {
			t.Fatalf("%s/%s is gone after a refused request: %v", coll, id, err)
		}
		w, g := snapshot(want), snapshot(got)
		for k, v := range w {
			if g[k] != v {
				t.Errorf("%s/%s field %q changed by a refused request: %q → %q", coll, id, k, v, g[k])
			}
		}
	}
}

// fieldsAre checks the stored values of some fields of a record.
func fieldsAre(coll, id string, want map[string]any) afterFunc {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		rec, err := app.FindRecordById(coll, id)
		if err != nil {
			t.Fatalf("%s/%s: %v", coll, id, err)
		}
		for k, v := range want {
			if got := rec.GetString(k); got != fmt.Sprint(v) {
				t.Errorf("%s/%s field %q = %q, want %q", coll, id, k, got, fmt.Sprint(v))
			}
		}
	}
}

func gone(coll, id string) afterFunc {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if _, err := app.FindRecordById(coll, id); err == nil {
			t.Errorf("%s/%s still exists after delete", coll, id)
		}
	}
}

// countWith checks how many records have field = value.
func countWith(coll, field, value string, want int) afterFunc {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		recs, err := app.FindAllRecords(coll)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range recs {
			if r.GetString(field) == value {
				n++
			}
		}
		if n != want {
			t.Errorf("%d %s records with %s=%q, want %d", n, coll, field, value, want)
		}
	}
}

// ---------------------------------------------------------------------------
// Scenario builders

func recordsURL(coll string) string { return "/api/collections/" + coll + "/records" }

func idFrag(id string) string { return `"id":"` + id + `"` }

func idFrags(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = idFrag(id)
	}
	return out
}

// frag renders k: v as it appears in a compacted JSON response.
func frag(k string, v any) string {
	b, err := json.Marshal(map[string]any{k: v})
	if err != nil {
		panic(err)
	}
	return string(b[1 : len(b)-1])
}

func jsonBody(body map[string]any) *strings.Reader {
	b, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	return strings.NewReader(string(b))
}

func without(all, keep []string) []string {
	var out []string
	for _, id := range all {
		if !slices.Contains(keep, id) {
			out = append(out, id)
		}
	}
	return out
}

func statusFrag(code int) string { return fmt.Sprintf(`"status":%d`, code) }

// listS: a lists coll and gets exactly visible out of all.
func listS(a actor, coll string, all, visible []string, notExpected []string, setups ...setupFunc) tests.ApiScenario {
	return tests.ApiScenario{
		Name:               fmt.Sprintf("%s lists %s → exactly %d", a.name, coll, len(visible)),
		Method:             http.MethodGet,
		URL:                recordsURL(coll) + "?perPage=200",
		TestAppFactory:     testapp.Factory,
		BeforeTestFunc:     as(a, setups...),
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    append([]string{fmt.Sprintf(`"totalItems":%d`, len(visible))}, idFrags(visible)...),
		NotExpectedContent: append(idFrags(without(all, visible)), notExpected...),
	}
}

// viewS: a views one record (label names it) and gets it, or a 404 that
// does not leak it.
func viewS(a actor, coll, id, label string, visible bool, notExpected []string, setups ...setupFunc) tests.ApiScenario {
	s := tests.ApiScenario{
		Method:         http.MethodGet,
		URL:            recordsURL(coll) + "/" + id,
		TestAppFactory: testapp.Factory,
		BeforeTestFunc: as(a, setups...),
	}
	if visible {
		s.Name = fmt.Sprintf("%s views %s → 200", a.name, label)
		s.ExpectedStatus = http.StatusOK
		s.ExpectedContent = []string{idFrag(id)}
		s.NotExpectedContent = notExpected
	} else {
		s.Name = fmt.Sprintf("%s views %s → 404", a.name, label)
		s.ExpectedStatus = http.StatusNotFound
		s.ExpectedContent = []string{statusFrag(404)}
		s.NotExpectedContent = append([]string{idFrag(id)}, notExpected...)
	}
	return s
}

// createS: a creates a record; check verifies the stored outcome.
func createS(a actor, coll, label string, body map[string]any, status int, check afterFunc, setups ...setupFunc) tests.ApiScenario {
	s := tests.ApiScenario{
		Name:           fmt.Sprintf("%s creates %s → %d", a.name, label, status),
		Method:         http.MethodPost,
		URL:            recordsURL(coll),
		Body:           jsonBody(body),
		TestAppFactory: testapp.Factory,
		BeforeTestFunc: as(a, setups...),
		ExpectedStatus: status,
		AfterTestFunc:  afterAll(check),
	}
	if status == http.StatusOK {
		for k, v := range body {
			if k != "password" && k != "passwordConfirm" {
				s.ExpectedContent = append(s.ExpectedContent, frag(k, v))
			}
		}
	} else {
		s.ExpectedContent = []string{statusFrag(status)}
		s.NotExpectedContent = []string{`"id":"`, `"created":`}
	}
	return s
}

// updateS: a PATCHes body onto the record. Allowed → 200 with the new values,
// stored. Refused → refusedStatus with nothing of the record, and the stored
// record identical to the fixture (ref).
func updateS(ref core.App, a actor, coll, id, label string, body map[string]any, allowed bool, refusedStatus int, setups ...setupFunc) tests.ApiScenario {
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	s := tests.ApiScenario{
		Method:         http.MethodPatch,
		URL:            recordsURL(coll) + "/" + id,
		Body:           jsonBody(body),
		TestAppFactory: testapp.Factory,
		BeforeTestFunc: as(a, setups...),
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s=%v", k, body[k])
		if strings.HasPrefix(k, "password") {
			parts[i] = k
		}
	}
	what := strings.Join(parts, ",")
	if allowed {
		s.Name = fmt.Sprintf("%s updates %s of %s → 200", a.name, what, label)
		s.ExpectedStatus = http.StatusOK
		s.ExpectedContent = []string{idFrag(id)}
		for _, k := range keys {
			s.ExpectedContent = append(s.ExpectedContent, frag(k, body[k]))
		}
		s.AfterTestFunc = afterAll(fieldsAre(coll, id, body))
	} else {
		s.Name = fmt.Sprintf("%s updates %s of %s → %d", a.name, what, label, refusedStatus)
		s.ExpectedStatus = refusedStatus
		s.ExpectedContent = []string{statusFrag(refusedStatus)}
		s.NotExpectedContent = []string{idFrag(id)}
		if ref != nil {
			s.AfterTestFunc = afterAll(unchanged(ref, coll, id))
		}
	}
	return s
}

// deleteS: a deletes the record. Allowed → 204 and gone; refused →
// refusedStatus and the record untouched (check).
func deleteS(a actor, coll, id, label string, allowed bool, refusedStatus int, check afterFunc, setups ...setupFunc) tests.ApiScenario {
	s := tests.ApiScenario{
		Method:         http.MethodDelete,
		URL:            recordsURL(coll) + "/" + id,
		TestAppFactory: testapp.Factory,
		BeforeTestFunc: as(a, setups...),
	}
	if allowed {
		s.Name = fmt.Sprintf("%s deletes %s → 204", a.name, label)
		s.ExpectedStatus = http.StatusNoContent
		s.AfterTestFunc = afterAll(gone(coll, id))
	} else {
		s.Name = fmt.Sprintf("%s deletes %s → %d", a.name, label, refusedStatus)
		s.ExpectedStatus = refusedStatus
		s.ExpectedContent = []string{statusFrag(refusedStatus)}
		s.NotExpectedContent = []string{idFrag(id)}
		s.AfterTestFunc = afterAll(check)
	}
	return s
}

func run(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range scenarios {
		if seen[s.Name] {
			t.Fatalf("duplicate scenario name %q", s.Name)
		}
		seen[s.Name] = true
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

// ---------------------------------------------------------------------------
// partners

func TestRulesAPIPartners(t *testing.T) {
	ref := testapp.New(t)

	visible := map[actor][]string{
		guest:       nil,
		admin:       allPartners,
		ana:         {testapp.PartnerAcme},
		bruno:       {testapp.PartnerGlobex},
		acmeAdmin:   {testapp.PartnerAcme},
		acmeUser:    {testapp.PartnerAcme},
		globexAdmin: {testapp.PartnerGlobex},
		globexUser:  {testapp.PartnerGlobex},
	}
	// Who may update (any allowed field of) each partner.
	editors := map[string][]actor{
		testapp.PartnerAcme:   {admin, ana, acmeAdmin},
		testapp.PartnerGlobex: {admin, bruno, globexAdmin},
	}
	label := map[string]string{
		testapp.PartnerAcme:   "acme partner",
		testapp.PartnerGlobex: "globex partner",
		partnerOrphan:         "orphan partner (empty manager/tier)",
	}

	var s []tests.ApiScenario
	for _, a := range actors {
		// List: exactly the visible ones, even with a partner whose relation
		// fields are empty.
		s = append(s, listS(a, "partners", allPartners, visible[a], nil, seedOrphanPartner))

		// View each partner.
		for _, id := range allPartners {
			var notExp []string
			if !slices.Contains(visible[a], id) {
				notExp = []string{`"slug":`, `"name":`}
			}
			s = append(s, viewS(a, "partners", id, label[id], slices.Contains(visible[a], id), notExp, seedOrphanPartner))
		}

		// Create: admin only (a non-nil create rule that fails answers 400).
		status := http.StatusBadRequest
		want := 0
		if a == admin {
			status, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "partners", "a partner", map[string]any{
			"name": "Initech Ltda", "slug": "initech", "status": "applicant", "country": "BR",
		}, status, countWith("partners", "slug", "initech", want)))

		// Update name: admin, the partner's manager and its partner_admin.
		for _, id := range []string{testapp.PartnerAcme, testapp.PartnerGlobex} {
			s = append(s, updateS(ref, a, "partners", id, label[id],
				map[string]any{"name": "Renamed Ltda"}, slices.Contains(editors[id], a), http.StatusNotFound))
		}

		// Delete: admin only, of a partner without users (see below).
		s = append(s, deleteS(a, "partners", emptyPartnerID, "an empty partner managed by ana", a == admin,
			http.StatusNotFound, countWith("partners", "id", emptyPartnerID, 1), seedEmptyPartner))
	}
	// A partner that still has users cannot be deleted, even by the admin: its
	// users would be left as partner users without a partner.
	s = append(s, tests.ApiScenario{
		Name:            "admin deletes acme partner that still has users → 400",
		Method:          http.MethodDelete,
		URL:             recordsURL("partners") + "/" + testapp.PartnerAcme,
		TestAppFactory:  testapp.Factory,
		BeforeTestFunc:  as(admin),
		ExpectedStatus:  http.StatusBadRequest,
		ExpectedContent: []string{"validation_partner_has_users"},
		AfterTestFunc:   afterAll(unchanged(ref, "partners", testapp.PartnerAcme)),
	})

	acme := testapp.PartnerAcme
	fieldCases := []struct {
		a       actor
		body    map[string]any
		allowed bool
	}{
		// Admin may change anything, the tier and the manager included.
		{admin, map[string]any{"tier": testapp.TierSilver, "manager": testapp.ManagerBrunoID}, true},
		{admin, map[string]any{"status": "suspended"}, true},
		// The manager edits the partner but never its manager or tier.
		{ana, map[string]any{"website": "https://acme.example", "status": "onboarding"}, true},
		{ana, map[string]any{"manager": testapp.ManagerBrunoID}, false},
		{ana, map[string]any{"tier": testapp.TierSilver}, false},
		{ana, map[string]any{"name": "Acme Renamed", "tier": testapp.TierSilver}, false},
		// The partner admin edits the company profile only.
		{acmeAdmin, map[string]any{"name": "Acme Renomeada", "website": "https://acme-nova.example"}, true},
		{acmeAdmin, map[string]any{"status": "suspended"}, false},
		{acmeAdmin, map[string]any{"tier": testapp.TierSilver}, false},
		{acmeAdmin, map[string]any{"manager": testapp.ManagerBrunoID}, false},
		{acmeAdmin, map[string]any{"slug": "acme-nova"}, false},
		{acmeAdmin, map[string]any{"joined": "2020-01-01 00:00:00.000Z"}, false},
		{acmeAdmin, map[string]any{"name": "Acme Renomeada", "status": "active"}, false},
		{acmeAdmin, map[string]any{"tier+": testapp.TierSilver}, false}, // modifier key
		// A partner user edits nothing.
		{acmeUser, map[string]any{"website": "https://acme-nova.example"}, false},
		// Nobody from the other partner or its manager reaches Acme.
		{bruno, map[string]any{"website": "https://acme-nova.example"}, false},
		{globexAdmin, map[string]any{"website": "https://acme-nova.example"}, false},
	}
	for _, c := range fieldCases {
		s = append(s, updateS(ref, c.a, "partners", acme, "acme partner", c.body, c.allowed, http.StatusNotFound))
	}
	// The validate hook: the channel manager must be vendor staff.
	s = append(s, updateS(ref, admin, "partners", acme, "acme partner",
		map[string]any{"manager": testapp.AcmeUserID}, false, http.StatusBadRequest))

	// Modifier keys are the same field to the rule.
	s = append(s,
		updateS(ref, ana, "partners", acme, "acme partner", map[string]any{"manager-": testapp.ManagerAnaID}, false, http.StatusNotFound),
		updateS(ref, acmeAdmin, "partners", acme, "acme partner", map[string]any{"status": []string{"suspended"}}, false, http.StatusNotFound),
	)

	// Filters cannot reach records the rules hide: joined collections are
	// filtered by their own list rule, so the other partner is no oracle.
	filterS := func(a actor, coll, filter string, want []string, all []string) tests.ApiScenario {
		sc := listS(a, coll, all, want, nil)
		sc.Name = fmt.Sprintf("%s lists %s filtered by %s → %d", a.name, coll, filter, len(want))
		sc.URL = recordsURL(coll) + "?perPage=200&filter=" + url.QueryEscape(filter)
		return sc
	}
	// @collection joins are refused outright to non-superusers (403).
	for _, f := range []string{`@collection.users.name = "Elena Ruiz"`, `@collection.partners.name ~ "Globex"`} {
		sc := filterS(acmeUser, "partners", f, nil, allPartners)
		sc.Name = fmt.Sprintf("partner_user acme lists partners filtered by %s → 403", f)
		sc.ExpectedStatus = http.StatusForbidden
		sc.ExpectedContent = []string{statusFrag(403)}
		sc.NotExpectedContent = append(sc.NotExpectedContent, idFrag(acme), `"items"`)
		s = append(s, sc)
	}
	s = append(s,
		filterS(acmeUser, "tiers", `partners_via_tier.name ~ "Acme"`, []string{testapp.TierGold}, allTiers),
		filterS(acmeUser, "tiers", `partners_via_tier.name ~ "Globex"`, nil, allTiers),
		filterS(ana, "tiers", `partners_via_tier.manager = "`+testapp.ManagerBrunoID+`"`, nil, allTiers),
		filterS(acmeUser, "users", `partner.name ~ "Globex"`, nil, allUsers),
	)

	// The partner_admin of Globex may edit Globex's profile (the mirror case).
	s = append(s, updateS(ref, globexAdmin, "partners", testapp.PartnerGlobex, "globex partner",
		map[string]any{"website": "https://globex-novo.example"}, true, 0))
	s = append(s, updateS(ref, globexAdmin, "partners", testapp.PartnerGlobex, "globex partner",
		map[string]any{"status": "suspended"}, false, http.StatusNotFound))

	run(t, s)
}

// ---------------------------------------------------------------------------
// users

func TestRulesAPIUsers(t *testing.T) {
	ref := testapp.New(t)

	staff := []string{testapp.AdminID, testapp.ManagerAnaID, testapp.ManagerBrunoID}
	acmeTeam := []string{testapp.AcmeAdminID, testapp.AcmeUserID}
	globexTeam := []string{testapp.GlobexAdminID, testapp.GlobexUserID}
	visible := map[actor][]string{
		guest:       nil,
		admin:       allUsers,
		ana:         append(slices.Clone(staff), acmeTeam...),
		bruno:       append(slices.Clone(staff), globexTeam...),
		acmeAdmin:   append([]string{testapp.ManagerAnaID}, acmeTeam...),
		acmeUser:    append([]string{testapp.ManagerAnaID}, acmeTeam...),
		globexAdmin: append([]string{testapp.ManagerBrunoID}, globexTeam...),
		globexUser:  append([]string{testapp.ManagerBrunoID}, globexTeam...),
	}
	label := map[string]string{}
	for _, u := range signedIn {
		label[u.id] = "user " + u.name
	}
	// Hidden auth fields never appear to anyone.
	secret := []string{`"password"`, `"tokenKey"`, testapp.Password}

	var s []tests.ApiScenario
	for _, a := range actors {
		s = append(s, listS(a, "users", allUsers, visible[a], secret))
		for _, u := range signedIn {
			s = append(s, viewS(a, "users", u.id, label[u.id], slices.Contains(visible[a], u.id), secret))
		}

		// Create: the rule is nil, so 403 for everyone who is not a superuser,
		// a partner_admin adding to their own partner included.
		for _, p := range []struct{ id, name string }{{testapp.PartnerAcme, "acme"}, {testapp.PartnerGlobex, "globex"}} {
			email := "new." + p.name + "@" + p.name + ".test"
			s = append(s, createS(a, "users", "a partner_user in "+p.name, map[string]any{
				"email": email, "password": "Another-Pass-2026", "passwordConfirm": "Another-Pass-2026",
				"role": "partner_user", "partner": p.id, "name": "New User",
			}, http.StatusForbidden, countWith("users", "email", email, 0)))
		}

		// Update name: self; admin anyone; a partner_admin their colleagues.
		for _, u := range signedIn {
			allowed := a == u || a == admin ||
				(a == acmeAdmin && slices.Contains(acmeTeam, u.id)) ||
				(a == globexAdmin && slices.Contains(globexTeam, u.id))
			s = append(s, updateS(ref, a, "users", u.id, label[u.id],
				map[string]any{"name": "Renamed Person"}, allowed, http.StatusNotFound))
		}

		// Delete: admin only, never themselves.
		for _, u := range signedIn {
			s = append(s, deleteS(a, "users", u.id, label[u.id], a == admin && u != admin, http.StatusNotFound,
				unchanged(ref, "users", u.id)))
		}
	}

	// Nobody changes their own role, partner or deactivated flag.
	for _, a := range signedIn {
		role, partner := "admin", testapp.PartnerGlobex
		switch a {
		case admin:
			role, partner = "manager", testapp.PartnerAcme
		case ana, bruno:
			partner = testapp.PartnerAcme
		case globexAdmin, globexUser:
			partner = testapp.PartnerAcme
		}
		self := "own record"
		s = append(s,
			updateS(ref, a, "users", a.id, self, map[string]any{"role": role}, false, http.StatusNotFound),
			updateS(ref, a, "users", a.id, self, map[string]any{"partner": partner}, false, http.StatusNotFound),
			updateS(ref, a, "users", a.id, self, map[string]any{"deactivated": true}, false, http.StatusNotFound),
		)
	}

	diego, carla := testapp.AcmeUserID, testapp.AcmeAdminID
	cases := []struct {
		a       actor
		target  string
		body    map[string]any
		allowed bool
	}{
		// Admin changes the privileges of others.
		{admin, diego, map[string]any{"role": "partner_admin"}, true},
		{admin, diego, map[string]any{"partner": testapp.PartnerGlobex}, true},
		{admin, carla, map[string]any{"deactivated": true}, true},
		// The partner_admin moves a colleague between the two partner roles
		// only, and never out of the partner.
		{acmeAdmin, diego, map[string]any{"role": "partner_admin"}, true},
		{acmeAdmin, diego, map[string]any{"role": "partner_user", "partner": testapp.PartnerAcme}, true},
		{acmeAdmin, diego, map[string]any{"role": "admin"}, false},
		{acmeAdmin, diego, map[string]any{"role": "manager"}, false},
		{acmeAdmin, diego, map[string]any{"role": "admin", "partner": ""}, false},
		{acmeAdmin, diego, map[string]any{"partner": testapp.PartnerGlobex}, false},
		{acmeAdmin, diego, map[string]any{"partner": ""}, false},
		{acmeAdmin, testapp.GlobexUserID, map[string]any{"role": "partner_admin"}, false},
		{acmeAdmin, testapp.GlobexAdminID, map[string]any{"role": "partner_user"}, false},
		{acmeAdmin, testapp.ManagerAnaID, map[string]any{"role": "partner_user"}, false},
		// A partner_user may not change a colleague.
		{acmeUser, carla, map[string]any{"role": "partner_user"}, false},
		{acmeUser, carla, map[string]any{"job_title": "Intern"}, false},
		// Managers see their partners' users but do not edit them.
		{ana, diego, map[string]any{"role": "partner_admin"}, false},
		{bruno, diego, map[string]any{"job_title": "Intern"}, false},
		{globexAdmin, diego, map[string]any{"role": "partner_admin"}, false},
		// A user edits their own profile fields.
		{acmeUser, diego, map[string]any{"job_title": "Engineer", "locale": "en"}, true},
	}
	for _, c := range cases {
		s = append(s, updateS(ref, c.a, "users", c.target, label[c.target], c.body, c.allowed, http.StatusNotFound))
	}

	// A partner_admin deactivates and reactivates colleagues (the portal's
	// "my organisation" page does this through the same rule); nobody else
	// but the admin does.
	s = append(s,
		updateS(ref, acmeAdmin, "users", diego, label[diego], map[string]any{"deactivated": true}, true, 0),
		updateS(ref, acmeAdmin, "users", testapp.GlobexUserID, label[testapp.GlobexUserID], map[string]any{"deactivated": true}, false, http.StatusNotFound),
		updateS(ref, acmeUser, "users", carla, label[carla], map[string]any{"deactivated": true}, false, http.StatusNotFound),
		updateS(ref, ana, "users", diego, label[diego], map[string]any{"deactivated": true}, false, http.StatusNotFound),
	)
	reactivate := updateS(ref, acmeAdmin, "users", diego, "deactivated "+label[diego], map[string]any{"deactivated": false}, true, 0)
	reactivate.BeforeTestFunc = as(acmeAdmin, deactivate(testapp.AcmeUserEmail))
	s = append(s, reactivate)

	// Hooks keep role and partner consistent whatever the rule allows.
	s = append(s,
		updateS(ref, admin, "users", diego, label[diego], map[string]any{"role": "manager"}, false, http.StatusBadRequest),
		updateS(ref, admin, "users", testapp.ManagerAnaID, label[testapp.ManagerAnaID], map[string]any{"role": "partner_user"}, false, http.StatusBadRequest),
		updateS(ref, admin, "users", diego, label[diego], map[string]any{"role": "manager", "partner": ""}, true, 0),
		// A manager who still manages a partner cannot become a partner
		// user: partners.manager must stay vendor staff, and otherwise
		// Globex's users would see a user of Acme as their "channel
		// manager" (users view rule: id = @request.auth.partner.manager).
		updateS(ref, admin, "users", testapp.ManagerBrunoID, label[testapp.ManagerBrunoID],
			map[string]any{"role": "partner_user", "partner": testapp.PartnerAcme}, false, http.StatusBadRequest),
	)

	// Body tricks: modifier keys and arrays resolve to the same field.
	tricks := []struct {
		a      actor
		target string
		body   map[string]any
	}{
		{acmeUser, diego, map[string]any{"role+": "partner_admin"}},
		{acmeUser, diego, map[string]any{"role": []string{"partner_admin"}}},
		{acmeAdmin, diego, map[string]any{"role": []string{"admin"}}},
		{acmeAdmin, diego, map[string]any{"role": []string{"partner_user", "admin"}}},
		{acmeAdmin, diego, map[string]any{"partner": []string{testapp.PartnerGlobex}}},
		{acmeAdmin, diego, map[string]any{"partner+": testapp.PartnerGlobex}},
		{acmeAdmin, carla, map[string]any{"role": "partner_user"}}, // self, via the colleague rule
	}
	for _, c := range tricks {
		s = append(s, updateS(ref, c.a, "users", c.target, label[c.target], c.body, false, http.StatusNotFound))
	}

	// Passing the update rule does not give manage access (ManageRule is nil):
	// e-mail, verified and password (without oldPassword) stay protected.
	s = append(s,
		updateS(ref, acmeAdmin, "users", diego, label[diego],
			map[string]any{"password": "Hijack-Pass-2026", "passwordConfirm": "Hijack-Pass-2026"}, false, http.StatusBadRequest),
		updateS(ref, admin, "users", diego, label[diego],
			map[string]any{"password": "Hijack-Pass-2026", "passwordConfirm": "Hijack-Pass-2026"}, false, http.StatusBadRequest),
		updateS(ref, acmeAdmin, "users", diego, label[diego],
			map[string]any{"email": "hijack@evil.test"}, false, http.StatusBadRequest),
		updateS(ref, acmeUser, "users", diego, "own record",
			map[string]any{"email": "me@evil.test"}, false, http.StatusBadRequest),
		updateS(ref, acmeUser, "users", diego, "own record",
			map[string]any{"verified": false}, false, http.StatusBadRequest),
	)

	run(t, s)
}

// ---------------------------------------------------------------------------
// tiers

func TestRulesAPITiers(t *testing.T) {
	ref := testapp.New(t)
	label := map[string]string{testapp.TierGold: "tier gold", testapp.TierSilver: "tier silver"}

	var s []tests.ApiScenario
	for _, a := range actors {
		if a == guest {
			// A non-empty list rule filters guests out: 200 with no items for
			// the list, 404 for a view, and no tier data in either.
			s = append(s, listS(a, "tiers", allTiers, nil, []string{`"name":"Gold"`, `"name":"Silver"`, `"benefits"`}))
			for _, id := range allTiers {
				s = append(s, viewS(a, "tiers", id, label[id], false, []string{`"name":`, `"benefits"`}))
			}
		} else {
			s = append(s, listS(a, "tiers", allTiers, allTiers, nil))
			for _, id := range allTiers {
				s = append(s, viewS(a, "tiers", id, label[id], true, nil))
			}
		}

		status, want := http.StatusBadRequest, 0
		if a == admin {
			status, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "tiers", "a tier", map[string]any{"name": "Platinum", "rank": 3, "colour": "#e5e4e2"},
			status, countWith("tiers", "name", "Platinum", want)))
		s = append(s, updateS(ref, a, "tiers", testapp.TierGold, label[testapp.TierGold],
			map[string]any{"benefits": "- Everything"}, a == admin, http.StatusNotFound))
		s = append(s, deleteS(a, "tiers", testapp.TierSilver, label[testapp.TierSilver], a == admin, http.StatusNotFound,
			unchanged(ref, "tiers", testapp.TierSilver)))
	}
	run(t, s)
}

// ---------------------------------------------------------------------------
// activity

func TestRulesAPIActivity(t *testing.T) {
	visible := map[actor][]string{
		guest:       nil,
		admin:       allActivity,
		ana:         {actAcmeUser, actAcmeAdmin},
		bruno:       {actGlobexUser},
		acmeAdmin:   {actAcmeUser, actAcmeAdmin},
		acmeUser:    {actAcmeUser},
		globexAdmin: {actGlobexUser},
		globexUser:  {actGlobexUser},
	}
	label := map[string]string{
		actAcmeUser:   "activity of partner_user acme",
		actAcmeAdmin:  "activity of partner_admin acme",
		actGlobexUser: "activity of partner_user globex",
		actSystem:     "system activity",
	}
	intact := fieldsAre("activity", actAcmeUser, map[string]any{
		"kind": "test.seed", "user": testapp.AcmeUserID, "partner": testapp.PartnerAcme,
	})

	var s []tests.ApiScenario
	for _, a := range actors {
		s = append(s, listS(a, "activity", allActivity, visible[a], nil, seedActivity))
		for _, id := range allActivity {
			s = append(s, viewS(a, "activity", id, label[id], slices.Contains(visible[a], id), nil, seedActivity))
		}
		// Append-only: every write is superuser-only (nil rules → 403).
		s = append(s, createS(a, "activity", "an activity event",
			map[string]any{"kind": "test.forged", "user": testapp.AcmeUserID, "partner": testapp.PartnerAcme},
			http.StatusForbidden, countWith("activity", "kind", "test.forged", 0), seedActivity))
		s = append(s, updateS(nil, a, "activity", actAcmeUser, label[actAcmeUser],
			map[string]any{"kind": "test.forged"}, false, http.StatusForbidden, seedActivity))
		s[len(s)-1].AfterTestFunc = afterAll(intact)
		s = append(s, deleteS(a, "activity", actAcmeUser, label[actAcmeUser], false, http.StatusForbidden, intact, seedActivity))
	}
	run(t, s)
}

// ---------------------------------------------------------------------------
// settings

func TestRulesAPISettings(t *testing.T) {
	ref := testapp.New(t)
	all, err := ref.FindAllRecords("settings")
	if err != nil || len(all) != 1 {
		t.Fatalf("want exactly one settings record, got %d (%v)", len(all), err)
	}
	id := all[0].Id

	var s []tests.ApiScenario
	for _, a := range actors {
		// Branding is public: guests included.
		ls := listS(a, "settings", []string{id}, []string{id}, nil)
		ls.ExpectedContent = append(ls.ExpectedContent, `"portal_name":"Ponte"`)
		s = append(s, ls)
		vs := viewS(a, "settings", id, "the settings", true, nil)
		vs.ExpectedContent = append(vs.ExpectedContent, `"portal_name":"Ponte"`)
		s = append(s, vs)

		s = append(s, createS(a, "settings", "a second settings record",
			map[string]any{"portal_name": "Rogue", "default_locale": "en"},
			http.StatusForbidden, countWith("settings", "portal_name", "Rogue", 0)))
		s = append(s, updateS(ref, a, "settings", id, "the settings",
			map[string]any{"portal_name": "Ponte Two"}, a == admin, http.StatusNotFound))
		s = append(s, deleteS(a, "settings", id, "the settings", false, http.StatusForbidden,
			unchanged(ref, "settings", id)))
	}
	run(t, s)
}

// ---------------------------------------------------------------------------
// sessions

func TestRulesAPISessions(t *testing.T) {
	// Neither the hidden field names nor their values may ever appear.
	secret := []string{`"token_hash"`, `"csrf"`, `"key_sum"`, sessTokenHash, sessCSRF, sessKeySum}
	intact := fieldsAre("sessions", sessAcmeUser, map[string]any{
		"token_hash": sessTokenHash, "csrf": sessCSRF, "key_sum": sessKeySum, "user_agent": "seed",
	})
	forbidden := func(name, method, url string, body map[string]any, a actor, check afterFunc) tests.ApiScenario {
		s := tests.ApiScenario{
			Name:               a.name + " " + name + " → 403",
			Method:             method,
			URL:                url,
			TestAppFactory:     testapp.Factory,
			BeforeTestFunc:     as(a, seedSession),
			ExpectedStatus:     http.StatusForbidden,
			ExpectedContent:    []string{statusFrag(403)},
			NotExpectedContent: append([]string{idFrag(sessAcmeUser)}, secret...),
			AfterTestFunc:      afterAll(check),
		}
		if body != nil {
			s.Body = jsonBody(body)
		}
		return s
	}
	one := recordsURL("sessions") + "/" + sessAcmeUser

	var s []tests.ApiScenario
	for _, a := range actors {
		s = append(s,
			forbidden("lists sessions", http.MethodGet, recordsURL("sessions"), nil, a, intact),
			forbidden("views a session", http.MethodGet, one, nil, a, intact),
			forbidden("creates a session", http.MethodPost, recordsURL("sessions"), map[string]any{
				"token_hash": strings.Repeat("ee", 32), "user": a.id, "csrf": "x", "key_sum": "y",
				"expires": "2099-01-01 00:00:00.000Z", "last_seen": "2026-01-01 00:00:00.000Z",
			}, a, countWith("sessions", "token_hash", strings.Repeat("ee", 32), 0)),
			forbidden("updates a session", http.MethodPatch, one, map[string]any{"expires": "2099-01-01 00:00:00.000Z"}, a, intact),
			forbidden("deletes a session", http.MethodDelete, one, nil, a, intact),
		)
	}

	// Nor through the users collection: a back-relation expand is dropped
	// (the sessions view rule is nil) ...
	for _, a := range []actor{admin, acmeUser} {
		s = append(s, tests.ApiScenario{
			Name:               a.name + " expands sessions_via_user of partner_user acme → no session data",
			Method:             http.MethodGet,
			URL:                recordsURL("users") + "/" + testapp.AcmeUserID + "?expand=sessions_via_user",
			TestAppFactory:     testapp.Factory,
			BeforeTestFunc:     as(a, seedSession),
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{idFrag(testapp.AcmeUserID)},
			NotExpectedContent: append([]string{sessAcmeUser, `"sessions_via_user"`}, secret...),
		})
	}
	// ... and a filter on a hidden session field cannot be used as an oracle:
	// PocketBase refuses hidden fields in a non-superuser's filter (400).
	for _, f := range []string{
		`sessions_via_user.token_hash = "` + sessTokenHash + `"`,
		`sessions_via_user.token_hash ~ "5e5e"`,
		`sessions_via_user.key_sum != ""`,
	} {
		s = append(s, tests.ApiScenario{
			Name:               "admin filters users by " + f + " → 400",
			Method:             http.MethodGet,
			URL:                recordsURL("users") + "?filter=" + url.QueryEscape(f),
			TestAppFactory:     testapp.Factory,
			BeforeTestFunc:     as(admin, seedSession),
			ExpectedStatus:     http.StatusBadRequest,
			ExpectedContent:    []string{statusFrag(400)},
			NotExpectedContent: append([]string{idFrag(testapp.AcmeUserID), `"items"`}, secret...),
		})
	}
	run(t, s)
}

// ---------------------------------------------------------------------------
// Security defaults

func TestSecurityDefaults(t *testing.T) {
	app := testapp.New(t)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	if users.CreateRule != nil {
		t.Errorf("users create rule = %q, want nil (superusers only)", *users.CreateRule)
	}
	if users.ManageRule != nil {
		t.Errorf("users manage rule = %q, want nil", *users.ManageRule)
	}
	sessions, err := app.FindCollectionByNameOrId("sessions")
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*string{"list": sessions.ListRule, "view": sessions.ViewRule,
		"create": sessions.CreateRule, "update": sessions.UpdateRule, "delete": sessions.DeleteRule} {
		if r != nil {
			t.Errorf("sessions %s rule = %q, want nil", name, *r)
		}
	}
	for _, f := range []string{"token_hash", "csrf", "key_sum"} {
		if !sessions.Fields.GetByName(f).GetHidden() {
			t.Errorf("sessions.%s is not hidden", f)
		}
	}

	svg := []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">` +
		`<script>alert(document.cookie)</script><rect width="10" height="10"/></svg>`)
	var pngBuf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	if err := png.Encode(&pngBuf, img); err != nil {
		t.Fatal(err)
	}

	upload := func(name string, a actor, coll, id, field, file string, content []byte, status int, expected, notExpected []string) tests.ApiScenario {
		body := &bytes.Buffer{}
		mp := multipart.NewWriter(body)
		w, err := mp.CreateFormFile(field, file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(content); err != nil {
			t.Fatal(err)
		}
		if err := mp.Close(); err != nil {
			t.Fatal(err)
		}
		return tests.ApiScenario{
			Name:               name,
			Method:             http.MethodPatch,
			URL:                recordsURL(coll) + "/" + id,
			Body:               body,
			Headers:            map[string]string{"Content-Type": mp.FormDataContentType()},
			TestAppFactory:     testapp.Factory,
			BeforeTestFunc:     as(a),
			ExpectedStatus:     status,
			ExpectedContent:    expected,
			NotExpectedContent: notExpected,
		}
	}
	avatar := func(name, file string, content []byte, status int, expected, notExpected []string) tests.ApiScenario {
		return upload(name, admin, "users", testapp.AdminID, "avatar", file, content, status, expected, notExpected)
	}
	settingsRecs, err := app.FindAllRecords("settings")
	if err != nil || len(settingsRecs) != 1 {
		t.Fatalf("settings: %v", err)
	}
	badMime := func(field string) []string {
		return []string{statusFrag(400), `"` + field + `":{"code":"validation_invalid_mime_type"`}
	}

	s := []tests.ApiScenario{
		avatar("admin uploads an SVG avatar → 400", "avatar.svg", svg, http.StatusBadRequest,
			[]string{statusFrag(400), `"avatar":{"code":"validation_invalid_mime_type"`}, []string{`.svg"`}),
		avatar("admin uploads an SVG renamed .png → 400", "avatar.png", svg, http.StatusBadRequest,
			[]string{statusFrag(400), `"avatar":{"code":"validation_invalid_mime_type"`}, []string{idFrag(testapp.AdminID)}),
		avatar("admin uploads a PNG avatar → 200 (control)", "avatar.png", pngBuf.Bytes(), http.StatusOK,
			[]string{idFrag(testapp.AdminID), `"avatar":"avatar_`}, []string{`"avatar":""`}),
		// The logos are raster-only too.
		upload("admin uploads an SVG logo to acme partner → 400", admin, "partners", testapp.PartnerAcme, "logo",
			"logo.svg", svg, http.StatusBadRequest, badMime("logo"), []string{idFrag(testapp.PartnerAcme)}),
		upload("partner_admin acme uploads an SVG logo to acme partner → 400", acmeAdmin, "partners", testapp.PartnerAcme, "logo",
			"logo.svg", svg, http.StatusBadRequest, badMime("logo"), []string{idFrag(testapp.PartnerAcme)}),
		upload("partner_admin acme uploads a PNG logo to acme partner → 200 (control)", acmeAdmin, "partners", testapp.PartnerAcme, "logo",
			"logo.png", pngBuf.Bytes(), http.StatusOK, []string{idFrag(testapp.PartnerAcme), `"logo":"logo_`}, nil),
		upload("admin uploads an SVG logo to the settings → 400", admin, "settings", settingsRecs[0].Id, "logo",
			"logo.svg", svg, http.StatusBadRequest, badMime("logo"), []string{idFrag(settingsRecs[0].Id)}),
		// Guests see no partner, user or activity, even records whose relation
		// fields are empty (an empty @request.auth.* equals an empty field).
		listS(guest, "partners", allPartners, nil, []string{`"name":`}, seedOrphanPartner),
		listS(guest, "users", allUsers, nil, []string{`"email":`}),
		listS(guest, "activity", allActivity, nil, []string{`"kind":`}, seedActivity),
	}
	run(t, s)
}

// ---------------------------------------------------------------------------
// Deactivation and password changes end REST access

func deactivate(email string) setupFunc {
	return func(t testing.TB, app *tests.TestApp) {
		t.Helper()
		u, err := app.FindAuthRecordByEmail("users", email)
		if err != nil {
			t.Fatal(err)
		}
		u.Set("deactivated", true)
		if err := app.Save(u); err != nil {
			t.Fatalf("deactivating %s: %v", email, err)
		}
	}
}

const newPassword = "Changed-Pass-2026"

func changePassword(email string) setupFunc {
	return func(t testing.TB, app *tests.TestApp) {
		t.Helper()
		u, err := app.FindAuthRecordByEmail("users", email)
		if err != nil {
			t.Fatal(err)
		}
		u.SetPassword(newPassword)
		if err := app.Save(u); err != nil {
			t.Fatalf("changing password of %s: %v", email, err)
		}
	}
}

// staleToken mints a token for email, then runs change (which should rotate
// the key), then sends the old token.
func staleToken(email string, change setupFunc, setups ...setupFunc) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		t.Helper()
		for _, s := range setups {
			s(t, app)
		}
		tok := testapp.Token(t, app, email)
		change(t, app)
		authorize(e, tok)
	}
}

func TestDeactivationAndPasswordChange(t *testing.T) {
	login := func(name, email, password string, status int, before setupFunc, expected, notExpected []string) tests.ApiScenario {
		s := tests.ApiScenario{
			Name:               name,
			Method:             http.MethodPost,
			URL:                "/api/collections/users/auth-with-password",
			Body:               jsonBody(map[string]any{"identity": email, "password": password}),
			TestAppFactory:     testapp.Factory,
			ExpectedStatus:     status,
			ExpectedContent:    expected,
			NotExpectedContent: notExpected,
		}
		if before != nil {
			s.BeforeTestFunc = as(guest, before)
		}
		return s
	}
	diego := testapp.AcmeUserEmail
	selfURL := recordsURL("users") + "/" + testapp.AcmeUserID
	refresh := "/api/collections/users/auth-refresh"

	// The "old token" scenarios also need a user record fetched with it.
	withOldToken := func(name, method, url string, status int, change setupFunc, expected, notExpected []string) tests.ApiScenario {
		return tests.ApiScenario{
			Name:               name,
			Method:             method,
			URL:                url,
			TestAppFactory:     testapp.Factory,
			BeforeTestFunc:     staleToken(diego, change, seedSession),
			ExpectedStatus:     status,
			ExpectedContent:    expected,
			NotExpectedContent: notExpected,
			AfterTestFunc: afterAll(func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				t.Helper()
				// The clean-up hook ended the user's portal sessions too.
				if _, err := app.FindRecordById("sessions", sessAcmeUser); err == nil {
					t.Errorf("session of partner_user acme survived the token key rotation")
				}
			}),
		}
	}

	s := []tests.ApiScenario{
		// Controls: the fixture user and token work.
		login("active partner_user acme signs in with password → 200 (control)", diego, testapp.Password, http.StatusOK, nil,
			[]string{`"token":"`, idFrag(testapp.AcmeUserID)}, nil),
		{
			Name:            "partner_user acme refreshes a fresh token → 200 (control)",
			Method:          http.MethodPost,
			URL:             refresh,
			TestAppFactory:  testapp.Factory,
			BeforeTestFunc:  as(acmeUser),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"token":"`, idFrag(testapp.AcmeUserID)},
		},
		login("wrong password → 400 (control)", diego, "Wrong-Pass-2026", http.StatusBadRequest, nil,
			[]string{statusFrag(400)}, []string{`"token":"`}),

		// Deactivation: the collection's auth rule (deactivated = false)
		// refuses the sign-in with 403 after the password was checked.
		login("deactivated partner_user acme signs in with password → 403", diego, testapp.Password, http.StatusForbidden,
			deactivate(diego), []string{statusFrag(403)}, []string{`"token":"`, idFrag(testapp.AcmeUserID)}),
		// ... and a token minted before deactivation stops working: the hook
		// rotated the token key, so the request is a guest's.
		withOldToken("token minted before deactivation: auth-refresh → 401", http.MethodPost, refresh,
			http.StatusUnauthorized, deactivate(diego), []string{statusFrag(401)}, []string{`"token":"`}),
		withOldToken("token minted before deactivation: view own user → 404", http.MethodGet, selfURL,
			http.StatusNotFound, deactivate(diego), []string{statusFrag(404)}, []string{idFrag(testapp.AcmeUserID)}),
		withOldToken("token minted before deactivation: list partners → 0", http.MethodGet, recordsURL("partners"),
			http.StatusOK, deactivate(diego), []string{`"totalItems":0`}, []string{idFrag(testapp.PartnerAcme)}),
		withOldToken("token minted before deactivation: update own name → 404", http.MethodPatch, selfURL,
			http.StatusNotFound, deactivate(diego), []string{statusFrag(404)}, []string{idFrag(testapp.AcmeUserID)}),
		// Even a token minted after deactivation cannot be refreshed.
		{
			Name:               "token minted after deactivation: auth-refresh → 403",
			Method:             http.MethodPost,
			URL:                refresh,
			TestAppFactory:     testapp.Factory,
			BeforeTestFunc:     as(acmeUser, deactivate(diego)),
			ExpectedStatus:     http.StatusForbidden,
			ExpectedContent:    []string{statusFrag(403)},
			NotExpectedContent: []string{`"token":"`},
		},

		// Password change: same effect on old tokens.
		withOldToken("token minted before a password change: auth-refresh → 401", http.MethodPost, refresh,
			http.StatusUnauthorized, changePassword(diego), []string{statusFrag(401)}, []string{`"token":"`}),
		withOldToken("token minted before a password change: view own user → 404", http.MethodGet, selfURL,
			http.StatusNotFound, changePassword(diego), []string{statusFrag(404)}, []string{idFrag(testapp.AcmeUserID)}),
		login("old password after a password change → 400", diego, testapp.Password, http.StatusBadRequest,
			changePassword(diego), []string{statusFrag(400)}, []string{`"token":"`}),
		login("new password after a password change → 200", diego, newPassword, http.StatusOK,
			changePassword(diego), []string{`"token":"`, idFrag(testapp.AcmeUserID)}, nil),
	}

	// Through the REST API: the admin deactivates a user, and the user changes
	// their own password; in both cases the token minted before stops
	// resolving and the portal sessions are gone.
	oldTokenDies := func(name string, a actor, body map[string]any) tests.ApiScenario {
		var old string
		return tests.ApiScenario{
			Name:           name,
			Method:         http.MethodPatch,
			URL:            selfURL,
			Body:           jsonBody(body),
			TestAppFactory: testapp.Factory,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				seedSession(t, app)
				old = testapp.Token(t, app, diego)
				as(a)(t, app, e)
			},
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{idFrag(testapp.AcmeUserID)},
			NotExpectedContent: []string{`"password"`, `"tokenKey"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if _, err := app.FindAuthRecordByToken(old, core.TokenTypeAuth); err == nil {
					t.Errorf("token minted before the change still resolves")
				}
				if _, err := app.FindRecordById("sessions", sessAcmeUser); err == nil {
					t.Errorf("portal session survived the change")
				}
			},
		}
	}
	s = append(s,
		oldTokenDies("admin deactivates partner_user acme via REST → 200, old token dead", admin,
			map[string]any{"deactivated": true}),
		oldTokenDies("partner_user acme changes own password via REST → 200, old token dead", acmeUser,
			map[string]any{"oldPassword": testapp.Password, "password": newPassword, "passwordConfirm": newPassword}),
	)
	run(t, s)
}

// TestTokenFromSeparateClone documents the fallback the scenarios do not
// need: every clone of the seeded template shares the users' token keys, so a
// token minted from testapp.New is accepted by a testapp.Factory app.
func TestTokenFromSeparateClone(t *testing.T) {
	other := testapp.New(t)
	tok := testapp.Token(t, other, testapp.AcmeUserEmail)
	s := tests.ApiScenario{
		Name:            "token minted from a separate clone is accepted",
		Method:          http.MethodPost,
		URL:             "/api/collections/users/auth-refresh",
		Headers:         map[string]string{"Authorization": tok},
		TestAppFactory:  testapp.Factory,
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{idFrag(testapp.AcmeUserID)},
	}
	s.Test(t)
}

// TestDemotedManagerDoesNotLeak: when a channel manager becomes a partner
// user, either the change is refused (partners.manager must stay vendor
// staff) or the users of the partners they managed must stop seeing them. Today
// neither holds: the save succeeds and Globex's partner_user sees Bruno, now a
// partner_user of Acme, through `id = @request.auth.partner.manager`.
func TestDemotedManagerDoesNotLeak(t *testing.T) {
	app := testapp.New(t)
	bruno, err := app.FindRecordById("users", testapp.ManagerBrunoID)
	if err != nil {
		t.Fatal(err)
	}
	bruno.Set("role", "partner_user")
	bruno.Set("partner", testapp.PartnerAcme)
	if err := app.Save(bruno); err != nil {
		return // refused: partners.manager stays staff, nothing can leak
	}
	t.Errorf("demoting manager bruno (still manager of globex) into acme was accepted")

	h := testapp.Serve(t, app)
	for _, a := range []actor{globexUser, globexAdmin} {
		req := httptest.NewRequest(http.MethodGet, recordsURL("users")+"/"+testapp.ManagerBrunoID, nil)
		req.Header.Set("Authorization", testapp.Token(t, app, a.email))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s views bruno, now a partner_user of acme → %d, want 404: %s", a.name, rec.Code, rec.Body.String())
		}
	}
}
