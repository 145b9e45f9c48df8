package i18n

import (
	"math"
	"strconv"
	"strings"
	"time"
)

var monthsEN = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
var monthsPT = []string{"jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."}

// Date formats a day: "Nov 27, 2026" in English, "27/11/2026" in Portuguese.
func Date(locale string, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if locale == PTBR {
		return t.Format("02/01/2006")
	}
	return monthsEN[t.Month()-1] + " " + strconv.Itoa(t.Day()) + ", " + strconv.Itoa(t.Year())
}

// LongDate formats a day with the month's name: "27 de nov. de 2026".
func LongDate(locale string, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if locale == PTBR {
		return strconv.Itoa(t.Day()) + " de " + monthsPT[t.Month()-1] + " de " + strconv.Itoa(t.Year())
	}
	return Date(locale, t)
}

// DateTime formats a moment with a 24 h (pt-BR) or 12 h (en) clock.
func DateTime(locale string, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if locale == PTBR {
		return t.Format("02/01/2006 15:04")
	}
	return Date(locale, t) + ", " + t.Format("3:04 PM")
}

// separators returns the thousands and decimal separators of a locale.
func separators(locale string) (thousands, decimal string) {
	if locale == PTBR {
		return ".", ","
	}
	return ",", "."
}

// Number formats f with the given decimals and the locale's separators:
// 1234.5 → "1,234.50" (en) or "1.234,50" (pt-BR).
func Number(locale string, f float64, decimals int) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "—"
	}
	thousands, decimal := separators(locale)
	neg := f < 0
	s := strconv.FormatFloat(math.Abs(f), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += decimal + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// Int formats a whole number with the locale's thousands separator.
func Int(locale string, n int64) string { return Number(locale, float64(n), 0) }

var currencySymbols = map[string]string{"BRL": "R$", "USD": "US$", "EUR": "€", "MXN": "MX$", "GBP": "£"}

// Money formats an amount in a currency the way the locale writes it:
// "R$ 1.234,50" (pt-BR), "R$1,234.50" (en). In English the US dollar is "$".
func Money(locale string, amount float64, currency string) string {
	currency = strings.ToUpper(currency)
	sym, ok := currencySymbols[currency]
	if !ok {
		sym = currency
	}
	if locale == EN && currency == "USD" {
		sym = "$"
	}
	n := Number(locale, math.Abs(amount), 2)
	sign := ""
	if amount < 0 {
		sign = "-"
	}
	if locale == PTBR {
		return sign + sym + "\u00a0" + n
	}
	return sign + sym + n
}

// Ago says how long before now t was, in the locale's words: "just now",
// "5 minutes ago", "yesterday", "3 days ago", or the date beyond a week.
func Ago(locale string, t, now time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return T(locale, "ago.now")
	case d < time.Hour:
		return plural(locale, "ago.minutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return plural(locale, "ago.hours", int(d/time.Hour))
	case d < 48*time.Hour:
		return T(locale, "ago.yesterday")
	case d < 7*24*time.Hour:
		return plural(locale, "ago.days", int(d/(24*time.Hour)))
	}
	return Date(locale, t)
}

// plural picks key.one or key.other for n and formats n into it.
func plural(locale, key string, n int) string {
	if n == 1 {
		return T(locale, key+".one", Int(locale, 1))
	}
	return T(locale, key+".other", Int(locale, int64(n)))
}

// Bytes formats a size with a binary unit ("1.5 MB", "1,5 MB").
func Bytes(locale string, n int64) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	decimals := 1
	if i == 0 || f >= 100 {
		decimals = 0
	}
	return Number(locale, f, decimals) + " " + units[i]
}
