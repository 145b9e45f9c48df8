package hooks_test

import (
	"testing"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// BenchmarkOnboardingHookCost measures what the onboarding hooks add to
// saves of a user of a partner onboarding whose invite step is still open:
// an edit that leaves partner and activation alone (skipped), and a
// deactivate/reactivate that is judged each time; with and without the
// hook bound.
// Run: go test -run XXX -bench OnboardingHookCost ./hooks/
func BenchmarkOnboardingHookCost(b *testing.B) {
	for _, bound := range []bool{true, false} {
		name := "with_hook"
		if !bound {
			name = "without_hook"
		}
		b.Run(name, func(b *testing.B) {
			app := testapp.New(b)
			testapp.StartOnboarding(b, app, testapp.PartnerAcme)
			// A step no number of users reaches: judged on every save.
			step, err := app.FindRecordById("onboarding_steps", testapp.StepInvite)
			if err != nil {
				b.Fatal(err)
			}
			step.Set("count", 100)
			if err := app.Save(step); err != nil {
				b.Fatal(err)
			}
			if !bound {
				app.OnRecordUpdate("users").Unbind("ponte.onboarding.users.update")
			}
			u, err := app.FindRecordById("users", testapp.AcmeUserID)
			if err != nil {
				b.Fatal(err)
			}
			i := 0
			b.Run("profile_edit", func(b *testing.B) {
				for b.Loop() {
					i++
					u.Set("job_title", "Vendas "+string(rune('a'+i%26)))
					if err := app.Save(u); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("activation_change", func(b *testing.B) {
				for b.Loop() {
					i++
					u.Set("deactivated", i%2 == 0)
					if err := app.Save(u); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
