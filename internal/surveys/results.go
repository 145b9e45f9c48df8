package surveys

import (
	"cmp"
	"slices"
	"strconv"
	"time"
)

// Response is one answer as the results read it.
type Response struct {
	Partner, PartnerName string
	Score                int
	Comment              string
	Answers              map[string]string
	Created              time.Time
}

// Counts are the answers of a set by band.
type Counts struct {
	Promoters, Passives, Detractors int
}

// Add counts one score.
func (c *Counts) Add(score int) {
	switch Band(score) {
	case Promoter:
		c.Promoters++
	case Passive:
		c.Passives++
	case Detractor:
		c.Detractors++
	}
}

// Total is the number of answers counted.
func (c Counts) Total() int { return c.Promoters + c.Passives + c.Detractors }

// NPS is the set's score (ok false when empty).
func (c Counts) NPS() (float64, bool) { return NPS(c.Promoters, c.Passives, c.Detractors) }

// Share is n as a percentage of the total, rounded to a whole number (0
// when empty).
func (c Counts) Share(n int) int {
	if c.Total() == 0 {
		return 0
	}
	return int(float64(n)/float64(c.Total())*100 + 0.5)
}

// Comment is one comment shown in the results.
type Comment struct {
	Score   int
	Text    string
	Created time.Time
}

// Group is the answers of one partner (Partner "" for the group of partners
// too small to be named).
type Group struct {
	Partner, Name string
	Respondents   int
	Counts        Counts
	Comments      []Comment
	// More counts the comments Trim left out.
	More int
}

// OptionCount is how often one option or scale point was chosen.
type OptionCount struct {
	Label string
	Count int
}

// QuestionSummary sums up the answers to one custom question: counts per
// option or scale point, the mean of a scale, and the texts (never with a
// partner's name).
type QuestionSummary struct {
	Question
	Answered int
	Options  []OptionCount
	Mean     float64
	Texts    []string
}

// Results are a survey's aggregated answers.
type Results struct {
	Counts
	// Distribution counts the answers per score 0–10.
	Distribution [11]int
	// Groups are the partners with at least MinGroup respondents, by name;
	// Other gathers the rest without any partner name (Partners says how
	// many partners it hides).
	Groups        []Group
	Other         Group
	OtherPartners int
	Questions     []QuestionSummary
	// MoreGroups counts the named groups Trim left out.
	MoreGroups int
}

// Trim keeps a page readable at any size: at most maxGroups named groups
// (in their order), perGroup comments in each and other comments in the
// unnamed group (newest first), counting what it leaves out. The CSV
// export has everything.
func (r *Results) Trim(maxGroups, perGroup, other int) {
	if len(r.Groups) > maxGroups {
		r.MoreGroups = len(r.Groups) - maxGroups
		r.Groups = r.Groups[:maxGroups]
	}
	for i := range r.Groups {
		if g := &r.Groups[i]; len(g.Comments) > perGroup {
			g.More = len(g.Comments) - perGroup
			g.Comments = g.Comments[:perGroup]
		}
	}
	if len(r.Other.Comments) > other {
		r.Other.More = len(r.Other.Comments) - other
		r.Other.Comments = r.Other.Comments[:other]
	}
}

// maxTexts bounds the texts listed per question.
const maxTexts = 200

// Aggregator builds Results from a stream of responses.
type Aggregator struct {
	qs     []Question
	res    Results
	groups map[string]*Group
	sums   []int
}

// NewAggregator starts the results of a survey with questions qs.
func NewAggregator(qs []Question) *Aggregator {
	a := &Aggregator{qs: qs, groups: map[string]*Group{}, sums: make([]int, len(qs))}
	for _, q := range qs {
		s := QuestionSummary{Question: q}
		switch q.Kind {
		case KindChoice:
			for _, o := range q.Options {
				s.Options = append(s.Options, OptionCount{Label: o})
			}
		case KindScale:
			for i := 1; i <= 5; i++ {
				s.Options = append(s.Options, OptionCount{Label: strconv.Itoa(i)})
			}
		}
		a.res.Questions = append(a.res.Questions, s)
	}
	return a
}

// Add counts one response.
func (a *Aggregator) Add(r Response) {
	if Band(r.Score) == "" {
		return
	}
	a.res.Counts.Add(r.Score)
	a.res.Distribution[r.Score]++
	g := a.groups[r.Partner]
	if g == nil {
		g = &Group{Partner: r.Partner, Name: r.PartnerName}
		a.groups[r.Partner] = g
	}
	g.Respondents++
	g.Counts.Add(r.Score)
	if r.Comment != "" {
		g.Comments = append(g.Comments, Comment{Score: r.Score, Text: r.Comment, Created: r.Created})
	}
	for i, q := range a.qs {
		v := r.Answers[q.ID]
		if v == "" {
			continue
		}
		s := &a.res.Questions[i]
		s.Answered++
		switch q.Kind {
		case KindText:
			if len(s.Texts) < maxTexts {
				s.Texts = append(s.Texts, v)
			}
		case KindChoice, KindScale:
			for j := range s.Options {
				if s.Options[j].Label == v {
					s.Options[j].Count++
				}
			}
			if n, err := strconv.Atoi(v); err == nil && q.Kind == KindScale {
				a.sums[i] += n
			}
		}
	}
}

// Results returns the aggregate: partners with MinGroup or more respondents
// by name (alphabetically), the others merged into Other with no name, and
// comments newest first.
func (a *Aggregator) Results() Results {
	res := a.res
	res.Groups = nil
	res.Other = Group{}
	res.OtherPartners = 0
	for _, g := range a.groups {
		if g.Respondents >= MinGroup {
			gg := *g
			gg.Comments = slices.Clone(g.Comments)
			res.Groups = append(res.Groups, gg)
			continue
		}
		res.OtherPartners++
		res.Other.Respondents += g.Respondents
		res.Other.Counts.Promoters += g.Counts.Promoters
		res.Other.Counts.Passives += g.Counts.Passives
		res.Other.Counts.Detractors += g.Counts.Detractors
		res.Other.Comments = append(res.Other.Comments, g.Comments...)
	}
	slices.SortFunc(res.Groups, func(x, y Group) int { return cmp.Or(cmp.Compare(x.Name, y.Name), cmp.Compare(x.Partner, y.Partner)) })
	newest := func(x, y Comment) int { return y.Created.Compare(x.Created) }
	for i := range res.Groups {
		slices.SortStableFunc(res.Groups[i].Comments, newest)
	}
	slices.SortStableFunc(res.Other.Comments, newest)
	res.Questions = slices.Clone(a.res.Questions)
	for i, q := range a.qs {
		if q.Kind == KindScale && res.Questions[i].Answered > 0 {
			res.Questions[i].Mean = float64(a.sums[i]) / float64(res.Questions[i].Answered)
		}
	}
	return res
}
