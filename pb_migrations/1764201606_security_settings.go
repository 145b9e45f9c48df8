package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		s.Meta.AppName = "Ponte"
		// PocketBase's rate limiter is on by default in Ponte, with rules for the
		// portal's own sign-in, password reset and the API's record writes.
		s.RateLimits.Enabled = true
		s.RateLimits.Rules = []core.RateLimitRule{
			{Label: "*:auth", MaxRequests: 5, Duration: 10},
			{Label: "*:requestOTP", MaxRequests: 3, Duration: 60},
			{Label: "*:authWithOTP", MaxRequests: 5, Duration: 60},
			{Label: "*:requestPasswordReset", MaxRequests: 3, Duration: 60},
			{Label: "*:confirmPasswordReset", MaxRequests: 5, Duration: 60},
			{Label: "*:create", MaxRequests: 20, Duration: 5},
			{Label: "*:update", MaxRequests: 30, Duration: 5},
			{Label: "*:delete", MaxRequests: 20, Duration: 5},
			{Label: "/api/batch", MaxRequests: 3, Duration: 1},
			{Label: "/api/", MaxRequests: 300, Duration: 10},
			{Label: "POST /login", MaxRequests: 10, Duration: 60},
			{Label: "POST /forgot", MaxRequests: 3, Duration: 60},
			{Label: "POST /reset/", MaxRequests: 10, Duration: 60},
			{Label: "POST /login/code", MaxRequests: 5, Duration: 60},
		}
		return app.Save(s)
	}, nil)
}
