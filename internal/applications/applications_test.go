package applications_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ponte-portal/ponte/internal/applications"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

func TestFormTokenTiming(t *testing.T) {
	app := testapp.New(t)
	g := applications.For(app)
	if applications.For(app) != g {
		t.Fatal("For must return the app's one guard")
	}
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	clock := t0
	g.Now = func() time.Time { return clock }
	tok := g.Token()
	cases := []struct {
		after time.Duration
		want  applications.Verdict
	}{
		{0, applications.TokenTooFast},
		{2 * time.Second, applications.TokenTooFast},
		{applications.MinFillTime, applications.TokenOK},
		{time.Hour, applications.TokenOK},
		{applications.MaxFormAge + time.Second, applications.TokenExpired},
	}
	for _, c := range cases {
		clock = t0.Add(c.after)
		if got := g.CheckToken(tok); got != c.want {
			t.Errorf("after %v: verdict %d, want %d", c.after, got, c.want)
		}
	}
	clock = t0.Add(time.Minute)
	ts, _, _ := strings.Cut(tok, ".")
	for _, forged := range []string{"", "abc", ts, ts + ".", ts + ".AAAA", "1." + strings.SplitN(tok, ".", 2)[1],
		g.TokenAt(t0.Add(-time.Hour))[:5] + "x"} {
		if got := g.CheckToken(forged); got != applications.TokenForged {
			t.Errorf("token %q: verdict %d, want forged", forged, got)
		}
	}
	// Another app (another secret) does not accept this app's token.
	other := applications.For(testapp.NewEmpty(t))
	other.Now = g.Now
	if got := other.CheckToken(tok); got != applications.TokenForged {
		t.Errorf("another app's token: verdict %d, want forged", got)
	}
}

func TestAllowPerAddressWindow(t *testing.T) {
	app := testapp.New(t)
	g := applications.For(app)
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	clock := t0
	g.Now = func() time.Time { return clock }
	for i := range applications.PerAddress {
		if !g.Allow("203.0.113.7") {
			t.Fatalf("submission %d refused", i+1)
		}
	}
	if g.Allow("203.0.113.7") {
		t.Fatal("submission past the limit allowed")
	}
	if !g.Allow("198.51.100.1") {
		t.Fatal("another address must not share the limit")
	}
	clock = t0.Add(applications.Window)
	if !g.Allow("203.0.113.7") {
		t.Fatal("the window passed: a submission must be allowed again")
	}
	if h := g.HashAddr("203.0.113.7"); len(h) != 32 || h != g.HashAddr("203.0.113.7") || h == g.HashAddr("203.0.113.8") ||
		strings.Contains(h, "203") {
		t.Fatalf("address hash %q not stable, distinct and opaque", h)
	}
}

func valid() applications.Input {
	return applications.Input{Company: "Açaí Sistemas Ltda.", Country: "BR", Website: "acai.com.br",
		ContactName: "Júlia Prado", ContactEmail: "Julia@Acai.com.br", Phone: "+55 11 91234-5678",
		Message: "Revendemos software de gestão para o varejo em São Paulo.", Consent: true}
}

func TestValidate(t *testing.T) {
	in := applications.Normalize(valid())
	if errs := applications.Validate(in); len(errs) != 0 {
		t.Fatalf("valid input refused: %v", errs)
	}
	if in.ContactEmail != "julia@acai.com.br" || in.Website != "https://acai.com.br" {
		t.Fatalf("normalised %q %q", in.ContactEmail, in.Website)
	}
	cases := []struct {
		field, key string
		edit       func(*applications.Input)
	}{
		{"company", "validation.required", func(i *applications.Input) { i.Company = " " }},
		{"company", "applications.error.too_long", func(i *applications.Input) { i.Company = strings.Repeat("a", applications.MaxCompany+1) }},
		{"country", "validation.required", func(i *applications.Input) { i.Country = "" }},
		{"country", "applications.error.country", func(i *applications.Input) { i.Country = "XX" }},
		{"country", "applications.error.country", func(i *applications.Input) { i.Country = "Brasil" }},
		{"website", "validation.required", func(i *applications.Input) { i.Website = "" }},
		{"website", "validation.invalid_url", func(i *applications.Input) { i.Website = "javascript:alert(1)" }},
		{"website", "validation.invalid_url", func(i *applications.Input) { i.Website = "localhost" }},
		{"contact_name", "validation.required", func(i *applications.Input) { i.ContactName = "" }},
		{"contact_email", "validation.required", func(i *applications.Input) { i.ContactEmail = "" }},
		{"contact_email", "validation.is_email", func(i *applications.Input) { i.ContactEmail = "julia@" }},
		{"contact_email", "validation.is_email", func(i *applications.Input) { i.ContactEmail = "Júlia <j@a.com>" }},
		{"phone", "applications.error.phone", func(i *applications.Input) { i.Phone = "call me" }},
		{"message", "validation.required", func(i *applications.Input) { i.Message = "" }},
		{"message", "applications.error.too_short", func(i *applications.Input) { i.Message = "Oi" }},
		{"message", "applications.error.too_long", func(i *applications.Input) { i.Message = strings.Repeat("x", applications.MaxMessage+1) }},
		{"consent", "applications.error.consent", func(i *applications.Input) { i.Consent = false }},
	}
	for _, c := range cases {
		in := valid()
		c.edit(&in)
		errs := applications.Validate(applications.Normalize(in))
		if errs[c.field].Key != c.key || len(errs) != 1 {
			t.Errorf("%s/%s: got %v", c.field, c.key, errs)
		}
	}
}

func TestCompanyKey(t *testing.T) {
	same := []string{"Açaí Sistemas Ltda.", "ACAI SISTEMAS", "açaí  sistemas ltda", "Acai Sistemas S.A.", "Açaí-Sistemas S/A"}
	for _, s := range same {
		if got := applications.CompanyKey(s); got != "acai sistemas" {
			t.Errorf("CompanyKey(%q) = %q, want %q", s, got, "acai sistemas")
		}
	}
	if applications.CompanyKey("Ltda") != "ltda" {
		t.Error("a name that is only a suffix keeps it")
	}
}
