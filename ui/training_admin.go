package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/session"
)

// maxVideoBytes is the largest lesson video (the schema's limit).
const maxVideoBytes = 500 << 20

// trainingAdminRoutes binds the staff training tools (course editor, question bank, certifications, progress reports): in for signed-in users, staff for vendor staff only, g
// for guests too.
func (u *portal) trainingAdminRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	staff.GET("/courses/new", u.courseNewShow)
	staff.POST("/courses/new", u.courseNewSubmit)
	staff.GET("/courses/{slug}/edit", u.courseEditShow)
	staff.POST("/courses/{slug}/edit", u.courseEditSubmit)
	staff.POST("/courses/{slug}/delete", u.courseDelete)
	staff.POST("/training/preview", u.lessonPreview)

	// Lesson forms may carry a video of up to 500 MB: they get their own
	// body limit instead of PocketBase's 32 MB and the portal's 4 MiB.
	video := &hook.Handler[*core.RequestEvent]{Id: "ponte.training.video", Func: u.videoForm, Priority: -1}
	staff.GET("/courses/{slug}/lessons/new", u.lessonNewShow)
	staff.POST("/courses/{slug}/lessons/new", u.lessonNewSubmit).Bind(video).Unbind(apis.DefaultBodyLimitMiddlewareId)
	staff.GET("/lessons/{id}/edit", u.lessonEditShow)
	staff.POST("/lessons/{id}/edit", u.lessonEditSubmit).Bind(video).Unbind(apis.DefaultBodyLimitMiddlewareId)
	staff.POST("/lessons/{id}/delete", u.lessonDelete)
	staff.POST("/lessons/{id}/move", u.lessonMove)

	staff.GET("/courses/{slug}/quizzes/new", u.quizNewShow)
	staff.POST("/courses/{slug}/quizzes/new", u.quizNewSubmit)
	staff.GET("/quizzes/{id}/edit", u.quizEditShow)
	staff.POST("/quizzes/{id}/edit", u.quizEditSubmit)
	staff.POST("/quizzes/{id}/delete", u.quizDelete)
	staff.GET("/quizzes/{id}/questions/new", u.questionNewShow)
	staff.POST("/quizzes/{id}/questions/new", u.questionNewSubmit)
	staff.GET("/questions/{id}/edit", u.questionEditShow)
	staff.POST("/questions/{id}/edit", u.questionEditSubmit)
	staff.POST("/questions/{id}/delete", u.questionDelete)
	staff.POST("/questions/{id}/move", u.questionMove)

	staff.GET("/training/progress", u.progressOverview)
	staff.GET("/training/progress/courses/{slug}", u.progressCourse)
	staff.GET("/training/progress/partners/{slug}", u.progressPartner)
}

// videoForm reads a lesson form of a signed-in staff member under the video
// limit before the CSRF check reads it under the portal's 4 MiB: the CSRF
// middleware then finds the form parsed and still checks its token. It runs
// before the session is loaded, so it loads it itself; anyone else's body
// is left to the usual limit.
func (u *portal) videoForm(e *core.RequestEvent) error {
	if !strings.HasPrefix(e.Request.Header.Get("Content-Type"), "multipart/form-data") {
		return e.Next()
	}
	ck, err := e.Request.Cookie(u.sessionCookieName(e))
	if err != nil || ck.Value == "" {
		return e.Next()
	}
	s, err := session.Load(e.App, ck.Value)
	if err != nil || !roles.IsStaff(roles.Of(s.User)) {
		return e.Next()
	}
	limit := int64(maxVideoBytes + 1<<20)
	e.Set(uploadLimitKey, int64(maxVideoBytes))
	if e.Request.ContentLength > limit {
		return e.Error(http.StatusRequestEntityTooLarge, "", errors.New("video over the limit"))
	}
	e.Request.Body = http.MaxBytesReader(e.Response, e.Request.Body, limit)
	if err := e.Request.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return e.Error(http.StatusRequestEntityTooLarge, "", err)
		}
		return e.BadRequestError("", err)
	}
	return e.Next()
}

// staffCourse loads the course in the path ({slug}) through its View rule
// (404 when unknown or hidden) and checks that the Update rule lets the
// user change it.
func staffCourse(e *core.RequestEvent) (*core.Record, error) {
	user := getCtx(e).User
	rec, err := access.FindVisibleBy(e.App, access.Info(user, http.MethodGet, nil), "courses", "slug", e.Request.PathValue("slug"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	if err != nil {
		return nil, err
	}
	if err := canUpdate(e, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// staffRecord loads a record of collection by the path's {id} through its
// View rule and checks its Update rule.
func staffRecord(e *core.RequestEvent, collection string) (*core.Record, error) {
	user := getCtx(e).User
	rec, err := access.FindVisible(e.App, access.Info(user, http.MethodGet, nil), collection, e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	if err != nil {
		return nil, err
	}
	if err := canUpdate(e, rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// canUpdate answers 403 unless the Update rule lets the user change rec.
func canUpdate(e *core.RequestEvent, rec *core.Record) error {
	ok, err := access.CanUpdate(e.App, access.Info(getCtx(e).User, http.MethodPatch, nil), rec)
	if err != nil {
		return err
	}
	if !ok {
		return e.ForbiddenError("", errors.New(rec.Collection().Name+" not editable by this user"))
	}
	return nil
}

// deleteVisible deletes rec when the Delete rule allows (403 otherwise), in
// one transaction with its cascades and the hooks' recounts.
func deleteVisible(e *core.RequestEvent, rec *core.Record) error {
	ok, err := access.CanDelete(e.App, access.Info(getCtx(e).User, http.MethodDelete, nil), rec)
	if err != nil {
		return err
	}
	if !ok {
		return e.ForbiddenError("", errors.New(rec.Collection().Name+" not deletable by this user"))
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById(rec.Collection(), rec.Id)
		if err != nil {
			return err
		}
		return tx.Delete(fresh)
	})
}

// The longest lesson body and course description (the schema's limits).
const (
	maxLessonBody        = 50000
	maxCourseDescription = 20000
)

// tooLong is the translated message for a Markdown text over its limit.
func tooLong(loc string, limit, n int) string {
	return tr(loc, "training_admin.too_long", i18n.Int(loc, int64(limit)), i18n.Int(loc, int64(n)))
}
