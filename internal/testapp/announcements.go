package testapp

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Fixture announcements (SeedAnnouncements). Acme is a gold partner in
// Brazil (latam); Globex a silver partner in Mexico (latam).
const (
	AnnAll     = "annall000000001" // published two days ago, audience all, pinned
	AnnGold    = "anngold00000001" // published yesterday, gold tier only (Acme)
	AnnGlobex  = "annglobex000001" // published, named partner Globex
	AnnEurope  = "anneurope000001" // published, region europe (nobody in the fixture)
	AnnDraft   = "anndraft0000001" // draft, audience all
	AnnFuture  = "annfuture000001" // published, scheduled a week ahead
	AnnExpired = "annexpired00001" // published ten days ago, expired yesterday
	AnnAck     = "annack000000001" // published three hours ago by Ana, requires acknowledgement

	ReadDiego = "readdiego000001" // Diego read AnnAll
	ReadCarla = "readcarla000001" // Carla read and acknowledged AnnAck
	ReadFabio = "readfabio000001" // Fabio read AnnAll
	ReadElena = "readelena000001" // Elena read AnnGlobex
	ReadAna   = "readana00000001" // manager Ana read AnnAll (a staff read: no partner)
)

// FixtureAnnouncement describes one fixture announcement; publish and
// expires are offsets from the time of seeding (zero expires: none).
type FixtureAnnouncement struct {
	ID, Title, Status, Audience, Author string
	Tiers, Regions, Partners            []string
	Pinned, RequiresAck                 bool
	Publish, Expires                    time.Duration
}

// FixtureAnnouncements lists the announcements SeedAnnouncements writes.
var FixtureAnnouncements = []FixtureAnnouncement{
	{ID: AnnAll, Title: "Programme news 2026", Status: "published", Audience: "all", Author: AdminID, Pinned: true, Publish: -48 * time.Hour},
	{ID: AnnGold, Title: "Gold partner summit", Status: "published", Audience: "tiers", Author: AdminID,
		Tiers: []string{TierGold}, Publish: -24 * time.Hour},
	{ID: AnnGlobex, Title: "Globex joint campaign", Status: "published", Audience: "partners", Author: ManagerBrunoID,
		Partners: []string{PartnerGlobex}, Publish: -20 * time.Hour},
	{ID: AnnEurope, Title: "EU pricing update", Status: "published", Audience: "regions", Author: AdminID,
		Regions: []string{"europe"}, Publish: -10 * time.Hour},
	{ID: AnnDraft, Title: "Draft roadmap teaser", Status: "draft", Audience: "all", Author: AdminID},
	{ID: AnnFuture, Title: "Next quarter incentives", Status: "published", Audience: "all", Author: AdminID,
		Publish: 7 * 24 * time.Hour},
	{ID: AnnExpired, Title: "Old webinar invitation", Status: "published", Audience: "all", Author: AdminID,
		Publish: -240 * time.Hour, Expires: -24 * time.Hour},
	{ID: AnnAck, Title: "New partner code of conduct", Status: "published", Audience: "all", Author: ManagerAnaID,
		RequiresAck: true, Publish: -3 * time.Hour},
}

// FixtureReads lists the read receipts SeedAnnouncements writes: id →
// announcement, user.
var FixtureReads = map[string][2]string{
	ReadDiego: {AnnAll, AcmeUserID},
	ReadCarla: {AnnAck, AcmeAdminID},
	ReadFabio: {AnnAll, GlobexUserID},
	ReadElena: {AnnGlobex, GlobexAdminID},
	ReadAna:   {AnnAll, ManagerAnaID},
}

// SeedAnnouncements adds the FixtureAnnouncements and FixtureReads (Carla's
// acknowledges AnnAck) to a fixture app, through the hooks: the published
// ones that are live notify their audiences as they are saved.
func SeedAnnouncements(t testing.TB, app core.App) {
	t.Helper()
	now := time.Now().UTC()
	err := app.RunInTransaction(func(tx core.App) error {
		c, err := tx.FindCollectionByNameOrId("announcements")
		if err != nil {
			return err
		}
		for _, a := range FixtureAnnouncements {
			r := core.NewRecord(c)
			r.Id = a.ID
			r.Set("title", a.Title)
			r.Set("body", "About **"+a.Title+"**.")
			r.Set("status", a.Status)
			r.Set("audience", a.Audience)
			r.Set("audience_tiers", a.Tiers)
			r.Set("audience_regions", a.Regions)
			r.Set("audience_partners", a.Partners)
			r.Set("author", a.Author)
			r.Set("pinned", a.Pinned)
			r.Set("requires_acknowledgement", a.RequiresAck)
			if a.Publish != 0 {
				r.Set("publish_at", now.Add(a.Publish))
			}
			if a.Expires != 0 {
				r.Set("expires_at", now.Add(a.Expires))
			}
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		rc, err := tx.FindCollectionByNameOrId("announcement_reads")
		if err != nil {
			return err
		}
		for _, id := range []string{ReadDiego, ReadCarla, ReadFabio, ReadElena, ReadAna} {
			f := FixtureReads[id]
			r := core.NewRecord(rc)
			r.Id = id
			r.Set("announcement", f[0])
			r.Set("user", f[1])
			if id == ReadCarla {
				r.Set("acknowledged", now)
			}
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("testapp: seeding announcements: %v", err)
	}
}
