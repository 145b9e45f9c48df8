package demo_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/demo"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// printedLogins are the portal logins LoadAndReport prints, with their roles.
var printedLogins = []struct{ email, role string }{
	{demo.AdminEmail, roles.Admin},
	{demo.ManagerEmail, roles.Manager},
	{demo.PartnerAdminEmail, roles.PartnerAdmin},
	{demo.PartnerUserEmail, roles.PartnerUser},
}

func mustLoad(t *testing.T, app core.App) {
	t.Helper()
	loaded, err := demo.Load(app)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !loaded {
		t.Fatal("Load on an empty app returned loaded=false")
	}
}

func count(t *testing.T, app core.App, collection string, exprs ...dbx.Expression) int {
	t.Helper()
	n, err := app.CountRecords(collection, exprs...)
	if err != nil {
		t.Fatalf("counting %s: %v", collection, err)
	}
	return int(n)
}

func TestLoadSeedsTheNetwork(t *testing.T) {
	app := testapp.NewEmpty(t)
	mustLoad(t, app)

	if n := count(t, app, "tiers"); n != 4 {
		t.Errorf("tiers = %d, want 4", n)
	}
	if n := count(t, app, "partners"); n < 10 || n > 14 {
		t.Errorf("partners = %d, want 10..14", n)
	}
	if n := count(t, app, "users"); n < 35 || n > 45 {
		t.Errorf("users = %d, want 35..45", n)
	}
	for _, r := range roles.All {
		if count(t, app, "users", dbx.HashExp{"role": r}) == 0 {
			t.Errorf("no user with role %s", r)
		}
	}
	if n := count(t, app, "users", dbx.HashExp{"verified": false}); n != 0 {
		t.Errorf("%d unverified users", n)
	}

	users, err := app.FindAllRecords("users")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		role, partner := u.GetString("role"), u.GetString("partner")
		if roles.IsPartnerRole(role) && partner == "" {
			t.Errorf("%s (%s) has no partner", u.Email(), role)
		}
		if roles.IsStaff(role) && partner != "" {
			t.Errorf("staff %s has partner %s", u.Email(), partner)
		}
		if !strings.HasSuffix(u.Email(), ".example") {
			t.Errorf("e-mail %s is not on a .example domain", u.Email())
		}
		if u.GetString("name") == "" || u.GetString("job_title") == "" || u.GetString("locale") == "" {
			t.Errorf("%s lacks name, job title or locale", u.Email())
		}
	}

	for _, c := range []string{"BR", "PT", "US", "MX"} {
		if count(t, app, "partners", dbx.HashExp{"country": c}) == 0 {
			t.Errorf("no partner in %s", c)
		}
	}
	if br, all := count(t, app, "partners", dbx.HashExp{"country": "BR"}), count(t, app, "partners"); 2*br <= all {
		t.Errorf("Brazilian partners = %d of %d, want a majority", br, all)
	}
	for _, s := range roles.PartnerStatuses {
		if count(t, app, "partners", dbx.HashExp{"status": s}) == 0 {
			t.Errorf("no partner with status %s", s)
		}
	}
	partners, err := app.FindAllRecords("partners")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range partners {
		slug := p.GetString("slug")
		m, err := app.FindRecordById("users", p.GetString("manager"))
		if err != nil || m.GetString("role") != roles.Manager {
			t.Errorf("partner %s: manager %q is not a channel manager", slug, p.GetString("manager"))
		}
		if p.GetString("region") != roles.RegionOf(p.GetString("country")) {
			t.Errorf("partner %s: region %q for country %s", slug, p.GetString("region"), p.GetString("country"))
		}
		applicant := p.GetString("status") == "applicant"
		if applicant != (p.GetString("tier") == "") {
			t.Errorf("partner %s (%s): tier %q; want a tier unless applicant", slug, p.GetString("status"), p.GetString("tier"))
		}
		if want := "https://" + slug + ".example"; p.GetString("website") != want {
			t.Errorf("partner %s: website %q, want %q", slug, p.GetString("website"), want)
		}
		if count(t, app, "users", dbx.HashExp{"partner": p.Id, "role": roles.PartnerAdmin}) != 1 {
			t.Errorf("partner %s: want exactly one partner admin", slug)
		}
	}

	settings, err := app.FindRecordsByFilter("settings", "", "", 0, 0)
	if err != nil || len(settings) != 1 {
		t.Fatalf("settings records: %d, %v", len(settings), err)
	}
	if got := settings[0].GetString("portal_name"); got != demo.PortalName {
		t.Errorf("portal_name = %q, want %q", got, demo.PortalName)
	}
	if got := settings[0].GetString("default_locale"); got != "pt-BR" {
		t.Errorf("default_locale = %q, want pt-BR", got)
	}

	if count(t, app, "activity", dbx.HashExp{"kind": "user.login"}) == 0 {
		t.Error("no sign-in activity")
	}
	weekAgo := time.Now().UTC().AddDate(0, 0, -7).Format(types.DefaultDateLayout)
	if count(t, app, "activity", dbx.NewExp("created < {:t}", dbx.Params{"t": weekAgo})) == 0 {
		t.Error("no sign-in older than a week: activity dates were not kept")
	}

	su, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, demo.SuperuserEmail)
	if err != nil {
		t.Fatalf("superuser %s: %v", demo.SuperuserEmail, err)
	}
	if !su.ValidatePassword(demo.DemoPassword) {
		t.Error("superuser password does not validate")
	}
}

func TestPrintedLoginsAuthenticate(t *testing.T) {
	app := testapp.NewEmpty(t)
	mustLoad(t, app)

	ids := map[string]*core.Record{}
	for _, l := range printedLogins {
		u, err := app.FindAuthRecordByEmail("users", l.email)
		if err != nil {
			t.Fatalf("%s: %v", l.email, err)
		}
		if !u.ValidatePassword(demo.DemoPassword) {
			t.Errorf("%s: password does not validate", l.email)
		}
		if got := u.GetString("role"); got != l.role {
			t.Errorf("%s: role %q, want %q", l.email, got, l.role)
		}
		if u.GetBool("deactivated") || !u.Verified() {
			t.Errorf("%s: deactivated or unverified", l.email)
		}
		ids[l.role] = u
	}

	partner, err := app.FindFirstRecordByData("partners", "slug", demo.PartnerSlug)
	if err != nil {
		t.Fatalf("partner %s: %v", demo.PartnerSlug, err)
	}
	if partner.GetString("name") != demo.PartnerName || partner.GetString("status") != "active" ||
		partner.GetString("country") != "BR" {
		t.Errorf("printed partner: %s, %s, %s; want %s, active, BR",
			partner.GetString("name"), partner.GetString("status"), partner.GetString("country"), demo.PartnerName)
	}
	if got, want := partner.GetString("manager"), ids[roles.Manager].Id; got != want {
		t.Errorf("printed partner's manager = %q, want the printed manager %q", got, want)
	}
	for _, r := range []string{roles.PartnerAdmin, roles.PartnerUser} {
		if got := ids[r].GetString("partner"); got != partner.Id {
			t.Errorf("printed %s belongs to %q, want %q", r, got, partner.Id)
		}
	}
}

func TestLoadLeavesNonEmptyDatabasesAlone(t *testing.T) {
	app := testapp.NewEmpty(t)
	mustLoad(t, app)

	collections := []string{"tiers", "partners", "users", "activity", "settings", core.CollectionNameSuperusers}
	before := map[string]int{}
	for _, c := range collections {
		before[c] = count(t, app, c)
	}

	loaded, err := demo.Load(app)
	if err != nil || loaded {
		t.Fatalf("second Load = %v, %v; want false, nil", loaded, err)
	}
	var out bytes.Buffer
	if err := demo.LoadAndReport(app, &out); err != nil {
		t.Fatalf("LoadAndReport: %v", err)
	}
	if s := out.String(); !strings.Contains(s, "not empty") || !strings.Contains(s, "changed nothing") {
		t.Errorf("LoadAndReport on a loaded database printed %q", s)
	}
	if strings.Contains(out.String(), demo.DemoPassword) {
		t.Error("LoadAndReport printed the demo password although it loaded nothing")
	}
	for _, c := range collections {
		if n := count(t, app, c); n != before[c] {
			t.Errorf("%s: %d records after the second load, %d before", c, n, before[c])
		}
	}

	fixture := testapp.New(t)
	users := count(t, fixture, "users")
	loaded, err = demo.Load(fixture)
	if err != nil || loaded {
		t.Fatalf("Load on the fixture app = %v, %v; want false, nil", loaded, err)
	}
	if n := count(t, fixture, "users"); n != users {
		t.Errorf("fixture users: %d after Load, %d before", n, users)
	}
}

func TestLoadAndReportPrintsTheLogins(t *testing.T) {
	app := testapp.NewEmpty(t)
	var out bytes.Buffer
	if err := demo.LoadAndReport(app, &out); err != nil {
		t.Fatalf("LoadAndReport: %v", err)
	}
	s := out.String()
	for _, want := range []string{
		demo.AdminEmail, demo.ManagerEmail, demo.PartnerAdminEmail, demo.PartnerUserEmail,
		demo.SuperuserEmail, demo.DemoPassword, demo.PartnerName, "/_/", "tiers…", "users…",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if count(t, app, "partners") == 0 {
		t.Error("LoadAndReport loaded nothing")
	}
	t.Logf("output:\n%s", s)
}

func newSuperuser(t *testing.T, app core.App, email string) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.SetEmail(email)
	r.SetRandomPassword()
	if err := app.Save(r); err != nil {
		t.Fatalf("superuser %s: %v", email, err)
	}
}

func TestSuperuser(t *testing.T) {
	t.Run("replaces the installer account", func(t *testing.T) {
		app := testapp.NewEmpty(t)
		newSuperuser(t, app, core.DefaultInstallerEmail)
		mustLoad(t, app)
		if _, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, demo.SuperuserEmail); err != nil {
			t.Errorf("demo superuser: %v", err)
		}
		if _, err := app.FindAuthRecordByEmail(core.CollectionNameSuperusers, core.DefaultInstallerEmail); err == nil {
			t.Error("the installer superuser survived the load")
		}
	})
	t.Run("keeps an existing one and adds none", func(t *testing.T) {
		app := testapp.NewEmpty(t)
		newSuperuser(t, app, "owner@ponte-vendor.example")
		var out bytes.Buffer
		if err := demo.LoadAndReport(app, &out); err != nil {
			t.Fatalf("LoadAndReport: %v", err)
		}
		if count(t, app, "users") == 0 {
			t.Fatal("users were not loaded")
		}
		if n := count(t, app, core.CollectionNameSuperusers); n != 1 {
			t.Errorf("superusers = %d, want the existing one only", n)
		}
		if strings.Contains(out.String(), demo.SuperuserEmail) {
			t.Errorf("output names a superuser that was not created:\n%s", out.String())
		}
	})
}
