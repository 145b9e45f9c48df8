package ui_test

// The staff training tools through real HTTP requests: every editor and
// report route refused to partner users and guests and open to staff; the
// course editor with its bad inputs (kept values, translated messages,
// 400s); lessons added, reordered and deleted with the course's counts
// following; quizzes and the question bank saving question and answer key
// together; the learner progress report and its CSV against a hand-built
// set of enrolments, with managers seeing only their own partners.

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net"
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

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func newTrainingAdminServer(t *testing.T) (*tests.TestApp, *httptest.Server) {
	t.Helper()
	app, srv := newServer(t)
	testapp.SeedTraining(t, app)
	return app, srv
}

// taPost submits a multipart form (repeated values allowed) with an
// optional file in fileField, as the editors' forms do.
func taPost(b *browser, path string, fields url.Values, fileField, fileName string, content []byte, headers ...string) response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if fields.Get("_csrf") == "" {
		_ = w.WriteField("_csrf", b.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, _ := w.CreateFormFile(fileField, fileName)
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	for _, c := range b.jar {
		req.AddCookie(c)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(res.Body)
	b.keepCookies(res)
	if strings.Contains(out.String(), "%!") {
		b.t.Errorf("POST %s: badly formatted translation", path)
	}
	return response{Status: res.StatusCode, Body: out.String(), Header: res.Header}
}

// courseForm is a valid course form over which a test changes fields.
func courseForm(title string, extra url.Values) url.Values {
	f := url.Values{"title": {title}, "summary": {"What " + title + " teaches"}, "description": {"# " + title + "\n\nLearn **this**."},
		"level": {"beginner"}, "language": {"en"}, "minutes": {"45"}, "audience": {"all"}, "published": {"1"}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func TestTrainingAdminRoutesRefusePartnersAndGuests(t *testing.T) {
	app, srv := newTrainingAdminServer(t)
	gets := []string{"/courses/new", "/courses/partner-101/edit", "/courses/partner-101/lessons/new",
		"/lessons/" + testapp.LessonBasics1 + "/edit", "/courses/partner-101/quizzes/new", "/quizzes/" + testapp.QuizBasics + "/edit",
		"/quizzes/" + testapp.QuizBasics + "/questions/new", "/questions/" + testapp.QuestionBasicsSingle + "/edit",
		"/training/progress", "/training/progress/courses/partner-101", "/training/progress/partners/acme-brasil",
		"/training/progress?format=csv", "/training/progress/courses/partner-101?format=csv"}
	posts := []string{"/courses/new", "/courses/partner-101/edit", "/courses/partner-101/delete", "/training/preview",
		"/courses/partner-101/lessons/new", "/lessons/" + testapp.LessonBasics1 + "/edit", "/lessons/" + testapp.LessonBasics1 + "/delete",
		"/lessons/" + testapp.LessonBasics1 + "/move", "/courses/partner-101/quizzes/new", "/quizzes/" + testapp.QuizBasics + "/edit",
		"/quizzes/" + testapp.QuizBasics + "/delete", "/quizzes/" + testapp.QuizBasics + "/questions/new",
		"/questions/" + testapp.QuestionBasicsSingle + "/edit", "/questions/" + testapp.QuestionBasicsSingle + "/delete",
		"/questions/" + testapp.QuestionBasicsSingle + "/move"}
	for _, email := range []string{testapp.AcmeAdminEmail, testapp.AcmeUserEmail, testapp.GlobexAdminEmail, testapp.GlobexUserEmail} {
		b := signedIn(t, app, srv, email)
		for _, p := range gets {
			expectStatus(t, b.get(p), http.StatusForbidden, email+" GET "+p)
		}
		for _, p := range posts {
			expectStatus(t, b.post(p, url.Values{"title": {"Hijack"}, "direction": {"up"}}), http.StatusForbidden, email+" POST "+p)
		}
	}
	guest := newBrowser(t, srv)
	for _, p := range gets {
		r := guest.get(p)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("guest GET %s: %d %s, want a redirect to /login", p, r.Status, r.Header.Get("Location"))
		}
	}
	// Nothing changed.
	c, err := app.FindRecordById("courses", testapp.CourseBasics)
	if err != nil {
		t.Fatal(err)
	}
	if c.GetString("title") != "Partner 101" || c.GetInt("lesson_count") != 3 {
		t.Errorf("course changed by refused requests: %q, %d lessons", c.GetString("title"), c.GetInt("lesson_count"))
	}
	if n, _ := app.CountRecords("quiz_questions"); n != int64(len(testapp.FixtureQuestions)) {
		t.Errorf("%d questions after refused requests", n)
	}

	// Staff: admins and managers open every page; unknown ids are 404s.
	for _, email := range []string{testapp.AdminEmail, testapp.ManagerAnaEmail} {
		b := signedIn(t, app, srv, email)
		for _, p := range gets {
			expectStatus(t, b.get(p), http.StatusOK, email+" GET "+p)
		}
		for _, p := range []string{"/courses/no-such-course/edit", "/lessons/nosuchlesson000/edit", "/quizzes/nosuchquiz00000/edit",
			"/questions/nosuchquestion0/edit", "/training/progress/courses/no-such-course", "/training/progress/partners/no-such"} {
			expectStatus(t, b.get(p), http.StatusNotFound, email+" GET "+p)
		}
	}
	// Deleting a course is for admins only.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	ana.get("/courses/partner-101/edit")
	expectStatus(t, ana.post("/courses/partner-101/delete", nil), http.StatusForbidden, "manager deletes a course")
}

func TestCourseEditorCreateAndEdit(t *testing.T) {
	app, srv := newTrainingAdminServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get("/courses/new")
	expectContains(t, r, "new course form", `hx-post="/training/preview"`, `name="prerequisites"`, `name="audience_tiers"`, `name="cover"`)

	r = taPost(admin, "/courses/new", courseForm("Channel Basics", url.Values{
		"prerequisites": {testapp.CourseBasics}, "certification": {testapp.CertSales},
		"audience": {"tiers"}, "audience_tiers": {testapp.TierGold}}), "cover", "cover.png", pngBytes(t))
	expectStatus(t, r, http.StatusSeeOther, "create course")
	if loc := r.Header.Get("Location"); loc != "/courses/channel-basics/edit" {
		t.Fatalf("redirect to %q", loc)
	}
	c, err := app.FindFirstRecordByData("courses", "slug", "channel-basics")
	if err != nil {
		t.Fatal(err)
	}
	if c.GetString("author") != testapp.AdminID || !c.GetBool("published") || c.GetString("cover") == "" ||
		c.GetString("certification") != testapp.CertSales || c.GetStringSlice("prerequisites")[0] != testapp.CourseBasics ||
		c.GetStringSlice("audience_tiers")[0] != testapp.TierGold || !strings.Contains(c.GetString("description_html"), "<strong>this</strong>") {
		t.Errorf("course saved as %v", c.FieldsData())
	}
	if n, _ := app.CountRecords("activity", dbx.HashExp{"kind": activity.KindCourseCreated, "target_id": c.Id}); n != 1 {
		t.Errorf("%d course_created events", n)
	}

	r = admin.get("/courses/channel-basics/edit")
	expectContains(t, r, "edit page", `value="Channel Basics"`, "/courses/channel-basics/lessons/new", "/courses/channel-basics/quizzes/new",
		"/api/files/courses/"+c.Id+"/")
	r = taPost(admin, "/courses/channel-basics/edit", courseForm("Channel Basics II", url.Values{"slug": {"channel-basics-2"}}), "", "", nil)
	expectStatus(t, r, http.StatusSeeOther, "edit course")
	if loc := r.Header.Get("Location"); loc != "/courses/channel-basics-2/edit" {
		t.Errorf("redirect after rename to %q", loc)
	}
	if n, _ := app.CountRecords("activity", dbx.HashExp{"kind": activity.KindCourseUpdated, "target_id": c.Id}); n != 1 {
		t.Errorf("%d course_updated events", n)
	}

	// A manager edits too; a preview renders Markdown without raw HTML.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	ana.get("/courses/partner-101/edit")
	r = taPost(ana, "/training/preview", url.Values{"field": {"description"}, "description": {"**bold** <script>alert(1)</script>"}}, "", "", nil)
	expectStatus(t, r, http.StatusOK, "preview")
	expectContains(t, r, "preview", "<strong>bold</strong>")
	expectNotContains(t, r, "preview", "<script>")

	// The admin deletes the course: gone with its lessons.
	admin.get("/courses/channel-basics-2/edit")
	expectStatus(t, admin.post("/courses/channel-basics-2/delete", nil), http.StatusSeeOther, "delete course")
	if _, err := app.FindRecordById("courses", c.Id); err == nil {
		t.Error("course still there after delete")
	}
}

func TestCourseEditorBadInput(t *testing.T) {
	app, srv := newTrainingAdminServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.get("/courses/new")
	before, _ := app.CountRecords("courses")
	big := append(pngBytes(t), bytes.Repeat([]byte{0}, 2<<20)...)
	for _, c := range []struct {
		name           string
		form           url.Values
		file, fileName string
		content        []byte
		wants          []string
	}{
		{"empty title", courseForm("", url.Values{"summary": {"Typed summary"}}), "", "", nil, []string{"This field is required.", "Typed summary"}},
		{"duplicate slug", courseForm("Another 101", url.Values{"slug": {"partner-101"}}), "", "", nil,
			[]string{"Another course already uses this address.", `value="Another 101"`}},
		{"bad slug", courseForm("Slug", url.Values{"slug": {"Not A Slug"}}), "", "", nil, []string{"Use lowercase letters, digits and single hyphens"}},
		{"bad level", courseForm("Level", url.Values{"level": {"expert"}}), "", "", nil, []string{"Choose one of the options."}},
		{"bad minutes", courseForm("Minutes", url.Values{"minutes": {"-5"}}), "", "", nil, []string{"Enter a whole number from 0 to"}},
		{"unknown prerequisite", courseForm("Pre", url.Values{"prerequisites": {"nosuchcourse000"}}), "", "", nil, []string{"Choose one of the options."}},
		{"empty tiers", courseForm("Tiers", url.Values{"audience": {"tiers"}}), "", "", nil, []string{"Choose at least one"}},
		{"oversize cover", courseForm("Cover", nil), "cover", "big.png", big, []string{"Choose a PNG, JPEG or WebP image of at most 2 MB."}},
		{"not an image", courseForm("Cover", nil), "cover", "notes.png", []byte("just some text, not an image"),
			[]string{"Choose a PNG, JPEG or WebP image of at most 2 MB."}},
	} {
		r := taPost(admin, "/courses/new", c.form, c.file, c.fileName, c.content)
		expectStatus(t, r, http.StatusBadRequest, c.name)
		expectContains(t, r, c.name, c.wants...)
	}
	if after, _ := app.CountRecords("courses"); after != before {
		t.Errorf("refused forms created %d courses", after-before)
	}

	// A cycle, in Portuguese for Ana: Partner 101 cannot require Selling
	// Ponte, which requires it.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	ana.get("/courses/partner-101/edit")
	r := taPost(ana, "/courses/partner-101/edit", courseForm("Partner 101", url.Values{"slug": {"partner-101"},
		"prerequisites": {testapp.CourseSales}}), "", "", nil)
	expectStatus(t, r, http.StatusBadRequest, "cycle")
	expectContains(t, r, "cycle", "Estes pré-requisitos formariam um ciclo")
	r = taPost(ana, "/courses/partner-101/edit", courseForm("", url.Values{"slug": {"partner-101"}}), "", "", nil)
	expectStatus(t, r, http.StatusBadRequest, "empty title pt-BR")
	expectContains(t, r, "empty title pt-BR", "Este campo é obrigatório.")
}

// lessonOrder lists a course's lesson ids by order.
func lessonOrder(t *testing.T, app core.App, course string) []string {
	t.Helper()
	recs, err := app.FindRecordsByFilter("lessons", "course = {:c}", "order", 0, 0, dbx.Params{"c": course})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = r.Id
	}
	return out
}

func TestLessonEditorAndReorder(t *testing.T) {
	app, srv := newTrainingAdminServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.get("/courses/partner-101/lessons/new")

	r := taPost(admin, "/courses/partner-101/lessons/new", url.Values{"title": {""}, "body": {"Typed body"}, "video_url": {"javascript:alert(1)"}}, "", "", nil)
	expectStatus(t, r, http.StatusBadRequest, "bad lesson")
	expectContains(t, r, "bad lesson", "This field is required.", "Typed body", "Enter a web address starting with https:// or http://.")
	r = taPost(admin, "/courses/partner-101/lessons/new", url.Values{"title": {"Movie"}}, "video", "movie.mp4", []byte("not a video at all"))
	expectStatus(t, r, http.StatusBadRequest, "bad video")
	expectContains(t, r, "bad video", "Choose an MP4, WebM or Ogg video of at most 500 MB.")

	r = taPost(admin, "/courses/partner-101/lessons/new", url.Values{"title": {"Closing"}, "body": {"## Done\n\nWell done."},
		"minutes": {"7"}, "video_url": {"https://video.example/closing"}}, "", "", nil)
	expectStatus(t, r, http.StatusSeeOther, "new lesson")
	order := lessonOrder(t, app, testapp.CourseBasics)
	if len(order) != 4 {
		t.Fatalf("%d lessons, want 4", len(order))
	}
	c, _ := app.FindRecordById("courses", testapp.CourseBasics)
	if c.GetInt("lesson_count") != 4 {
		t.Errorf("lesson_count %d, want 4", c.GetInt("lesson_count"))
	}
	closing := order[3]

	// A real (tiny) MP4 is accepted as the lesson's protected video.
	mp4 := append([]byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0, 'm', 'p', '4', '2', 'i', 's', 'o', 'm'}, make([]byte, 64)...)
	admin.get("/lessons/" + closing + "/edit")
	r = taPost(admin, "/lessons/"+closing+"/edit", url.Values{"title": {"Closing"}, "body": {"Bye."}}, "video", "closing.mp4", mp4)
	expectStatus(t, r, http.StatusSeeOther, "video upload")
	l, _ := app.FindRecordById("lessons", closing)
	if l.GetString("video") == "" {
		t.Error("video not stored")
	}

	// Move the new last lesson up (without JS: a redirect), then with htmx
	// (the re-drawn list).
	admin.get("/courses/partner-101/edit")
	r = admin.post("/lessons/"+closing+"/move", url.Values{"direction": {"up"}})
	expectStatus(t, r, http.StatusSeeOther, "move up")
	got := lessonOrder(t, app, testapp.CourseBasics)
	want := []string{order[0], order[1], closing, order[2]}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("order after move up %v, want %v", got, want)
	}
	for i, id := range got {
		if l, _ := app.FindRecordById("lessons", id); l.GetInt("order") != i+1 {
			t.Errorf("lesson %s has order %d, want %d", id, l.GetInt("order"), i+1)
		}
	}
	form := url.Values{"direction": {"up"}, "_csrf": {admin.csrf}}
	r = admin.do(http.MethodPost, "/lessons/"+order[0]+"/move", form) // already first: unchanged
	expectStatus(t, r, http.StatusSeeOther, "move first up")
	r = taPost(admin, "/lessons/"+order[1]+"/move", url.Values{"direction": {"down"}}, "", "", nil, "HX-Request", "true")
	expectStatus(t, r, http.StatusOK, "htmx move")
	expectContains(t, r, "htmx move", `id="ta-lessons"`)
	expectNotContains(t, r, "htmx move", "<html")
	got = lessonOrder(t, app, testapp.CourseBasics)
	if got[1] != closing || got[2] != order[1] {
		t.Errorf("order after htmx move %v", got)
	}
	expectStatus(t, admin.post("/lessons/"+closing+"/move", url.Values{"direction": {"sideways"}}), http.StatusBadRequest, "bad direction")

	// Delete: the course's count follows.
	expectStatus(t, admin.post("/lessons/"+closing+"/delete", nil), http.StatusSeeOther, "delete lesson")
	c, _ = app.FindRecordById("courses", testapp.CourseBasics)
	if c.GetInt("lesson_count") != 3 {
		t.Errorf("lesson_count after delete %d, want 3", c.GetInt("lesson_count"))
	}
}

// questionForm is a question form with option rows (blank ones included).
func questionForm(kind, prompt string, options []string, correct []string, extra url.Values) url.Values {
	f := url.Values{"kind": {kind}, "prompt": {prompt}, "points": {"2"}, "explanation": {"Because."}, "correct": correct}
	for i := 0; i < 6; i++ {
		text := ""
		if i < len(options) {
			text = options[i]
		}
		f.Set("option_text_"+string(rune('0'+i)), text)
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func TestQuizAndQuestionBank(t *testing.T) {
	app, srv := newTrainingAdminServer(t)
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	ana.get("/courses/selling-ponte/quizzes/new")
	r := ana.post("/courses/selling-ponte/quizzes/new", url.Values{"title": {"Deal desk"}, "lesson": {testapp.LessonBasics1},
		"pass_mark": {"0"}, "attempt_limit": {"3"}})
	expectStatus(t, r, http.StatusBadRequest, "bad quiz")
	expectContains(t, r, "bad quiz", "Escolha uma lição do curso deste questionário.", "Informe um número inteiro de 1 a 100.", `value="Deal desk"`)
	r = ana.post("/courses/selling-ponte/quizzes/new", url.Values{"title": {"Deal desk"}, "lesson": {testapp.LessonSales2},
		"pass_mark": {"80"}, "attempt_limit": {"3"}, "cooldown_minutes": {"60"}, "time_limit_minutes": {"20"}, "shuffle": {"1"}})
	expectStatus(t, r, http.StatusSeeOther, "new quiz")
	quiz, err := app.FindFirstRecordByData("quizzes", "title", "Deal desk")
	if err != nil {
		t.Fatal(err)
	}
	if quiz.GetInt("pass_mark") != 80 || !quiz.GetBool("shuffle") || quiz.GetString("lesson") != testapp.LessonSales2 {
		t.Errorf("quiz saved as %v", quiz.FieldsData())
	}
	qpath := "/quizzes/" + quiz.Id + "/questions/new"
	ana.get(qpath)
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"one option", questionForm("single", "Pick", []string{"Only"}, []string{"0"}, nil), "Informe de 2 a 10 opções."},
		{"two correct for single", questionForm("single", "Pick", []string{"A", "B"}, []string{"0", "1"}, nil), "Marque exatamente uma resposta correta."},
		{"none correct for multiple", questionForm("multiple", "Pick", []string{"A", "B"}, nil, nil), "Marque ao menos uma resposta correta."},
		{"empty prompt", questionForm("single", "", []string{"Kept option", "B"}, []string{"0"}, nil), "Este campo é obrigatório."},
		{"bad points", questionForm("single", "Pick", []string{"A", "B"}, []string{"0"}, url.Values{"points": {"0"}}), "Informe um número inteiro de 1 a 100."},
	} {
		r := ana.post(qpath, c.form)
		expectStatus(t, r, http.StatusBadRequest, c.name)
		expectContains(t, r, c.name, c.want)
	}
	r = ana.post(qpath, questionForm("single", "Pick", []string{"Kept option", "B"}, []string{"0"}, url.Values{"prompt": {""}}))
	expectContains(t, r, "typed options kept", `value="Kept option"`)
	if n, _ := app.CountRecords("quiz_questions", dbx.HashExp{"quiz": quiz.Id}); n != 0 {
		t.Fatalf("refused questions saved: %d", n)
	}

	// Blank rows in the middle are ignored; the key names the ticked row.
	r = ana.post(qpath, questionForm("multiple", "Which register deals?", []string{"Partners", "", "Managers", "Customers"}, []string{"0", "2"}, nil))
	expectStatus(t, r, http.StatusSeeOther, "new question")
	r = ana.post(qpath, questionForm("truefalse", "Protection lasts 90 days.", nil, nil, url.Values{"tf_correct": {"true"}, "points": {"1"}}))
	expectStatus(t, r, http.StatusSeeOther, "new truefalse")
	quiz, _ = app.FindRecordById("quizzes", quiz.Id)
	if quiz.GetInt("question_count") != 2 || quiz.GetInt("max_points") != 3 {
		t.Errorf("quiz counts %d/%d, want 2/3", quiz.GetInt("question_count"), quiz.GetInt("max_points"))
	}
	qs, err := app.FindRecordsByFilter("quiz_questions", "quiz = {:q}", "order", 0, 0, dbx.Params{"q": quiz.Id})
	if err != nil || len(qs) != 2 {
		t.Fatalf("questions %v %v", qs, err)
	}
	multi := qs[0]
	if got := multi.GetString("options"); !strings.Contains(got, `"id":"a","text":"Partners"`) || !strings.Contains(got, `"id":"b","text":"Managers"`) ||
		!strings.Contains(got, `"id":"c","text":"Customers"`) {
		t.Errorf("options stored as %s", got)
	}
	key, err := app.FindFirstRecordByData("quiz_answer_keys", "question", multi.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got := key.GetString("correct"); got != `["a","b"]` || key.GetString("explanation") != "Because." {
		t.Errorf("key %s %q", got, key.GetString("explanation"))
	}
	tfKey, _ := app.FindFirstRecordByData("quiz_answer_keys", "question", qs[1].Id)
	if tfKey == nil || tfKey.GetString("correct") != `["true"]` || !strings.Contains(qs[1].GetString("options"), `"id":"false"`) {
		t.Errorf("true/false saved as %s / %v", qs[1].GetString("options"), tfKey)
	}

	// The edit form shows the key (staff only); changing options and key
	// together replaces the key in the same transaction.
	r = ana.get("/questions/" + multi.Id + "/edit")
	expectContains(t, r, "edit question", `value="Partners"`, `name="option_id_0" value="a"`)
	if m := regexp.MustCompile(`name="correct" value="(\d)" checked`).FindAllStringSubmatch(r.Body, -1); len(m) != 2 {
		t.Errorf("edit form ticks %d options, want 2", len(m))
	}
	edit := questionForm("single", "Who registers deals?", []string{"Partners", "Customers"}, []string{"1"}, url.Values{
		"option_id_0": {"a"}, "option_id_1": {"c"}})
	r = ana.post("/questions/"+multi.Id+"/edit", edit)
	expectStatus(t, r, http.StatusSeeOther, "edit question")
	key, _ = app.FindFirstRecordByData("quiz_answer_keys", "question", multi.Id)
	if key == nil || key.GetString("correct") != `["c"]` {
		t.Errorf("key after edit: %v", key)
	}
	if n, _ := app.CountRecords("quiz_answer_keys", dbx.HashExp{"question": multi.Id}); n != 1 {
		t.Errorf("%d keys for the question, want 1", n)
	}

	// Reorder and delete.
	r = ana.post("/questions/"+qs[1].Id+"/move", url.Values{"direction": {"up"}})
	expectStatus(t, r, http.StatusSeeOther, "question up")
	first, _ := app.FindRecordById("quiz_questions", qs[1].Id)
	if first.GetInt("order") != 1 {
		t.Errorf("moved question has order %d, want 1", first.GetInt("order"))
	}
	expectStatus(t, ana.post("/questions/"+multi.Id+"/delete", nil), http.StatusSeeOther, "delete question")
	quiz, _ = app.FindRecordById("quizzes", quiz.Id)
	if quiz.GetInt("question_count") != 1 || quiz.GetInt("max_points") != 1 {
		t.Errorf("quiz counts after delete %d/%d, want 1/1", quiz.GetInt("question_count"), quiz.GetInt("max_points"))
	}
	expectStatus(t, ana.post("/quizzes/"+quiz.Id+"/delete", nil), http.StatusSeeOther, "delete quiz")
	if n, _ := app.CountRecords("quiz_answer_keys", dbx.HashExp{"question": qs[1].Id}); n != 0 {
		t.Error("answer key survived its quiz")
	}
}

// progressFixture enrols learners in hand-picked states, pinning the
// derived fields with plain UPDATEs so the figures do not depend on other
// hooks: Partner 101 has Diego (completed, best 90 of 60/90), Carla (in
// progress, 40), Fabio (completed, 80) and Elena (enrolled); Selling Ponte
// has Diego in progress.
func progressFixture(t *testing.T, app core.App) {
	t.Helper()
	day := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	enrol := func(user, partner, course, status string, progress int, done bool) {
		c, _ := app.FindCollectionByNameOrId("enrollments")
		r := core.NewRecord(c)
		r.Set("user", user)
		r.Set("course", course)
		r.Set("started", day)
		if done {
			r.Set("completed", day.Add(48*time.Hour))
		}
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB().Update("enrollments", dbx.Params{"status": status, "progress": progress, "partner": partner},
			dbx.HashExp{"id": r.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	n := map[string]int{}
	attempt := func(user, partner, quiz, course string, score float64) {
		c, _ := app.FindCollectionByNameOrId("quiz_attempts")
		r := core.NewRecord(c)
		n[user+quiz]++
		r.Set("user", user)
		r.Set("quiz", quiz)
		r.Set("course", course)
		r.Set("number", n[user+quiz])
		r.Set("started", day)
		r.Set("submitted", day.Add(10*time.Minute))
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		if _, err := app.DB().Update("quiz_attempts", dbx.Params{"score": score, "partner": partner, "passed": score >= 70},
			dbx.HashExp{"id": r.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	enrol(testapp.AcmeUserID, testapp.PartnerAcme, testapp.CourseBasics, "completed", 100, true)
	enrol(testapp.AcmeAdminID, testapp.PartnerAcme, testapp.CourseBasics, "in_progress", 33, false)
	enrol(testapp.GlobexUserID, testapp.PartnerGlobex, testapp.CourseBasics, "completed", 100, true)
	enrol(testapp.GlobexAdminID, testapp.PartnerGlobex, testapp.CourseBasics, "enrolled", 0, false)
	enrol(testapp.AcmeUserID, testapp.PartnerAcme, testapp.CourseSales, "in_progress", 50, false)
	attempt(testapp.AcmeUserID, testapp.PartnerAcme, testapp.QuizBasics, testapp.CourseBasics, 60)
	attempt(testapp.AcmeUserID, testapp.PartnerAcme, testapp.QuizBasics, testapp.CourseBasics, 90)
	attempt(testapp.AcmeAdminID, testapp.PartnerAcme, testapp.QuizBasics, testapp.CourseBasics, 40)
	attempt(testapp.GlobexUserID, testapp.PartnerGlobex, testapp.QuizBasics, testapp.CourseBasics, 80)
	// The pinned fields bypassed the hooks: rebuild the progress rollup.
	if err := hooks.RebuildCourseProgress(app); err != nil {
		t.Fatal(err)
	}
}

// rowOf returns the table row of a page that contains label, tags removed
// and spaces collapsed.
func rowOf(t *testing.T, body, label string) string {
	t.Helper()
	for _, tr := range strings.Split(body, "<tr>") {
		if strings.Contains(tr, label) {
			if i := strings.Index(tr, "</tr>"); i >= 0 {
				tr = tr[:i]
			}
			text := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(tr, " ")
			return strings.Join(strings.Fields(text), " ")
		}
	}
	t.Fatalf("no row with %q", label)
	return ""
}

func TestTrainingProgressReport(t *testing.T) {
	app, srv := newTrainingAdminServer(t)
	progressFixture(t, app)

	// The admin sees everyone: 4 enrolled, 1 in progress, 2 completed, 50 %,
	// average best (90 + 40 + 80) / 3 = 70 %.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get("/training/progress")
	expectStatus(t, r, http.StatusOK, "overview")
	if got := rowOf(t, r.Body, ">Partner 101<"); !strings.Contains(got, "Partner 101 Edit 4 1 2 50% 70%") {
		t.Errorf("admin Partner 101 row: %q", got)
	}
	if got := rowOf(t, r.Body, ">Selling Ponte<"); !strings.Contains(got, "1 1 0 0% —") {
		t.Errorf("admin Selling Ponte row: %q", got)
	}
	r = admin.get("/training/progress/courses/partner-101")
	expectContains(t, r, "course page", "Diego Rocha", "Carla Mendes", "Fabio Torres", "Elena Ruiz", "/training/progress/partners/acme-brasil")
	if got := rowOf(t, r.Body, "Diego Rocha"); !strings.Contains(got, "Completed 100%") || !strings.Contains(got, " 2 90%") {
		t.Errorf("Diego's row: %q", got)
	}

	// Ana manages Acme only: its two learners, none of Globex's.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	r = ana.get("/training/progress")
	if got := rowOf(t, r.Body, ">Partner 101<"); !strings.Contains(got, "2 1 1 50% 65%") {
		t.Errorf("Ana's Partner 101 row: %q", got)
	}
	r = ana.get("/training/progress/courses/partner-101")
	expectContains(t, r, "Ana course page", "Diego Rocha", "Carla Mendes")
	expectNotContains(t, r, "Ana course page", "Fabio Torres", "Elena Ruiz", "Globex")
	r = ana.get("/training/progress/partners/globex-mexico")
	if r.Status == http.StatusOK {
		expectNotContains(t, r, "Ana on Globex", "Fabio Torres", "Elena Ruiz")
	} else {
		expectStatus(t, r, http.StatusNotFound, "Ana on Globex")
	}
	r = ana.get("/training/progress/partners/acme-brasil")
	expectContains(t, r, "Ana on Acme", "Diego Rocha", "Partner 101", "Selling Ponte")

	// CSV: streamed with a BOM, the same figures, the same isolation.
	r = admin.get("/training/progress?format=csv")
	if !strings.HasPrefix(r.Body, "\ufeff") || !strings.Contains(r.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("overview CSV: %q %q", r.Header.Get("Content-Type"), r.Body[:min(20, len(r.Body))])
	}
	if !strings.Contains(r.Body, "Partner 101,4,1,2,50,70.0") {
		t.Errorf("overview CSV lacks the Partner 101 line:\n%s", r.Body)
	}
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	r = bruno.get("/training/progress/courses/partner-101?format=csv")
	if !strings.Contains(r.Body, "Fabio Torres,Globex México") || strings.Contains(r.Body, "Diego") || strings.Contains(r.Body, "Acme") {
		t.Errorf("Bruno's course CSV:\n%s", r.Body)
	}
	if lines := strings.Count(strings.TrimSpace(r.Body), "\n") + 1; lines != 3 {
		t.Errorf("Bruno's course CSV has %d lines, want header + 2", lines)
	}
	r = ana.get("/training/progress/partners/acme-brasil?format=csv")
	if !strings.Contains(r.Body, "Diego Rocha,Acme Brasil Ltda") || strings.Contains(r.Body, "Fabio") {
		t.Errorf("Ana's partner CSV:\n%s", r.Body)
	}
}

// Lesson videos have their own body limit: a staff upload above the
// portal's 4 MiB goes through, a declared body over 500 MB gets the 413
// page before anything is read, and a partner's large body is stopped at
// the usual limit.
func TestLessonVideoLimit(t *testing.T) {
	app, srv := newTrainingAdminServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.get("/lessons/" + testapp.LessonBasics1 + "/edit")
	mp4 := append([]byte{0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'm', 'p', '4', '2', 0, 0, 0, 0, 'm', 'p', '4', '2', 'i', 's', 'o', 'm'},
		make([]byte, 5<<20)...)
	r := taPost(admin, "/lessons/"+testapp.LessonBasics1+"/edit", url.Values{"title": {"Welcome"}}, "video", "welcome.mp4", mp4)
	expectStatus(t, r, http.StatusSeeOther, "5 MB video")
	l, _ := app.FindRecordById("lessons", testapp.LessonBasics1)
	if l.GetString("video") == "" {
		t.Fatal("5 MB video not stored")
	}

	// A body declared over the limit: refused from the headers, after at
	// most the little the server drains before closing.
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var cookies []string
	for _, c := range admin.jar {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	fmt.Fprintf(conn, "POST /lessons/%s/edit HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nAccept-Language: en\r\n"+
		"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n",
		testapp.LessonBasics1, strings.Join(cookies, "; "), 600<<20)
	go func() {
		chunk := make([]byte, 64<<10)
		for i := 0; i < 32; i++ { // 2 MB at most, until the server closes
			if _, err := conn.Write(chunk); err != nil {
				return
			}
		}
	}()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "<html") {
		t.Errorf("600 MB declared: %d\n%s", res.StatusCode, snippet(string(body)))
	}

	// A partner user's 5 MB body on the same route meets the portal's limit.
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	diego.get("/")
	r = taPost(diego, "/lessons/"+testapp.LessonBasics1+"/edit", url.Values{"title": {"Hijack"}}, "video", "x.mp4", mp4)
	if r.Status != http.StatusRequestEntityTooLarge && r.Status != http.StatusForbidden {
		t.Errorf("partner's 5 MB body: %d", r.Status)
	}
}
