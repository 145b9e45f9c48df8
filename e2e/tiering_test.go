package e2e

import (
	"os"
	"testing"

	"github.com/ponte-portal/ponte/internal/demo"
)

// TestTierReviewsOnAPhone runs the demo: the admin opens the tier reviews
// at 390 px in Portuguese (a promotion, a partner at risk, a proposed
// demotion; nothing wider than the screen), applies Soluciones Anáhuac's
// promotion and sees it in the partner's history; the partner user sees
// their standing with progress bars on the home page and on Tiers. axe-core
// runs on every page and the harness fails on any CSP violation.
func TestTierReviewsOnAPhone(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (run scripts/vendor.sh)", err)
	}
	exe := requireChromium(t)
	h := startHarness(t, exe, t.TempDir(), "--demo")
	fits := `document.documentElement.scrollWidth <= innerWidth`

	ad := h.newTab("tier reviews admin", phoneW, phoneH)
	ad.viewport(phoneW, phoneH)
	if st := ad.login(demo.AdminEmail, demo.DemoPassword); st != 200 {
		t.Fatalf("admin sign-in: %d", st)
	}
	if st := ad.navigate("/tiers/reviews"); st != 200 {
		t.Fatalf("/tiers/reviews: %d", st)
	}
	ad.poll("the three outcomes", `!!document.querySelector('#review-soluciones-anahuac.tiering-rec-promote') &&
		!!document.querySelector('#review-capibaribe-digital.tiering-at-risk') &&
		!!document.querySelector('#review-lakeshore-data.tiering-rec-demote')`)
	if !eval[bool](ad, fits) {
		t.Error("the review list is wider than a 390 px screen")
	}
	ad.assessA11y(axeSrc, "/tiers/reviews", phoneW, phoneH)
	ad.screenshot("tiering-reviews-390.png", phoneW, phoneH)
	if st := ad.follow(`#review-soluciones-anahuac form[action$="/apply"] button`); st != 200 {
		t.Fatalf("applying: %d", st)
	}
	ad.poll("the applied flash and decision", `document.body.textContent.includes('A mudança de nível foi aplicada.') &&
		!!document.querySelector('#review-soluciones-anahuac .tiering-status-applied')`)
	if st := ad.follow(`#review-soluciones-anahuac a[href$="/tiers"]`); st != 200 {
		t.Fatalf("history: %d", st)
	}
	ad.poll("the promotion in the history", `document.querySelector('.tiering-history li').textContent.includes('Gold') &&
		document.querySelector('.tiering-history li').textContent.includes('Renata Albuquerque')`)
	ad.assessA11y(axeSrc, "/partners/soluciones-anahuac/tiers", phoneW, phoneH)
	ad.screenshot("tiering-history-390.png", phoneW, phoneH)
	ad.assertNoCSP("tier reviews")

	pu := h.newTab("tier standing partner", phoneW, phoneH)
	pu.viewport(phoneW, phoneH)
	if st := pu.login(demo.PartnerUserEmail, demo.DemoPassword); st != 200 {
		t.Fatalf("partner sign-in: %d", st)
	}
	pu.poll("the home tier panel", `document.querySelectorAll('.tiering-home progress').length === 3`)
	if !eval[bool](pu, fits) {
		t.Error("the partner home is wider than a 390 px screen")
	}
	if st := pu.navigate("/tiers"); st != 200 {
		t.Fatalf("/tiers: %d", st)
	}
	pu.poll("the standing with what is missing", `!!document.querySelector('.tiering-standing progress') &&
		document.querySelector('.tiering-standing').textContent.includes('Platinum')`)
	pu.assessA11y(axeSrc, "/tiers (partner standing)", phoneW, phoneH)
	pu.screenshot("tiering-standing-390.png", phoneW, phoneH)
	pu.assertNoCSP("partner standing")
}
