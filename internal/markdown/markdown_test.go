package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

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
		"![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
		"[x](data:text/html,<script>alert(1)</script>)",
		"[x](&#106;avascript:alert(1))",
		"[x](java&#x09;script:alert(1))",
		"[x](<javascript:alert(1)>)",
		"<javascript:alert(1)>",
		"[x]: javascript:alert(1)\n\n[y][x]",
		"**<img src=x onerror=alert(1)>**",
		"`<script>`<script>alert(1)</script>",
		"[<img src=x onerror=alert(1)>](https://x.example)",
		"<a href=\"https://x\" onclick=\"alert(1)\">x</a>",
		"<details open ontoggle=alert(1)>",
		"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
		"<!--<img src=\"--><img src=x onerror=alert(1)//\">",
		"[x](https://x.example \"title\\\" onmouseover=\\\"alert(1)\")",
	}
	// Escaped text such as "&lt;svg onload=…&gt;" is harmless; what must never
	// appear is a live tag, an event or style attribute or a dangerous URL.
	// The output is parsed as a browser would, not searched as text.
	for _, p := range payloads {
		out := string(Render(p))
		if bad := liveDanger(out); bad != "" {
			t.Errorf("payload %q rendered %q: %s", p, out, bad)
		}
	}
}

// allowedTags are the elements goldmark's GFM output may contain.
var allowedTags = map[string]bool{"p": true, "a": true, "strong": true, "em": true, "del": true, "code": true, "pre": true,
	"ul": true, "ol": true, "li": true, "input": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true,
	"td": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "hr": true,
	"br": true, "img": true}

// liveDanger tokenizes HTML and names the first element, attribute or URL a
// browser would act on dangerously, or returns "".
func liveDanger(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if !allowedTags[tok.Data] {
				return "element <" + tok.Data + ">"
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction" {
					return "attribute " + key
				}
				if (key == "href" || key == "src") && !SafeURL(a.Val) {
					return key + "=" + a.Val
				}
			}
		}
	}
}

func TestRenderFeatures(t *testing.T) {
	out := string(Render("# Preço & prazo\n\n## Preço & prazo\n\n- [x] done\n- [ ] todo\n\nsee https://example.com/x and ~~old~~"))
	for _, want := range []string{
		`<h1 id="h-preço-prazo">`, `<h2 id="h-preço-prazo-1">`, // anchors, unique, prefixed
		`<input checked="" disabled="" type="checkbox"`,                       // task lists
		`<a href="https://example.com/x" rel="nofollow noopener noreferrer">`, // autolinks
		`<del>old</del>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in %s", want, out)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for u, want := range map[string]bool{
		"https://x.example": true, "http://x": true, "mailto:a@b.c": true, "/docs/1": true, "#h-x": true, "?q=1": true,
		"page:2/x": false, "javascript:alert(1)": false, "JAVASCRIPT:x": false, "java\tscript:x": false, " javascript:x": false,
		"data:image/png;base64,AAAA": false, "vbscript:x": false, "file:///etc/passwd": false, "/a:b": true,
	} {
		if got := SafeURL(u); got != want {
			t.Errorf("SafeURL(%q) = %v, want %v", u, got, want)
		}
	}
}
