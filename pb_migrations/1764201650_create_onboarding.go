package migrations

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"github.com/ponte-portal/ponte/internal/onboarding"
)

// onboardingKinds are the kinds of onboarding step: the first five tick
// themselves from the partner's own work, a manual step is ticked by the
// partner's channel manager.
var onboardingKinds = []string{"profile", "agreement", "invite_colleagues", "course", "first_deal", "manual"}

// onboardingStatuses say where a partner's checklist stands: still
// onboarding, completed by its required steps, or left because staff moved
// the partner out of onboarding by hand.
var onboardingStatuses = []string{"onboarding", "completed", "left"}

// onboardingFacts is the List/View rule of a partner's checklist: admins see
// every partner's, a manager those of the partners they manage, a partner's
// users their own organisation's.
var onboardingFacts = signedIn + ` && (` + isAdmin +
	` || (` + isManager + ` && partner.manager = @request.auth.id)` +
	` || (` + hasPartner + ` && partner = @request.auth.partner))`

// defaultOnboardingSteps give a fresh install a usable checklist; the
// agreement and course steps need a document and a course, so admins (or the
// demo) add them. Their ids are fixed so tests can name them.
var defaultOnboardingSteps = []struct {
	id, kind, titleEN, titlePT, descEN, descPT string
	count                                      int
	required                                   bool
}{
	{"onbstepprofile1", "profile", "Complete your company profile", "Complete o perfil da empresa",
		"Add your website and logo so the team can present you.", "Informe o site e o logotipo para que a equipe possa apresentá-los.", 0, true},
	{"onbstepinvite01", "invite_colleagues", "Invite two colleagues", "Convide dois colegas",
		"Bring the people who will sell and deliver with you.", "Traga as pessoas que vão vender e entregar com vocês.", 2, true},
	{"onbstepfirstdl1", "first_deal", "Register your first deal", "Registre o primeiro negócio",
		"Register an opportunity to protect it.", "Registre uma oportunidade para protegê-la.", 0, true},
	{"onbstepmanual01", "manual", "Kick-off call with your channel manager", "Reunião inicial com seu gerente de canal",
		"Your channel manager ticks this step after the call.", "Seu gerente de canal marca esta etapa após a reunião.", 0, true},
}

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
		documents, err := app.FindCollectionByNameOrId("documents")
		if err != nil {
			return err
		}
		courses, err := app.FindCollectionByNameOrId("courses")
		if err != nil {
			return err
		}

		// Step templates: read by every signed-in user (partners see the
		// titles of their checklist), written by admins. Never deleted
		// through the API: a template is deactivated, so the history of
		// partners who ticked it stays.
		steps := core.NewBaseCollection("onboarding_steps", "pc_onbsteps0001")
		steps.Fields.Add(
			&core.SelectField{Name: "kind", Required: true, MaxSelect: 1, Values: onboardingKinds},
			&core.TextField{Name: "title_en", Required: true, Max: 200, Presentable: true},
			&core.TextField{Name: "title_pt", Required: true, Max: 200},
			&core.TextField{Name: "description_en", Max: 1000},
			&core.TextField{Name: "description_pt", Max: 1000},
			&core.RelationField{Name: "document", CollectionId: documents.Id, MaxSelect: 1},
			&core.RelationField{Name: "course", CollectionId: courses.Id, MaxSelect: 1},
			&core.NumberField{Name: "count", OnlyInt: true, Min: ptrFloat(0), Max: ptrFloat(100)},
			&core.NumberField{Name: "sort", OnlyInt: true},
			&core.BoolField{Name: "required"},
			&core.BoolField{Name: "active"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		steps.AddIndex("idx_onboarding_steps_active", false, "active, sort", "")
		steps.AddIndex("idx_onboarding_steps_kind", false, "kind, active", "")
		steps.AddIndex("idx_onboarding_steps_document", false, "document", "")
		steps.AddIndex("idx_onboarding_steps_course", false, "course", "")
		steps.AddIndex("idx_onboarding_steps_sort", false, "sort", "")
		steps.ListRule = ptr(signedIn)
		steps.ViewRule = ptr(signedIn)
		steps.CreateRule = ptr(signedIn + ` && ` + isAdmin)
		steps.UpdateRule = ptr(signedIn + ` && ` + isAdmin)
		steps.DeleteRule = nil
		if err := app.Save(steps); err != nil {
			return err
		}

		// Per-partner progress, one row per (partner, step). Written by the
		// hooks when the partner does the work; the only change through a
		// rule is a staff member of the partner ticking or unticking a
		// manual step. Partners never write it.
		progress := core.NewBaseCollection("onboarding_progress", "pc_onbprogres01")
		progress.Fields.Add(
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "step", CollectionId: steps.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.BoolField{Name: "done"},
			&core.DateField{Name: "done_at"},
			&core.RelationField{Name: "done_by", CollectionId: users.Id, MaxSelect: 1},
			&core.TextField{Name: "evidence", Max: 500},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		progress.AddIndex("idx_onboarding_progress_key", true, "partner, step", "")
		progress.AddIndex("idx_onboarding_progress_step", false, "step, done", "")
		progress.AddIndex("idx_onboarding_progress_done_by", false, "done_by", "")
		progress.ListRule = ptr(onboardingFacts)
		progress.ViewRule = ptr(onboardingFacts)
		progress.CreateRule = nil
		progress.UpdateRule = ptr(signedIn + ` && (` + isAdmin + ` || (` + isManager + ` && partner.manager = @request.auth.id))` +
			` && step.kind = "manual"` +
			` && @request.body.partner:isset = false && @request.body.step:isset = false` +
			` && @request.body.done_at:isset = false && @request.body.done_by:isset = false`)
		progress.DeleteRule = nil
		if err := app.Save(progress); err != nil {
			return err
		}

		// One row per partner that entered onboarding: when it started (the
		// first invitation, else the checklist's creation), when it completed,
		// and the required steps done out of those there are, kept by the
		// hooks so the staff list needs no count over progress rows. A
		// collection of its own rather than fields on partners: partner
		// admins update their partner record, and these figures are never
		// theirs to write.
		po := core.NewBaseCollection("partner_onboarding", "pc_partneronb01")
		po.Fields.Add(
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: onboardingStatuses},
			&core.DateField{Name: "started"},
			&core.DateField{Name: "invited"},
			&core.DateField{Name: "completed"},
			&core.NumberField{Name: "done", OnlyInt: true, Min: ptrFloat(0)},
			&core.NumberField{Name: "total", OnlyInt: true, Min: ptrFloat(0)},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		po.AddIndex("idx_partner_onboarding_partner", true, "partner", "")
		po.AddIndex("idx_partner_onboarding_status", false, "status, started", "")
		po.AddIndex("idx_partner_onboarding_completed", false, "completed", "")
		po.ListRule = ptr(onboardingFacts)
		po.ViewRule = ptr(onboardingFacts)
		po.CreateRule = nil
		po.UpdateRule = nil
		po.DeleteRule = nil
		if err := app.Save(po); err != nil {
			return err
		}

		for i, s := range defaultOnboardingSteps {
			r := core.NewRecord(steps)
			r.Id = s.id
			r.Set("kind", s.kind)
			r.Set("title_en", s.titleEN)
			r.Set("title_pt", s.titlePT)
			r.Set("description_en", s.descEN)
			r.Set("description_pt", s.descPT)
			r.Set("count", s.count)
			r.Set("sort", (i+1)*10)
			r.Set("required", s.required)
			r.Set("active", true)
			if err := app.SaveNoValidate(r); err != nil {
				return err
			}
		}

		// Partners already onboarding get their checklist now.
		onboardingPartners, err := app.FindRecordsByFilter("partners", "status = 'onboarding'", "", 0, 0)
		if err != nil {
			return err
		}
		for _, p := range onboardingPartners {
			if err := onboarding.Start(app, p, time.Now().UTC()); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, name := range []string{"partner_onboarding", "onboarding_progress", "onboarding_steps"} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				continue
			}
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		return nil
	})
}
