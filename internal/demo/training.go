package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/training"
)

// trainingSummary counts what seedTraining created.
type trainingSummary struct {
	certifications, courses, lessons, questions int
	enrolments, completed, attempts             int
	certificates, expiring, expired, revoked    int
}

// line reports the curriculum in one line.
func (s trainingSummary) line() string {
	return fmt.Sprintf("training: %d certifications, %d courses with %d lessons and %d quiz questions; %d enrolments (%d completed), "+
		"%d quiz attempts; %d certificates (%d expiring within 30 days, %d expired, %d revoked).",
		s.certifications, s.courses, s.lessons, s.questions, s.enrolments, s.completed, s.attempts,
		s.certificates, s.expiring, s.expired, s.revoked)
}

// learnSeed is one person's enrolment: done (completed days ago), progress
// (lessons done, started days ago) or enrolled (started days ago). wrong
// lists the attempts at the course's quiz, oldest first, as the number of
// questions answered wrongly (from the first question).
type learnSeed struct {
	person, partner, course, state string
	lessons, days                  int
	wrong                          []int
}

var learnSeeds = []learnSeed{
	// Paulista Cloud (Gold): the printed logins.
	{"carla.mendes", PartnerSlug, "p101pt", "done", 0, 200, []int{0}},
	{"carla.mendes", PartnerSlug, "salespt", "done", 0, 75, []int{0}},
	{"carla.mendes", PartnerSlug, "dealspt", "done", 0, 62, []int{1}},
	{"lucas.ferreira", PartnerSlug, "p101pt", "done", 0, 40, []int{2, 1}},
	{"lucas.ferreira", PartnerSlug, "salespt", "progress", 1, 6, nil},
	{"lucas.ferreira", PartnerSlug, "deploy", "enrolled", 0, 2, nil},
	{"beatriz.santos", PartnerSlug, "p101pt", "done", 0, 740, []int{0}},
	{"beatriz.santos", PartnerSlug, "salespt", "done", 0, 725, []int{1}},
	{"beatriz.santos", PartnerSlug, "dealspt", "done", 0, 719, []int{0}},
	{"felipe.araujo", PartnerSlug, "p101pt", "progress", 2, 9, []int{2}},
	{"juliana.rocha", PartnerSlug, "deploy", "done", 0, 150, []int{1}},
	{"juliana.rocha", PartnerSlug, "api", "done", 0, 120, []int{0}},
	// Carioca Sistemas (Platinum).
	{"eduardo.barbosa", "carioca-sistemas", "p101pt", "done", 0, 800, []int{0}},
	{"eduardo.barbosa", "carioca-sistemas", "salespt", "done", 0, 790, []int{1}},
	{"eduardo.barbosa", "carioca-sistemas", "dealspt", "done", 0, 786, []int{1}},
	{"rodrigo.cardoso", "carioca-sistemas", "deploy", "done", 0, 360, []int{2, 0}},
	{"rodrigo.cardoso", "carioca-sistemas", "api", "done", 0, 352, []int{1}},
	{"fernanda.lima", "carioca-sistemas", "p101pt", "done", 0, 30, []int{1}},
	{"fernanda.lima", "carioca-sistemas", "salespt", "progress", 3, 4, []int{2}},
	// Araucária Tecnologia (Silver).
	{"marcelo.kowalski", "araucaria-tecnologia", "p101pt", "done", 0, 300, []int{0}},
	{"marcelo.kowalski", "araucaria-tecnologia", "salespt", "done", 0, 280, []int{0}},
	{"marcelo.kowalski", "araucaria-tecnologia", "dealspt", "done", 0, 270, []int{0}},
	{"camila.zanetti", "araucaria-tecnologia", "p101pt", "progress", 1, 3, nil},
	{"bruno.tavares", "araucaria-tecnologia", "deploy", "progress", 2, 12, []int{2}},
	// Tejo Consultoria (Gold, Portugal).
	{"joao.carvalho", "tejo-consultoria", "p101pt", "done", 0, 90, []int{1}},
	{"ines.sousa", "tejo-consultoria", "p101pt", "enrolled", 0, 1, nil},
	// Lakeshore Data (Platinum, US).
	{"jennifer.walsh", "lakeshore-data", "p101en", "done", 0, 210, []int{0}},
	{"michael.brennan", "lakeshore-data", "deploy", "done", 0, 95, []int{0}},
	{"michael.brennan", "lakeshore-data", "api", "done", 0, 80, []int{1}},
	{"sarah.kim", "lakeshore-data", "p101en", "progress", 2, 5, []int{2}},
	// Soluciones Anáhuac (Silver, Mexico).
	{"alejandro.ramirez", "soluciones-anahuac", "p101en", "done", 0, 45, []int{1}},
	{"jorge.hernandez", "soluciones-anahuac", "deploy", "enrolled", 0, 8, nil},
}

// holdingSeed is a certificate the demo writes for a person who completed
// its required courses: issued when the last one was completed, in the
// state given (a valid one may be close to expiry by its dates).
type holdingSeed struct {
	person, partner, cert, state, reason string
	revokedDaysAgo                       int
}

var holdingSeeds = []holdingSeed{
	{"carla.mendes", PartnerSlug, "sales", "valid", "", 0},
	{"beatriz.santos", PartnerSlug, "sales", "valid", "", 0}, // expires within two weeks
	{"juliana.rocha", PartnerSlug, "tech", "valid", "", 0},
	{"eduardo.barbosa", "carioca-sistemas", "sales", "expired", "", 0},
	{"rodrigo.cardoso", "carioca-sistemas", "tech", "valid", "", 0}, // expires within two weeks
	{"marcelo.kowalski", "araucaria-tecnologia", "sales", "revoked",
		"Prova realizada em desacordo com as regras do programa; refazer a trilha para nova emissão.", 20},
	{"michael.brennan", "lakeshore-data", "tech", "valid", "", 0},
}

// demoCourse is what seedTraining keeps of a course it created.
type demoCourse struct {
	rec       *core.Record
	lessons   []string
	quiz      *core.Record
	questions []*core.Record
	keys      [][]string // correct ids per question
	seed      courseSeed
}

// seedTraining adds the demo curriculum: two certifications, six courses in
// Portuguese and English (one for Gold and Platinum only) with lessons and
// quizzes, and the partners' people at every stage — enrolled, half-way,
// completed after a failed attempt or two — with certificates valid, close
// to expiry, expired and revoked. Everything is history written from Go:
// enrolments saved with their completion date, attempts already graded,
// certificates written directly, events backdated, so loading the demo
// notifies nobody.
func seedTraining(tx core.App, now time.Time) (trainingSummary, error) {
	var s trainingSummary
	since := types.NowDateTime().Add(-time.Second)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	at := func(days int, hour int) time.Time {
		t := today.AddDate(0, 0, -days).Add(time.Duration(hour) * time.Hour)
		if t.After(now) {
			t = now.Add(-time.Minute)
		}
		return t
	}
	author, err := tx.FindAuthRecordByEmail("users", AdminEmail)
	if err != nil {
		return s, fmt.Errorf("training: author: %w", err)
	}
	coll := map[string]*core.Collection{}
	for _, name := range []string{"certifications", "courses", "lessons", "quizzes", "quiz_questions", "quiz_answer_keys",
		"enrollments", "quiz_attempts", "certificates"} {
		c, err := tx.FindCollectionByNameOrId(name)
		if err != nil {
			return s, err
		}
		coll[name] = c
	}
	save := func(r *core.Record, what string) error {
		if err := tx.Save(r); err != nil {
			return fmt.Errorf("training: %s: %w", what, err)
		}
		return nil
	}

	certs := map[string]*core.Record{}
	months := map[string]int{}
	for _, c := range certSeeds {
		r := core.NewRecord(coll["certifications"])
		r.Set("name", c.name)
		r.Set("description", c.description)
		r.Set("validity_months", c.months)
		if err := save(r, c.name); err != nil {
			return s, err
		}
		certs[c.key], months[c.key] = r, c.months
		s.certifications++
	}

	courses := map[string]*demoCourse{}
	required := map[string][]string{}
	for _, cs := range courseSeeds {
		r := core.NewRecord(coll["courses"])
		r.Set("title", cs.title)
		r.Set("slug", cs.slug)
		r.Set("summary", cs.summary)
		r.Set("description", cs.description)
		r.Set("level", cs.level)
		r.Set("language", cs.language)
		r.Set("minutes", cs.minutes)
		r.Set("published", true)
		r.Set("author", author.Id)
		r.Set("audience", "all")
		if len(cs.tiers) > 0 {
			r.Set("audience", "tiers")
			for _, name := range cs.tiers {
				t, err := tx.FindFirstRecordByData("tiers", "name", name)
				if err != nil {
					return s, fmt.Errorf("training: tier %s: %w", name, err)
				}
				r.Set("audience_tiers+", t.Id)
			}
		}
		for _, key := range cs.prereq {
			r.Set("prerequisites+", courses[key].rec.Id)
		}
		if cs.cert != "" {
			r.Set("certification", certs[cs.cert].Id)
		}
		if err := save(r, cs.title); err != nil {
			return s, err
		}
		dc := &demoCourse{rec: r, seed: cs}
		if cs.cert != "" {
			required[cs.cert] = append(required[cs.cert], r.Id)
		}
		for i, l := range cs.lessons {
			lr := core.NewRecord(coll["lessons"])
			lr.Set("course", r.Id)
			lr.Set("order", i+1)
			lr.Set("title", l.title)
			lr.Set("body", l.body)
			lr.Set("minutes", l.minutes)
			lr.Set("video_url", l.video)
			if err := save(lr, l.title); err != nil {
				return s, err
			}
			dc.lessons = append(dc.lessons, lr.Id)
			s.lessons++
		}
		q := core.NewRecord(coll["quizzes"])
		q.Set("course", r.Id)
		q.Set("lesson", dc.lessons[len(dc.lessons)-1])
		q.Set("title", cs.quiz)
		q.Set("pass_mark", cs.passMark)
		q.Set("attempt_limit", cs.attempts)
		q.Set("cooldown_minutes", cs.cooldown)
		q.Set("time_limit_minutes", cs.timeLimit)
		if err := save(q, cs.quiz); err != nil {
			return s, err
		}
		dc.quiz = q
		for i, qs := range cs.questions {
			qr := core.NewRecord(coll["quiz_questions"])
			qr.Set("quiz", q.Id)
			qr.Set("order", i+1)
			qr.Set("kind", qs.kind)
			qr.Set("prompt", qs.prompt)
			qr.Set("points", qs.points)
			opts := make([]map[string]string, 0, len(qs.options))
			for _, o := range qs.options {
				id, text, _ := strings.Cut(o, "|")
				opts = append(opts, map[string]string{"id": id, "text": text})
			}
			qr.Set("options", opts)
			if err := save(qr, qs.prompt); err != nil {
				return s, err
			}
			kr := core.NewRecord(coll["quiz_answer_keys"])
			kr.Set("question", qr.Id)
			kr.Set("correct", qs.correct)
			kr.Set("explanation", qs.explanation)
			if err := save(kr, "key of "+qs.prompt); err != nil {
				return s, err
			}
			dc.questions = append(dc.questions, qr)
			dc.keys = append(dc.keys, qs.correct)
			s.questions++
		}
		// The quiz as the hooks counted it.
		if dc.quiz, err = tx.FindRecordById(coll["quizzes"], q.Id); err != nil {
			return s, err
		}
		courses[cs.key] = dc
		s.courses++
	}
	for key, ids := range required {
		certs[key].Set("required_courses", ids)
		if err := save(certs[key], "required courses"); err != nil {
			return s, err
		}
	}

	// Enrolments and attempts, oldest facts first so prerequisites hold.
	users := map[string]*core.Record{}
	partnerNames := map[string]string{}
	completedAt := map[string]time.Time{} // person/course key → completion
	for _, l := range learnSeeds {
		email := l.person + "@" + l.partner + ".example"
		user := users[email]
		if user == nil {
			if user, err = tx.FindAuthRecordByEmail("users", email); err != nil {
				return s, fmt.Errorf("training: learner %s: %w", email, err)
			}
			users[email] = user
		}
		if _, ok := partnerNames[user.GetString("partner")]; !ok {
			p, err := tx.FindRecordById("partners", user.GetString("partner"))
			if err != nil {
				return s, err
			}
			partnerNames[p.Id] = p.GetString("name")
		}
		dc := courses[l.course]
		started := at(l.days+3, 9)
		finished := time.Time{}
		if l.state == "done" {
			finished = at(l.days, 15)
		} else {
			started = at(l.days, 9)
		}
		// Attempts end on the finish day (done) or a day after starting.
		end := finished
		if end.IsZero() {
			end = at(max(l.days-1, 0), 16)
		}
		for i, wrong := range l.wrong {
			a, ok, err := demoAttempt(tx, coll["quiz_attempts"], user, dc, i+1, wrong,
				end.Add(-time.Duration(len(l.wrong)-1-i)*26*time.Hour).Add(-40*time.Minute))
			if err != nil {
				return s, err
			}
			s.attempts++
			if err := backdatedEvent(tx, since, user, activity.KindQuizSubmitted, a, a.GetDateTime("submitted").Time()); err != nil {
				return s, err
			}
			if ok {
				if err := backdatedEvent(tx, since, user, activity.KindQuizPassed, a, a.GetDateTime("submitted").Time()); err != nil {
					return s, err
				}
			}
		}
		e := core.NewRecord(coll["enrollments"])
		e.Set("user", user.Id)
		e.Set("course", dc.rec.Id)
		switch l.state {
		case "done":
			e.Set("completed_lessons", dc.lessons)
			e.Set("last_lesson", dc.lessons[len(dc.lessons)-1])
			e.Set("passed_quizzes", []string{dc.quiz.Id})
			e.Set("started", started)
			e.Set("completed", finished)
			completedAt[l.person+"/"+l.course] = finished
			s.completed++
		case "progress":
			e.Set("completed_lessons", dc.lessons[:l.lessons])
			e.Set("last_lesson", dc.lessons[l.lessons-1])
		}
		if err := save(e, email+" in "+dc.seed.title); err != nil {
			return s, err
		}
		// The hook dates a new enrolment now; the demo's started earlier.
		if _, err := tx.DB().Update("enrollments", dbx.Params{"started": trainingStamp(started), "created": trainingStamp(started)},
			dbx.HashExp{"id": e.Id}).Execute(); err != nil {
			return s, err
		}
		// History rows record nothing themselves; a new enrolment's hook
		// recorded its event now, which is moved to its start.
		if l.state == "done" {
			if err := backdatedEvent(tx, since, user, activity.KindCourseEnrolled, e, started); err != nil {
				return s, err
			}
		} else if err := backdateTrainingEvents(tx, since, user, activity.KindCourseEnrolled, e, started); err != nil {
			return s, err
		}
		if l.state == "done" {
			if err := backdatedEvent(tx, since, user, activity.KindCourseCompleted, e, finished); err != nil {
				return s, err
			}
		}
		s.enrolments++
	}

	// Certificates, written as history: issued when the last required
	// course was completed, expiring by the certification's validity.
	admin := author
	for _, h := range holdingSeeds {
		user := users[h.person+"@"+h.partner+".example"]
		var issued time.Time
		for _, cs := range courseSeeds {
			if cs.cert == h.cert {
				done, ok := completedAt[h.person+"/"+cs.key]
				if !ok {
					return s, fmt.Errorf("training: %s holds %s without completing %s", h.person, h.cert, cs.key)
				}
				if done.After(issued) {
					issued = done
				}
			}
		}
		expires := training.Expiry(issued, months[h.cert])
		c := core.NewRecord(coll["certificates"])
		c.Set("user", user.Id)
		c.Set("partner", user.GetString("partner"))
		c.Set("certification", certs[h.cert].Id)
		c.Set("holder_name", user.GetString("name"))
		c.Set("partner_name", partnerNames[user.GetString("partner")])
		c.Set("code", training.NewCode())
		c.Set("issued", issued)
		c.Set("expires", expires)
		c.Set("status", h.state)
		if h.state == "revoked" {
			c.Set("revoked", at(h.revokedDaysAgo, 11))
			c.Set("revoked_by", admin.Id)
			c.Set("revocation_reason", h.reason)
			s.revoked++
		}
		if err := save(c, "certificate of "+h.person); err != nil {
			return s, err
		}
		if err := backdatedEvent(tx, since, user, activity.KindCertificateIssued, c, issued); err != nil {
			return s, err
		}
		switch {
		case h.state == "expired":
			s.expired++
		case h.state == "valid" && !expires.IsZero() && expires.Before(today.AddDate(0, 0, 30)):
			s.expiring++
		}
		s.certificates++
	}
	return s, nil
}

// demoAttempt writes one graded attempt at a course's quiz, submitted at
// submitted, answering the first wrong questions wrongly. It reports
// whether the attempt passed.
func demoAttempt(tx core.App, c *core.Collection, user *core.Record, dc *demoCourse, number, wrong int, submitted time.Time) (*core.Record, bool, error) {
	order := make([]training.AttemptQuestion, 0, len(dc.questions))
	answers := training.Answers{}
	results := map[string]training.QuestionResult{}
	points, maxPoints := 0, 0
	for i, q := range dc.questions {
		var optIDs []string
		for _, o := range dc.seed.questions[i].options {
			id, _, _ := strings.Cut(o, "|")
			optIDs = append(optIDs, id)
		}
		order = append(order, training.AttemptQuestion{Question: q.Id, Options: optIDs})
		p := q.GetInt("points")
		maxPoints += p
		if i < wrong {
			for _, id := range optIDs {
				if !slices.Contains(dc.keys[i], id) {
					answers[q.Id] = []string{id}
					break
				}
			}
			results[q.Id] = training.QuestionResult{Correct: false}
			continue
		}
		answers[q.Id] = dc.keys[i]
		results[q.Id] = training.QuestionResult{Correct: true, Points: p}
		points += p
	}
	score := 0.0
	if maxPoints > 0 {
		score = math.Round(float64(points)*1000/float64(maxPoints)) / 10
	}
	passed := score >= float64(dc.quiz.GetInt("pass_mark"))
	started := submitted.Add(-14 * time.Minute)
	a := core.NewRecord(c)
	a.Set("user", user.Id)
	a.Set("partner", user.GetString("partner"))
	a.Set("quiz", dc.quiz.Id)
	a.Set("course", dc.rec.Id)
	a.Set("number", number)
	a.Set("question_order", order)
	a.Set("answers", answers)
	a.Set("results", results)
	a.Set("points", points)
	a.Set("max_points", maxPoints)
	a.Set("score", score)
	a.Set("passed", passed)
	a.Set("started", started)
	if tl := dc.quiz.GetInt("time_limit_minutes"); tl > 0 {
		a.Set("deadline", started.Add(time.Duration(tl)*time.Minute))
	}
	a.Set("submitted", submitted)
	if err := tx.Save(a); err != nil {
		return nil, false, fmt.Errorf("training: attempt: %w", err)
	}
	return a, passed, nil
}

// backdatedEvent appends an activity event for user about target, dated
// when (events written during this load only).
func backdatedEvent(tx core.App, since types.DateTime, user *core.Record, kind string, target *core.Record, when time.Time) error {
	if err := activity.Record(tx, user, kind, target); err != nil {
		return err
	}
	return backdateTrainingEvents(tx, since, user, kind, target, when)
}

// backdateTrainingEvents moves the events of kind about target written during this load
// to when.
func backdateTrainingEvents(tx core.App, since types.DateTime, user *core.Record, kind string, target *core.Record, when time.Time) error {
	_, err := tx.DB().NewQuery(`UPDATE activity SET created = {:at} WHERE kind = {:k} AND target_id = {:t}
		AND user = {:u} AND created >= {:since}`).
		Bind(dbx.Params{"at": trainingStamp(when), "k": kind, "t": target.Id, "u": user.Id, "since": since.String()}).Execute()
	return err
}

// trainingStamp formats t as PocketBase stores dates.
func trainingStamp(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// The demo curriculum's text: six courses in Portuguese and English, each
// with real lessons and a quiz whose questions explain their answers.

// certSeed is a demo certification.
type certSeed struct {
	key, name, description string
	months                 int
}

var certSeeds = []certSeed{
	{"sales", "Especialista em Vendas Ponte", `Comprova que a pessoa sabe **qualificar, posicionar e registrar** oportunidades da Ponte seguindo as regras do programa de parceiros.

Exige os cursos *Vendas consultivas com a Ponte* e *Registro e proteção de oportunidades*. Válida por 24 meses.`, 24},
	{"tech", "Ponte Certified Technical Specialist", `Proves that the holder can **deploy, secure and integrate** a Ponte installation for a customer.

Requires *Deploying Ponte* and *Integrations and the REST API*. Valid for 12 months.`, 12},
}

// lessonSeed is one lesson of a demo course.
type lessonSeed struct {
	title, body string
	minutes     int
	video       string
}

// questionSeed is one demo quiz question; options are "id|text" and
// correct names option ids.
type questionSeed struct {
	kind, prompt string
	options      []string
	correct      []string
	points       int
	explanation  string
}

// courseSeed is one demo course with its lessons and its quiz.
type courseSeed struct {
	key, title, slug, summary, description, level, language string
	minutes                                                 int
	tiers                                                   []string // tier names; none means all partners
	prereq                                                  []string // course keys
	cert                                                    string   // certSeed key
	lessons                                                 []lessonSeed
	quiz                                                    string
	passMark, attempts, cooldown, timeLimit                 int
	questions                                               []questionSeed
}

var courseSeeds = []courseSeed{
	{key: "p101pt", title: "Parceiro 101", slug: "parceiro-101", level: "beginner", language: localePT, minutes: 35,
		summary:     "Como funciona o programa de parceiros, o portal e o seu primeiro mês com a Ponte.",
		description: "Curso de boas-vindas para **todas as pessoas dos parceiros**. Em três lições curtas você conhece os níveis do programa, o que encontrar no portal e como se preparar para a primeira venda.",
		lessons: []lessonSeed{
			{"O programa de parceiros", `## Por que um programa de parceiros

A Ponte vende **por meio de parceiros**: revendas, integradores e consultorias que conhecem o cliente final. O programa organiza essa relação com regras claras para os dois lados.

## Os quatro níveis

| Nível | Receita em 12 meses | Pessoas certificadas | Desconto |
|---|---|---|---|
| Registered | — | — | lista |
| Silver | R$ 250 mil | 2 | 15% |
| Gold | R$ 1 milhão | 5 | 25% |
| Platinum | R$ 3 milhões | 10 | 35% |

Os níveis são **revistos automaticamente** a cada trimestre a partir da receita registrada e das certificações válidas. Ou seja: cada certificação que a sua equipe mantém em dia conta para o nível da empresa.

## Quem é quem

- **Gerente de canal**: a sua pessoa de contato na Ponte, responsável pelo plano de negócios conjunto.
- **Administrador do parceiro**: convida colegas e acompanha oportunidades e certificados da empresa.
- **Usuário do parceiro**: vende, implanta e estuda.`, 12, ""},
			{"O portal no dia a dia", `O portal é o lugar único para trabalhar com a Ponte. Vale conhecer cada área:

1. **Biblioteca**: apresentações, fichas técnicas e políticas, sempre na versão mais recente. Documentos com confirmação de leitura aparecem destacados.
2. **Comunicados**: novidades do programa. Os fixados ficam no topo.
3. **Fóruns**: perguntas técnicas e comerciais; a resposta de hoje ajuda o próximo parceiro.
4. **Mensagens**: conversa direta com o seu gerente de canal.
5. **Capacitação**: cursos, questionários e certificados.
6. **Oportunidades**: registro e acompanhamento dos negócios.

> Dica: ative as notificações por e-mail no seu perfil para não perder prazos de registro e vencimentos de certificados.

O portal funciona bem no celular: a barra inferior leva às áreas mais usadas.`, 10, ""},
			{"Seu primeiro mês", `Um roteiro simples para as primeiras semanas:

### Semana 1 — conhecer
- Complete o seu perfil e a foto.
- Leia a *Política de registro de oportunidades* na biblioteca e confirme a leitura.

### Semana 2 — aprender
- Faça a trilha **Especialista em Vendas Ponte** (vendas) ou **Technical Specialist** (técnica).
- Tire dúvidas no fórum; as melhores respostas viram artigos.

### Semanas 3 e 4 — vender
- Escolha **três clientes** da sua base com o perfil ideal: empresas com mais de 20 parceiros próprios ou distribuidores.
- Registre a primeira oportunidade **antes** da primeira proposta: isso garante a proteção de 90 dias.

Ao fim do mês, marque uma conversa com o seu gerente de canal para revisar o pipeline.`, 13, "https://videos.ponte-vendor.example/parceiro-101/primeiro-mes"},
		},
		quiz: "Questionário Parceiro 101", passMark: 70, attempts: 3, cooldown: 10, timeLimit: 15,
		questions: []questionSeed{
			{"single", "Quando uma oportunidade deve ser registrada no portal?", []string{"a|Depois que o cliente assina", "b|Antes da primeira proposta", "c|Só acima de R$ 1 milhão"}, []string{"b"}, 1,
				"O registro antes da primeira proposta garante a proteção de 90 dias e evita conflito com outro parceiro."},
			{"multiple", "O que conta para o nível do parceiro?", []string{"a|Receita registrada nos últimos 12 meses", "b|Número de pessoas com certificação válida", "c|Quantidade de posts no fórum", "d|Tempo de casa"}, []string{"a", "b"}, 2,
				"Os níveis são revistos pela receita em 12 meses e pelas certificações válidas; participação no fórum ajuda, mas não conta para o nível."},
			{"truefalse", "O administrador do parceiro pode convidar colegas para o portal.", []string{"true|Verdadeiro", "false|Falso"}, []string{"true"}, 1,
				"Convidar colegas e acompanhar os certificados da empresa é papel do administrador do parceiro."},
			{"single", "Quem é a sua pessoa de contato comercial na Ponte?", []string{"a|O suporte técnico", "b|O gerente de canal", "c|O financeiro"}, []string{"b"}, 1,
				"O gerente de canal acompanha o parceiro, o plano de negócios e as aprovações de oportunidades."},
		}},
	{key: "p101en", title: "Partner 101", slug: "partner-101", level: "beginner", language: localeEN, minutes: 35,
		summary:     "How the partner programme works, what the portal offers and how to spend your first month with Ponte.",
		description: "The welcome course for **everyone at a partner**. Three short lessons cover the programme's tiers, the portal and how to get ready for your first deal.",
		lessons: []lessonSeed{
			{"The partner programme", `## Why a partner programme

Ponte sells **through partners**: resellers, integrators and consultancies that know the end customer. The programme gives both sides clear rules.

## Four tiers

| Tier | 12-month revenue | Certified people | Discount |
|---|---|---|---|
| Registered | — | — | list price |
| Silver | BRL 250k | 2 | 15% |
| Gold | BRL 1M | 5 | 25% |
| Platinum | BRL 3M | 10 | 35% |

Tiers are **reviewed automatically** every quarter from registered revenue and valid certifications, so every certification your team keeps current counts towards your company's tier.

## Who is who

- **Channel manager**: your contact at Ponte, who owns the joint business plan.
- **Partner admin**: invites colleagues and follows the company's deals and certificates.
- **Partner user**: sells, deploys and learns.`, 12, ""},
			{"The portal, day to day", `The portal is the one place to work with Ponte:

1. **Library**: decks, datasheets and policies, always the current version. Documents that need acknowledgement stand out.
2. **Announcements**: programme news, pinned items first.
3. **Forums**: technical and sales questions; today's answer helps the next partner.
4. **Messages**: a direct line to your channel manager.
5. **Training**: courses, quizzes and certificates.
6. **Deals**: registration and follow-up.

> Tip: turn on e-mail notifications in your profile so you never miss a registration deadline or a certificate's expiry.

The portal works well on a phone: the bottom bar leads to the areas you use most.`, 10, ""},
			{"Your first month", `A simple plan for the first weeks:

### Week 1 — get to know
- Complete your profile and photo.
- Read the *Deal registration policy* in the library and acknowledge it.

### Week 2 — learn
- Take the **sales** or the **technical** certification track.
- Ask in the forums; the best answers become articles.

### Weeks 3 and 4 — sell
- Pick **three customers** from your base with the ideal profile: companies with 20+ resellers or distributors of their own.
- Register the first deal **before** the first proposal: that secures 90 days of protection.

At the end of the month, book a pipeline review with your channel manager.`, 13, "https://videos.ponte-vendor.example/partner-101/first-month"},
		},
		quiz: "Partner 101 quiz", passMark: 70, attempts: 3, cooldown: 10, timeLimit: 15,
		questions: []questionSeed{
			{"single", "When should you register a deal in the portal?", []string{"a|After the customer signs", "b|Before the first proposal", "c|Only above BRL 1M"}, []string{"b"}, 1,
				"Registering before the first proposal secures 90 days of protection and avoids a conflict with another partner."},
			{"multiple", "What counts towards a partner's tier?", []string{"a|Registered revenue over 12 months", "b|People with a valid certification", "c|Forum posts", "d|Years in the programme"}, []string{"a", "b"}, 2,
				"Tiers follow 12-month revenue and valid certifications; forum activity helps, but does not count."},
			{"truefalse", "A partner admin can invite colleagues to the portal.", []string{"true|True", "false|False"}, []string{"true"}, 1,
				"Inviting colleagues and following the company's certificates is the partner admin's job."},
			{"single", "Who is your commercial contact at Ponte?", []string{"a|Technical support", "b|Your channel manager", "c|Accounts payable"}, []string{"b"}, 1,
				"The channel manager follows the partner, the business plan and deal approvals."},
		}},
	{key: "salespt", title: "Vendas consultivas com a Ponte", slug: "vendas-consultivas-ponte", level: "intermediate", language: localePT, minutes: 50,
		prereq: []string{"p101pt"}, cert: "sales",
		summary:     "Descoberta, qualificação e proposta de valor para vender a Ponte a fabricantes de software e hardware.",
		description: "Primeiro curso da certificação **Especialista em Vendas Ponte**. Você aprende a encontrar a dor certa, qualificar com critério e apresentar a Ponte com números do próprio cliente.",
		lessons: []lessonSeed{
			{"Quem compra a Ponte", `O cliente ideal da Ponte é um **fabricante que vende por canais**: software, hardware ou serviços com 20 ou mais revendas.

## Sinais de que há uma oportunidade
- Os parceiros recebem materiais por e-mail e usam versões antigas.
- O registro de oportunidades é feito em planilha, com conflitos frequentes.
- Ninguém sabe quantas pessoas dos parceiros são certificadas.

## Quem participa da decisão
| Papel | O que quer ouvir |
|---|---|
| Diretor de canais | crescimento da receita indireta |
| Operações de parceiros | menos trabalho manual |
| TI | segurança, hospedagem própria, API |

Mapeie essas três pessoas cedo: oportunidades com apenas um contato costumam parar na fase de proposta.`, 15, ""},
			{"Qualificação com critério", `Use quatro perguntas para qualificar — e registre as respostas na oportunidade:

1. **Dor**: o que acontece hoje quando um parceiro registra um negócio em conflito?
2. **Impacto**: quanto da receita passa pelo canal? Quanto se perde com conflitos e atrasos?
3. **Decisão**: quem assina, e qual é o processo de compra?
4. **Prazo**: existe um evento que force a decisão (nova política de canais, início do ano fiscal)?

Uma oportunidade sem resposta para *impacto* e *decisão* ainda não está qualificada: mantenha-a como prospecção e **não** a registre antes da hora, porque o registro tem prazo de proteção.`, 15, ""},
			{"Proposta de valor com números", `Clientes compram resultados. Monte a proposta com os dados que o próprio cliente deu na qualificação:

- **Tempo**: horas por semana que a equipe gasta respondendo parceiros por e-mail.
- **Receita protegida**: negócios perdidos por conflito de canal no último ano.
- **Capacitação**: quantas pessoas certificadas os parceiros precisam para cada nível.

### Estrutura sugerida
1. Situação atual, nas palavras do cliente.
2. O que muda com a Ponte (portal único, registro com proteção, trilhas de certificação).
3. Números: economia e receita protegida em 12 meses.
4. Próximos passos com datas.

Evite apresentar funcionalidades soltas. Cada funcionalidade deve responder a uma dor que o cliente citou.`, 20, "https://videos.ponte-vendor.example/vendas/proposta"},
		},
		quiz: "Questionário de vendas consultivas", passMark: 75, attempts: 0, cooldown: 60, timeLimit: 20,
		questions: []questionSeed{
			{"single", "Qual é o cliente ideal da Ponte?", []string{"a|Uma loja com um único ponto de venda", "b|Um fabricante que vende por 20 ou mais revendas", "c|Uma pessoa física"}, []string{"b"}, 1,
				"A Ponte resolve a gestão de canais: o valor aparece quando há muitos parceiros revendendo."},
			{"multiple", "Quais respostas são necessárias para considerar uma oportunidade qualificada?", []string{"a|Impacto", "b|Decisão", "c|Cor preferida do logotipo", "d|Dor"}, []string{"a", "b", "d"}, 2,
				"Dor, impacto e decisão (e prazo) qualificam a oportunidade; sem impacto e decisão ela ainda é prospecção."},
			{"truefalse", "Devo registrar a oportunidade assim que ouço falar do cliente, mesmo sem qualificação.", []string{"true|Verdadeiro", "false|Falso"}, []string{"false"}, 1,
				"O registro tem prazo de proteção: registre quando a oportunidade estiver qualificada, antes da primeira proposta."},
			{"single", "O que deve guiar a proposta?", []string{"a|A lista completa de funcionalidades", "b|Os números e as dores que o cliente citou", "c|O preço de lista"}, []string{"b"}, 2,
				"Cada ponto da proposta deve responder a uma dor do cliente, com números dele."},
		}},
	{key: "dealspt", title: "Registro e proteção de oportunidades", slug: "registro-protecao-oportunidades", level: "intermediate", language: localePT, minutes: 40,
		cert:        "sales",
		summary:     "As regras do registro: prazos, proteção, conflitos e o que acontece depois da aprovação.",
		description: "Segundo curso da certificação **Especialista em Vendas Ponte**. Cobre a política de registro passo a passo, com os casos que mais geram dúvida.",
		lessons: []lessonSeed{
			{"Como registrar", `Toda oportunidade acima de **R$ 50.000** precisa ser registrada antes da primeira proposta.

1. Em **Oportunidades → Nova**, informe o cliente final (com CNPJ), o valor estimado e a data prevista de fechamento.
2. Descreva a solução e o estágio atual.
3. Envie. O gerente de canal aprova ou recusa em até **2 dias úteis**.

Dados incompletos atrasam a aprovação: o CNPJ é usado para detectar duplicidades.`, 12, ""},
			{"Proteção e prazos", `Uma oportunidade aprovada recebe **proteção de 90 dias** (120 dias para Platinum). Durante esse período nenhum outro parceiro pode registrar o mesmo cliente para a mesma solução.

- A proteção pode ser **prorrogada uma vez** por mais 30 dias, com justificativa.
- Oportunidades sem atualização por 45 dias recebem um lembrete; sem atualização por 90, expiram.
- Ganhou? Marque como *ganha* com o valor final: isso alimenta a receita que conta para o nível.`, 13, ""},
			{"Conflitos e duplicidades", `Quando dois parceiros registram o mesmo cliente, vale a regra:

| Situação | Quem fica com a proteção |
|---|---|
| Registros em datas diferentes | o primeiro registro aprovado |
| Mesmo dia | quem demonstrar o trabalho mais avançado (reunião, proposta) |
| Cliente pediu um parceiro específico | o parceiro indicado pelo cliente, por escrito |

O portal avisa sobre **possíveis duplicidades** no momento do registro, comparando CNPJ e nome. Resolver cedo é melhor para todos: fale com o seu gerente de canal antes de insistir em uma oportunidade em conflito.`, 15, ""},
		},
		quiz: "Questionário de registro de oportunidades", passMark: 75, attempts: 0, cooldown: 60, timeLimit: 20,
		questions: []questionSeed{
			{"single", "Qual é a proteção padrão de uma oportunidade aprovada?", []string{"a|30 dias", "b|90 dias", "c|1 ano"}, []string{"b"}, 1,
				"A proteção padrão é de 90 dias (120 para Platinum), prorrogável uma vez por 30 dias."},
			{"single", "Em quanto tempo o gerente de canal responde a um registro?", []string{"a|Até 2 dias úteis", "b|Até 2 semanas", "c|Não há prazo"}, []string{"a"}, 1,
				"A política define até 2 dias úteis para aprovar ou recusar."},
			{"multiple", "Quais dados ajudam a detectar duplicidades?", []string{"a|CNPJ do cliente", "b|Nome do cliente", "c|Cor da proposta", "d|Nome do vendedor"}, []string{"a", "b"}, 2,
				"O portal compara CNPJ e nome do cliente final para avisar sobre possíveis duplicidades."},
			{"truefalse", "Se dois parceiros registram o mesmo cliente em datas diferentes, fica com a proteção o primeiro registro aprovado.", []string{"true|Verdadeiro", "false|Falso"}, []string{"true"}, 1,
				"Em datas diferentes vale o primeiro registro aprovado."},
		}},
	{key: "deploy", title: "Deploying Ponte", slug: "deploying-ponte", level: "intermediate", language: localeEN, minutes: 55,
		cert:        "tech",
		summary:     "Install, configure, secure and back up a Ponte server for a customer.",
		description: "The first course of the **Ponte Certified Technical Specialist** track: from a fresh Linux server to a production portal with TLS, e-mail and backups.",
		lessons: []lessonSeed{
			{"Installing the binary", `Ponte ships as **one binary** with its database embedded, so an installation is short:

` + "```sh" + `
sudo useradd --system --home /var/lib/ponte ponte
sudo install -o ponte -d /var/lib/ponte
sudo install ponte /usr/local/bin/ponte
sudo -u ponte ponte serve --dir /var/lib/ponte/pb_data --http 127.0.0.1:8090
` + "```" + `

Run it under **systemd** so it restarts on failure and starts at boot, and keep the data directory on a disk with room for uploads: documents and lesson videos live there.

Sizing: 2 vCPUs and 2 GB of RAM serve a few thousand partner users comfortably.`, 15, ""},
			{"TLS, proxy and e-mail", `Put a reverse proxy (Caddy or nginx) in front of Ponte for **TLS**:

` + "```" + `
portal.customer.example {
    reverse_proxy 127.0.0.1:8090
}
` + "```" + `

Then, in the dashboard (**/_/**):

1. **Settings → Application**: set the public URL, so links in e-mails work.
2. **Settings → Mail**: configure SMTP and send a test e-mail.
3. **Settings → Trusted proxy**: declare the proxy's forwarded headers, so rate limits and secure cookies see the real client.

Never expose the dashboard's superuser account without MFA.`, 20, ""},
			{"Backups and upgrades", `Everything Ponte knows lives in the data directory, so backups are simple:

- Enable **scheduled backups** in the dashboard (daily, keep 14) and copy them off the server.
- Before an upgrade, take a manual backup, replace the binary and restart: migrations run on start.
- Test a restore every quarter on a spare machine — a backup you have never restored is a hope, not a backup.

| Task | How often |
|---|---|
| Backup | daily |
| Off-site copy | daily |
| Restore test | quarterly |
| Upgrade | each minor release |`, 20, "https://videos.ponte-vendor.example/tech/backups"},
		},
		quiz: "Deploying Ponte quiz", passMark: 80, attempts: 3, cooldown: 120, timeLimit: 20,
		questions: []questionSeed{
			{"single", "Where does a Ponte installation keep its data?", []string{"a|In an external PostgreSQL server", "b|In its data directory (embedded SQLite and files)", "c|In the browser"}, []string{"b"}, 1,
				"Ponte embeds SQLite: the database and uploaded files live in the data directory."},
			{"multiple", "What do you configure in the dashboard after installing?", []string{"a|Public URL", "b|SMTP mail", "c|Trusted proxy headers", "d|The partners' passwords"}, []string{"a", "b", "c"}, 2,
				"Public URL, mail and trusted proxy headers; passwords belong to their users."},
			{"truefalse", "Migrations run automatically when the new binary starts.", []string{"true|True", "false|False"}, []string{"true"}, 1,
				"Replace the binary and restart: pending migrations run on start. Take a backup first."},
			{"single", "How often should you test restoring a backup?", []string{"a|Never", "b|Every quarter", "c|Only after a failure"}, []string{"b"}, 1,
				"A restore test every quarter proves the backups actually work."},
		}},
	{key: "api", title: "Integrations and the REST API", slug: "integrations-rest-api", level: "advanced", language: localeEN, minutes: 60,
		tiers: []string{"Gold", "Platinum"}, prereq: []string{"deploy"}, cert: "tech",
		summary:     "Connect Ponte to a CRM: API tokens, collection rules, webhooks and CSV imports.",
		description: "The second course of the **Ponte Certified Technical Specialist** track, for Gold and Platinum partners who integrate Ponte with their customers' systems.",
		lessons: []lessonSeed{
			{"Authentication and rules", `Every collection in Ponte has **API rules** that decide who may list, view, create, update and delete records. The portal and the REST API apply the **same rules**, so an integration never sees more than its user would.

- Create a dedicated **integration user** with the smallest role that works.
- Authenticate with ` + "`POST /api/collections/users/auth-with-password`" + ` and send the token as ` + "`Authorization`" + `.
- Tokens expire: refresh them, never store passwords in scripts.`, 20, ""},
			{"Reading and writing records", `The REST API follows one pattern for every collection:

| Action | Request |
|---|---|
| list | ` + "`GET /api/collections/deals/records?filter=...&sort=-created`" + ` |
| view | ` + "`GET /api/collections/deals/records/{id}`" + ` |
| create | ` + "`POST /api/collections/deals/records`" + ` |
| update | ` + "`PATCH /api/collections/deals/records/{id}`" + ` |

Use ` + "`skipTotal=1`" + ` on big lists: counting every row on each page is what makes integrations slow. Filter on indexed fields (partner, status, dates) and page with ` + "`page`" + ` and ` + "`perPage`" + `.`, 20, ""},
			{"Webhooks and imports", `To keep a CRM in sync without polling, subscribe to **signed webhooks**:

1. Register the CRM's endpoint and keep the signing secret safe.
2. Verify the signature of every delivery before trusting it.
3. Answer quickly with 2xx; Ponte retries failed deliveries with back-off and lists them in the delivery log.

For one-off loads, the CSV import accepts the same fields as the API. Exports neutralise spreadsheet formulas, so a cell starting with "=" is safe to open.`, 20, ""},
		},
		quiz: "Integrations quiz", passMark: 80, attempts: 3, cooldown: 120, timeLimit: 25,
		questions: []questionSeed{
			{"truefalse", "The REST API and the portal apply the same access rules.", []string{"true|True", "false|False"}, []string{"true"}, 1,
				"Collection rules are the one source of truth for both."},
			{"single", "What makes a large list request faster?", []string{"a|skipTotal=1 and filters on indexed fields", "b|perPage=100000", "c|Sorting by a random field"}, []string{"a"}, 2,
				"Skipping the total count and filtering on indexed fields keeps list requests fast."},
			{"multiple", "What should an integration do with webhooks?", []string{"a|Verify each signature", "b|Answer quickly with 2xx", "c|Ignore retries", "d|Publish the signing secret"}, []string{"a", "b"}, 2,
				"Verify signatures and answer quickly; keep the secret private."},
			{"single", "Which user should an integration use?", []string{"a|The vendor admin", "b|A dedicated user with the smallest role that works", "c|Any partner user"}, []string{"b"}, 1,
				"A dedicated, least-privileged user limits what a leaked token could do."},
			{"truefalse", "CSV exports leave cells starting with = as formulas.", []string{"true|True", "false|False"}, []string{"false"}, 1,
				"Exports neutralise formula-like cells so spreadsheets show them as text."},
		}},
}
