package demo

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/onboarding"
)

// onboardingSummary counts what seedOnboarding created.
type onboardingSummary struct {
	steps, onboarding, ticked, completed int
}

// line is the summary's line in the demo report ("" prints nothing).
func (s onboardingSummary) line() string {
	return fmt.Sprintf("%d onboarding steps; %d partners onboarding (%d steps ticked by their work), %d completed.",
		s.steps, s.onboarding, s.ticked, s.completed)
}

// The demo's onboarding stages: Douro has not started, Mineira is half-way
// (profile, agreement, first deal), Sierra Madre has done all but the
// kick-off call, and Soluciones Anáhuac completed its onboarding before it
// joined, 38 days from its first invitation.
const (
	onbNotStarted = "douro-sistemas"
	onbHalfWay    = "mineira-dados"
	onbAllButCall = "sierra-madre-tecnologia"
	onbCompleted  = "soluciones-anahuac"
	// onbCompletedDays is how long the completed partner's onboarding took.
	onbCompletedDays = 38
)

// seedOnboarding loads the demo's onboarding data: the agreement and course
// steps on top of the migration's default steps, then the partners'
// progress, ticked by the real hooks from real records (a logo, an
// acknowledgement, a colleague, a completed course, a deal) wherever the
// partner is still onboarding; the completed partner's checklist is history.
func seedOnboarding(tx core.App, now time.Time) (onboardingSummary, error) {
	var s onboardingSummary
	stepsCol, err := tx.FindCollectionByNameOrId(onboarding.Steps)
	if err != nil {
		return s, err
	}
	conduct, _ := tx.FindFirstRecordByData("documents", "title", "Código de conduta do parceiro / Partner code of conduct")
	course, _ := tx.FindFirstRecordByData("courses", "slug", "parceiro-101")
	if conduct != nil {
		if err := saveStep(tx, stepsCol, onboarding.KindAgreement, "Acknowledge the partner code of conduct", "Dê ciência do código de conduta do parceiro",
			"Read the code of conduct and confirm it on the document's page.", "Leia o código de conduta e confirme na página do documento.",
			map[string]any{"document": conduct.Id, "sort": 15}); err != nil {
			return s, err
		}
	}
	if course != nil {
		if err := saveStep(tx, stepsCol, onboarding.KindCourse, "A colleague finishes Partner 101", "Um colega conclui o Parceiro 101",
			"The basics of the programme, in 35 minutes.", "O básico do programa, em 35 minutos.",
			map[string]any{"course": course.Id, "sort": 25}); err != nil {
			return s, err
		}
	}
	if s.steps, err = countRecords(tx, onboarding.Steps); err != nil {
		return s, err
	}

	partner := func(slug string) (*core.Record, error) {
		p, err := tx.FindFirstRecordByData("partners", "slug", slug)
		if err != nil {
			return nil, fmt.Errorf("onboarding: partner %s: %w", slug, err)
		}
		return p, nil
	}
	person := func(slug, login string) (*core.Record, error) {
		return tx.FindAuthRecordByEmail("users", login+"@"+slug+".example")
	}

	// Half-way and all-but-the-call: the profile (a logo), the agreement, a
	// first deal.
	for _, slug := range []string{onbHalfWay, onbAllButCall} {
		p, err := partner(slug)
		if err != nil {
			return s, err
		}
		logo, err := demoLogo(slug)
		if err != nil {
			return s, err
		}
		p.Set("logo", logo)
		if err := tx.Save(p); err != nil {
			return s, fmt.Errorf("onboarding: logo of %s: %w", slug, err)
		}
		admin, err := person(slug, firstPersonLogin(slug))
		if err != nil {
			return s, err
		}
		if conduct != nil {
			if err := demoAck(tx, conduct, admin); err != nil {
				return s, err
			}
		}
		if err := demoFirstDeal(tx, p, admin, now); err != nil {
			return s, err
		}
	}
	// All but the call: a third colleague and Partner 101 completed.
	p, err := partner(onbAllButCall)
	if err != nil {
		return s, err
	}
	usersCol, err := tx.FindCollectionByNameOrId("users")
	if err != nil {
		return s, err
	}
	u := core.NewRecord(usersCol)
	fillUser(u, "rosa.villarreal@"+onbAllButCall+".example", "Rosa Villarreal", "partner_user", "Ejecutiva de Cuentas", localeEN, p.Id, false)
	u.SetPassword(DemoPassword)
	if err := tx.Save(u); err != nil {
		return s, fmt.Errorf("onboarding: colleague: %w", err)
	}
	if course != nil {
		learner, err := person(onbAllButCall, "daniela.trevino")
		if err != nil {
			return s, err
		}
		enCol, err := tx.FindCollectionByNameOrId("enrollments")
		if err != nil {
			return s, err
		}
		en := core.NewRecord(enCol)
		en.Set("user", learner.Id)
		en.Set("course", course.Id)
		en.Set("started", now.AddDate(0, 0, -9))
		en.Set("completed", now.AddDate(0, 0, -6))
		if err := tx.Save(en); err != nil {
			return s, fmt.Errorf("onboarding: course: %w", err)
		}
	}

	// The completed partner: its checklist as history.
	if err := demoCompletedChecklist(tx, onbCompleted); err != nil {
		return s, err
	}

	rows, err := tx.FindAllRecords(onboarding.Checklist)
	if err != nil {
		return s, err
	}
	for _, r := range rows {
		switch r.GetString("status") {
		case onboarding.StatusOnboarding:
			s.onboarding++
			s.ticked += r.GetInt("done")
		case onboarding.StatusCompleted:
			s.completed++
		}
	}
	return s, nil
}

// saveStep adds one step template (its hook puts it on the checklists of
// the partners onboarding).
func saveStep(tx core.App, c *core.Collection, kind, titleEN, titlePT, descEN, descPT string, extra map[string]any) error {
	r := core.NewRecord(c)
	r.Set("kind", kind)
	r.Set("title_en", titleEN)
	r.Set("title_pt", titlePT)
	r.Set("description_en", descEN)
	r.Set("description_pt", descPT)
	r.Set("required", true)
	r.Set("active", true)
	for k, v := range extra {
		r.Set(k, v)
	}
	if err := tx.Save(r); err != nil {
		return fmt.Errorf("onboarding step %s: %w", kind, err)
	}
	return nil
}

// countRecords counts a collection's rows.
func countRecords(tx core.App, c string) (int, error) {
	n, err := tx.CountRecords(c)
	return int(n), err
}

// demoLogo draws a small square logo in a colour of the partner's own.
func demoLogo(slug string) (*filesystem.File, error) {
	var h uint8
	for _, c := range slug {
		h = h*31 + uint8(c)
	}
	img := image.NewRGBA(image.Rect(0, 0, 96, 96))
	fill := color.RGBA{R: 40 + h%120, G: 90 + (h/3)%100, B: 120 + (h/7)%100, A: 255}
	for y := range 96 {
		for x := range 96 {
			img.Set(x, y, fill)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return filesystem.NewFileFromBytes(buf.Bytes(), slug+"-logo.png")
}

// demoAck acknowledges the document's current version as user, unless
// someone of their partner already did.
func demoAck(tx core.App, doc, user *core.Record) error {
	c, err := tx.FindCollectionByNameOrId("document_acknowledgements")
	if err != nil {
		return err
	}
	// The library's seed may have had them acknowledge it already.
	if n, err := tx.CountRecords(c, dbx.HashExp{"document": doc.Id, "partner": user.GetString("partner")}); err != nil || n > 0 {
		return err
	}
	r := core.NewRecord(c)
	r.Set("document", doc.Id)
	r.Set("version", doc.GetString("current_version"))
	r.Set("user", user.Id)
	if err := tx.Save(r); err != nil {
		return fmt.Errorf("onboarding: acknowledgement by %s: %w", user.Email(), err)
	}
	return activity.Record(tx, user, activity.KindDocumentAcknowledged, doc)
}

// demoFirstDeal registers a first deal for the partner, awaiting approval.
func demoFirstDeal(tx core.App, p, by *core.Record, now time.Time) error {
	c, err := tx.FindCollectionByNameOrId("deals")
	if err != nil {
		return err
	}
	currency, country, amount := "BRL", "BR", 48_000.0
	if p.GetString("country") == "MX" {
		currency, country, amount = "MXN", "MX", 260_000.0
	}
	r := core.NewRecord(c)
	r.Set("partner", p.Id)
	r.Set("submitted_by", by.Id)
	r.Set("customer_name", "Primeiro Cliente de "+p.GetString("name"))
	r.Set("customer_country", country)
	r.Set("product", "Ponte Cloud")
	r.Set("amount", amount)
	r.Set("currency", currency)
	r.Set("expected_close", now.AddDate(0, 0, 75))
	r.Set("submitted", now.AddDate(0, 0, -3))
	if err := tx.Save(r); err != nil {
		return fmt.Errorf("onboarding: first deal of %s: %w", p.GetString("slug"), err)
	}
	return nil
}

// demoCompletedChecklist writes the checklist of an active partner that
// completed onboarding onbCompletedDays before it joined: every active
// step done along the way, the kick-off call ticked by its manager.
func demoCompletedChecklist(tx core.App, slug string) error {
	p, err := tx.FindFirstRecordByData("partners", "slug", slug)
	if err != nil {
		return fmt.Errorf("onboarding: partner %s: %w", slug, err)
	}
	done := p.GetDateTime("joined").Time()
	start := done.AddDate(0, 0, -onbCompletedDays)
	cl, err := tx.FindCollectionByNameOrId(onboarding.Checklist)
	if err != nil {
		return err
	}
	row := core.NewRecord(cl)
	row.Set("partner", p.Id)
	row.Set("status", onboarding.StatusCompleted)
	row.Set("started", start)
	row.Set("invited", start)
	row.Set("completed", done)
	steps, err := tx.FindRecordsByFilter(onboarding.Steps, "active = true", "sort", 0, 0)
	if err != nil {
		return err
	}
	pc, err := tx.FindCollectionByNameOrId(onboarding.Progress)
	if err != nil {
		return err
	}
	required := 0
	for i, st := range steps {
		r := core.NewRecord(pc)
		r.Set("partner", p.Id)
		r.Set("step", st.Id)
		r.Set("done", true)
		r.Set("done_at", start.AddDate(0, 0, (i+1)*onbCompletedDays/len(steps)))
		if st.GetString("kind") == onboarding.KindManual {
			r.Set("done_by", p.GetString("manager"))
		}
		if err := tx.Save(r); err != nil {
			return fmt.Errorf("onboarding: history of %s: %w", slug, err)
		}
		if st.GetBool("required") {
			required++
		}
	}
	row.Set("done", required)
	row.Set("total", required)
	return tx.Save(row)
}
