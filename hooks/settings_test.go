package hooks_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// setMFABoxes saves the settings record with the two MFA boxes.
func setMFABoxes(t testing.TB, app core.App, staff, partners bool) {
	t.Helper()
	s, err := app.FindFirstRecordByFilter("settings", "")
	if err != nil {
		t.Fatal(err)
	}
	s.Set("mfa_staff", staff)
	s.Set("mfa_partners", partners)
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
}

// TestMFARequirementFollowsTheSettings: each combination of the two boxes
// sets the users collection's MFA, and the REST API's password sign-in
// answers with an mfaId (no token) exactly for the roles it covers.
func TestMFARequirementFollowsTheSettings(t *testing.T) {
	accounts := map[string]string{"admin": testapp.AdminEmail, "manager": testapp.ManagerAnaEmail,
		"partner admin": testapp.AcmeAdminEmail, "partner user": testapp.GlobexUserEmail}
	var scenarios []tests.ApiScenario
	for _, c := range []struct{ staff, partners bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		for who, email := range accounts {
			covered := c.partners
			if who == "admin" || who == "manager" {
				covered = c.staff
			}
			s := tests.ApiScenario{
				Name:   fmt.Sprintf("staff=%v partners=%v: %s password sign-in", c.staff, c.partners, who),
				Method: http.MethodPost, URL: "/api/collections/users/auth-with-password",
				Body:           strings.NewReader(`{"identity":"` + email + `","password":"` + testapp.Password + `"}`),
				TestAppFactory: testapp.Factory,
				BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
					setMFABoxes(t, app, c.staff, c.partners)
				},
			}
			if covered {
				s.ExpectedStatus, s.ExpectedContent, s.NotExpectedContent = 401, []string{`"mfaId"`}, []string{`"token"`}
			} else {
				s.ExpectedStatus, s.ExpectedContent = 200, []string{`"token"`}
			}
			scenarios = append(scenarios, s)
		}
	}
	for _, s := range scenarios {
		s.Test(t)
	}
}

func TestMFAOptionsAreAppliedOnlyWhenTheBoxesChange(t *testing.T) {
	app := testapp.New(t)
	cases := []struct {
		staff, partners bool
		enabled         bool
		rule            string
	}{
		{true, false, true, hooks.MFARuleStaff},
		{false, true, true, hooks.MFARulePartners},
		{true, true, true, ""},
		{false, false, false, ""},
	}
	for _, c := range cases {
		setMFABoxes(t, app, c.staff, c.partners)
		users, _ := app.FindCollectionByNameOrId("users")
		if users.MFA.Enabled != c.enabled || users.MFA.Rule != c.rule {
			t.Fatalf("staff=%v partners=%v: MFA %v %q, want %v %q", c.staff, c.partners,
				users.MFA.Enabled, users.MFA.Rule, c.enabled, c.rule)
		}
		if c.enabled && !users.OTP.Enabled {
			t.Fatal("MFA on without the e-mailed code as second method")
		}
	}
	// An MFA set by hand in the dashboard survives saving the portal's name.
	users, _ := app.FindCollectionByNameOrId("users")
	users.MFA.Enabled, users.MFA.Rule = true, `role = "admin"`
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}
	s, _ := app.FindFirstRecordByFilter("settings", "")
	s.Set("portal_name", "Renamed")
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	users, _ = app.FindCollectionByNameOrId("users")
	if !users.MFA.Enabled || users.MFA.Rule != `role = "admin"` {
		t.Fatalf("a name change reset the dashboard's MFA: %v %q", users.MFA.Enabled, users.MFA.Rule)
	}
}
