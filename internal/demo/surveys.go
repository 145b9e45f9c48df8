package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/surveys"
)

// surveysSummary counts what seedSurveys created.
type surveysSummary struct {
	rounds, answers, feedback int
	lastNPS                   float64
}

// line is the summary's line in the demo report ("" prints nothing).
func (s surveysSummary) line() string {
	return fmt.Sprintf("%d satisfaction survey rounds with %d answers (last closed round NPS %+.0f) and %d feedback messages.",
		s.rounds, s.answers, s.lastNPS, s.feedback)
}

// surveyRound is one demo round of the partner satisfaction survey. Days
// are from the load (negative: past). mix is the chance of a promoter and
// of a passive (the rest are detractors); share the chance that a person
// answers.
type surveyRound struct {
	title, round, status string
	opens, closes        int
	mix                  [2]float64
	share                float64
}

var surveyRounds = []surveyRound{
	{"Pesquisa de satisfação de parceiros — 1º trimestre", "2026 T1", "closed", -160, -140, [2]float64{.28, .32}, .65},
	{"Pesquisa de satisfação de parceiros — 2º trimestre", "2026 T2", "closed", -70, -50, [2]float64{.4, .32}, .95},
	{"Pesquisa de satisfação de parceiros — 3º trimestre", "2026 T3", "open", -3, 11, [2]float64{.55, .3}, .2},
}

// surveyDemoQuestions are every round's extra questions.
const surveyDemoQuestions = `[{"id":"q1","kind":"choice","label":"Por qual canal você prefere falar com a gente?","options":["Portal","E-mail","WhatsApp","Telefone"],"required":true},` +
	`{"id":"q2","kind":"scale","label":"Como você avalia os treinamentos e certificações?"}]`

// Comments by band and language.
var surveyComments = map[string]map[string][]string{
	surveys.Promoter: {
		localePT: {"O gerente de canal responde rápido e conhece o nosso negócio.", "O registro de oportunidades ficou muito mais simples no portal.",
			"Os treinamentos de pré-vendas ajudaram a fechar dois projetos.", "Parceria sólida, materiais de marketing excelentes."},
		localeEN: {"Deal registration is fast and our manager is always available.", "Great enablement content, our engineers love the labs.",
			"The new portal makes it easy to find the latest price lists."},
	},
	surveys.Passive: {
		localePT: {"Bom programa, mas a aprovação de oportunidades às vezes demora.", "Gostaria de mais conteúdo em português nos cursos.",
			"A verba de marketing poderia ser liberada com menos burocracia."},
		localeEN: {"Good programme overall; MDF claims take too long.", "We would like more partner events in North America."},
	},
	surveys.Detractor: {
		localePT: {"Perdemos uma oportunidade por conflito de registro sem retorno claro.", "O suporte técnico demorou mais de uma semana para responder.",
			"Muitos e-mails e pouca informação útil sobre preços."},
		localeEN: {"Channel conflict with direct sales hurt us this quarter.", "Onboarding took too long and the checklist was unclear."},
	},
}

// surveyRespondent is a partner's person who may answer.
type surveyRespondent struct {
	id, locale, partnerSlug, login string
}

// seedSurveys loads the demo's surveys data: two closed rounds of the
// partner satisfaction survey (a trend), an open one that the demo partner
// user has not answered yet, and a handful of feedback messages. Answers
// are saved as history (their own dates) through the real hooks, which add
// the NPS band events the satisfaction KPI counts; nothing is notified.
func seedSurveys(tx core.App, now time.Time) (surveysSummary, error) {
	var s surveysSummary
	rng := rand.New(rand.NewPCG(2026, 7))
	now = now.UTC().Truncate(time.Minute)
	var admin string
	if err := tx.DB().Select("id").From("users").Where(dbx.HashExp{"email": AdminEmail}).Row(&admin); err != nil {
		return s, fmt.Errorf("surveys: admin: %w", err)
	}
	var people []struct {
		ID     string `db:"id"`
		Email  string `db:"email"`
		Locale string `db:"locale"`
		Slug   string `db:"slug"`
	}
	err := tx.DB().NewQuery(`SELECT users.id, users.email, users.locale, partners.slug FROM users
		JOIN partners ON partners.id = users.partner
		WHERE users.deactivated = FALSE AND partners.status IN ('active', 'onboarding')
		ORDER BY partners.slug, users.email`).All(&people)
	if err != nil {
		return s, fmt.Errorf("surveys: people: %w", err)
	}
	var who []surveyRespondent
	for _, p := range people {
		login := p.Email
		if i := len(p.Email) - len("@"+p.Slug+".example"); i > 0 {
			login = p.Email[:i]
		}
		who = append(who, surveyRespondent{p.ID, p.Locale, p.Slug, login})
	}
	sc, err := tx.FindCollectionByNameOrId("surveys")
	if err != nil {
		return s, err
	}
	rc, err := tx.FindCollectionByNameOrId("survey_responses")
	if err != nil {
		return s, err
	}
	day := 24 * time.Hour
	for _, round := range surveyRounds {
		opens, closes := now.Add(time.Duration(round.opens)*day), now.Add(time.Duration(round.closes)*day)
		sv := core.NewRecord(sc)
		sv.Set("title", round.title)
		sv.Set("intro", "Leva menos de um minuto. Suas respostas são lidas pela equipe de canais e ajudam a definir as prioridades do próximo trimestre.\n\n*It takes under a minute: English answers are welcome.*")
		sv.Set("status", round.status)
		sv.Set("opens", opens)
		sv.Set("closes", closes)
		sv.Set("series", "satisfacao-parceiros")
		sv.Set("round", round.round)
		sv.Set("questions", surveyDemoQuestions)
		sv.Set("audience", "all")
		sv.Set("created_by", admin)
		created, err := types.ParseDateTime(opens.Add(-2 * day))
		if err != nil {
			return s, err
		}
		sv.SetRaw("created", created)
		if err := tx.Save(sv); err != nil {
			return s, fmt.Errorf("survey %s: %w", round.round, err)
		}
		s.rounds++
		var counts surveys.Counts
		// The answers come in over the round's first two weeks (the open
		// round: until an hour ago).
		last := closes
		if last.After(now.Add(-time.Hour)) {
			last = now.Add(-time.Hour)
		}
		douro := 0
		for _, p := range who {
			if round.status == "open" && p.login == "lucas.ferreira" {
				continue // the demo partner user still has it to answer
			}
			if p.partnerSlug == "douro-sistemas" {
				// A partner with fewer than three respondents: its comment
				// is shown without its name.
				if douro++; douro > 1 {
					continue
				}
			} else if rng.Float64() >= round.share {
				continue
			}
			score := 2 + rng.IntN(5)
			switch x := rng.Float64(); {
			case x < round.mix[0]:
				score = 9 + rng.IntN(2)
			case x < round.mix[0]+round.mix[1]:
				score = 7 + rng.IntN(2)
			}
			band := surveys.Band(score)
			r := core.NewRecord(rc)
			r.Set("survey", sv.Id)
			r.Set("user", p.id)
			r.Set("score", score)
			loc := localePT
			if p.locale == localeEN {
				loc = localeEN
			}
			if list := surveyComments[band][loc]; rng.Float64() < .6 || p.partnerSlug == "douro-sistemas" {
				r.Set("comment", list[rng.IntN(len(list))])
			}
			q2 := map[string]int{surveys.Promoter: 4, surveys.Passive: 3, surveys.Detractor: 2}[band] + rng.IntN(2)
			r.Set("answers", map[string]string{"q1": []string{"Portal", "E-mail", "WhatsApp", "Telefone"}[rng.IntN(4)],
				"q2": fmt.Sprint(q2)})
			span := last.Sub(opens)
			at, err := types.ParseDateTime(opens.Add(time.Duration(rng.Int64N(int64(span)))).Truncate(time.Minute))
			if err != nil {
				return s, err
			}
			r.SetRaw("created", at)
			if err := tx.Save(r); err != nil {
				return s, fmt.Errorf("survey answer: %w", err)
			}
			counts.Add(score)
			s.answers++
		}
		if round.status == "closed" {
			s.lastNPS, _ = counts.NPS()
		}
	}
	n, err := seedFeedback(tx, who, now)
	s.feedback = n
	return s, err
}

// feedbackSeed is one demo feedback message from a partner's person (by
// login) daysAgo days before the load.
type feedbackSeed struct {
	login, category, status, message, page string
	daysAgo                                int
}

var feedbackSeeds = []feedbackSeed{
	{"lucas.ferreira", "idea", "read", "Seria ótimo poder filtrar a biblioteca de documentos por produto e versão.", "/documents", 12},
	{"fernanda.lima", "problem", "done", "O botão de registrar oportunidade não aparecia no celular (Android).", "/deals/new", 20},
	{"jennifer.walsh", "praise", "new", "The new certification paths are excellent. Our team finished the basics in a week.", "/learning", 2},
	{"alejandro.ramirez", "idea", "new", "Please add Spanish to the portal languages: most of our team reads it better.", "", 5},
	{"camila.zanetti", "other", "new", "Quando sai o calendário de eventos do próximo semestre?", "", 1},
}

// seedFeedback writes the demo feedback, as history (its own dates).
func seedFeedback(tx core.App, who []surveyRespondent, now time.Time) (int, error) {
	c, err := tx.FindCollectionByNameOrId("feedback")
	if err != nil {
		return 0, err
	}
	ids := map[string]string{}
	for _, p := range who {
		ids[p.login] = p.id
	}
	n := 0
	for _, f := range feedbackSeeds {
		id, ok := ids[f.login]
		if !ok {
			continue
		}
		r := core.NewRecord(c)
		r.Set("user", id)
		r.Set("category", f.category)
		r.Set("status", f.status)
		r.Set("message", f.message)
		r.Set("page", f.page)
		at, err := types.ParseDateTime(now.Add(-time.Duration(f.daysAgo) * 24 * time.Hour))
		if err != nil {
			return n, err
		}
		r.SetRaw("created", at)
		r.SetRaw("updated", at)
		if err := tx.Save(r); err != nil {
			return n, fmt.Errorf("feedback: %w", err)
		}
		n++
	}
	return n, nil
}
