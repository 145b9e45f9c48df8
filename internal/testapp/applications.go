package testapp

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// Fixture partner applications (SeedApplications).
const (
	AppNew      = "applnew00000001" // waiting: Tucano Dados Ltda, pt-BR
	AppDeclined = "appldeclined001" // declined by the admin with a reason, en
	// AppNewEmail is the contact of AppNew, who has no account.
	AppNewEmail = "marina@tucano-dados.test"
)

// SeedApplications adds two applications to a fixture app: AppNew
// (waiting) and AppDeclined (decided).
func SeedApplications(t testing.TB, app core.App) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("partner_applications")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []map[string]any{
		{"id": AppNew, "company": "Tucano Dados Ltda", "country": "BR", "website": "https://tucano-dados.test",
			"contact_name": "Marina Tavares", "contact_email": AppNewEmail, "phone": "+55 11 4000-1234",
			"message": "Integradora em Campinas com foco em varejo e logística.", "consent": true,
			"locale": "pt-BR", "status": "new", "ip_hash": "00112233445566778899aabbccddeeff"},
		{"id": AppDeclined, "company": "Harbor Resale Inc", "country": "US", "website": "https://harbor-resale.test",
			"contact_name": "Tom Harbor", "contact_email": "tom@harbor-resale.test",
			"message": "We resell laptops and want to add software to our catalogue.", "consent": true,
			"locale": "en", "status": "declined", "decline_reason": "We work only with integrators for now.",
			"decided_by": AdminID, "ip_hash": "ffeeddccbbaa99887766554433221100"},
	} {
		r := core.NewRecord(c)
		r.Load(a)
		if err := app.Save(r); err != nil {
			t.Fatalf("seeding application %s: %v", a["id"], err)
		}
	}
}
