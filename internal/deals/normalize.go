// Package deals holds the rules of deal registration that hooks and pages
// share: the normalised customer keys conflicts are found by, the stage and
// status moves each kind of actor may make, currency conversion to the
// portal's base currency and the deal settings.
package deals

import (
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// companySuffixes are legal-form endings dropped from a customer name, as
// token sequences after punctuation has been folded (dots and slashes are
// removed, so "S.A." and "S/A" are both "sa"). Longer sequences come first.
var companySuffixes = [][]string{
	{"s", "de", "rl", "de", "cv"},
	{"sa", "de", "cv"},
	{"sab", "de", "cv"},
	{"sapi", "de", "cv"},
	{"ltda", "me"},
	{"ltda", "epp"},
	{"pty", "ltd"},
	{"e", "cia"},
	{"and", "co"},
	{"ltda"}, {"eireli"}, {"sa"}, {"inc"}, {"incorporated"}, {"llc"}, {"ltd"},
	{"limited"}, {"gmbh"}, {"corp"}, {"corporation"}, {"co"}, {"company"},
	{"lda"}, {"me"}, {"epp"}, {"mei"}, {"sl"}, {"sas"}, {"plc"}, {"ag"},
	{"bv"}, {"nv"}, {"srl"}, {"spa"}, {"sarl"}, {"llp"}, {"lp"}, {"cia"},
}

// accents strips combining marks after canonical decomposition
// ("Açaí" → "Acai").
func stripAccents(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}

// CustomerKey normalises a customer's name into the key conflicts are found
// by: lower case, accents removed, punctuation and extra spaces dropped, a
// leading "the" and trailing company suffixes (Ltda, S.A., Inc., LLC, GmbH,
// S.A. de C.V. …) removed. "Açaí Indústria Ltda." and "ACAI INDUSTRIA S/A"
// give the same key; "Acme" and "Acmex" do not. A name that is nothing but
// a suffix keeps it, so the key is never empty for a non-empty name.
func CustomerKey(name string) string {
	s := strings.ToLower(stripAccents(name))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '.' || r == '/' || r == '\'' || r == '’':
			// Joined: "s.a." → "sa", "s/a" → "sa", "o'neil" → "oneil".
		case r == '&':
			b.WriteString(" and ")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	tokens := strings.Fields(b.String())
	if len(tokens) > 1 && tokens[0] == "the" {
		tokens = tokens[1:]
	}
	for len(tokens) > 1 {
		cut := 0
		for _, suf := range companySuffixes {
			if len(suf) < len(tokens) && hasSuffix(tokens, suf) {
				cut = len(suf)
				break
			}
		}
		if cut == 0 {
			break
		}
		tokens = tokens[:len(tokens)-cut]
	}
	key := strings.Join(tokens, " ")
	if len(key) > 200 {
		key = key[:200]
	}
	return key
}

func hasSuffix(tokens, suf []string) bool {
	off := len(tokens) - len(suf)
	for i, s := range suf {
		if tokens[off+i] != s {
			return false
		}
	}
	return true
}

// CleanDomain reduces what a user typed as a customer's web address
// ("https://www.Acme.com.br:443/contato") to its lower-case host name
// ("acme.com.br"): scheme, user info, port, path, query and a leading
// "www." are dropped and international names are turned into their ASCII
// form. It returns "" and false when what remains is not a valid host name
// with a public suffix.
func CleanDomain(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", false
	}
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, "@"); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.LastIndex(s, ":"); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, ".")
	for _, p := range []string{"www.", "www2.", "www3."} {
		s = strings.TrimPrefix(s, p)
	}
	ascii, err := idna.Lookup.ToASCII(s)
	if err != nil || len(ascii) > 253 {
		return "", false
	}
	labels := strings.Split(ascii, ".")
	if len(labels) < 2 {
		return "", false
	}
	for _, l := range labels {
		if !validLabel(l) {
			return "", false
		}
	}
	tld := labels[len(labels)-1]
	for _, r := range tld {
		if r < 'a' || r > 'z' {
			if !strings.HasPrefix(tld, "xn--") {
				return "", false
			}
		}
	}
	suffix, _ := publicsuffix.PublicSuffix(ascii)
	if suffix == ascii {
		return "", false // a bare public suffix such as "com.br"
	}
	return ascii, true
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// DomainKey normalises a customer's web address into the key conflicts are
// found by: the registrable name without its public suffix, so acme.com,
// www.acme.com.br, acme.co.uk, acme.com.mx and https://sales.acme.com/x all
// give "acme". It returns "" for an empty or invalid address.
func DomainKey(domain string) string {
	host, ok := CleanDomain(domain)
	if !ok {
		return ""
	}
	suffix, _ := publicsuffix.PublicSuffix(host)
	rest := strings.TrimSuffix(strings.TrimSuffix(host, suffix), ".")
	if i := strings.LastIndex(rest, "."); i >= 0 {
		rest = rest[i+1:]
	}
	return rest
}
