package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// learningRoutes binds the training learner pages (catalogue, course, lessons, quizzes): in for signed-in users, staff for vendor staff only, g
// for guests too.
func (u *portal) learningRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	in.GET("/courses", u.courseList)
	in.GET("/courses/{slug}", u.courseShow)
	in.POST("/courses/{slug}/enrol", u.courseEnrol)
	in.GET("/courses/{slug}/lessons/{id}", u.lessonShow)
	in.POST("/courses/{slug}/lessons/{id}/complete", u.lessonComplete)
	in.GET("/lessons/{id}/video", u.lessonVideo)
	in.GET("/quizzes/{id}", u.quizShow)
	in.POST("/quizzes/{id}/start", u.quizStart)
	in.GET("/quizzes/{id}/attempts/{n}", u.quizTake)
	in.POST("/quizzes/{id}/attempts/{n}", u.quizSubmit)
	in.GET("/quizzes/{id}/attempts/{n}/result", u.quizResult)
}
