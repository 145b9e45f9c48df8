// Package i18n holds the message catalogues (en, pt-BR) and locale-aware
// formatting of dates, numbers and money. Every user-facing string goes
// through T; a test fails when a key is missing from either catalogue.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Supported locales, default first.
const (
	EN   = "en"
	PTBR = "pt-BR"
)

// Locales lists the supported locales in the order the switcher shows them.
var Locales = []string{PTBR, EN}

//go:embed locales/*.json
var files embed.FS

var catalogues = map[string]map[string]string{}

// init loads every catalogue file. A locale's messages may be split across
// files by feature area: "en.json" and "documents.en.json" both belong to
// "en". A key defined twice for one locale is a start-up error.
func init() {
	for _, loc := range Locales {
		catalogues[loc] = map[string]string{}
	}
	entries, err := files.ReadDir("locales")
	if err != nil {
		panic(err)
	}
	for _, ent := range entries {
		name := strings.TrimSuffix(ent.Name(), ".json")
		loc := name[strings.LastIndex(name, ".")+1:]
		cat, ok := catalogues[loc]
		if !ok {
			panic(fmt.Sprintf("i18n: %s: unknown locale %q", ent.Name(), loc))
		}
		raw, err := files.ReadFile("locales/" + ent.Name())
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(raw, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s: %v", ent.Name(), err))
		}
		for k, v := range m {
			if _, dup := cat[k]; dup {
				panic(fmt.Sprintf("i18n: %s: key %q is defined twice for %s", ent.Name(), k, loc))
			}
			cat[k] = v
		}
	}
}

// Normalize returns a supported locale for any spelling ("pt", "pt_br",
// "PT-BR", "en-GB"), or "" when there is no match.
func Normalize(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.ReplaceAll(s, "_", "-")))
	switch {
	case s == "":
		return ""
	case s == "pt" || strings.HasPrefix(s, "pt-"):
		return PTBR
	case s == "en" || strings.HasPrefix(s, "en-"):
		return EN
	}
	return ""
}

// FromAcceptLanguage picks the best supported locale from an Accept-Language
// header, honouring q-values, or "" when none is supported.
func FromAcceptLanguage(header string) string {
	type cand struct {
		loc string
		q   float64
		pos int
	}
	var cands []cand
	for i, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				q = 0
			}
		}
		if loc := Normalize(tag); loc != "" && q > 0 {
			cands = append(cands, cand{loc, q, i})
		}
		if i > 32 { // a header this long is not a browser's
			break
		}
	}
	sort.SliceStable(cands, func(a, b int) bool { return cands[a].q > cands[b].q })
	if len(cands) == 0 {
		return ""
	}
	return cands[0].loc
}

// T translates key into locale, formatting args with fmt verbs in the message.
// An unknown locale falls back to English; an unknown key returns the key so a
// gap is visible rather than blank.
func T(locale, key string, args ...any) string {
	cat, ok := catalogues[locale]
	if !ok {
		cat = catalogues[EN]
	}
	msg, ok := cat[key]
	if !ok {
		msg, ok = catalogues[EN][key]
		if !ok {
			return key
		}
	}
	if len(args) > 0 && strings.Contains(msg, "%") {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether key exists in locale's catalogue.
func Has(locale, key string) bool {
	_, ok := catalogues[locale][key]
	return ok
}

// Keys returns the sorted keys of one locale's catalogue.
func Keys(locale string) []string {
	keys := make([]string, 0, len(catalogues[locale]))
	for k := range catalogues[locale] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
