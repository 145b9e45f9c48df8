package ui

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// lessonMove moves a lesson one place up or down ("direction" up|down) and
// renumbers the course's lessons 1…n in one transaction. An htmx request
// gets the re-drawn list; a plain form post goes back to the course editor.
func (u *portal) lessonMove(e *core.RequestEvent) error {
	lesson, course, err := lessonCourse(e)
	if err != nil {
		return err
	}
	if err := moveInOrder(e, "lessons", "course", course.Id, lesson.Id, formValue(e, "direction")); err != nil {
		return err
	}
	if e.Request.Header.Get("HX-Request") == "" {
		return e.Redirect(http.StatusSeeOther, "/courses/"+course.GetString("slug")+"/edit#lessons")
	}
	rows, err := courseLessons(e, course.Id)
	if err != nil {
		return err
	}
	d := &courseEditData{Course: courseAdminView(course), Lessons: rows}
	return u.renderFragment(e, "course_edit", "ta_lessons", &Page{Data: d})
}

// moveInOrder moves the record id among the records of collection whose
// parent field is parentID one place in direction (up or down; anything
// else is a 400) and renumbers their order 1…n, each change through the
// collection's Update rule, all in one transaction.
func moveInOrder(e *core.RequestEvent, collection, parent, parentID, id, direction string) error {
	if direction != "up" && direction != "down" {
		return e.BadRequestError("", nil)
	}
	user := getCtx(e).User
	return e.App.RunInTransaction(func(tx core.App) error {
		info := access.Info(user, http.MethodGet, nil)
		var items []*core.Record
		for page := 1; page <= 10; page++ {
			p, err := access.ListVisible(tx, info, collection, access.ListOptions{
				Where: []dbx.Expression{dbx.HashExp{collection + "." + parent: parentID}},
				Sort:  []string{"order"}, Page: page, PerPage: 200})
			if err != nil {
				return err
			}
			items = append(items, p.Items...)
			if !p.HasMore {
				break
			}
		}
		at := -1
		for i, r := range items {
			if r.Id == id {
				at = i
			}
		}
		to := at - 1
		if direction == "down" {
			to = at + 1
		}
		if at < 0 || to < 0 || to >= len(items) {
			return nil // already first or last: nothing to move
		}
		items[at], items[to] = items[to], items[at]
		for i, r := range items {
			if r.GetInt("order") == i+1 {
				continue
			}
			if err := access.Update(tx, access.Info(user, http.MethodPatch, map[string]any{"order": i + 1}), r); err != nil {
				return err
			}
		}
		return nil
	})
}
