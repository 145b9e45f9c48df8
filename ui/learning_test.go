package ui_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/training"
)

// learnServer is a portal over the fixture with its training curriculum.
func learnServer(t *testing.T) (*tests.TestApp, *httptest.Server) {
	t.Helper()
	app := testapp.New(t)
	testapp.SeedTraining(t, app)
	srv := httptest.NewServer(testapp.Serve(t, app))
	t.Cleanup(srv.Close)
	return app, srv
}

// learnCount counts rows of a table.
func learnCount(t *testing.T, app core.App, table string, where dbx.Expression) int {
	t.Helper()
	var n int
	if err := app.DB().Select("COUNT(*)").From(table).Where(where).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// startQuiz starts (or resumes) an attempt and returns its form's path.
func startQuiz(t *testing.T, b *browser, quiz string) string {
	t.Helper()
	r := b.post("/quizzes/"+quiz+"/start", nil)
	expectStatus(t, r, http.StatusSeeOther, "start "+quiz)
	loc := r.Header.Get("Location")
	if !regexp.MustCompile(`^/quizzes/` + quiz + `/attempts/\d+$`).MatchString(loc) {
		t.Fatalf("start went to %q", loc)
	}
	return loc
}

// answers builds a quiz form: question id → chosen option ids.
func answers(m map[string][]string) url.Values {
	v := url.Values{}
	for q, opts := range m {
		for _, o := range opts {
			v.Add("q_"+q, o)
		}
	}
	return v
}

// allRight answers the fixture's Partner 101 quiz correctly.
var allRight = map[string][]string{
	testapp.QuestionBasicsSingle: {"b"}, testapp.QuestionBasicsMultiple: {"a", "c"}, testapp.QuestionBasicsTrue: {"true"}}

// attempt reads the user's attempt n at quiz.
func attempt(t *testing.T, app core.App, user, quiz string, n int) *core.Record {
	t.Helper()
	r, err := app.FindFirstRecordByFilter("quiz_attempts", "user = {:u} && quiz = {:q} && number = {:n}",
		dbx.Params{"u": user, "q": quiz, "n": n})
	if err != nil {
		t.Fatalf("attempt %d of %s: %v", n, quiz, err)
	}
	return r
}

// backdate moves the user's attempts at quiz an hour into the past, past
// the fixture's 10-minute cooldown.
func backdate(t *testing.T, app core.App, user, quiz string) {
	t.Helper()
	past := time.Now().UTC().Add(-time.Hour)
	recs, err := app.FindAllRecords("quiz_attempts", dbx.HashExp{"user": user, "quiz": quiz})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		r.Set("started", past)
		if !r.GetDateTime("submitted").IsZero() {
			r.Set("submitted", past)
		}
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
}

// passBasics takes Partner 101 end to end through the portal: the three
// lessons, then the quiz answered right.
func passBasics(t *testing.T, b *browser) {
	t.Helper()
	for _, l := range []string{testapp.LessonBasics1, testapp.LessonBasics2, testapp.LessonBasics3} {
		expectStatus(t, b.get("/courses/partner-101/lessons/"+l), http.StatusOK, "open "+l)
		expectStatus(t, b.post("/courses/partner-101/lessons/"+l+"/complete", nil), http.StatusSeeOther, "complete "+l)
	}
	form := startQuiz(t, b, testapp.QuizBasics)
	expectStatus(t, b.post(form, answers(allRight)), http.StatusSeeOther, "submit Partner 101 quiz")
}

func TestLearnCatalogueVisibility(t *testing.T) {
	app, srv := learnServer(t)
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	r := carla.get("/courses")
	expectStatus(t, r, http.StatusOK, "Acme catalogue")
	expectContains(t, r, "Acme catalogue", "Partner 101", "Selling Ponte", "Gold deep dive", "Sales Specialist")
	expectNotContains(t, r, "Acme catalogue", "Upcoming course")

	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)
	r = elena.get("/courses")
	expectContains(t, r, "Globex catalogue", "Partner 101", "Selling Ponte")
	expectNotContains(t, r, "Globex catalogue", "Gold deep dive", "Upcoming course")
	// Outside the audience and unpublished are the same 404 as missing.
	for _, p := range []string{"/courses/gold-deep-dive", "/courses/gold-deep-dive/lessons/" + testapp.LessonGold1,
		"/courses/upcoming-course", "/courses/no-such-course", "/lessons/" + testapp.LessonGold1 + "/video"} {
		expectStatus(t, elena.get(p), http.StatusNotFound, "Globex opens "+p)
	}
	expectStatus(t, carla.get("/courses/upcoming-course"), http.StatusNotFound, "partner opens a draft")
	expectStatus(t, carla.get("/courses/gold-deep-dive"), http.StatusOK, "Acme opens the gold course")
	// A lesson reached through another course's slug is not found.
	expectStatus(t, carla.get("/courses/partner-101/lessons/"+testapp.LessonGold1), http.StatusNotFound, "lesson under the wrong course")

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r = admin.get("/courses")
	expectContains(t, r, "staff catalogue", "Upcoming course", "Unpublished", "Gold deep dive")
	expectStatus(t, admin.get("/courses/upcoming-course"), http.StatusOK, "staff open a draft")

	r = newBrowser(t, srv).get("/courses")
	if r.Status != http.StatusSeeOther && r.Status != http.StatusFound {
		t.Errorf("guest catalogue: status %d, want a redirect to sign in", r.Status)
	}

	// Filters.
	r = carla.get("/courses?q=gold")
	expectContains(t, r, "search", "Gold deep dive")
	expectNotContains(t, r, "search", "Partner 101")
	r = carla.get("/courses?level=expert")
	expectStatus(t, r, http.StatusBadRequest, "unknown level")
	expectContains(t, r, "unknown level", `aria-invalid="true"`)
	expectStatus(t, carla.get("/courses?mine=bogus"), http.StatusBadRequest, "unknown mine filter")
	expectStatus(t, carla.get("/courses?language=xx"), http.StatusBadRequest, "unknown language")
	r = carla.get("/courses?mine=all")
	expectContains(t, r, "no enrolments yet", "Nenhum curso corresponde")
	expectStatus(t, carla.get("/courses/partner-101/lessons/"+testapp.LessonBasics1), http.StatusOK, "open a lesson")
	r = carla.get("/courses?mine=in_progress")
	expectContains(t, r, "in progress filter", "Partner 101", "<progress")
	expectNotContains(t, r, "in progress filter", "Selling Ponte")
}

func TestLearnPrerequisites(t *testing.T) {
	app, srv := learnServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/courses/selling-ponte")
	expectStatus(t, r, http.StatusOK, "course with unmet prerequisite")
	expectContains(t, r, "course with unmet prerequisite", `href="/courses/partner-101"`, "Ainda não")
	expectNotContains(t, r, "course with unmet prerequisite", `action="/courses/selling-ponte/enrol"`)

	r = diego.post("/courses/selling-ponte/enrol", nil)
	expectStatus(t, r, http.StatusForbidden, "enrol with unmet prerequisite")
	expectContains(t, r, "enrol with unmet prerequisite", "conclua primeiro os pré-requisitos")
	r = diego.get("/courses/selling-ponte/lessons/" + testapp.LessonSales1)
	expectStatus(t, r, http.StatusForbidden, "lesson with unmet prerequisite")
	expectNotContains(t, r, "lesson with unmet prerequisite", "Lesson text")
	expectStatus(t, diego.post("/courses/selling-ponte/lessons/"+testapp.LessonSales1+"/complete", nil), http.StatusForbidden, "complete blocked lesson")
	expectStatus(t, diego.post("/quizzes/"+testapp.QuizSales+"/start", nil), http.StatusForbidden, "quiz with unmet prerequisite")
	if n := learnCount(t, app, "enrollments", dbx.HashExp{"user": testapp.AcmeUserID}); n != 0 {
		t.Errorf("%d enrolments after refusals", n)
	}
	if n := learnCount(t, app, "quiz_attempts", dbx.HashExp{"user": testapp.AcmeUserID}); n != 0 {
		t.Errorf("%d attempts after refusals", n)
	}

	// Staff preview the blocked content without being enrolled or starting.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r = admin.get("/courses/selling-ponte/lessons/" + testapp.LessonSales1)
	expectStatus(t, r, http.StatusOK, "staff preview a lesson")
	expectContains(t, r, "staff preview a lesson", "Lesson text", "Preview:")
	expectNotContains(t, r, "staff preview a lesson", "/complete")
	r = admin.get("/quizzes/" + testapp.QuizSales)
	expectStatus(t, r, http.StatusOK, "staff preview a quiz")
	expectNotContains(t, r, "staff preview a quiz", "/start")
	expectStatus(t, admin.post("/courses/selling-ponte/enrol", nil), http.StatusForbidden, "staff enrol with unmet prerequisite")
	if n := learnCount(t, app, "enrollments", dbx.HashExp{"user": testapp.AdminID}); n != 0 {
		t.Errorf("%d staff enrolments after a preview", n)
	}

	passBasics(t, diego)
	r = diego.get("/courses/selling-ponte")
	expectContains(t, r, "prerequisite met", `action="/courses/selling-ponte/enrol"`, "Concluído")
	expectStatus(t, diego.post("/courses/selling-ponte/enrol", nil), http.StatusSeeOther, "enrol once met")
	if n := learnCount(t, app, "enrollments", dbx.HashExp{"user": testapp.AcmeUserID, "course": testapp.CourseSales}); n != 1 {
		t.Errorf("%d Selling Ponte enrolments, want 1", n)
	}
}

func TestLearnLessonsProgressAndResume(t *testing.T) {
	app, srv := learnServer(t)
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)
	r := elena.get("/courses/partner-101")
	expectContains(t, r, "before enrolling", `action="/courses/partner-101/enrol"`, "Enrol")
	expectStatus(t, elena.post("/courses/partner-101/enrol", nil), http.StatusSeeOther, "enrol")
	expectStatus(t, elena.post("/courses/partner-101/enrol", nil), http.StatusSeeOther, "enrol twice")
	e, err := training.FindEnrollment(app, testapp.GlobexAdminID, testapp.CourseBasics)
	if err != nil || e == nil {
		t.Fatalf("no enrolment: %v", err)
	}
	if e.GetString("status") != "enrolled" || e.GetString("partner") != testapp.PartnerGlobex {
		t.Errorf("new enrolment: %v", e.FieldsData())
	}
	r = elena.get("/courses/partner-101")
	expectContains(t, r, "enrolled", `href="/courses/partner-101/lessons/`+testapp.LessonBasics1+`"`, "Continue")

	// Opening lesson 2 makes it the place to resume.
	r = elena.get("/courses/partner-101/lessons/" + testapp.LessonBasics2)
	expectStatus(t, r, http.StatusOK, "lesson 2")
	expectContains(t, r, "lesson 2", "The programme", "Lesson text", "Mark complete",
		`rel="prev" href="/courses/partner-101/lessons/`+testapp.LessonBasics1+`"`,
		`rel="next" href="/courses/partner-101/lessons/`+testapp.LessonBasics3+`"`)
	r = elena.get("/courses/partner-101")
	expectContains(t, r, "resume", `class="btn btn-primary" href="/courses/partner-101/lessons/`+testapp.LessonBasics2+`"`)

	r = elena.post("/courses/partner-101/lessons/"+testapp.LessonBasics2+"/complete", nil)
	expectStatus(t, r, http.StatusSeeOther, "complete lesson 2")
	if loc := r.Header.Get("Location"); loc != "/courses/partner-101/lessons/"+testapp.LessonBasics3 {
		t.Errorf("after completing lesson 2 went to %q", loc)
	}
	// Twice is once.
	expectStatus(t, elena.post("/courses/partner-101/lessons/"+testapp.LessonBasics2+"/complete", nil), http.StatusSeeOther, "again")
	e, _ = training.FindEnrollment(app, testapp.GlobexAdminID, testapp.CourseBasics)
	// 1 of 3 lessons + 0 of 1 quiz.
	if e.GetInt("progress") != 25 || e.GetString("status") != "in_progress" || e.GetString("last_lesson") != testapp.LessonBasics2 {
		t.Errorf("after one lesson: %v", e.FieldsData())
	}
	if n := learnCount(t, app, "activity", dbx.HashExp{"kind": "training.lesson_completed", "user": testapp.GlobexAdminID,
		"target_id": testapp.LessonBasics2}); n != 1 {
		t.Errorf("%d lesson_completed events, want 1", n)
	}
	r = elena.get("/courses/partner-101")
	expectContains(t, r, "progress bar", `<progress id="pr-`+testapp.CourseBasics+`" max="100" value="25">`, "25% done")
	r = elena.get("/courses")
	expectContains(t, r, "catalogue progress", `value="25"`)

	// A partner user opening a lesson is enrolled on the way.
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	expectStatus(t, fabio.get("/courses/partner-101/lessons/"+testapp.LessonBasics3), http.StatusOK, "first lesson visit")
	e, _ = training.FindEnrollment(app, testapp.GlobexUserID, testapp.CourseBasics)
	if e == nil || e.GetString("last_lesson") != testapp.LessonBasics3 {
		t.Fatalf("not enrolled by opening a lesson: %v", e)
	}
	if n := learnCount(t, app, "activity", dbx.HashExp{"kind": "training.enrolled", "user": testapp.GlobexUserID}); n != 1 {
		t.Errorf("%d enrolled events, want 1", n)
	}
}

// mp4Header is the start of an MP4 file, enough for its type to be detected.
var mp4Header = []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom\x00\x00\x00\x08free")

func TestLearnLessonVideoStreamsWithRange(t *testing.T) {
	app, srv := learnServer(t)
	lesson, err := app.FindRecordById("lessons", testapp.LessonBasics1)
	if err != nil {
		t.Fatal(err)
	}
	content := append(append([]byte{}, mp4Header...), bytes.Repeat([]byte("0123456789"), 100)...)
	f, err := filesystem.NewFileFromBytes(content, "welcome.mp4")
	if err != nil {
		t.Fatal(err)
	}
	lesson.Set("video", f)
	if err := app.Save(lesson); err != nil {
		t.Fatal(err)
	}
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/courses/partner-101/lessons/" + testapp.LessonBasics1)
	expectContains(t, r, "lesson with a video", `<video class="learn-video" controls preload="metadata" src="/lessons/`+testapp.LessonBasics1+`/video">`)

	get := func(b *browser, rng string) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/lessons/"+testapp.LessonBasics1+"/video", nil)
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		for _, c := range b.jar {
			req.AddCookie(c)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	res := get(diego, "bytes=4-11")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusPartialContent || string(body) != "ftypmp42" ||
		res.Header.Get("Content-Range") != fmt.Sprintf("bytes 4-11/%d", len(content)) {
		t.Errorf("range request: %d %q %q", res.StatusCode, body, res.Header.Get("Content-Range"))
	}
	res = get(diego, "")
	body, _ = io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, content) || !strings.HasPrefix(res.Header.Get("Content-Type"), "video/mp4") {
		t.Errorf("whole video: %d, %d bytes, type %q", res.StatusCode, len(body), res.Header.Get("Content-Type"))
	}
	// The protected file is not reachable through the files API without a token.
	res, err = http.Get(srv.URL + "/api/files/lessons/" + testapp.LessonBasics1 + "/" + lesson.GetString("video"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Error("the protected video is served by the files API without a token")
	}
	// A guest is sent to sign in; a lesson without a video is a 404.
	if res := get(newBrowser(t, srv), ""); res.StatusCode == http.StatusOK {
		t.Error("a guest got the video")
	}
	expectStatus(t, diego.get("/lessons/"+testapp.LessonBasics2+"/video"), http.StatusNotFound, "lesson without a video")
}

// Odd requests to the learner's routes get a 4xx page, never a 500.
func TestLearnOddRequestsNever500(t *testing.T) {
	app, srv := learnServer(t)
	b := signedIn(t, app, srv, testapp.GlobexUserEmail)
	expectStatus(t, b.post("/courses/partner-101/enrol", nil), http.StatusSeeOther, "enrol")
	form := startQuiz(t, b, testapp.QuizBasics)
	long := strings.Repeat("x", 5000)
	gets := []string{
		"/courses?page=0", "/courses?page=abc", "/courses?q=" + long, "/courses?q=%25_%5C", "/courses/%00",
		"/courses/partner-101/lessons/%2e%2e", "/quizzes/nope", "/quizzes/" + testapp.QuizBasics + "/attempts/0",
		"/quizzes/" + testapp.QuizBasics + "/attempts/-1", "/quizzes/" + testapp.QuizBasics + "/attempts/99999999999999999999",
		"/quizzes/" + testapp.QuizBasics + "/attempts/1/result?user=" + long, "/lessons/nope/video",
	}
	for _, p := range gets {
		if r := b.get(p); r.Status >= 500 {
			t.Errorf("GET %s: %d", p, r.Status)
		}
	}
	posts := []url.Values{
		{"q_": {"a"}}, {"q_" + long: {"a"}}, {"q_" + testapp.QuestionBasicsSingle: {long}},
		{"q_" + testapp.QuestionBasicsSingle: {"", " "}}, {"q_" + testapp.QuestionBasicsMultiple: {"a", "a", "c"}},
	}
	for _, f := range posts {
		if r := b.post(form, f); r.Status >= 500 || (r.Status != http.StatusBadRequest && r.Status != http.StatusSeeOther && r.Status != http.StatusConflict) {
			t.Errorf("POST %v: %d", f, r.Status)
		}
	}
	if r := b.post("/quizzes/nope/start", nil); r.Status != http.StatusNotFound {
		t.Errorf("start an unknown quiz: %d", r.Status)
	}
	if r := b.do(http.MethodPost, form, url.Values{"q_x": {"a"}}); r.Status != http.StatusForbidden && r.Status != http.StatusBadRequest {
		t.Errorf("submit without the CSRF token: %d", r.Status)
	}
}
