package e2e

import (
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// e2eInviteToken opens the invitation the test seeds (tokens are random in
// the portal; here the data dir is prepared before the binary serves it).
const e2eInviteToken = "e2eInviteTokenE2eInviteTokenE2eInviteToken1"

// TestInvitationAcceptOnAPhone: the invitee opens the link on a 390 px phone
// (the page speaks the invitation's Portuguese though the browser asks for
// English), creates the account and lands signed in on the home page; the
// staff and partner-admin pages pass axe-core and fit a phone, with no CSP
// violation anywhere.
func TestInvitationAcceptOnAPhone(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (run scripts/vendor.sh)", err)
	}
	exe := requireChromium(t)
	dir := testapp.DataDir(t, true)
	testapp.WithDataDir(t, dir, func(app core.App) {
		testapp.SeedInvitations(t, app)
		c, err := app.FindCollectionByNameOrId(invite.Collection)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Set("email", "nova@acme.test")
		r.Set("name", "Nova Souza")
		r.Set("role", "partner_user")
		r.Set("partner", testapp.PartnerAcme)
		r.Set("invited_by", testapp.AcmeAdminID)
		r.Set("token_hash", invite.HashToken(e2eInviteToken))
		r.Set("locale", "pt-BR")
		r.Set("status", invite.StatusPending)
		r.Set("expires", time.Now().Add(invite.Validity))
		r.Set("last_sent", time.Now())
		r.Set("send_count", 1)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	})
	h := startHarness(t, exe, dir)

	ph := h.newTab("invitee phone", phoneW, phoneH)
	ph.viewport(phoneW, phoneH)
	if st := ph.navigate("/invitations/accept/" + e2eInviteToken); st != 200 {
		t.Fatalf("acceptance page: %d", st)
	}
	ph.poll("the Portuguese acceptance form", `(document.querySelector('h1') || {}).textContent === 'Entre em Acme Brasil Ltda' && !!document.querySelector('#inv-accept')`)
	if !eval[bool](ph, `document.documentElement.scrollWidth <= innerWidth && document.getElementById('f-name').value === 'Nova Souza'`) {
		t.Error("the acceptance page scrolls sideways on a phone or lost the invited name")
	}
	ph.assessA11y(axeSrc, "acceptance page", phoneW, phoneH)
	ph.screenshot("invitation-accept-390.png", phoneW, phoneH)
	ph.do("choosing a password", chromedp.SendKeys(chromedp.ID("f-password"), "senha-da-nova-1"),
		chromedp.SendKeys(chromedp.ID("f-password_confirm"), "senha-diferente"))
	if st := ph.follow("#inv-accept"); st != 400 {
		t.Fatalf("mismatched passwords: %d, want 400", st)
	}
	ph.poll("the mismatch beside the field", `!!document.querySelector('#e-password_confirm')`)
	ph.assessA11y(axeSrc, "acceptance page with an error", phoneW, phoneH)
	ph.do("retyping", chromedp.SendKeys(chromedp.ID("f-password"), "senha-da-nova-1"),
		chromedp.SendKeys(chromedp.ID("f-password_confirm"), "senha-da-nova-1"))
	if st := ph.follow("#inv-accept"); st != 200 {
		t.Fatalf("accepting: %d", st)
	}
	ph.poll("the home page with the welcome", `location.pathname === '/' && (document.querySelector('.flash') || {}).textContent === 'Boas-vindas! Sua conta está pronta.'`)
	ph.screenshot("invitation-accepted-home-390.png", phoneW, phoneH)
	ph.assertNoCSP("accepting an invitation")

	// The link is used now.
	if st := ph.navigate("/invitations/accept/" + e2eInviteToken); st != 410 {
		t.Fatalf("used link: %d, want 410", st)
	}

	// Staff pages on a desktop, the partner admin's list on a phone.
	ad := h.newTab("admin", desktopW, desktopH)
	if st := ad.login(testapp.AdminEmail, testapp.Password); st != 200 {
		t.Fatalf("admin sign-in: %d", st)
	}
	for _, p := range []string{"/invitations?status=all", "/invitations/new", "/invitations/partner"} {
		if st := ad.navigate(p); st != 200 {
			t.Fatalf("%s: %d", p, st)
		}
		ad.assessA11y(axeSrc, p, desktopW, desktopH)
	}
	ad.screenshot("invitations-admin-1280.png", desktopW, desktopH)
	ad.assertNoCSP("staff invitation pages")

	pa := h.newTab("partner admin phone", phoneW, phoneH)
	pa.viewport(phoneW, phoneH)
	if st := pa.login(testapp.AcmeAdminEmail, testapp.Password); st != 200 {
		t.Fatalf("partner admin sign-in: %d", st)
	}
	if st := pa.navigate("/invitations?status=all"); st != 200 {
		t.Fatalf("partner admin list: %d", st)
	}
	pa.poll("Acme's invitations", `!!document.querySelector('#inv-`+testapp.InvAcme+`') && !document.querySelector('#inv-`+testapp.InvGlobex+`')`)
	if !eval[bool](pa, `document.documentElement.scrollWidth <= innerWidth`) {
		t.Error("the invitations list scrolls sideways on a phone")
	}
	pa.assessA11y(axeSrc, "partner admin list", phoneW, phoneH)
	pa.screenshot("invitations-partner-admin-390.png", phoneW, phoneH)
	if st := pa.navigate("/invitations/new"); st != 200 {
		t.Fatalf("colleague form: %d", st)
	}
	pa.assessA11y(axeSrc, "colleague form", phoneW, phoneH)
	pa.assertNoCSP("partner admin invitation pages")
}
