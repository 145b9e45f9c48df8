package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"net/http"
)

// courseDelete deletes a course with its lessons, quizzes, enrolments and
// attempts when the Delete rule allows (admins only); certificates already
// issued stay. The form asks for confirmation first.
func (u *portal) courseDelete(e *core.RequestEvent) error {
	rec, err := staffCourse(e)
	if err != nil {
		return err
	}
	if err := deleteVisible(e, rec); err != nil {
		return err
	}
	u.setFlash(e, "flash.training_admin_course_deleted")
	return e.Redirect(http.StatusSeeOther, "/courses")
}
