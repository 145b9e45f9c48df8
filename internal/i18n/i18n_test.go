package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestCataloguesAreComplete fails when a key exists in one language only, a
// message is empty, or the two languages disagree on format verbs.
func TestCataloguesAreComplete(t *testing.T) {
	verbs := regexp.MustCompile(`%[sdvqf]`)
	for _, a := range Locales {
		for _, b := range Locales {
			for _, k := range Keys(a) {
				if !Has(b, k) {
					t.Errorf("key %q is in %s but missing in %s", k, a, b)
				}
			}
		}
		for _, k := range Keys(a) {
			if strings.TrimSpace(T(a, k)) == "" {
				t.Errorf("%s: %q is empty", a, k)
			}
			if got, want := verbs.FindAllString(catalogues[a][k], -1), verbs.FindAllString(catalogues[EN][k], -1); strings.Join(got, "") != strings.Join(want, "") {
				t.Errorf("%s: %q has verbs %v, en has %v", a, k, got, want)
			}
		}
	}
}

// keyUses finds catalogue keys in templates and Go sources: `.T "key"`,
// `.N "key"` (plural: key.one and key.other), tr(loc, "key"), u.t(e, "key"),
// i18n.T(x, "key") and flash keys.
var keyUses = []*regexp.Regexp{
	regexp.MustCompile(`\.T "([a-z0-9_.]*[a-z0-9_])"`),
	regexp.MustCompile(`\btr\([a-zA-Z.()]+, "([a-z0-9_.]*[a-z0-9_])"`),
	regexp.MustCompile(`\bu\.t\(e, "([a-z0-9_.]*[a-z0-9_])"`),
	regexp.MustCompile(`\bi18n\.T\([a-zA-Z.]+, "([a-z0-9_.]*[a-z0-9_])"`),
	regexp.MustCompile(`\bp\.T\("([a-z0-9_.]*[a-z0-9_])"`),
	regexp.MustCompile(`"(flash\.[a-z_]+)"`),
}
var pluralUse = regexp.MustCompile(`\.N "([a-z0-9_.]*[a-z0-9_])"`)

// TestEveryUsedKeyExists scans the portal's templates and Go code for keys.
func TestEveryUsedKeyExists(t *testing.T) {
	root := filepath.Join("..", "..")
	used := 0
	for _, dir := range []string{"ui", "hooks", "internal"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") ||
				!(strings.HasSuffix(p, ".go") || strings.HasSuffix(p, ".html")) {
				return err
			}
			raw, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			src := string(raw)
			for _, re := range keyUses {
				for _, m := range re.FindAllStringSubmatch(src, -1) {
					used++
					for _, loc := range Locales {
						if !Has(loc, m[1]) {
							t.Errorf("%s uses %q, missing in %s", p, m[1], loc)
						}
					}
				}
			}
			for _, m := range pluralUse.FindAllStringSubmatch(src, -1) {
				used++
				for _, loc := range Locales {
					if !Has(loc, m[1]+".one") || !Has(loc, m[1]+".other") {
						t.Errorf("%s uses plural %q, missing .one/.other in %s", p, m[1], loc)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if used < 100 {
		t.Fatalf("found only %d key uses: the scanner is broken", used)
	}
}

// Dynamic keys built in templates with print must exist for every value.
func TestDynamicKeysExist(t *testing.T) {
	for prefix, values := range map[string][]string{
		"role.":     {"admin", "manager", "partner_admin", "partner_user"},
		"status.":   {"applicant", "onboarding", "active", "suspended"},
		"region.":   {"latam", "north_america", "europe", "apac", "mea"},
		"error.":    {"generic.title", "400.title", "403.title", "404.title", "413.title", "429.title", "500.title", "generic.body", "400.body", "403.body", "404.body", "413.body", "429.body", "500.body"},
		"nav.":      {"home", "partners", "organisation", "profile"},
		"country.":  {"BR", "PT", "US", "MX"},
		"activity.": {"user.login", "user.profile_updated", "partner.updated", "partner.created", "tier.created", "tier.updated", "settings.updated", "other"},
	} {
		for _, v := range values {
			for _, loc := range Locales {
				if !Has(loc, prefix+v) {
					t.Errorf("%s%s missing in %s", prefix, v, loc)
				}
			}
		}
	}
}

func TestNegotiation(t *testing.T) {
	for in, want := range map[string]string{
		"pt-BR,pt;q=0.9,en;q=0.8": PTBR,
		"en-US,en;q=0.9":          EN,
		"fr-FR,pt;q=0.5,en;q=0.4": PTBR,
		"de,en;q=0.1":             EN,
		"fr":                      "",
		"":                        "",
		"en;q=0.2, pt-PT;q=0.8":   PTBR,
		"en;q=abc":                "",
	} {
		if got := FromAcceptLanguage(in); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %q, want %q", in, got, want)
		}
	}
	if Normalize("PT_br") != PTBR || Normalize("en-GB") != EN || Normalize("xx") != "" {
		t.Error("Normalize")
	}
}

func TestFormatting(t *testing.T) {
	d := time.Date(2026, 11, 7, 15, 4, 0, 0, time.UTC)
	cases := []struct{ got, want string }{
		{Date(EN, d), "Nov 7, 2026"},
		{Date(PTBR, d), "07/11/2026"},
		{LongDate(PTBR, d), "7 de nov. de 2026"},
		{DateTime(EN, d), "Nov 7, 2026, 3:04 PM"},
		{DateTime(PTBR, d), "07/11/2026 15:04"},
		{Number(EN, 1234567.891, 2), "1,234,567.89"},
		{Number(PTBR, 1234567.891, 2), "1.234.567,89"},
		{Number(PTBR, -999.5, 1), "-999,5"},
		{Int(EN, 1000), "1,000"},
		{Int(PTBR, 100), "100"},
		{Money(PTBR, 1234.5, "BRL"), "R$\u00a01.234,50"},
		{Money(EN, 1234.5, "USD"), "$1,234.50"},
		{Money(EN, -12, "brl"), "-R$12.00"},
		{Money(PTBR, 10, "EUR"), "€\u00a010,00"},
		{Money(EN, 3, "XYZ"), "XYZ3.00"},
		{Date(EN, time.Time{}), "—"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func TestTranslateFallbacks(t *testing.T) {
	if T("xx", "nav.home") != "Home" {
		t.Error("unknown locale should fall back to English")
	}
	if T(PTBR, "no.such.key") != "no.such.key" {
		t.Error("unknown key should return the key")
	}
	if T(EN, "home.welcome", "Ana") != "Welcome, Ana" {
		t.Error("args not formatted")
	}
}

func TestMessagesWithoutVerbsIgnoreArgs(t *testing.T) {
	for _, loc := range Locales {
		if got := T(loc, "profile.other_sessions.zero", "0"); strings.Contains(got, "%!") {
			t.Errorf("%s: %q", loc, got)
		}
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		loc  string
		d    time.Duration
		want string
	}{
		{EN, 10 * time.Second, "just now"},
		{EN, time.Minute, "1 minute ago"},
		{PTBR, 5 * time.Minute, "há 5 minutos"},
		{EN, 3 * time.Hour, "3 hours ago"},
		{PTBR, time.Hour, "há 1 hora"},
		{PTBR, 30 * time.Hour, "ontem"},
		{EN, 3 * 24 * time.Hour, "3 days ago"},
		{PTBR, 10 * 24 * time.Hour, "17/11/2026"},
	} {
		if got := Ago(c.loc, now.Add(-c.d), now); got != c.want {
			t.Errorf("Ago(%s, -%v) = %q, want %q", c.loc, c.d, got, c.want)
		}
	}
}

// TestEveryActivityKindHasALabel reads the Kind constants of the activity
// package (activity.go and each area's kinds_*.go) and checks both
// catalogues label each (pages show them).
func TestEveryActivityKindHasALabel(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "activity", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var kinds [][]string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, regexp.MustCompile(`Kind\w+\s*=\s*"([a-z0-9_.]+)"`).FindAllStringSubmatch(string(raw), -1)...)
	}
	if len(kinds) < 50 {
		t.Fatalf("found only %d activity kinds: the scanner is broken", len(kinds))
	}
	for _, k := range kinds {
		for _, loc := range Locales {
			if !Has(loc, "activity."+k[1]) {
				t.Errorf("activity kind %q has no label in %s", k[1], loc)
			}
		}
	}
}
