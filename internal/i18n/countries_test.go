package i18n

import "testing"

// TestCountries: ISO 3166-1 alpha-2 codes only, named and sorted in each
// language.
func TestCountries(t *testing.T) {
	for _, c := range []string{"BR", "MX", "US", "PT", "ZW", "AD"} {
		if !IsCountry(c) {
			t.Errorf("%s refused", c)
		}
	}
	for _, c := range []string{"", "XX", "br", "BRA", "B", "UK", "ZZ", " B", "XK"} {
		if IsCountry(c) {
			t.Errorf("%q accepted", c)
		}
	}
	pt := Countries(PTBR)
	if len(pt) != 249 || len(Countries(EN)) != 249 {
		t.Fatalf("%d countries, want 249", len(pt))
	}
	if CountryName(PTBR, "DE") != "Alemanha" || CountryName(EN, "DE") != "Germany" {
		t.Fatalf("names %q %q", CountryName(PTBR, "DE"), CountryName(EN, "DE"))
	}
	// Sorted the Portuguese way: "África do Sul" among the A's, not after Z.
	if pt[0].Code != "AF" && pt[0].Code != "ZA" {
		t.Fatalf("first country %v", pt[0])
	}
}
