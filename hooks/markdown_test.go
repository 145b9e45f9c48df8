package hooks_test

import (
	"strings"
	"testing"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestRenderedMarkdownIsKeptOnSave: saving a tier or a document renders its
// Markdown into the stored HTML, and a value written straight into the HTML
// field (a superuser in the dashboard, say) is replaced by the rendering.
func TestRenderedMarkdownIsKeptOnSave(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDocuments(t, app)
	tier, err := app.FindRecordById("tiers", testapp.TierGold)
	if err != nil {
		t.Fatal(err)
	}
	tier.Set("benefits", "- **MDF** funds\n- [portal](javascript:alert(1))")
	tier.Set("benefits_html", "<script>alert(1)</script>")
	if err := app.Save(tier); err != nil {
		t.Fatal(err)
	}
	tier, _ = app.FindRecordById("tiers", testapp.TierGold)
	got := tier.GetString("benefits_html")
	if !strings.Contains(got, "<strong>MDF</strong>") || strings.Contains(got, "<script") || strings.Contains(got, "javascript:") {
		t.Fatalf("benefits_html = %q", got)
	}
	doc, err := app.FindRecordById("documents", testapp.DocAll)
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.GetString("description_html"); !strings.Contains(got, "<strong>Price list 2026</strong>") {
		t.Fatalf("description_html of a seeded document = %q", got)
	}
	doc.Set("description", "## Novo\n\n<img src=x onerror=alert(1)>")
	if err := app.Save(doc); err != nil {
		t.Fatal(err)
	}
	doc, _ = app.FindRecordById("documents", testapp.DocAll)
	if got := doc.GetString("description_html"); !strings.Contains(got, `<h2 id="h-novo">Novo</h2>`) || strings.Contains(got, "onerror") {
		t.Fatalf("description_html = %q", got)
	}
}
