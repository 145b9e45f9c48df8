package hooks_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// brandApp gives the portal a name, a colour and a logo.
func brandApp(t *testing.T, app core.App) branding.Branding {
	t.Helper()
	s, _ := app.FindFirstRecordByFilter("settings", "")
	s.Set("portal_name", "Ponte Parceiros")
	s.Set("primary_colour", "#5b2a86")
	// A 1×1 PNG.
	logo, err := filesystem.NewFileFromBytes([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"), "logo.png")
	if err != nil {
		t.Fatal(err)
	}
	s.Set("logo", logo)
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	return branding.Load(app)
}

func TestAccountAndNotificationMailsAreBranded(t *testing.T) {
	app := testapp.New(t)
	b := brandApp(t, app)
	logo := `<img src="` + strings.TrimRight(app.Settings().Meta.AppURL, "/") + strings.ReplaceAll(b.LogoURL, "&", "&amp;") + `"`

	// The sign-in code, in the user's language (Fabio reads English).
	fabio, _ := app.FindAuthRecordByEmail("users", testapp.GlobexUserEmail)
	if err := mails.SendRecordOTP(app, fabio, "otpid", "12345678"); err != nil {
		t.Fatal(err)
	}
	m := app.TestMailer.LastMessage()
	for _, want := range []string{logo, `lang="en"`, "12345678", "Ponte Parceiros", "nobody can sign in without it"} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("code e-mail lacks %q:\n%s", want, m.HTML)
		}
	}
	if m.Subject != "Your Ponte Parceiros sign-in code" || !strings.Contains(m.Text, "12345678") {
		t.Errorf("code e-mail subject %q, text:\n%s", m.Subject, m.Text)
	}

	// The password reset, in Portuguese for Diego, linking to the portal.
	diego, _ := app.FindAuthRecordByEmail("users", testapp.AcmeUserEmail)
	if err := mails.SendRecordPasswordReset(app, diego); err != nil {
		t.Fatal(err)
	}
	m = app.TestMailer.LastMessage()
	for _, want := range []string{logo, `lang="pt-BR"`, "background:#5b2a86", "/reset/"} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("reset e-mail lacks %q:\n%s", want, m.HTML)
		}
	}

	// A notification e-mail has the same logo header.
	diego.Set("notify_email", notify.EmailImmediate)
	if err := app.Save(diego); err != nil {
		t.Fatal(err)
	}
	app.TestMailer.Reset()
	if err := notify.Send(app, notify.KindAnnouncement, "/announcements", "", []any{"Olá"}, diego.Id); err != nil {
		t.Fatal(err)
	}
	if app.TestMailer.TotalSend() != 1 {
		t.Fatalf("%d notification e-mails", app.TestMailer.TotalSend())
	}
	if m = app.TestMailer.LastMessage(); !strings.Contains(m.HTML, logo) {
		t.Errorf("notification e-mail lacks the logo:\n%s", m.HTML)
	}
}
