package hooks

import "github.com/pocketbase/pocketbase/core"

// bindTrainingContentHooks binds the hooks of course content (derived counts on courses and quizzes, question validation).
func bindTrainingContentHooks(app core.App) {
}
