package hooks

import "github.com/pocketbase/pocketbase/core"

// bindSurveyHooks binds the surveys area's record hooks and jobs.
func bindSurveyHooks(app core.App) {
}
