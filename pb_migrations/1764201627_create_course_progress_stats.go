package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// course_progress_stats is the rollup behind the staff progress report:
// per course and partner, the enrolments by status and the sum and number
// of learners' best quiz scores (tenths of a percent), kept by the content
// hooks in each change's transaction. The row with an empty partner holds
// the course's totals over everyone, which only admins may read; a manager
// reads the rows of the partners they manage.
func init() {
	m.Register(func(app core.App) error {
		courses, err := app.FindCollectionByNameOrId("courses")
		if err != nil {
			return err
		}
		partners, err := app.FindCollectionByNameOrId("partners")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("course_progress_stats", "pc_courseprog01")
		c.Fields.Add(
			&core.RelationField{Name: "course", CollectionId: courses.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, CascadeDelete: true},
			&core.NumberField{Name: "enrolled", OnlyInt: true},
			&core.NumberField{Name: "in_progress", OnlyInt: true},
			&core.NumberField{Name: "completed", OnlyInt: true},
			&core.NumberField{Name: "best_tenths", OnlyInt: true},
			&core.NumberField{Name: "best_count", OnlyInt: true},
		)
		c.AddIndex("idx_course_progress_stats_key", true, "course, partner", "")
		c.AddIndex("idx_course_progress_stats_partner", false, "partner, course", "")
		rule := signedIn + ` && (` + isAdmin + ` || (` + isManager + ` && partner != "" && partner.manager = @request.auth.id))`
		c.ListRule = ptr(rule)
		c.ViewRule = ptr(rule)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("course_progress_stats")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
