package hooks

import "github.com/pocketbase/pocketbase/core"

// bindTrainingHooks binds the hooks of enrolments and quiz attempts (progress, grading, certificate issuance).
func bindTrainingHooks(app core.App) {
}
