package access_test

// The certification and certificate access matrix through the REST API:
// every role × list/view/create/update/delete on certifications and
// certificates, on a fresh clone of the fixture with the training fixture
// and four certificates (two per partner). Certificates are issued by the
// grading transaction only (create refused to all but superusers), revoked
// by admins and the partner's manager through the revocation fields only,
// and never otherwise changed, not even by a superuser.

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/training"
)

// Certificates the matrix seeds, with fixed ids and codes.
const (
	certDiego = "certdiego000001" // Acme partner_user
	certCarla = "certcarla000001" // Acme partner_admin
	certFabio = "certfabio000001" // Globex partner_user
	certElena = "certelena000001" // Globex partner_admin
)

var (
	allCerts = []string{certDiego, certCarla, certFabio, certElena}
	// certCodes are the verification codes, which must never reach anyone
	// the rule hides a certificate from.
	certCodes = map[string]string{
		certDiego: "DDDDDDDDDDDDDDDDDDD1", certCarla: "CCCCCCCCCCCCCCCCCCC1",
		certFabio: "FFFFFFFFFFFFFFFFFFF1", certElena: "EEEEEEEEEEEEEEEEEEE1",
	}
	certHolder = map[string]string{certDiego: testapp.AcmeUserID, certCarla: testapp.AcmeAdminID,
		certFabio: testapp.GlobexUserID, certElena: testapp.GlobexAdminID}
	visibleCerts = map[actor][]string{
		guest: nil, admin: allCerts,
		ana: {certDiego, certCarla}, bruno: {certFabio, certElena},
		acmeAdmin: {certDiego, certCarla}, acmeUser: {certDiego},
		globexAdmin: {certFabio, certElena}, globexUser: {certFabio},
	}
	// managesCert says who may revoke: admins, and each partner's manager.
	managesCert = map[actor][]string{admin: allCerts, ana: {certDiego, certCarla}, bruno: {certFabio, certElena}}
)

// certFactory is the seeded fixture with the training fixture and the four
// certificates, issued a month ago for 12 months.
func certFactory(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testapp.Factory(t)
	testapp.SeedTraining(t, app)
	c, err := app.FindCollectionByNameOrId("certificates")
	if err != nil {
		t.Fatal(err)
	}
	issued := time.Now().UTC().AddDate(0, -1, 0)
	for _, id := range allCerts {
		user, err := app.FindRecordById("users", certHolder[id])
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Id = id
		r.Set("user", user.Id)
		r.Set("partner", user.GetString("partner"))
		r.Set("certification", testapp.CertSales)
		r.Set("holder_name", user.GetString("name"))
		r.Set("partner_name", user.GetString("partner"))
		r.Set("code", certCodes[id])
		r.Set("issued", issued)
		r.Set("expires", training.Expiry(issued, 12))
		r.Set("status", "valid")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

func runCert(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for i := range scenarios {
		scenarios[i].TestAppFactory = cachedCertFactory
	}
	run(t, scenarios)
}

// hiddenCodes are the codes of the certificates a may not see.
func hiddenCodes(a actor) []string {
	var out []string
	for _, id := range without(allCerts, visibleCerts[a]) {
		out = append(out, certCodes[id])
	}
	return out
}

// superuser signs the scenario in as a platform admin created for it.
func superuser(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(c)
	su.SetEmail("root@vendor.test")
	su.SetPassword(testapp.Password)
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}
	tok, err := su.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	authorize(e, tok)
}

func TestCertificationsAPI(t *testing.T) {
	var s []tests.ApiScenario
	certs := []string{testapp.CertSales}
	for _, a := range actors {
		vis := certs
		if a == guest {
			vis = nil
		}
		s = append(s, listS(a, "certifications", certs, vis, nil))
		s = append(s, viewS(a, "certifications", testapp.CertSales, "Sales Specialist", a != guest, nil))

		// Create and edit: admins only (a failing rule: 400 / 404).
		st, want := http.StatusBadRequest, 0
		if a == admin {
			st, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "certifications", "a certification",
			map[string]any{"name": "Matrix cert", "validity_months": 6}, st, countWith("certifications", "name", "Matrix cert", want)))
		s = append(s, updateDocS(a, "certifications", testapp.CertSales, "Sales Specialist",
			map[string]any{"validity_months": 3}, a == admin, http.StatusNotFound))
		if a != admin {
			s = append(s, deleteS(a, "certifications", testapp.CertSales, "Sales Specialist", false, http.StatusNotFound,
				countWith("certifications", "id", testapp.CertSales, 1)))
		}
	}
	s = append(s,
		// The rendered description is the hook's, never the client's.
		createS(admin, "certifications", "a certification with its own description_html",
			map[string]any{"name": "Matrix cert", "description_html": "<script>x</script>"},
			http.StatusBadRequest, countWith("certifications", "name", "Matrix cert", 0)),
		createS(admin, "certifications", "a certification valid 121 months",
			map[string]any{"name": "Matrix cert", "validity_months": 121},
			http.StatusBadRequest, countWith("certifications", "name", "Matrix cert", 0)),
	)
	runCert(t, s)
}

func TestCertificatesAPI(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleCerts[a]
		s = append(s, listS(a, "certificates", allCerts, vis, hiddenCodes(a)))
		for _, id := range allCerts {
			var hidden []string
			if !slices.Contains(vis, id) {
				hidden = []string{certCodes[id]}
			}
			s = append(s, viewS(a, "certificates", id, id, slices.Contains(vis, id), hidden))
		}
		// Certificates are issued by grading only: no client creates one.
		s = append(s, createS(a, "certificates", "a certificate for themselves", map[string]any{
			"user": a.id, "certification": testapp.CertSales, "code": "ZZZZZZZZZZZZZZZZZZZ1",
			"issued": "2026-01-01 00:00:00.000Z", "status": "valid"}, http.StatusForbidden, countWith("certificates", "code", "ZZZZZZZZZZZZZZZZZZZ1", 0)))
		// Revocation: admins and the partner's manager; the rest get 404
		// and nothing changes.
		for _, id := range []string{certDiego, certFabio} {
			allowed := slices.Contains(managesCert[a], id)
			if allowed {
				s = append(s, revokeS(a, id))
			} else {
				s = append(s, updateDocS(a, "certificates", id, id,
					map[string]any{"status": "revoked", "revocation_reason": "Matrix"}, false, http.StatusNotFound))
			}
		}
		// Nobody deletes a certificate (superusers only).
		s = append(s, deleteS(a, "certificates", certDiego, certDiego, false, http.StatusForbidden,
			countWith("certificates", "id", certDiego, 1)))
	}
	// Only the revocation fields: even the admin cannot move a date, the
	// holder, the code or a reminder through the rule (404), and the hook
	// refuses a revocation without a reason or an early expiry (400).
	for _, body := range []map[string]any{
		{"expires": "2040-01-01 00:00:00.000Z"}, {"issued": "2020-01-01 00:00:00.000Z"},
		{"user": testapp.GlobexUserID}, {"partner": testapp.PartnerGlobex}, {"code": "ZZZZZZZZZZZZZZZZZZZ1"},
		{"holder_name": "Someone"}, {"reminded_30": "2026-01-01 00:00:00.000Z"},
		{"status": "revoked", "revocation_reason": "x", "certification": "certsales000001"},
	} {
		s = append(s, updateDocS(admin, "certificates", certDiego, certDiego, body, false, http.StatusNotFound))
	}
	for _, body := range []map[string]any{
		{"status": "revoked"}, {"status": "revoked", "revocation_reason": "   "}, {"status": "expired"}, {"status": "bogus"},
		{"revocation_reason": "a reason without revoking"},
	} {
		s = append(s, updateDocS(ana, "certificates", certDiego, certDiego, body, false, http.StatusBadRequest))
	}
	// A superuser may create (the grading transaction's power) but, like
	// everyone, cannot rewrite an issued certificate.
	s = append(s,
		tests.ApiScenario{
			Name:   "superuser creates a certificate → 200",
			Method: http.MethodPost,
			URL:    recordsURL("certificates"),
			Body: jsonBody(map[string]any{"user": testapp.AcmeUserID, "partner": testapp.PartnerAcme,
				"certification": testapp.CertSales, "code": "ZZZZZZZZZZZZZZZZZZZ1", "issued": "2026-01-01 00:00:00.000Z",
				"status": "valid"}),
			BeforeTestFunc:  superuser,
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"code":"ZZZZZZZZZZZZZZZZZZZ1"`},
			AfterTestFunc:   afterAll(countWith("certificates", "code", "ZZZZZZZZZZZZZZZZZZZ1", 1)),
		},
		tests.ApiScenario{
			Name:               "superuser updates expires of " + certDiego + " → 400",
			Method:             http.MethodPatch,
			URL:                recordsURL("certificates") + "/" + certDiego,
			Body:               jsonBody(map[string]any{"expires": "2040-01-01 00:00:00.000Z"}),
			BeforeTestFunc:     superuser,
			ExpectedStatus:     http.StatusBadRequest,
			ExpectedContent:    []string{"validation_certificate_immutable"},
			NotExpectedContent: []string{idFrag(certDiego)},
			AfterTestFunc:      afterAll(countWith("certificates", "expires", "2040-01-01 00:00:00.000Z", 0)),
		},
	)
	runCert(t, s)
}

// revokeS: a revokes a certificate through the API; the hook stamps the
// date and names a as the actor whatever revoked_by the body claims.
func revokeS(a actor, id string) tests.ApiScenario {
	return tests.ApiScenario{
		Name:   a.name + " revokes " + id + " → 200",
		Method: http.MethodPatch,
		URL:    recordsURL("certificates") + "/" + id,
		Body: jsonBody(map[string]any{"status": "revoked", "revocation_reason": "Matrix",
			"revoked_by": testapp.GlobexUserID}),
		BeforeTestFunc:  as(a),
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{idFrag(id), `"status":"revoked"`, `"revoked_by":"` + a.id + `"`},
		AfterTestFunc: afterAll(fieldsAre("certificates", id, map[string]any{"status": "revoked",
			"revocation_reason": "Matrix", "revoked_by": a.id, "code": certCodes[id]}),
			countWith("activity", "kind", "training.certificate_revoked", 1),
			countWith("notifications", "kind", "certificate.revoked", 1)),
	}
}

// TestCertificateCountsAPI: the certificate counts rollup is read by
// admins, each partner's manager and partner admins (their partner's row
// only); partner users and guests see none, and nobody writes it.
func TestCertificateCountsAPI(t *testing.T) {
	acmeRow, globexRow := `"partner":"`+testapp.PartnerAcme+`"`, `"partner":"`+testapp.PartnerGlobex+`"`
	visible := map[actor][]string{
		guest: nil, admin: {acmeRow, globexRow}, ana: {acmeRow}, bruno: {globexRow},
		acmeAdmin: {acmeRow}, acmeUser: nil, globexAdmin: {globexRow}, globexUser: nil,
	}
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visible[a]
		hidden := without([]string{acmeRow, globexRow}, vis)
		s = append(s, tests.ApiScenario{
			Name:               a.name + " lists certificate_counts",
			Method:             http.MethodGet,
			URL:                recordsURL("certificate_counts") + "?perPage=200",
			BeforeTestFunc:     as(a),
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    append([]string{statusTotal(len(vis))}, vis...),
			NotExpectedContent: hidden,
		})
		s = append(s, createS(a, "certificate_counts", "a count row", map[string]any{
			"certification": testapp.CertSales, "partner": testapp.PartnerAcme, "valid": 99}, http.StatusForbidden,
			countWith("certificate_counts", "valid", "99", 0)))
	}
	runCert(t, s)
}

func statusTotal(n int) string { return `"totalItems":` + strconv.Itoa(n) }

// cachedCertFactory is certFactory seeded once per test binary and cloned for each scenario.
var cachedCertFactory = testapp.Cached(certFactory)
