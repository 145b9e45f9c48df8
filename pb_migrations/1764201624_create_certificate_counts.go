package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// certificateCountsRule admits admins, a partner's manager and its partner
// admins, as the certificates they count do (holders see only their own
// certificates, so no count row is theirs).
var certificateCountsRule = signedIn + ` && (` + isAdmin +
	` || (` + isManager + ` && partner.manager = @request.auth.id)` +
	` || (` + isPartnerAdmin + ` && partner = @request.auth.partner))`

// Certificate counts: how many certificates of each certification each
// partner's people hold in each stored status, kept by the certificate
// hooks in the change's transaction. The certified people report and the
// certifications page read a few thousand of these rows instead of every
// certificate. partner is "" for holders without a partner (staff).
func init() {
	m.Register(func(app core.App) error {
		partners, err := app.FindCollectionByNameOrId("partners")
		if err != nil {
			return err
		}
		certs, err := app.FindCollectionByNameOrId("certifications")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("certificate_counts", "pc_certcounts01")
		c.Fields.Add(
			&core.RelationField{Name: "certification", CollectionId: certs.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.NumberField{Name: "valid", OnlyInt: true, Min: ptrFloat(0)},
			&core.NumberField{Name: "expired", OnlyInt: true, Min: ptrFloat(0)},
			&core.NumberField{Name: "revoked", OnlyInt: true, Min: ptrFloat(0)},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		c.AddIndex("idx_certificate_counts_key", true, "certification, partner", "")
		c.AddIndex("idx_certificate_counts_partner", false, "partner", "")
		c.ListRule = ptr(certificateCountsRule)
		c.ViewRule = ptr(certificateCountsRule)
		c.CreateRule = nil
		c.UpdateRule = nil
		c.DeleteRule = nil
		if err := app.Save(c); err != nil {
			return err
		}
		// Certificates issued before this migration.
		_, err = app.DB().NewQuery(`INSERT INTO certificate_counts (id, certification, partner, valid, expired, revoked, updated)
			SELECT substr(lower(hex(randomblob(8))), 1, 15),
				certification, partner,
				SUM(status = 'valid'), SUM(status = 'expired'), SUM(status = 'revoked'),
				strftime('%Y-%m-%d %H:%M:%fZ')
			FROM certificates GROUP BY certification, partner`).Execute()
		return err
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("certificate_counts")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
