package ui

import "testing"

func TestParseAmount(t *testing.T) {
	for in, want := range map[string]float64{
		"": 0, "1250000": 1250000, "1.250.000,50": 1250000.5, "1,250,000.50": 1250000.5,
		"250.000": 250000, "250,000": 250000, "1250000,5": 1250000.5, "12.5": 12.5, "0,75": 0.75,
		" 3 000 000 ": 3000000,
	} {
		got, err := parseAmount(in)
		if err != nil || got != want {
			t.Errorf("parseAmount(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"abc", "1e", "--1"} {
		if _, err := parseAmount(bad); err == nil {
			t.Errorf("parseAmount(%q) accepted", bad)
		}
	}
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Açaí Sistemas S.A.": "acai-sistemas-s-a", "  Globex   México ": "globex-mexico",
		"São João & Cia. Ltda": "sao-joao-cia-ltda", "***": "",
	} {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}
