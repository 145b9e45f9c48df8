package deals

import (
	"encoding/json"
	"errors"
	"math"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/branding"
)

// DefaultProtectionDays is the protection window until an admin sets one.
const DefaultProtectionDays = 90

// DefaultProbabilities are the stage win probabilities (percent) until an
// admin sets them.
var DefaultProbabilities = map[string]int{StageRegistered: 10, StageQualified: 25, StageProposal: 50, StageNegotiation: 75}

// Settings are the deal settings of the portal's settings record.
type Settings struct {
	BaseCurrency   string
	ProtectionDays int
	Probabilities  map[string]int // open stage → percent
}

// LoadSettings reads the deal settings, with defaults for what is unset.
func LoadSettings(app core.App) Settings {
	s := Settings{BaseCurrency: branding.Defaults.Currency, ProtectionDays: DefaultProtectionDays,
		Probabilities: map[string]int{}}
	for k, v := range DefaultProbabilities {
		s.Probabilities[k] = v
	}
	recs, err := app.FindRecordsByFilter("settings", "", "", 1, 0)
	if err != nil || len(recs) == 0 {
		return s
	}
	// The same rule as branding.Load, without its second read.
	if c := recs[0].GetString("base_currency"); len(c) == 3 {
		s.BaseCurrency = c
	}
	if d := recs[0].GetInt("deal_protection_days"); d > 0 {
		s.ProtectionDays = d
	}
	var probs map[string]int
	if raw := recs[0].GetString("stage_probabilities"); raw != "" && json.Unmarshal([]byte(raw), &probs) == nil {
		for _, st := range OpenStages {
			if p, ok := probs[st]; ok && p >= 0 && p <= 100 {
				s.Probabilities[st] = p
			}
		}
	}
	return s
}

// ProtectionUntil is the end of the protection window of a deal approved at
// t.
func (s Settings) ProtectionUntil(t time.Time) time.Time {
	return t.UTC().AddDate(0, 0, s.ProtectionDays)
}

// ErrUnknownCurrency means a currency is neither the base currency nor in
// the rates table.
var ErrUnknownCurrency = errors.New("deals: unknown currency")

// Rate returns how many units of the base currency one unit of currency is
// worth: 1 for the base currency, the rates table's rate otherwise.
func Rate(app core.App, base, currency string) (float64, error) {
	if currency == base {
		return 1, nil
	}
	var rate float64
	err := app.DB().Select("rate").From("currency_rates").
		Where(dbx.HashExp{"currency": currency}).Limit(1).Row(&rate)
	if err != nil || rate <= 0 {
		return 0, ErrUnknownCurrency
	}
	return rate, nil
}

// ToBase converts amount at rate into the base currency, rounded to cents.
func ToBase(amount, rate float64) float64 {
	return math.Round(amount*rate*100) / 100
}

// Currencies lists the currencies a deal may be registered in: the base
// currency first, then the rates table's in alphabetical order.
func Currencies(app core.App, base string) []string {
	out := []string{base}
	var rest []string
	_ = app.DB().Select("currency").From("currency_rates").OrderBy("currency").Column(&rest)
	for _, c := range rest {
		if c != base {
			out = append(out, c)
		}
	}
	return out
}
