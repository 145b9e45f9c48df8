package seed

import (
	"fmt"
	"time"

	"github.com/ponte-portal/ponte/internal/training"
)

// activityKinds are the events generated, with their weights per thousand.
var activityKinds = []struct {
	kind   string
	weight float64
}{
	{"user.login", 300}, {"document.downloaded", 180}, {"announcement.read", 120}, {"forum.post_created", 70},
	{"forum.thread_created", 15}, {"conversation.message", 80}, {"document.acknowledged", 15},
	{"announcement.acknowledged", 15}, {"training.enrolled", 40}, {"training.lesson_completed", 90},
	{"training.quiz_started", 20}, {"training.quiz_submitted", 20}, {"training.quiz_passed", 14},
	{"training.course_completed", 15}, {"user.profile_updated", 6},
}

// event writes one activity row.
func (g *gen) event(user, partner, kind, targetCollection, targetID string, at time.Time) error {
	g.counts.activity++
	return g.w.add("activity", g.id("y"), user, partner, kind, targetCollection, targetID, stamp(at))
}

func (g *gen) genCertificates() error {
	var existing []struct {
		ID     string `db:"id"`
		Months int    `db:"validity_months"`
	}
	if err := g.app.DB().NewQuery("SELECT id, validity_months FROM certifications ORDER BY name").All(&existing); err != nil {
		return err
	}
	for _, e := range existing {
		g.certs = append(g.certs, struct {
			id     string
			months int
		}{e.ID, e.Months})
	}
	if len(g.certs) == 0 {
		for i, c := range []struct {
			name   string
			months int
		}{{"Ponte Certified Associate", 24}, {"Ponte Certified Professional", 24}, {"Ponte Sales Specialist", 12}} {
			id := g.id("x")
			g.certs = append(g.certs, struct {
				id     string
				months int
			}{id, c.months})
			desc := fmt.Sprintf("Certificação %d do programa de parceiros.", i+1)
			if err := g.w.add("certifications", id, c.name, desc, "<p>"+desc+"</p>", c.months, "[]",
				stamp(g.start), stamp(g.start)); err != nil {
				return err
			}
		}
	}
	if len(g.users) == 0 {
		return nil
	}
	last := g.end().Add(-time.Second)
	n := len(g.users) * 15 / 100
	for range n {
		ui := g.pick(g.userCum)
		if g.userCum[len(g.userCum)-1] == 0 {
			ui = g.r.IntN(len(g.users))
		}
		u := g.users[ui]
		part := g.partners[u.partner]
		cert := g.certs[g.r.IntN(len(g.certs))]
		issued := g.when()
		if g.r.IntN(100) < 35 { // certified before the history begins
			issued = issued.AddDate(-1, 0, 0)
		}
		id := g.id("c")
		var expires, revoked, revokedBy, reason string
		status := "valid"
		if exp := training.Expiry(issued, cert.months); !exp.IsZero() {
			expires = stamp(exp)
			if exp.Before(last.Truncate(24 * time.Hour)) {
				status = "expired"
			}
		}
		if status == "valid" && g.r.IntN(100) < 8 {
			from := issued
			if from.Before(g.start) {
				from = g.start
			}
			at := from.Add(time.Duration(g.r.Int64N(int64(last.Sub(from)) + 1)))
			status, revoked, revokedBy, reason = "revoked", stamp(at), g.managers[part.manager], "Fraude na prova"
		}
		code := make([]byte, training.CodeLength)
		const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
		for i := range code {
			code[i] = alphabet[g.r.IntN(len(alphabet))]
		}
		if err := g.w.add("certificates", id, u.id, part.id, cert.id, u.name, part.name, string(code), stamp(issued),
			expires, status, revoked, revokedBy, reason, "", "", stamp(issued), stamp(issued)); err != nil {
			return err
		}
		g.counts.certificates++
		if !issued.Before(g.start) {
			if err := g.event(u.id, part.id, "training.certificate_issued", "certificates", id, issued); err != nil {
				return err
			}
		}
		if revoked != "" {
			at, _ := time.Parse("2006-01-02 15:04:05.000Z", revoked)
			if err := g.event(revokedBy, part.id, "training.certificate_revoked", "certificates", id, at); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *gen) genActivity() error {
	if len(g.users) == 0 || g.userCum[len(g.userCum)-1] == 0 {
		return nil
	}
	kw := make([]float64, len(activityKinds))
	for i, k := range activityKinds {
		kw[i] = k.weight
		if i > 0 {
			kw[i] += kw[i-1]
		}
	}
	bodies := []string{"Olá! Podemos falar sobre a renovação?", "Segue a proposta revisada.", "Obrigado pelo retorno.",
		"Thanks, we will review it this week.", "¿Podemos agendar una llamada?"}
	for g.counts.activity < g.o.Events {
		ui := g.pick(g.userCum)
		u := g.users[ui]
		part := g.partners[u.partner]
		kind := activityKinds[g.pick(kw)].kind
		at := g.when()
		user, partner, targetC, targetID := u.id, part.id, "", ""
		if kind == "conversation.message" && len(part.convs) > 0 {
			if g.r.IntN(4) == 0 { // the channel manager answers: staff have no partner
				user, partner = g.managers[part.manager], ""
			}
			targetC, targetID = "messages", g.id("g")
			body := bodies[g.r.IntN(len(bodies))]
			if err := g.w.add("messages", targetID, part.convs[g.r.IntN(len(part.convs))], user, body,
				"<p>"+body+"</p>", "[]", stamp(at)); err != nil {
				return err
			}
		}
		if err := g.event(user, partner, kind, targetC, targetID, at); err != nil {
			return err
		}
	}
	return nil
}
