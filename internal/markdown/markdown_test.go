package markdown

import (
	"regexp"
	"strings"
	"testing"

	// go-echarts is pinned in go.mod with the foundation (v2.6, ECharts 5) for
	// the analytics feature; this blank import keeps `go mod tidy` from
	// dropping the pin before that feature uses it.
	_ "github.com/go-echarts/go-echarts/v2/charts"
)

func TestRenderBasics(t *testing.T) {
	out := string(Render("- **Gold** benefits\n- [site](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
	for _, want := range []string{"<li><strong>Gold</strong> benefits</li>", `<a href="https://example.com" rel="nofollow noopener noreferrer">site</a>`, "<table>"} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in %s", want, out)
		}
	}
}

func TestRenderDropsHostileInput(t *testing.T) {
	payloads := []string{
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](vbscript:msgbox)",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<iframe src=//evil></iframe>",
		"<<script>script>alert(1)<</script>/script>",
		"<svg/onload=alert(1)>",
		"![x](javascript:alert(1))",
		"<div style=\"background:url(javascript:alert(1))\">x</div>",
	}
	// Escaped text such as "&lt;svg onload=…&gt;" is harmless; what must never
	// appear is a live tag, event attribute or dangerous URL.
	dangerous := regexp.MustCompile(`<(script|iframe|svg|object|embed|style)|<[a-z][^>]*\s(on[a-z]+|style)=|(href|src)="\s*(javascript|vbscript|data:text)`)
	for _, p := range payloads {
		out := strings.ToLower(string(Render(p)))
		if m := dangerous.FindString(out); m != "" {
			t.Errorf("payload %q rendered %q (live %q)", p, out, m)
		}
	}
}
