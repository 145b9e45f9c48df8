package deals

import "testing"

// TestCustomerKeyMatches: accent, case, punctuation and company-suffix
// variants of one customer give one key.
func TestCustomerKeyMatches(t *testing.T) {
	groups := [][]string{
		{"Açaí Indústria Ltda.", "ACAI INDUSTRIA LTDA", "Acai Industria S.A.", "açaí  indústria", "Acai-Industria S/A",
			"Açaí Indústria LTDA ME", "Acai Industria EIRELI", "  acai industria, ltda  ", "Açaí Indústria EPP"},
		{"Acme", "ACME Inc.", "Acme, Inc", "Acme LLC", "Acme Ltd", "Acme Limited", "Acme GmbH", "Acme Corp.",
			"Acme Corporation", "Acme Co.", "The Acme Company", "acme s.a. de c.v.", "Acme S. de R.L. de C.V.",
			"Acme Lda.", "Acme SL", "Acme SAS", "Acme PLC", "Acme SA", "ACME, LTDA.", "The Acme", "Ácmé"},
		{"Globex México", "globex mexico s.a. de c.v.", "GLOBEX MÉXICO SA DE CV"},
		{"O'Neil & Sons", "ONeil and Sons Ltd"},
	}
	for _, g := range groups {
		want := CustomerKey(g[0])
		if want == "" {
			t.Fatalf("%q: empty key", g[0])
		}
		for _, v := range g[1:] {
			if got := CustomerKey(v); got != want {
				t.Errorf("CustomerKey(%q) = %q, want %q (as %q)", v, got, want, g[0])
			}
		}
	}
	if got := CustomerKey("Açaí Indústria Ltda."); got != "acai industria" {
		t.Errorf("key = %q, want %q", got, "acai industria")
	}
}

// TestCustomerKeyNearMisses: different customers never share a key.
func TestCustomerKeyNearMisses(t *testing.T) {
	pairs := [][2]string{
		{"Acme", "Acmex"}, {"Globo", "Globex"}, {"Acme Brasil", "Acme"}, {"Açaí Indústria", "Açaí Comércio"},
		{"Beta", "Betta"}, {"Acme Sales", "Acme Sale"}, {"Delta Foods", "Delta Food Co Holdings"},
		{"Ltda", "Inc"}, {"SA Engenharia", "Engenharia"},
	}
	for _, p := range pairs {
		if a, b := CustomerKey(p[0]), CustomerKey(p[1]); a == b {
			t.Errorf("%q and %q share the key %q", p[0], p[1], a)
		}
	}
	// A name that is only a suffix keeps it rather than becoming empty.
	if CustomerKey("Limited") != "limited" || CustomerKey("") != "" {
		t.Errorf("suffix-only name: %q", CustomerKey("Limited"))
	}
}

// TestDomainKey: scheme, www, path, port, case and country TLDs fold.
func TestDomainKey(t *testing.T) {
	for _, v := range []string{"acme.com", "acme.com.br", "ACME.CO.UK", "www.acme.com.mx", "https://www.acme.com.br/contato?x=1",
		"http://acme.com:8080", "acme.com.", "sales.acme.com", "acme.br", "user@acme.de", "acme.mx/"} {
		if got := DomainKey(v); got != "acme" {
			t.Errorf("DomainKey(%q) = %q, want acme", v, got)
		}
	}
	for _, p := range [][2]string{{"acme.com", "acmex.com"}, {"globo.com", "globex.com.mx"}, {"acme-br.com", "acme.com"}} {
		if a, b := DomainKey(p[0]), DomainKey(p[1]); a == b {
			t.Errorf("%q and %q share the key %q", p[0], p[1], a)
		}
	}
	for _, bad := range []string{"", "acme", "com.br", "acme..com", "-acme.com", "acme.c0m", "acme com", "<script>.com", "a_b.com", "acme.123"} {
		if h, ok := CleanDomain(bad); ok {
			t.Errorf("CleanDomain(%q) = %q, want invalid", bad, h)
		}
	}
	if h, ok := CleanDomain("https://WWW.Açaí.com.br/x"); !ok || h != "xn--aa-4iaz.com.br" {
		t.Errorf("international name: %q %v", h, ok)
	}
}
