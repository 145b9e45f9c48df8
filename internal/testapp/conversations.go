package testapp

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Fixture conversations (SeedConversations): one per partner, between its
// partner user and its channel manager, with two messages each.
const (
	ConvAcme   = "convacme0000001" // Diego (Acme) and Ana
	ConvGlobex = "convglobex00001" // Fabio (Globex) and Bruno

	MsgAcme1   = "msgacme00000001" // by Diego, two hours ago
	MsgAcme2   = "msgacme00000002" // by Ana, an hour ago
	MsgGlobex1 = "msgglobex000001" // by Fabio, two hours ago
	MsgGlobex2 = "msgglobex000002" // by Bruno, an hour ago

	ConvAcmeSubject   = "Acme renewal pricing"
	ConvGlobexSubject = "Globex onboarding plan"
)

// SeedConversations adds the fixture conversations through the hooks (so
// their participants, last activity, notifications and activity events are
// what the portal would write), with messages dated in the past.
func SeedConversations(t testing.TB, app core.App) {
	t.Helper()
	now := time.Now().UTC()
	err := app.RunInTransaction(func(tx core.App) error {
		convs, err := tx.FindCollectionByNameOrId("conversations")
		if err != nil {
			return err
		}
		msgs, err := tx.FindCollectionByNameOrId("messages")
		if err != nil {
			return err
		}
		for _, c := range []struct {
			id, partner, subject, user, manager string
			msgs                                [2]string
		}{
			{ConvAcme, PartnerAcme, ConvAcmeSubject, AcmeUserID, ManagerAnaID, [2]string{MsgAcme1, MsgAcme2}},
			{ConvGlobex, PartnerGlobex, ConvGlobexSubject, GlobexUserID, ManagerBrunoID, [2]string{MsgGlobex1, MsgGlobex2}},
		} {
			r := core.NewRecord(convs)
			r.Id = c.id
			r.Set("partner", c.partner)
			r.Set("subject", c.subject)
			r.Set("created_by", c.user)
			r.Set("participants", []string{c.user, c.manager})
			if err := tx.Save(r); err != nil {
				return err
			}
			for i, author := range []string{c.user, c.manager} {
				m := core.NewRecord(msgs)
				m.Id = c.msgs[i]
				m.Set("conversation", c.id)
				m.Set("author", author)
				m.Set("body", "Message "+m.Id+" about **"+c.subject+"**.")
				created, _ := types.ParseDateTime(now.Add(time.Duration(i-2) * time.Hour))
				m.SetRaw("created", created)
				if err := tx.Save(m); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("testapp: seeding conversations: %v", err)
	}
}
