package applications

import (
	"github.com/ponte-portal/ponte/internal/i18n"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Field limits, in characters (the schema's).
const (
	MaxCompany = 200
	MaxName    = 120
	MaxEmail   = 254
	MaxWebsite = 300
	MaxPhone   = 40
	MaxMessage = 5000
	MinMessage = 20
	MaxReason  = 2000
	MinReason  = 10
)

// Input is what the public form sends.
type Input struct {
	Company, Country, Website, ContactName, ContactEmail, Phone, Message string
	Consent                                                              bool
}

// FieldError is a refusal beside one field: an i18n key and its arguments.
type FieldError struct {
	Key  string
	Args []any
}

var phonePattern = regexp.MustCompile(`^\+?[0-9 ().\-]{6,40}$`)

// Normalize trims the input and lower-cases the e-mail address.
func Normalize(in Input) Input {
	in.Company = collapse(in.Company)
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	in.Website = strings.TrimSpace(in.Website)
	if in.Website != "" && !strings.Contains(in.Website, "://") {
		in.Website = "https://" + in.Website
	}
	in.ContactName = collapse(in.ContactName)
	in.ContactEmail = strings.ToLower(strings.TrimSpace(in.ContactEmail))
	in.Phone = strings.TrimSpace(in.Phone)
	in.Message = strings.TrimSpace(in.Message)
	return in
}

// collapse trims s and folds runs of white space (and line breaks) into one
// space: names are one line.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// Validate checks a normalised input and returns the errors by form field
// (company, country, website, contact_name, contact_email, phone, message,
// consent); empty means valid.
func Validate(in Input) map[string]FieldError {
	errs := map[string]FieldError{}
	text := func(field, v string, min, max int, required bool) {
		n := utf8.RuneCountInString(v)
		switch {
		case n == 0 && required:
			errs[field] = FieldError{Key: "validation.required"}
		case n > max:
			errs[field] = FieldError{Key: "applications.error.too_long", Args: []any{max}}
		case n > 0 && n < min:
			errs[field] = FieldError{Key: "applications.error.too_short", Args: []any{min}}
		}
	}
	text("company", in.Company, 2, MaxCompany, true)
	text("contact_name", in.ContactName, 2, MaxName, true)
	text("message", in.Message, MinMessage, MaxMessage, true)
	text("phone", in.Phone, 0, MaxPhone, false)
	if _, ok := errs["phone"]; !ok && in.Phone != "" && !phonePattern.MatchString(in.Phone) {
		errs["phone"] = FieldError{Key: "applications.error.phone"}
	}
	switch {
	case in.Country == "":
		errs["country"] = FieldError{Key: "validation.required"}
	case !i18n.IsCountry(in.Country):
		errs["country"] = FieldError{Key: "applications.error.country"}
	}
	switch {
	case in.ContactEmail == "":
		errs["contact_email"] = FieldError{Key: "validation.required"}
	case len(in.ContactEmail) > MaxEmail:
		errs["contact_email"] = FieldError{Key: "applications.error.too_long", Args: []any{MaxEmail}}
	case !ValidEmail(in.ContactEmail):
		errs["contact_email"] = FieldError{Key: "validation.is_email"}
	}
	switch {
	case in.Website == "":
		errs["website"] = FieldError{Key: "validation.required"}
	case utf8.RuneCountInString(in.Website) > MaxWebsite:
		errs["website"] = FieldError{Key: "applications.error.too_long", Args: []any{MaxWebsite}}
	case !validWebsite(in.Website):
		errs["website"] = FieldError{Key: "validation.invalid_url"}
	}
	if !in.Consent {
		errs["consent"] = FieldError{Key: "applications.error.consent"}
	}
	return errs
}

// ValidEmail reports whether s is a plain address ("name@host", no display
// name), as invitations require.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && !strings.ContainsAny(s, " <>\"")
}

func validWebsite(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.User == nil &&
		strings.Contains(u.Hostname(), ".") && !strings.ContainsAny(u.Host, " ")
}

// companySuffixes are legal-form words left out of a company's key, so that
// "Acme Ltda." and "ACME" are one company.
var companySuffixes = []string{"ltda", "ltd", "sa", "s/a", "inc", "llc", "me", "eireli", "epp", "gmbh", "corp", "co", "sl", "sas", "srl", "limited", "lda"}

// CompanyKey is the form of a company name that open duplicates are found
// by: lower case, accents and dots dropped, other punctuation as spaces,
// legal suffixes ("Ltda.", "S.A.", "Inc") removed.
func CompanyKey(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '.':
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/':
			b.WriteRune(r)
		default:
			b.WriteRune(' ')
		}
	}
	words := strings.Fields(b.String())
	for len(words) > 1 && slices.Contains(companySuffixes, words[len(words)-1]) {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}
