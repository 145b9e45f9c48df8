package testapp

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Password is the password of every fixture user.
const Password = "Fixture-Pass-2026"

// The fixture network: two partners, each with a channel manager, a partner
// admin and a partner user, plus one vendor admin. IDs are fixed so tests can
// name records directly.
const (
	TierGold   = "tiergold0000001"
	TierSilver = "tiersilver00001"

	PartnerAcme   = "partneracme0001" // Brazil, gold, managed by ManagerAna
	PartnerGlobex = "partnerglobex01" // Mexico, silver, managed by ManagerBruno

	AdminID        = "useradmin000001"
	ManagerAnaID   = "usermanagerana1"
	ManagerBrunoID = "usermanagerbrun"
	AcmeAdminID    = "useracmeadmin01"
	AcmeUserID     = "useracmeuser001"
	GlobexAdminID  = "userglobexadmin"
	GlobexUserID   = "userglobexuser1"

	AdminEmail        = "admin@vendor.test"
	ManagerAnaEmail   = "ana@vendor.test"
	ManagerBrunoEmail = "bruno@vendor.test"
	AcmeAdminEmail    = "carla@acme.test"
	AcmeUserEmail     = "diego@acme.test"
	GlobexAdminEmail  = "elena@globex.test"
	GlobexUserEmail   = "fabio@globex.test"
)

// FixtureUser describes one fixture user.
type FixtureUser struct {
	ID, Email, Name, Role, Partner, Locale string
}

// FixtureUsers lists every fixture user.
var FixtureUsers = []FixtureUser{
	{AdminID, AdminEmail, "Alice Admin", "admin", "", "en"},
	{ManagerAnaID, ManagerAnaEmail, "Ana Souza", "manager", "", "pt-BR"},
	{ManagerBrunoID, ManagerBrunoEmail, "Bruno Lima", "manager", "", "en"},
	{AcmeAdminID, AcmeAdminEmail, "Carla Mendes", "partner_admin", PartnerAcme, "pt-BR"},
	{AcmeUserID, AcmeUserEmail, "Diego Rocha", "partner_user", PartnerAcme, "pt-BR"},
	{GlobexAdminID, GlobexAdminEmail, "Elena Ruiz", "partner_admin", PartnerGlobex, "en"},
	{GlobexUserID, GlobexUserEmail, "Fabio Torres", "partner_user", PartnerGlobex, "en"},
}

// SeedFixture writes the fixture network into app in one transaction.
func SeedFixture(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		tiers, err := tx.FindCollectionByNameOrId("tiers")
		if err != nil {
			return err
		}
		for _, t := range []struct {
			id, name, colour string
			rank             int
		}{{TierGold, "Gold", "#b8860b", 2}, {TierSilver, "Silver", "#8a9199", 1}} {
			r := core.NewRecord(tiers)
			r.Id = t.id
			r.Set("name", t.name)
			r.Set("rank", t.rank)
			r.Set("colour", t.colour)
			r.Set("benefits", "- Deal registration\n- Marketing funds")
			if err := tx.Save(r); err != nil {
				return err
			}
		}

		users, err := tx.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		save := func(u FixtureUser) error {
			r := core.NewRecord(users)
			r.Id = u.ID
			r.SetEmail(u.Email)
			r.SetPassword(Password)
			r.SetVerified(true)
			r.Set("name", u.Name)
			r.Set("role", u.Role)
			r.Set("locale", u.Locale)
			r.Set("job_title", "Fixture "+u.Role)
			if u.Partner != "" {
				r.Set("partner", u.Partner)
			}
			return tx.Save(r)
		}
		// Staff first: partners point at their managers.
		for _, u := range FixtureUsers[:3] {
			if err := save(u); err != nil {
				return err
			}
		}

		partners, err := tx.FindCollectionByNameOrId("partners")
		if err != nil {
			return err
		}
		for _, p := range []struct {
			id, name, slug, tier, country, manager string
		}{
			{PartnerAcme, "Acme Brasil Ltda", "acme-brasil", TierGold, "BR", ManagerAnaID},
			{PartnerGlobex, "Globex México", "globex-mexico", TierSilver, "MX", ManagerBrunoID},
		} {
			r := core.NewRecord(partners)
			r.Id = p.id
			r.Set("name", p.name)
			r.Set("slug", p.slug)
			r.Set("tier", p.tier)
			r.Set("status", "active")
			r.Set("country", p.country)
			r.Set("manager", p.manager)
			r.Set("website", "https://"+p.slug+".example")
			r.Set("joined", time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC))
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		for _, u := range FixtureUsers[3:] {
			if err := save(u); err != nil {
				return err
			}
		}
		return nil
	})
}
