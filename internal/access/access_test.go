package access_test

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// infoFor builds the request info of a (nil auth for a guest).
func infoFor(t *testing.T, app core.App, a actor, method string, body map[string]any) *core.RequestInfo {
	t.Helper()
	if a.email == "" {
		return access.Info(nil, method, body)
	}
	u, err := app.FindAuthRecordByEmail("users", a.email)
	if err != nil {
		t.Fatalf("no user %s: %v", a.email, err)
	}
	return access.Info(u, method, body)
}

func ids(recs []*core.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Id
	}
	return out
}

func names(recs []*core.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.GetString("name")
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestFindVisible(t *testing.T) {
	app := testapp.New(t)
	acme, globex := testapp.PartnerAcme, testapp.PartnerGlobex
	cases := []struct {
		a       actor
		coll    string
		id      string
		visible bool
	}{
		// Partners: each side sees its own, never the other's.
		{acmeUser, "partners", acme, true},
		{acmeUser, "partners", globex, false},
		{globexUser, "partners", globex, true},
		{globexUser, "partners", acme, false},
		{ana, "partners", acme, true},
		{ana, "partners", globex, false},
		{bruno, "partners", globex, true},
		{bruno, "partners", acme, false},
		{admin, "partners", acme, true},
		{admin, "partners", globex, true},
		{guest, "partners", acme, false},
		// Users: colleagues and the channel manager, not the other partner.
		{acmeUser, "users", testapp.AcmeAdminID, true},
		{acmeUser, "users", testapp.ManagerAnaID, true},
		{acmeUser, "users", testapp.GlobexUserID, false},
		{acmeUser, "users", testapp.ManagerBrunoID, false},
		{acmeUser, "users", testapp.AdminID, false},
		{globexAdmin, "users", testapp.GlobexUserID, true},
		{globexAdmin, "users", testapp.AcmeUserID, false},
		{ana, "users", testapp.AcmeUserID, true},
		{ana, "users", testapp.ManagerBrunoID, true},
		{ana, "users", testapp.GlobexUserID, false},
		{guest, "users", testapp.AcmeUserID, false},
		// Tiers: any signed-in user.
		{globexUser, "tiers", testapp.TierGold, true},
		{guest, "tiers", testapp.TierGold, false},
		// A missing id is indistinguishable from a hidden one.
		{admin, "partners", "doesnotexist000", false},
	}
	for _, c := range cases {
		rec, err := access.FindVisible(app, infoFor(t, app, c.a, http.MethodGet, nil), c.coll, c.id)
		switch {
		case c.visible && err != nil:
			t.Errorf("%s FindVisible %s/%s: %v, want the record", c.a.name, c.coll, c.id, err)
		case c.visible && rec.Id != c.id:
			t.Errorf("%s FindVisible %s/%s returned %s", c.a.name, c.coll, c.id, rec.Id)
		case !c.visible && !errors.Is(err, access.ErrNotFound):
			t.Errorf("%s FindVisible %s/%s: rec=%v err=%v, want ErrNotFound", c.a.name, c.coll, c.id, rec, err)
		}
	}

	if _, err := access.FindVisible(app, infoFor(t, app, admin, http.MethodGet, nil), "nosuchcollection", "x"); err == nil {
		t.Error("FindVisible on an unknown collection succeeded")
	}
}

func TestFindVisibleBy(t *testing.T) {
	app := testapp.New(t)
	cases := []struct {
		a            actor
		field, value string
		want         string // "" = ErrNotFound
	}{
		{acmeAdmin, "slug", "acme-brasil", testapp.PartnerAcme},
		{acmeAdmin, "slug", "globex-mexico", ""},
		{globexAdmin, "slug", "globex-mexico", testapp.PartnerGlobex},
		{globexAdmin, "slug", "acme-brasil", ""},
		{ana, "slug", "acme-brasil", testapp.PartnerAcme},
		{ana, "slug", "globex-mexico", ""},
		{admin, "slug", "globex-mexico", testapp.PartnerGlobex},
		{guest, "slug", "acme-brasil", ""},
		{admin, "slug", "", ""},             // empty value
		{admin, "nosuchfield", "x", ""},     // unknown field
		{admin, "slug", "no-such-slug", ""}, // missing
	}
	for _, c := range cases {
		rec, err := access.FindVisibleBy(app, infoFor(t, app, c.a, http.MethodGet, nil), "partners", c.field, c.value)
		if c.want == "" {
			if !errors.Is(err, access.ErrNotFound) {
				t.Errorf("%s FindVisibleBy %s=%q: rec=%v err=%v, want ErrNotFound", c.a.name, c.field, c.value, rec, err)
			}
			continue
		}
		if err != nil || rec.Id != c.want {
			t.Errorf("%s FindVisibleBy %s=%q: rec=%v err=%v, want %s", c.a.name, c.field, c.value, rec, err, c.want)
		}
	}

	// A unique field of users: a colleague by e-mail, not the other partner's.
	info := infoFor(t, app, acmeUser, http.MethodGet, nil)
	if rec, err := access.FindVisibleBy(app, info, "users", "email", testapp.AcmeAdminEmail); err != nil || rec.Id != testapp.AcmeAdminID {
		t.Errorf("partner_user acme finds colleague by e-mail: rec=%v err=%v", rec, err)
	}
	if _, err := access.FindVisibleBy(app, info, "users", "email", testapp.GlobexAdminEmail); !errors.Is(err, access.ErrNotFound) {
		t.Errorf("partner_user acme finds globex user by e-mail: err=%v, want ErrNotFound", err)
	}
}

func TestListVisiblePaging(t *testing.T) {
	app := testapp.New(t)

	pages := []struct {
		a       actor
		sort    string
		perPage int
		page    int
		want    []string
		hasMore bool
	}{
		// Admin sees all 7 users, sorted by name.
		{admin, "name", 3, 1, []string{"Alice Admin", "Ana Souza", "Bruno Lima"}, true},
		{admin, "name", 3, 2, []string{"Carla Mendes", "Diego Rocha", "Elena Ruiz"}, true},
		{admin, "name", 3, 3, []string{"Fabio Torres"}, false},
		{admin, "name", 3, 4, nil, false},
		{admin, "name", 7, 1, []string{"Alice Admin", "Ana Souza", "Bruno Lima", "Carla Mendes", "Diego Rocha", "Elena Ruiz", "Fabio Torres"}, false},
		// The Acme partner_user sees 3 (colleague, self, channel manager).
		{acmeUser, "-name", 2, 1, []string{"Diego Rocha", "Carla Mendes"}, true},
		{acmeUser, "-name", 2, 2, []string{"Ana Souza"}, false},
		// The Globex partner_user, the mirror image.
		{globexUser, "name", 2, 1, []string{"Bruno Lima", "Elena Ruiz"}, true},
		{globexUser, "name", 2, 2, []string{"Fabio Torres"}, false},
		// Managers: staff plus their partners' users.
		{ana, "name", 10, 1, []string{"Alice Admin", "Ana Souza", "Bruno Lima", "Carla Mendes", "Diego Rocha"}, false},
		{bruno, "name", 10, 1, []string{"Alice Admin", "Ana Souza", "Bruno Lima", "Elena Ruiz", "Fabio Torres"}, false},
		{guest, "name", 10, 1, nil, false},
	}
	for _, p := range pages {
		res, err := access.ListVisible(app, infoFor(t, app, p.a, http.MethodGet, nil), "users",
			access.ListOptions{Sort: []string{p.sort}, Page: p.page, PerPage: p.perPage})
		if err != nil {
			t.Fatalf("%s ListVisible users page %d: %v", p.a.name, p.page, err)
		}
		if got := names(res.Items); !slices.Equal(got, p.want) {
			t.Errorf("%s users page %d/%d by %s = %v, want %v", p.a.name, p.page, p.perPage, p.sort, got, p.want)
		}
		if res.HasMore != p.hasMore || res.Page != p.page || res.PerPage != p.perPage {
			t.Errorf("%s users page %d: HasMore=%v Page=%d PerPage=%d, want %v %d %d",
				p.a.name, p.page, res.HasMore, res.Page, res.PerPage, p.hasMore, p.page, p.perPage)
		}
	}

	// Where narrows within the rule, never widens it.
	acmeOnly := []dbx.Expression{dbx.HashExp{"users.partner": testapp.PartnerAcme}}
	for _, c := range []struct {
		a    actor
		want []string
	}{
		{admin, []string{testapp.AcmeAdminID, testapp.AcmeUserID}},
		{ana, []string{testapp.AcmeAdminID, testapp.AcmeUserID}},
		{bruno, nil},
		{globexAdmin, nil},
	} {
		res, err := access.ListVisible(app, infoFor(t, app, c.a, http.MethodGet, nil), "users", access.ListOptions{Where: acmeOnly})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(res.Items); !slices.Equal(sorted(got), sorted(c.want)) {
			t.Errorf("%s acme users = %v, want %v", c.a.name, got, c.want)
		}
	}

	// Defaults: page 1, 25 per page.
	res, err := access.ListVisible(app, infoFor(t, app, admin, http.MethodGet, nil), "users", access.ListOptions{PerPage: 1000, Page: -3})
	if err != nil || res.Page != 1 || res.PerPage != 25 || len(res.Items) != 7 || res.HasMore {
		t.Errorf("defaults: res=%+v err=%v", res, err)
	}

	// The sort whitelist: an unknown field is an error, not an SQL fragment.
	for _, bad := range []string{"nosuchfield", "-nosuchfield", "name; DROP TABLE users", "partner.name"} {
		if _, err := access.ListVisible(app, infoFor(t, app, admin, http.MethodGet, nil), "users",
			access.ListOptions{Sort: []string{bad}}); err == nil {
			t.Errorf("sort %q accepted", bad)
		}
	}
}

func TestCountVisible(t *testing.T) {
	app := testapp.New(t)
	acmeOnly := dbx.HashExp{"users.partner": testapp.PartnerAcme}
	cases := []struct {
		a         actor
		all, acme int
	}{
		{guest, 0, 0},
		{admin, 7, 2},
		{ana, 5, 2},
		{bruno, 5, 0},
		{acmeAdmin, 3, 2},
		{acmeUser, 3, 2},
		{globexAdmin, 3, 0},
		{globexUser, 3, 0},
	}
	for _, c := range cases {
		info := infoFor(t, app, c.a, http.MethodGet, nil)
		n, err := access.CountVisible(app, info, "users")
		if err != nil || n != c.all {
			t.Errorf("%s CountVisible users = %d (%v), want %d", c.a.name, n, err, c.all)
		}
		n, err = access.CountVisible(app, info, "users", acmeOnly)
		if err != nil || n != c.acme {
			t.Errorf("%s CountVisible acme users = %d (%v), want %d", c.a.name, n, err, c.acme)
		}
	}
	// Partners: own only; sessions: nobody but superusers.
	for _, a := range signedIn {
		info := infoFor(t, app, a, http.MethodGet, nil)
		want := 1
		if a == admin {
			want = 2
		}
		if n, err := access.CountVisible(app, info, "partners"); err != nil || n != want {
			t.Errorf("%s CountVisible partners = %d (%v), want %d", a.name, n, err, want)
		}
		if n, err := access.CountVisible(app, info, "sessions"); err != nil || n != 0 {
			t.Errorf("%s CountVisible sessions = %d (%v), want 0", a.name, n, err)
		}
	}
}

func TestCountVisibleGrouped(t *testing.T) {
	app := testapp.New(t)
	acme, globex := testapp.PartnerAcme, testapp.PartnerGlobex
	cases := []struct {
		a    actor
		want map[string]int
	}{
		{guest, map[string]int{}},
		{admin, map[string]int{"": 3, acme: 2, globex: 2}},
		{ana, map[string]int{"": 3, acme: 2}},
		{bruno, map[string]int{"": 3, globex: 2}},
		{acmeAdmin, map[string]int{"": 1, acme: 2}},
		{acmeUser, map[string]int{"": 1, acme: 2}},
		{globexAdmin, map[string]int{"": 1, globex: 2}},
		{globexUser, map[string]int{"": 1, globex: 2}},
	}
	for _, c := range cases {
		got, err := access.CountVisibleGrouped(app, infoFor(t, app, c.a, http.MethodGet, nil), "users", "partner")
		if err != nil {
			t.Fatalf("%s: %v", c.a.name, err)
		}
		if !maps.Equal(got, c.want) {
			t.Errorf("%s users per partner = %v, want %v", c.a.name, got, c.want)
		}
	}

	// With a where: partner users only.
	got, err := access.CountVisibleGrouped(app, infoFor(t, app, ana, http.MethodGet, nil), "users", "role",
		dbx.HashExp{"users.partner": acme})
	if want := map[string]int{"partner_admin": 1, "partner_user": 1}; err != nil || !maps.Equal(got, want) {
		t.Errorf("ana acme users per role = %v (%v), want %v", got, err, want)
	}

	if _, err := access.CountVisibleGrouped(app, infoFor(t, app, admin, http.MethodGet, nil), "users", "nosuchfield"); err == nil {
		t.Error("grouping by an unknown field succeeded")
	}
}

func TestCanUpdate(t *testing.T) {
	app := testapp.New(t)
	acme, err := app.FindRecordById("partners", testapp.PartnerAcme)
	if err != nil {
		t.Fatal(err)
	}
	diego, err := app.FindRecordById("users", testapp.AcmeUserID)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		a    actor
		rec  *core.Record
		body map[string]any
		want bool
	}{
		{acmeAdmin, acme, map[string]any{"name": "Acme X"}, true},
		{globexAdmin, acme, map[string]any{"name": "Acme X"}, false},
		{acmeAdmin, acme, map[string]any{"status": "suspended"}, false},
		{acmeAdmin, acme, map[string]any{"tier": testapp.TierSilver}, false},
		{acmeUser, acme, map[string]any{"name": "Acme X"}, false},
		{ana, acme, map[string]any{"name": "Acme X"}, true},
		{ana, acme, map[string]any{"manager": testapp.ManagerBrunoID}, false},
		{bruno, acme, map[string]any{"name": "Acme X"}, false},
		{admin, acme, map[string]any{"tier": testapp.TierSilver}, true},
		{guest, acme, map[string]any{"name": "Acme X"}, false},

		{acmeAdmin, diego, map[string]any{"role": "partner_admin"}, true},
		{acmeAdmin, diego, map[string]any{"role": "admin"}, false},
		{acmeAdmin, diego, map[string]any{"partner": testapp.PartnerGlobex}, false},
		{globexAdmin, diego, map[string]any{"role": "partner_admin"}, false},
		{acmeUser, diego, map[string]any{"name": "Diego R."}, true},
		{acmeUser, diego, map[string]any{"role": "partner_admin"}, false},
		{acmeUser, diego, map[string]any{"deactivated": true}, false},
		{admin, diego, map[string]any{"role": "partner_admin"}, true},
	}
	for _, c := range cases {
		ok, err := access.CanUpdate(app, infoFor(t, app, c.a, http.MethodPatch, c.body), c.rec)
		if err != nil || ok != c.want {
			t.Errorf("%s CanUpdate %s/%s %v = %v (%v), want %v", c.a.name, c.rec.Collection().Name, c.rec.Id, c.body, ok, err, c.want)
		}
	}
}

func TestCanDelete(t *testing.T) {
	app := testapp.New(t)
	diego, _ := app.FindRecordById("users", testapp.AcmeUserID)
	self, _ := app.FindRecordById("users", testapp.AdminID)
	acme, _ := app.FindRecordById("partners", testapp.PartnerAcme)
	cases := []struct {
		a    actor
		rec  *core.Record
		want bool
	}{
		{admin, diego, true},
		{admin, self, false},
		{acmeAdmin, diego, false},
		{ana, diego, false},
		{admin, acme, true},
		{ana, acme, false},
		{acmeAdmin, acme, false},
	}
	for _, c := range cases {
		ok, err := access.CanDelete(app, infoFor(t, app, c.a, http.MethodDelete, nil), c.rec)
		if err != nil || ok != c.want {
			t.Errorf("%s CanDelete %s/%s = %v (%v), want %v", c.a.name, c.rec.Collection().Name, c.rec.Id, ok, err, c.want)
		}
	}
}

func TestUpdate(t *testing.T) {
	app := testapp.New(t)
	load := func(id string) *core.Record {
		t.Helper()
		r, err := app.FindRecordById("partners", id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}

	// Allowed: the Acme partner_admin renames Acme.
	rec := load(testapp.PartnerAcme)
	body := map[string]any{"name": "Acme Renomeada", "website": "https://acme-nova.example"}
	if err := access.Update(app, infoFor(t, app, acmeAdmin, http.MethodPatch, body), rec); err != nil {
		t.Fatalf("partner_admin acme renames acme: %v", err)
	}
	if got := load(testapp.PartnerAcme); got.GetString("name") != "Acme Renomeada" || got.GetString("website") != "https://acme-nova.example" {
		t.Errorf("after update: name=%q website=%q", got.GetString("name"), got.GetString("website"))
	}

	// Refused: the other partner's admin, and the own admin on a forbidden field.
	refused := []struct {
		a    actor
		id   string
		body map[string]any
	}{
		{globexAdmin, testapp.PartnerAcme, map[string]any{"name": "Hijacked"}},
		{acmeAdmin, testapp.PartnerAcme, map[string]any{"status": "suspended"}},
		{acmeAdmin, testapp.PartnerAcme, map[string]any{"name": "Sneaky", "tier": testapp.TierSilver}},
		{acmeAdmin, testapp.PartnerGlobex, map[string]any{"name": "Hijacked"}},
		{ana, testapp.PartnerAcme, map[string]any{"manager": testapp.ManagerBrunoID}},
		{acmeUser, testapp.PartnerAcme, map[string]any{"name": "Hijacked"}},
	}
	for _, c := range refused {
		before := load(c.id)
		rec := load(c.id)
		err := access.Update(app, infoFor(t, app, c.a, http.MethodPatch, c.body), rec)
		if !errors.Is(err, access.ErrForbidden) {
			t.Errorf("%s Update %s %v: err=%v, want ErrForbidden", c.a.name, c.id, c.body, err)
		}
		// Neither the stored record nor the in-memory one was touched.
		after := load(c.id)
		for _, r := range []*core.Record{after, rec} {
			for k, v := range snapshot(before) {
				if got := snapshot(r)[k]; got != v {
					t.Errorf("%s Update %s refused but %q changed: %q → %q", c.a.name, c.id, k, v, got)
				}
			}
		}
	}

	// Users: a partner_admin may not promote a colleague to admin.
	diego, _ := app.FindRecordById("users", testapp.AcmeUserID)
	err := access.Update(app, infoFor(t, app, acmeAdmin, http.MethodPatch, map[string]any{"role": "admin"}), diego)
	if !errors.Is(err, access.ErrForbidden) {
		t.Errorf("promotion to admin: err=%v, want ErrForbidden", err)
	}
	if d, _ := app.FindRecordById("users", testapp.AcmeUserID); d.GetString("role") != "partner_user" {
		t.Errorf("diego's role = %q after a refused promotion", d.GetString("role"))
	}
}

func TestCanCreate(t *testing.T) {
	app := testapp.New(t)
	newRec := func(coll string, fields map[string]any) *core.Record {
		t.Helper()
		c, err := app.FindCollectionByNameOrId(coll)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Load(fields)
		return r
	}
	tier := newRec("tiers", map[string]any{"name": "Platinum", "rank": 3})
	partner := newRec("partners", map[string]any{"name": "Initech", "slug": "initech", "status": "applicant", "country": "BR"})
	acmeUserRec := newRec("users", map[string]any{"email": "x@acme.test", "role": "partner_user", "partner": testapp.PartnerAcme})
	globexUserRec := newRec("users", map[string]any{"email": "x@globex.test", "role": "partner_user", "partner": testapp.PartnerGlobex})
	event := newRec("activity", map[string]any{"kind": "test.forged", "user": testapp.AcmeUserID})
	settings := newRec("settings", map[string]any{"portal_name": "Rogue", "default_locale": "en"})

	cases := []struct {
		a    actor
		rec  *core.Record
		what string
		want bool
	}{
		{admin, tier, "tier", true},
		{ana, tier, "tier", false},
		{acmeAdmin, tier, "tier", false},
		{acmeUser, tier, "tier", false},
		{guest, tier, "tier", false},
		{admin, partner, "partner", true},
		{ana, partner, "partner", false},
		{acmeAdmin, partner, "partner", false},
		{guest, partner, "partner", false},
		// users: create rule nil, refused for every non-superuser.
		{admin, acmeUserRec, "acme user", false},
		{ana, acmeUserRec, "acme user", false},
		{acmeAdmin, acmeUserRec, "acme user", false},
		{acmeAdmin, globexUserRec, "globex user", false},
		{globexAdmin, globexUserRec, "globex user", false},
		{guest, acmeUserRec, "acme user", false},
		{admin, event, "activity", false},
		{acmeUser, event, "activity", false},
		{admin, settings, "settings", false},
	}
	for _, c := range cases {
		ok, err := access.CanCreate(app, infoFor(t, app, c.a, http.MethodPost, nil), c.rec)
		if err != nil || ok != c.want {
			t.Errorf("%s CanCreate %s = %v (%v), want %v", c.a.name, c.what, ok, err, c.want)
		}
	}
}

// TestPortalAndAPIAgree checks, for every fixture user and a guest, that the
// portal helper and the REST API list the same records of every collection
// with a list rule.
func TestPortalAndAPIAgree(t *testing.T) {
	app := testapp.New(t)
	seedOrphanPartner(t, app)
	seedActivity(t, app)
	srv := httptest.NewServer(testapp.Serve(t, app))
	defer srv.Close()

	for _, coll := range []string{"partners", "users", "tiers", "activity", "settings"} {
		for _, a := range actors {
			page, err := access.ListVisible(app, infoFor(t, app, a, http.MethodGet, nil), coll, access.ListOptions{PerPage: 200})
			if err != nil {
				t.Fatalf("%s ListVisible %s: %v", a.name, coll, err)
			}
			portal := sorted(ids(page.Items))

			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/collections/"+coll+"/records?perPage=200", nil)
			if a.email != "" {
				req.Header.Set("Authorization", testapp.Token(t, app, a.email))
			}
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body struct {
				TotalItems int `json:"totalItems"`
				Items      []struct {
					ID string `json:"id"`
				} `json:"items"`
			}
			err = json.NewDecoder(res.Body).Decode(&body)
			res.Body.Close()
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("%s GET %s: status %d, %v", a.name, coll, res.StatusCode, err)
			}
			var api []string
			for _, it := range body.Items {
				api = append(api, it.ID)
			}
			api = sorted(api)

			if !slices.Equal(portal, api) || body.TotalItems != len(portal) {
				t.Errorf("%s %s: portal %v, API %v (totalItems %d)", a.name, coll, portal, api, body.TotalItems)
			}
			if coll == "partners" {
				t.Logf("%s sees partners %v", a.name, portal)
			}
		}
	}
}

// TestCreate: the Create rule judges the new record with the submitted body,
// and nothing is written when it refuses.
func TestCreate(t *testing.T) {
	app := testapp.New(t)
	tiers, err := app.FindCollectionByNameOrId("tiers")
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]any{"name": "Diamond", "rank": 9, "colour": "#123456"}
	for _, a := range []actor{acmeAdmin, globexUser, ana, guest} {
		err := access.Create(app, infoFor(t, app, a, "POST", body), core.NewRecord(tiers))
		if !errors.Is(err, access.ErrForbidden) {
			t.Errorf("%s creates a tier: err = %v, want ErrForbidden", a.name, err)
		}
	}
	if n, _ := app.CountRecords("tiers"); n != 2 {
		t.Fatalf("tiers = %d after refused creates, want 2", n)
	}
	rec := core.NewRecord(tiers)
	if err := access.Create(app, infoFor(t, app, admin, "POST", body), rec); err != nil {
		t.Fatalf("admin creates a tier: %v", err)
	}
	if got, err := app.FindRecordById("tiers", rec.Id); err != nil || got.GetString("name") != "Diamond" {
		t.Fatalf("created tier not stored: %v %v", got, err)
	}
}

// TestContainsEscapesWildcards: a search box's % and _ match themselves.
func TestContainsEscapesWildcards(t *testing.T) {
	app := testapp.New(t)
	count := func(text string) int {
		n, err := app.CountRecords("users", access.Contains("users.job_title", text))
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	// Job titles are "Fixture <role>", e.g. "Fixture partner_user".
	for text, want := range map[string]int{"partner_user": 2, "PARTNER_USER": 2, "fixture": 7, "_": 4, "%": 0, `\`: 0, "partner%user": 0} {
		if got := count(text); got != want {
			t.Errorf("Contains(%q) matched %d, want %d", text, got, want)
		}
	}
}
