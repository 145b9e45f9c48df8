package migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Course levels, question kinds and the states of enrolments and
// certificates.
var (
	courseLevels       = []string{"beginner", "intermediate", "advanced"}
	questionKinds      = []string{"single", "multiple", "truefalse"}
	enrollmentStatuses = []string{"enrolled", "in_progress", "completed"}
	certificateStates  = []string{"valid", "expired", "revoked"}
	contentLanguages   = []string{"en", "pt-BR"}
)

// courseVisible is the courses View rule with every field prefixed by p (""
// on courses, "course." on lessons and quizzes, "quiz.course." on questions):
// staff see every course, partner users the published courses of their
// audience.
func courseVisible(p string) string {
	r := strings.NewReplacer("P.", p)
	return r.Replace(signedIn + ` && (` + isStaff + ` || (P.published = true && ` + audienceMatch(p) + `))`)
}

// learnerFacts is the List/View rule of per-learner records (enrolments,
// attempts, certificates): the learner's own, their organisation's for a
// partner admin, their partners' for a manager, all for an admin.
var learnerFacts = signedIn + ` && (` + isAdmin +
	` || (` + isManager + ` && partner.manager = @request.auth.id)` +
	` || (` + isPartnerAdmin + ` && partner = @request.auth.partner)` +
	` || user = @request.auth.id)`

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		partners, err := app.FindCollectionByNameOrId("partners")
		if err != nil {
			return err
		}
		tiers, err := app.FindCollectionByNameOrId("tiers")
		if err != nil {
			return err
		}
		staffOnly := ptr(signedIn + ` && ` + isStaff)
		noHTML := `@request.body.description_html:isset = false`

		// Certifications: what a person proves by finishing the required
		// courses. validity_months 0 means the certificate never expires.
		certs := core.NewBaseCollection("certifications", "pc_certificatn1")
		certs.Fields.Add(
			&core.TextField{Name: "name", Required: true, Max: 200, Presentable: true},
			&core.TextField{Name: "description", Max: 20000},
			&core.TextField{Name: "description_html", Max: 80000},
			&core.NumberField{Name: "validity_months", OnlyInt: true, Min: ptrFloat(0), Max: ptrFloat(120)},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		certs.AddIndex("idx_certifications_name", false, "name", "")
		certs.ListRule = ptr(signedIn)
		certs.ViewRule = ptr(signedIn)
		certs.CreateRule = ptr(signedIn + ` && ` + isAdmin + ` && ` + noHTML)
		certs.UpdateRule = ptr(signedIn + ` && ` + isAdmin + ` && ` + noHTML)
		certs.DeleteRule = ptr(signedIn + ` && ` + isAdmin)
		if err := app.Save(certs); err != nil {
			return err
		}

		// Courses, targeted like documents. lesson_count, quiz_count and
		// minutes_total are kept by hooks.
		courses := core.NewBaseCollection("courses", "pc_courses00001")
		courses.Fields.Add(
			&core.TextField{Name: "title", Required: true, Max: 200, Presentable: true},
			&core.TextField{Name: "slug", Required: true, Max: 80, Pattern: `^[a-z0-9]+(?:-[a-z0-9]+)*$`},
			&core.TextField{Name: "summary", Max: 1000},
			&core.TextField{Name: "description", Max: 20000},
			&core.TextField{Name: "description_html", Max: 80000},
			&core.FileField{Name: "cover", MaxSelect: 1, MaxSize: 2 << 20,
				MimeTypes: []string{"image/png", "image/jpeg", "image/webp"}, Thumbs: []string{"480x270"}},
			&core.SelectField{Name: "level", Required: true, MaxSelect: 1, Values: courseLevels},
			&core.SelectField{Name: "language", MaxSelect: 1, Values: contentLanguages},
			&core.NumberField{Name: "minutes", OnlyInt: true, Min: ptrFloat(0), Max: ptrFloat(100000)},
			&core.BoolField{Name: "published"},
			&core.RelationField{Name: "certification", CollectionId: certs.Id, MaxSelect: 1},
			&core.NumberField{Name: "lesson_count", OnlyInt: true, Min: ptrFloat(0)},
			&core.NumberField{Name: "quiz_count", OnlyInt: true, Min: ptrFloat(0)},
			&core.RelationField{Name: "author", CollectionId: users.Id, MaxSelect: 1},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		courses.Fields.Add(audienceFields(tiers, partners)...)
		if err := app.Save(courses); err != nil {
			return err
		}
		// Prerequisites point at courses themselves, so they are added once
		// the collection exists.
		courses.Fields.Add(&core.RelationField{Name: "prerequisites", CollectionId: courses.Id, MaxSelect: 20})
		courses.AddIndex("idx_courses_slug", true, "slug", "")
		courses.AddIndex("idx_courses_catalogue", false, "published, title", "")
		courses.AddIndex("idx_courses_certification", false, "certification", "")
		courses.AddIndex("idx_courses_updated", false, "updated", "")
		derived := `@request.body.lesson_count:isset = false && @request.body.quiz_count:isset = false`
		courses.ListRule = ptr(courseVisible(""))
		courses.ViewRule = ptr(courseVisible(""))
		courses.CreateRule = ptr(signedIn + ` && ` + isStaff + ` && ` + noHTML + ` && ` + derived)
		courses.UpdateRule = ptr(signedIn + ` && ` + isStaff + ` && ` + noHTML + ` && ` + derived)
		courses.DeleteRule = ptr(signedIn + ` && ` + isAdmin)
		if err := app.Save(courses); err != nil {
			return err
		}

		// The courses a certification requires.
		certs.Fields.Add(&core.RelationField{Name: "required_courses", CollectionId: courses.Id, MaxSelect: 50})
		if err := app.Save(certs); err != nil {
			return err
		}

		// Lessons, ordered within their course. A video is a link or a
		// protected file served only through the portal's access check.
		lessons := core.NewBaseCollection("lessons", "pc_lessons00001")
		lessons.Fields.Add(
			&core.RelationField{Name: "course", CollectionId: courses.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.NumberField{Name: "order", OnlyInt: true},
			&core.TextField{Name: "title", Required: true, Max: 200, Presentable: true},
			&core.TextField{Name: "body", Max: maxBody},
			&core.TextField{Name: "body_html", Max: maxBody * 4},
			&core.URLField{Name: "video_url"},
			&core.FileField{Name: "video", MaxSelect: 1, MaxSize: 500 << 20, Protected: true,
				MimeTypes: []string{"video/mp4", "video/webm", "video/ogg"}},
			&core.NumberField{Name: "minutes", OnlyInt: true, Min: ptrFloat(0), Max: ptrFloat(10000)},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		lessons.AddIndex("idx_lessons_course", false, "course, `order`", "")
		lessons.ListRule = ptr(courseVisible("course."))
		lessons.ViewRule = ptr(courseVisible("course."))
		lessons.CreateRule = ptr(signedIn + ` && ` + isStaff + ` && @request.body.body_html:isset = false`)
		lessons.UpdateRule = ptr(signedIn + ` && ` + isStaff + ` && @request.body.body_html:isset = false`)
		lessons.DeleteRule = staffOnly
		if err := app.Save(lessons); err != nil {
			return err
		}

		// Quizzes belong to a course, optionally after one of its lessons.
		// Limits of 0 mean none.
		quizzes := core.NewBaseCollection("quizzes", "pc_quizzes00001")
		quizzes.Fields.Add(
			&core.RelationField{Name: "course", CollectionId: courses.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "lesson", CollectionId: lessons.Id, MaxSelect: 1},
			&core.TextField{Name: "title", Required: true, Max: 200, Presentable: true},
			&core.NumberField{Name: "pass_mark", OnlyInt: true, Min: ptrFloat(1), Max: ptrFloat(100), Required: true},
			&core.NumberField{Name: "attempt_limit", OnlyInt: true, Min: ptrFloat(0), Max: ptrFloat(100)},
			&core.NumberField{Name: "cooldown_minutes", OnlyInt: true, Min: ptrFloat(0), Max: ptrFloat(525600)},
			&core.NumberField{Name: "time_limit_minutes", OnlyInt: true, Min: ptrFloat(0), Max: ptrFloat(1440)},
			&core.BoolField{Name: "shuffle"},
			&core.NumberField{Name: "question_count", OnlyInt: true, Min: ptrFloat(0)},
			&core.NumberField{Name: "max_points", OnlyInt: true, Min: ptrFloat(0)},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		quizzes.AddIndex("idx_quizzes_course", false, "course", "")
		quizzes.AddIndex("idx_quizzes_lesson", false, "lesson", "")
		quizDerived := `@request.body.question_count:isset = false && @request.body.max_points:isset = false`
		quizzes.ListRule = ptr(courseVisible("course."))
		quizzes.ViewRule = ptr(courseVisible("course."))
		quizzes.CreateRule = ptr(signedIn + ` && ` + isStaff + ` && ` + quizDerived)
		quizzes.UpdateRule = ptr(signedIn + ` && ` + isStaff + ` && ` + quizDerived)
		quizzes.DeleteRule = staffOnly
		if err := app.Save(quizzes); err != nil {
			return err
		}

		// Questions hold the prompt and the options ([{"id","text"}]) only;
		// which options are correct, and the explanation, live in
		// quiz_answer_keys, which no partner rule can read.
		questions := core.NewBaseCollection("quiz_questions", "pc_quizquest001")
		questions.Fields.Add(
			&core.RelationField{Name: "quiz", CollectionId: quizzes.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.NumberField{Name: "order", OnlyInt: true},
			&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: questionKinds},
			&core.TextField{Name: "prompt", Required: true, Max: 2000},
			&core.JSONField{Name: "options", MaxSize: 20000},
			&core.NumberField{Name: "points", OnlyInt: true, Min: ptrFloat(1), Max: ptrFloat(100)},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		questions.AddIndex("idx_quiz_questions_quiz", false, "quiz, `order`", "")
		questions.ListRule = ptr(courseVisible("quiz.course."))
		questions.ViewRule = ptr(courseVisible("quiz.course."))
		questions.CreateRule = staffOnly
		questions.UpdateRule = staffOnly
		questions.DeleteRule = staffOnly
		if err := app.Save(questions); err != nil {
			return err
		}

		keys := core.NewBaseCollection("quiz_answer_keys", "pc_quizkeys0001")
		keys.Fields.Add(
			&core.RelationField{Name: "question", CollectionId: questions.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.JSONField{Name: "correct", MaxSize: 2000},
			&core.TextField{Name: "explanation", Max: 5000},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		keys.AddIndex("idx_quiz_answer_keys_question", true, "question", "")
		keys.ListRule = staffOnly
		keys.ViewRule = staffOnly
		keys.CreateRule = staffOnly
		keys.UpdateRule = ptr(signedIn + ` && ` + isStaff + ` && @request.body.question:isset = false`)
		keys.DeleteRule = staffOnly
		if err := app.Save(keys); err != nil {
			return err
		}

		// Enrolments: one per user and course. The learner creates it and
		// ticks lessons (completed_lessons, last_lesson); hooks keep partner,
		// status, progress and the dates.
		enrol := core.NewBaseCollection("enrollments", "pc_enrollment01")
		enrol.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.RelationField{Name: "course", CollectionId: courses.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.SelectField{Name: "status", MaxSelect: 1, Values: enrollmentStatuses},
			&core.NumberField{Name: "progress", OnlyInt: true, Min: ptrFloat(0), Max: ptrFloat(100)},
			&core.RelationField{Name: "completed_lessons", CollectionId: lessons.Id, MaxSelect: 1000},
			&core.RelationField{Name: "passed_quizzes", CollectionId: quizzes.Id, MaxSelect: 100},
			&core.RelationField{Name: "last_lesson", CollectionId: lessons.Id, MaxSelect: 1},
			&core.DateField{Name: "started"},
			&core.DateField{Name: "completed"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		enrol.AddIndex("idx_enrollments_key", true, "user, course", "")
		enrol.AddIndex("idx_enrollments_course", false, "course, status", "")
		enrol.AddIndex("idx_enrollments_partner", false, "partner, course", "")
		enrol.AddIndex("idx_enrollments_completed", false, "completed", "")
		enrolDerived := `@request.body.status:isset = false && @request.body.progress:isset = false` +
			` && @request.body.passed_quizzes:isset = false && @request.body.started:isset = false` +
			` && @request.body.completed:isset = false && @request.body.partner:isset = false`
		enrol.ListRule = ptr(learnerFacts)
		enrol.ViewRule = ptr(learnerFacts)
		enrol.CreateRule = ptr(`user = @request.auth.id && ` + courseVisible("course.") + ` && ` + enrolDerived)
		enrol.UpdateRule = ptr(signedIn + ` && user = @request.auth.id && @request.body.user:isset = false` +
			` && @request.body.course:isset = false && ` + enrolDerived)
		enrol.DeleteRule = nil
		if err := app.Save(enrol); err != nil {
			return err
		}

		// Attempts are created when a quiz is started (the time limit runs
		// from then) and graded on submit, both on the server only.
		// question_order is the order shown (shuffled per attempt).
		attempts := core.NewBaseCollection("quiz_attempts", "pc_quizattempt1")
		attempts.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.RelationField{Name: "quiz", CollectionId: quizzes.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "course", CollectionId: courses.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.NumberField{Name: "number", OnlyInt: true, Min: ptrFloat(1)},
			&core.JSONField{Name: "question_order", MaxSize: 100000},
			&core.JSONField{Name: "answers", MaxSize: 200000},
			&core.JSONField{Name: "results", MaxSize: 200000},
			&core.NumberField{Name: "points", Min: ptrFloat(0)},
			&core.NumberField{Name: "max_points", Min: ptrFloat(0)},
			&core.NumberField{Name: "score", Min: ptrFloat(0), Max: ptrFloat(100)},
			&core.BoolField{Name: "passed"},
			&core.DateField{Name: "started", Required: true},
			&core.DateField{Name: "deadline"},
			&core.DateField{Name: "submitted"},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		attempts.AddIndex("idx_quiz_attempts_user", false, "user, quiz, started", "")
		attempts.AddIndex("idx_quiz_attempts_key", true, "user, quiz, number", "")
		attempts.AddIndex("idx_quiz_attempts_quiz", false, "quiz, submitted", "")
		attempts.AddIndex("idx_quiz_attempts_partner", false, "partner, submitted", "")
		attempts.ListRule = ptr(learnerFacts)
		attempts.ViewRule = ptr(learnerFacts)
		attempts.CreateRule = nil
		attempts.UpdateRule = nil
		attempts.DeleteRule = nil
		if err := app.Save(attempts); err != nil {
			return err
		}

		// Certificates: issued by the grading transaction, never by a
		// client. holder_name and partner_name are the names at issue, shown
		// on the public verification page; code is the unguessable
		// verification code; reminded_30/reminded_7 record the expiry
		// reminders sent.
		certificates := core.NewBaseCollection("certificates", "pc_certificate1")
		certificates.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.RelationField{Name: "certification", CollectionId: certs.Id, MaxSelect: 1, Required: true},
			&core.TextField{Name: "holder_name", Max: 200},
			&core.TextField{Name: "partner_name", Max: 200},
			&core.TextField{Name: "code", Required: true, Min: 16, Max: 40, Pattern: `^[0-9A-Z]+$`},
			&core.DateField{Name: "issued", Required: true},
			&core.DateField{Name: "expires"},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: certificateStates},
			&core.DateField{Name: "revoked"},
			&core.RelationField{Name: "revoked_by", CollectionId: users.Id, MaxSelect: 1},
			&core.TextField{Name: "revocation_reason", Max: 1000},
			&core.DateField{Name: "reminded_30"},
			&core.DateField{Name: "reminded_7"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		certificates.AddIndex("idx_certificates_code", true, "code", "")
		certificates.AddIndex("idx_certificates_user", false, "user, certification", "")
		certificates.AddIndex("idx_certificates_partner", false, "partner, status", "")
		certificates.AddIndex("idx_certificates_certification", false, "certification, status", "")
		certificates.AddIndex("idx_certificates_expires", false, "status, expires", "")
		certificates.ListRule = ptr(learnerFacts)
		certificates.ViewRule = ptr(learnerFacts)
		certificates.CreateRule = nil
		// Revocation: admins, and managers for their own partners' people;
		// only the revocation fields may change.
		certificates.UpdateRule = ptr(signedIn + ` && (` + isAdmin + ` || (` + isManager + ` && partner.manager = @request.auth.id))` +
			` && @request.body.user:isset = false && @request.body.partner:isset = false && @request.body.certification:isset = false` +
			` && @request.body.code:isset = false && @request.body.issued:isset = false && @request.body.expires:isset = false` +
			` && @request.body.holder_name:isset = false && @request.body.partner_name:isset = false` +
			` && @request.body.reminded_30:isset = false && @request.body.reminded_7:isset = false`)
		certificates.DeleteRule = nil
		return app.Save(certificates)
	}, func(app core.App) error {
		for _, name := range []string{"certificates", "quiz_attempts", "enrollments", "quiz_answer_keys", "quiz_questions",
			"quizzes", "lessons"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		if c, err := app.FindCollectionByNameOrId("certifications"); err == nil {
			c.Fields.RemoveByName("required_courses")
			if err := app.Save(c); err != nil {
				return err
			}
		}
		for _, name := range []string{"courses", "certifications"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
