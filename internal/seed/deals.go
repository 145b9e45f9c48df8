package seed

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ponte-portal/ponte/internal/deals"
)

// dealState is a deal's stage, status and amount in the base currency.
type dealState struct {
	stage, status string
	amountBase    float64
}

// dealEvent is one history row being generated.
type dealEvent struct {
	at       time.Time
	user     string
	from, to dealState
}

// customer is the c-th customer of the pool deals are drawn from; several
// partners meet the same customers, which makes conflicts. The keys are the
// deals package's normalisation, so a deal registered in the portal finds
// its conflicts among the generated ones.
func (g *gen) customer(c int, tld string) (name, domain, key, domainKey string) {
	head := customerHeads[c%len(customerHeads)]
	last := lastNames[(c/len(customerHeads))%len(lastNames)]
	n := c / (len(customerHeads) * len(lastNames))
	core := head + " " + last
	if n > 0 {
		core += fmt.Sprintf(" %d", n+1)
	}
	suffix := customerSuffixes[c%len(customerSuffixes)]
	name = strings.TrimSpace(core + " " + suffix)
	domain = strings.ReplaceAll(slugify(core), "-", "") + "." + tld
	return name, domain, deals.CustomerKey(name), deals.DomainKey(domain)
}

func (g *gen) genDeals() error {
	if g.o.Deals == 0 || g.dealCum[len(g.dealCum)-1] == 0 {
		return nil
	}
	end := g.end()
	// Most deals are with a customer nobody else registered; one in seven
	// is with one of a smaller pool that several partners court, which is
	// where conflicts come from.
	shared := max(1, g.o.Deals/10)
	type owner struct {
		deal    string
		partner int32
	}
	lastApproved := make([]owner, shared) // a shared customer's last approved deal
	for k := range g.o.Deals {
		pi := g.pick(g.dealCum)
		part := &g.partners[pi]
		c := countries[part.country]
		submitter := g.users[part.people[g.r.IntN(len(part.people))]].id
		manager := g.managers[part.manager]
		dealID := g.id("d")
		ci := shared + k
		if g.r.IntN(7) == 0 {
			ci = g.r.IntN(shared)
		}
		name, domain, key, domainKey := g.customer(ci, c.tld)
		conflictWith := ""
		if ci < shared {
			if o := lastApproved[ci]; o.deal != "" && o.partner != int32(pi) {
				conflictWith = o.deal
			}
		}
		// Amount: log-normal around 15,000 USD, in the partner's currency.
		usd := math.Min(math.Max(math.Exp(9.6+1.0*g.r.NormFloat64()), 500), 5e6)
		amount := math.Round(usd*brlPer["USD"]/brlPer[c.currency]*100) / 100
		rate := g.rates[c.currency]
		base := func(a float64) float64 { return math.Round(a*rate*100) / 100 }

		submitted := g.when()
		st := dealState{"registered", "pending", base(amount)}
		events := []dealEvent{{at: submitted, user: submitter, to: st}}
		move := func(at time.Time, user string, to dealState) {
			events = append(events, dealEvent{at: at, user: user, from: st, to: to})
			st = to
		}
		after := func(t time.Time, minDays, maxDays int) time.Time {
			return t.Add(time.Duration(minDays)*24*time.Hour + time.Duration(g.r.Int64N(int64(maxDays-minDays+1)*24*int64(time.Hour))))
		}
		var decidedBy, reason string
		var decided, protection, closed time.Time
		t := after(submitted, 0, 5)
		x := g.r.IntN(100)
		switch {
		case !t.Before(end):
		case x < 12 || (conflictWith != "" && x < 60):
			decidedBy, decided, reason = manager, t, lossReasons[g.r.IntN(len(lossReasons))]
			move(t, manager, dealState{st.stage, "rejected", st.amountBase})
		case x < 92:
			decidedBy, decided = manager, t
			protection = t.AddDate(0, 0, 90)
			move(t, manager, dealState{st.stage, "approved", st.amountBase})
			if ci < shared {
				lastApproved[ci] = owner{dealID, int32(pi)}
			}
			conflictWith = ""
			lose := []int{10, 15, 20, 40}
			for i, next := range []string{"qualified", "proposal", "negotiation", "won"} {
				t = after(t, 3, 35)
				if !t.Before(end) {
					break
				}
				if g.r.IntN(100) < 12 { // the amount is revised on the way
					amount = math.Round(amount*(0.7+0.6*g.r.Float64())*100) / 100
					move(t, submitter, dealState{st.stage, st.status, base(amount)})
					t = after(t, 0, 3)
					if !t.Before(end) {
						break
					}
				}
				if g.r.IntN(100) < lose[i] {
					move(t, submitter, dealState{"lost", st.status, st.amountBase})
					closed = t
					break
				}
				move(t, submitter, dealState{next, st.status, st.amountBase})
				if next == "won" {
					closed = t
				}
			}
			// Open deals nobody touched through the protection window expire.
			if closed.IsZero() && protection.Before(end) && events[len(events)-1].at.Before(protection) && g.r.IntN(2) == 0 {
				move(protection, "", dealState{st.stage, "expired", st.amountBase})
			}
		}
		expected := submitted.AddDate(0, 0, 30+g.r.IntN(150))
		opt := func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return stamp(t)
		}
		last := events[len(events)-1].at
		if err := g.w.add("deals", dealID, part.id, submitter, name, domain, c.code, key, domainKey,
			products[g.r.IntN(len(products))], amount, c.currency, st.amountBase, st.stage, st.status,
			stamp(expected), stamp(submitted), opt(protection), opt(closed), "", decidedBy, opt(decided), reason,
			conflictWith != "", conflictWith, stamp(submitted), stamp(last)); err != nil {
			return err
		}
		g.counts.deals++
		for _, ev := range events {
			if err := g.w.add("deal_events", g.id("e"), dealID, part.id, ev.user, ev.from.stage, ev.to.stage,
				ev.from.status, ev.to.status, ev.from.amountBase, ev.to.amountBase, "", stamp(ev.at), stamp(ev.at)); err != nil {
				return err
			}
			g.counts.dealEvents++
		}
	}
	return nil
}
