package ui

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/training"
)

// lessonVideo streams a lesson's uploaded video (a protected file) once the
// lesson's View rule has passed and the course's prerequisites are met
// (staff may preview it regardless).
// Range requests are answered, so players can seek.
func (u *portal) lessonVideo(e *core.RequestEvent) error {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	lesson, err := access.FindVisible(e.App, info, "lessons", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	}
	if err != nil {
		return err
	}
	file := lesson.GetString("video")
	if file == "" {
		return e.NotFoundError("", errors.New("lesson without a video file"))
	}
	course, err := e.App.FindRecordById("courses", lesson.GetString("course"))
	if err != nil {
		return err
	}
	unmet, err := training.UnmetPrerequisites(e.App, user.Id, course)
	if err != nil {
		return err
	}
	if len(unmet) > 0 && learnAutoEnrols(user) {
		return e.ForbiddenError("", errors.New("prerequisites unmet"))
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	key := lesson.BaseFilesPath() + "/" + file
	if ok, err := fsys.Exists(key); err != nil || !ok {
		return e.NotFoundError("", errors.New("video file missing from storage"))
	}
	h := e.Response.Header()
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Content-Disposition", "inline")
	return fsys.Serve(e.Response, e.Request, key, file)
}
