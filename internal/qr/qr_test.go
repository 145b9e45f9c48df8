package qr_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	goqr "github.com/piglig/go-qr"

	"github.com/ponte-portal/ponte/internal/qr"
)

// TestRoundTrip decodes what Encode drew: the verification URL comes back
// exactly, for a short local URL and a long public one.
func TestRoundTrip(t *testing.T) {
	for _, text := range []string{
		"http://127.0.0.1:8090/verify/0123456789ABCDEFGHJK",
		"https://parceiros.exemplo-de-fornecedor-muito-longo.com.br/portal/verify/ZYXWVTSRQPNMKJHGFEDC",
	} {
		c, err := qr.Encode(text)
		if err != nil {
			t.Fatalf("encode %q: %v", text, err)
		}
		got, err := goqr.Decode(c.Image(4))
		if err != nil {
			t.Fatalf("decode %q: %v", text, err)
		}
		if got != text {
			t.Errorf("decoded %q, want %q", got, text)
		}
	}
}

// TestSVG checks the markup a page embeds: an accessible image with its
// label escaped, a viewBox with the quiet zone, and no style attribute
// (the CSP forbids inline styles).
func TestSVG(t *testing.T) {
	c, err := qr.Encode("http://127.0.0.1:8090/verify/0123456789ABCDEFGHJK")
	if err != nil {
		t.Fatal(err)
	}
	svg := string(c.SVG(`Code <"x">`))
	for _, want := range []string{`role="img"`, `aria-label="Code &lt;&#34;x&#34;&gt;"`,
		`viewBox="0 0 ` + strconv.Itoa(c.Size()+8) + ` ` + strconv.Itoa(c.Size()+8) + `"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %s: %.200s", want, svg)
		}
	}
	if strings.Contains(svg, "style") || strings.Contains(svg, "<script") {
		t.Errorf("svg has a style or script: %.200s", svg)
	}
	if !regexp.MustCompile(`<path fill="#000" d="(M\d+ \d+h\d+v1h-\d+z)+"/>`).MatchString(svg) {
		t.Errorf("unexpected path: %.300s", svg)
	}
}
