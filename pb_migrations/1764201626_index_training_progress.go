package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// trainingProgressIndexes serve the staff progress report: a course's
// learners by partner and start, a partner's learners by person, and the
// best submitted score per course and learner (grouped without a scan of
// every attempt).
var trainingProgressIndexes = map[string]map[string]string{
	"enrollments": {
		"idx_enrollments_course_partner": "course, partner, started",
		"idx_enrollments_partner_user":   "partner, user, course",
	},
	"quiz_attempts": {
		"idx_quiz_attempts_course_user": "course, user, submitted, score",
	},
}

func init() {
	m.Register(func(app core.App) error {
		for collection, indexes := range trainingProgressIndexes {
			c, err := app.FindCollectionByNameOrId(collection)
			if err != nil {
				return err
			}
			for name, cols := range indexes {
				c.AddIndex(name, false, cols, "")
			}
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for collection, indexes := range trainingProgressIndexes {
			c, err := app.FindCollectionByNameOrId(collection)
			if err != nil {
				return err
			}
			for name := range indexes {
				c.RemoveIndex(name)
			}
			if err := app.Save(c); err != nil {
				return err
			}
		}
		return nil
	})
}
