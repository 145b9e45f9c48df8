package hooks

import (
	"strings"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/onboarding"
)

// bindOnboardingHooks binds the onboarding area's record hooks. Each runs
// after the record's own write, in the same transaction, so a checklist
// step ticks with the work that earned it whether the work came through the
// portal, the REST API or Go code:
//
//   - a partner created in (or moved into) status onboarding gets its
//     checklist, judged at once; an update of an onboarding partner judges
//     the profile step; staff moving a partner out of onboarding by hand
//     closes its checklist as "left";
//   - an acknowledgement judges the agreement steps of the user's partner,
//     a user created, moved or reactivated the invite steps, an enrolment
//     reaching completed the course steps, a new deal the first-deal step;
//   - an invitation stamps the partner's checklist with its first
//     invitation (where the time onboarding took is counted from);
//   - a progress row ticked or unticked is stamped (when, by whom: empty is
//     the system), recorded as onboarding.step_done and the checklist is
//     refreshed, completing it when every required step is done;
//   - a step template created or changed is added to the checklists of
//     partners still onboarding, and their counts refreshed.
//
// Handler ids are "ponte.onboarding.<collection>.<action>".
func bindOnboardingHooks(app core.App) {
	bind := func(h *hook.TaggedHook[*core.RecordEvent], id string, fn func(e *core.RecordEvent) error) {
		h.Bind(&hook.Handler[*core.RecordEvent]{Id: "ponte.onboarding." + id, Func: fn})
	}
	bind(app.OnRecordCreate("partners"), "partners.create", onboardingPartnerCreated)
	bind(app.OnRecordUpdate("partners"), "partners.update", onboardingPartnerUpdated)
	bind(app.OnRecordCreate("document_acknowledgements"), "acks.create", judgeAfter("partner", onboarding.KindAgreement))
	bind(app.OnRecordCreate("users"), "users.create", judgeAfter("partner", onboarding.KindInvite))
	bind(app.OnRecordUpdate("users"), "users.update", judgeUserMove)
	bind(app.OnRecordCreate("enrollments"), "enrollments.create", judgeCompletedEnrolment)
	bind(app.OnRecordUpdate("enrollments"), "enrollments.update", judgeCompletedEnrolment)
	bind(app.OnRecordCreate("deals"), "deals.create", judgeAfter("partner", onboarding.KindFirstDeal))
	bind(app.OnRecordCreate("invitations"), "invitations.create", onboardingInvitation)
	bind(app.OnRecordUpdate(onboarding.Progress), "progress.update", onboardingProgressUpdated)
	app.OnRecordUpdateRequest(onboarding.Progress).BindFunc(func(e *core.RecordRequestEvent) error {
		if e.Auth != nil {
			activity.SetActor(e.Record, e.Auth.Id)
		}
		return e.Next()
	})
	bind(app.OnRecordValidate(onboarding.Steps), "steps.validate", validateOnboardingStep)
	bind(app.OnRecordCreate(onboarding.Steps), "steps.create", onboardingStepChanged)
	bind(app.OnRecordUpdate(onboarding.Steps), "steps.update", onboardingStepChanged)
}

// onboardingTx runs fn in a transaction (the caller's, when there is one)
// with e.App set to it, and gives e back its own app afterwards: handlers
// bound before these ones keep using their app after e.Next() returns, and
// must not be left holding a finished transaction.
func onboardingTx(e *core.RecordEvent, fn func(tx core.App) error) error {
	own := e.App
	defer func() { e.App = own }()
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		return fn(tx)
	})
}

// judgeAfter returns a handler that, after the write, judges the steps of
// kind for the partner named in the record's field.
func judgeAfter(field, kind string) func(e *core.RecordEvent) error {
	return func(e *core.RecordEvent) error {
		return onboardingTx(e, func(tx core.App) error {
			if err := e.Next(); err != nil {
				return err
			}
			pid := e.Record.GetString(field)
			if pid == "" {
				return nil
			}
			return onboarding.Evaluate(tx, pid, kind)
		})
	}
}

// judgeUserMove judges the invite steps when a user's partner or
// activation changes (a profile edit or a sign-in changes neither, and
// costs nothing here). A record without a loaded original is judged.
func judgeUserMove(e *core.RecordEvent) error {
	if o := e.Record.Original(); o != nil && o.Id == e.Record.Id &&
		o.GetString("partner") == e.Record.GetString("partner") && o.GetBool("deactivated") == e.Record.GetBool("deactivated") {
		return e.Next()
	}
	return judgeAfter("partner", onboarding.KindInvite)(e)
}

// judgeCompletedEnrolment judges the course steps when an enrolment is
// saved completed.
func judgeCompletedEnrolment(e *core.RecordEvent) error {
	return onboardingTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		r := e.Record
		if r.GetString("status") != "completed" || r.GetString("partner") == "" {
			return nil
		}
		return onboarding.Evaluate(tx, r.GetString("partner"), onboarding.KindCourse)
	})
}

// onboardingPartnerCreated gives a partner created in onboarding its
// checklist.
func onboardingPartnerCreated(e *core.RecordEvent) error {
	return onboardingTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		if e.Record.GetString("status") != onboarding.StatusOnboarding {
			return nil
		}
		return onboarding.Start(tx, e.Record, time.Now().UTC())
	})
}

// onboardingPartnerUpdated opens the checklist of a partner moved into
// onboarding, judges the profile step of one still onboarding, and closes
// the checklist of one moved out by hand.
func onboardingPartnerUpdated(e *core.RecordEvent) error {
	before := ""
	if old, err := e.App.FindRecordById("partners", e.Record.Id); err == nil {
		before = old.GetString("status")
	}
	return onboardingTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		now := e.Record.GetString("status")
		switch {
		case now == onboarding.StatusOnboarding && before != onboarding.StatusOnboarding:
			return onboarding.Start(tx, e.Record, time.Now().UTC())
		case now == onboarding.StatusOnboarding:
			return onboarding.Evaluate(tx, e.Record.Id, onboarding.KindProfile)
		case before == onboarding.StatusOnboarding:
			return onboarding.Left(tx, e.Record.Id)
		}
		return nil
	})
}

// onboardingInvitation stamps the first invitation of a partner onboarding.
func onboardingInvitation(e *core.RecordEvent) error {
	return onboardingTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		pid := e.Record.GetString("partner")
		if pid == "" {
			return nil
		}
		at := e.Record.GetDateTime("created").Time()
		if at.IsZero() {
			at = time.Now().UTC()
		}
		return onboarding.Invited(tx, pid, at)
	})
}

// onboardingProgressUpdated stamps a tick or an untick. Partner and step
// never change. A tick saved from Go with its done_at already set is
// history (the demo): its date is kept and no event is recorded.
func onboardingProgressUpdated(e *core.RecordEvent) error {
	r := e.Record
	orig, err := e.App.FindRecordById(onboarding.Progress, r.Id)
	if err != nil {
		return err
	}
	r.Set("partner", orig.GetString("partner"))
	r.Set("step", orig.GetString("step"))
	was, done := orig.GetBool("done"), r.GetBool("done")
	if was == done {
		r.Set("done_at", orig.GetDateTime("done_at"))
		r.Set("done_by", orig.GetString("done_by"))
		return e.Next()
	}
	at := time.Now().UTC()
	history := false
	actor := activity.Actor(r)
	if done {
		if t := r.GetDateTime("done_at"); !t.IsZero() && !t.Equal(orig.GetDateTime("done_at")) {
			history = true
		} else {
			r.Set("done_at", at)
		}
		r.Set("done_by", actor)
	} else {
		r.Set("done_at", "")
		r.Set("done_by", "")
		r.Set("evidence", "")
	}
	return onboardingTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		pid := r.GetString("partner")
		if done && !history {
			var user *core.Record
			if actor != "" {
				user, _ = tx.FindRecordById("users", actor)
			}
			if err := activity.RecordFor(tx, user, pid, activity.KindOnboardingStepDone, r); err != nil {
				return err
			}
		}
		if history {
			at = r.GetDateTime("done_at").Time()
		}
		return onboarding.Refresh(tx, pid, at)
	})
}

// onboardingStepError is a translated field error of the step editor.
func onboardingStepError(field, code, msg string) validation.Errors {
	return validation.Errors{field: validation.NewError(code, msg)}
}

// validateOnboardingStep keeps only the parameter the step's kind uses and
// refuses a step without it: an agreement names a document, a course step a
// course, an invite step a number of colleagues from 1.
func validateOnboardingStep(e *core.RecordEvent) error {
	r := e.Record
	for _, f := range []string{"title_en", "title_pt", "description_en", "description_pt"} {
		r.Set(f, strings.TrimSpace(r.GetString(f)))
	}
	kind := r.GetString("kind")
	if kind != onboarding.KindAgreement {
		r.Set("document", "")
	}
	if kind != onboarding.KindCourse {
		r.Set("course", "")
	}
	if kind != onboarding.KindInvite {
		r.Set("count", 0)
	}
	switch {
	case kind == onboarding.KindAgreement && r.GetString("document") == "":
		return onboardingStepError("document", "validation_onboarding_document_required", "Choose the document to acknowledge.")
	case kind == onboarding.KindCourse && r.GetString("course") == "":
		return onboardingStepError("course", "validation_onboarding_course_required", "Choose the course to finish.")
	case kind == onboarding.KindInvite && r.GetInt("count") < 1:
		return onboardingStepError("count", "validation_onboarding_count", "Invite at least one colleague.")
	}
	return e.Next()
}

// onboardingStepChanged puts a new or changed template on the checklists of
// partners still onboarding and refreshes their counts.
func onboardingStepChanged(e *core.RecordEvent) error {
	return onboardingTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		return onboarding.AddStep(tx, e.Record, time.Now().UTC())
	})
}
