package i18n

import (
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// The one list of countries: validation (deal customers, partner
// applications) and the country selects of the forms.

// isoCountries are the ISO 3166-1 alpha-2 codes of countries and
// territories (249), without reserved or withdrawn codes.
var isoCountries = strings.Fields(`AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW`)

// IsCountry reports whether code is an assigned ISO 3166-1 alpha-2 country
// code, in upper case.
func IsCountry(code string) bool {
	_, ok := slices.BinarySearch(isoCountries, code)
	return ok
}

// Country is one choice of a form's country list.
type Country struct{ Code, Name string }

// CountryName names an ISO country code in locale ("en" or "pt-BR"), from
// the CLDR names in golang.org/x/text; the code itself when unknown.
func CountryName(locale, code string) string {
	r, err := language.ParseRegion(code)
	if err != nil {
		return code
	}
	if n := display.Regions(tagOf(locale)).Name(r); n != "" {
		return n
	}
	return code
}

// countryLists caches Countries per locale (the list never changes).
var countryLists sync.Map

// Countries lists every country with its name in locale, sorted by name
// the way that language sorts. The slice is shared: do not change it.
func Countries(locale string) []Country {
	if l, ok := countryLists.Load(locale); ok {
		return l.([]Country)
	}
	out := make([]Country, len(isoCountries))
	for i, c := range isoCountries {
		out[i] = Country{Code: c, Name: CountryName(locale, c)}
	}
	col := collate.New(tagOf(locale), collate.Loose)
	slices.SortFunc(out, func(a, b Country) int { return col.CompareString(a.Name, b.Name) })
	countryLists.Store(locale, out)
	return out
}

func tagOf(locale string) language.Tag {
	if locale == PTBR {
		return language.BrazilianPortuguese
	}
	return language.English
}
