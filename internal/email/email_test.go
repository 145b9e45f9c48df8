package email_test

import (
	"strings"
	"testing"

	"github.com/ponte-portal/ponte/internal/email"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestSendBrandsAndTranslates(t *testing.T) {
	app := testapp.New(t)
	err := email.Send(app, email.Message{To: "x@example.test", ToName: "Zé <b>", Locale: "pt-BR",
		Subject: "Convite", Intro: "Você foi convidado.", Button: "Aceitar", Link: "https://portal.test/i/abc",
		Paragraphs: []string{"Segundo parágrafo."}, Note: "Expira em 7 dias."})
	if err != nil {
		t.Fatal(err)
	}
	if app.TestMailer.TotalSend() != 1 {
		t.Fatalf("sent %d e-mails, want 1", app.TestMailer.TotalSend())
	}
	m := app.TestMailer.LastMessage()
	if m.Subject != "Convite" || m.To[0].Address != "x@example.test" {
		t.Fatalf("subject %q to %v", m.Subject, m.To)
	}
	for _, want := range []string{`lang="pt-BR"`, "Zé &lt;b&gt;", "Segundo parágrafo.", `href="https://portal.test/i/abc"`, "Expira em 7 dias."} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("HTML lacks %q:\n%s", want, m.HTML)
		}
	}
	if !strings.Contains(m.Text, "Aceitar: https://portal.test/i/abc") || strings.Contains(m.Text, "<p>") {
		t.Errorf("text part wrong:\n%s", m.Text)
	}
}
