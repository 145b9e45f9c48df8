package migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Document statuses, audiences and the kinds a version's file is sorted into.
var (
	documentStatuses  = []string{"draft", "published", "archived"}
	documentAudiences = []string{"all", "tiers", "regions", "partners"}
	documentKinds     = []string{"pdf", "document", "spreadsheet", "presentation", "image", "archive", "video", "text", "other"}
)

// documentVisible is the documents View rule with every field prefixed by p
// ("" on documents itself, "document." on the collections that hang off a
// document), so versions, downloads and acknowledgements are visible exactly
// when their document is.
//
// Admins see everything; managers see every shared document and the private
// documents of the partners they manage; partner users see published shared
// documents whose audience names their tier, region or organisation, and
// their own organisation's published private documents.
func documentVisible(p string) string {
	r := strings.NewReplacer("P.", p)
	return r.Replace(signedIn + ` && (` + isAdmin +
		` || (` + isManager + ` && (P.partner = "" || P.partner.manager = @request.auth.id))` +
		` || (` + hasPartner + ` && P.status = "published" && (` +
		`(P.partner = "" && (P.audience = "all"` +
		` || (P.audience = "tiers" && @request.auth.partner.tier != "" && P.audience_tiers:each ?= @request.auth.partner.tier)` +
		` || (P.audience = "regions" && @request.auth.partner.region != "" && P.audience_regions:each ?= @request.auth.partner.region)` +
		` || (P.audience = "partners" && P.audience_partners:each ?= @request.auth.partner)))` +
		` || P.partner = @request.auth.partner)))`)
}

// documentManaged says who may change a document (prefix as above): admins,
// and managers for shared documents and their own partners' private ones.
func documentManaged(p string) string {
	r := strings.NewReplacer("P.", p)
	return r.Replace(signedIn + ` && (` + isAdmin +
		` || (` + isManager + ` && (P.partner = "" || P.partner.manager = @request.auth.id)))`)
}

// partnerFacts is the List/View rule of per-user facts about documents
// (downloads, acknowledgements): the user's own, their organisation's for a
// partner admin, their partners' for a manager, all for an admin.
var partnerFacts = signedIn + ` && (` + isAdmin +
	` || (` + isManager + ` && partner.manager = @request.auth.id)` +
	` || (` + isPartnerAdmin + ` && partner = @request.auth.partner)` +
	` || user = @request.auth.id)`

// derivedUnset keeps the fields the versions hook maintains out of reach of
// API clients: the current version, its size and kind, the version count and
// the dates of publication and revision.
const derivedUnset = `@request.body.current_version:isset = false && @request.body.version_count:isset = false` +
	` && @request.body.size:isset = false && @request.body.kind:isset = false` +
	` && @request.body.revised:isset = false && @request.body.published:isset = false`

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		partners, err := app.FindCollectionByNameOrId("partners")
		if err != nil {
			return err
		}
		tiers, err := app.FindCollectionByNameOrId("tiers")
		if err != nil {
			return err
		}

		// Folders: a small tree, readable by every signed-in user.
		folders := core.NewBaseCollection("document_folders", "pc_docfolders01")
		folders.Fields.Add(
			&core.TextField{Name: "name", Required: true, Max: 120, Presentable: true},
			&core.NumberField{Name: "order", OnlyInt: true},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		folders.ListRule = ptr(signedIn)
		folders.ViewRule = ptr(signedIn)
		folders.CreateRule = ptr(signedIn + " && " + isStaff)
		folders.UpdateRule = ptr(signedIn + " && " + isStaff)
		folders.DeleteRule = ptr(signedIn + " && " + isAdmin)
		if err := app.Save(folders); err != nil {
			return err
		}
		folders.Fields.Add(&core.RelationField{Name: "parent", CollectionId: folders.Id, MaxSelect: 1})
		folders.AddIndex("idx_document_folders_parent", false, "parent, `order`, name", "")
		if err := app.Save(folders); err != nil {
			return err
		}

		docs := core.NewBaseCollection("documents", "pc_documents001")
		docs.Fields.Add(
			&core.TextField{Name: "title", Required: true, Max: 200, Presentable: true},
			&core.EditorField{Name: "description", MaxSize: 20000},
			&core.RelationField{Name: "folder", CollectionId: folders.Id, MaxSelect: 1},
			&core.JSONField{Name: "tags", MaxSize: 2000},
			&core.SelectField{Name: "audience", Required: true, MaxSelect: 1, Values: documentAudiences},
			&core.RelationField{Name: "audience_tiers", CollectionId: tiers.Id, MaxSelect: 50},
			&core.SelectField{Name: "audience_regions", MaxSelect: len(partnerRegions), Values: partnerRegions},
			&core.RelationField{Name: "audience_partners", CollectionId: partners.Id, MaxSelect: 500},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: documentStatuses},
			&core.RelationField{Name: "owner", CollectionId: users.Id, MaxSelect: 1},
			// partner makes the document private to one organisation (a signed
			// agreement); the audience is then ignored.
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.BoolField{Name: "requires_acknowledgement"},
			// Derived by hooks from the current version.
			&core.SelectField{Name: "kind", MaxSelect: 1, Values: documentKinds},
			&core.NumberField{Name: "size", OnlyInt: true, Min: ptrFloat(0)},
			&core.NumberField{Name: "version_count", OnlyInt: true, Min: ptrFloat(0)},
			// published is when the document was first published, revised when
			// its current version last changed: the library's "new" and
			// "updated" badges and its order.
			&core.DateField{Name: "published"},
			&core.DateField{Name: "revised"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		docs.AddIndex("idx_documents_revised", false, "revised", "")
		docs.AddIndex("idx_documents_status", false, "status, revised", "")
		docs.AddIndex("idx_documents_folder", false, "folder, revised", "")
		docs.AddIndex("idx_documents_partner", false, "partner, revised", "")
		docs.AddIndex("idx_documents_kind", false, "kind, revised", "")
		docs.AddIndex("idx_documents_audience", false, "audience, status", "")
		docs.AddIndex("idx_documents_owner", false, "owner", "")
		docs.AddIndex("idx_documents_published", false, "published", "")
		docs.AddIndex("idx_documents_title", false, "title", "")
		docs.ListRule = ptr(documentVisible(""))
		docs.ViewRule = ptr(documentVisible(""))
		docs.CreateRule = ptr(documentManaged("") + ` && owner = @request.auth.id && ` + derivedUnset)
		// A manager may not hand a private document to a partner they do not
		// manage, nor take over someone else's ownership (only the admin
		// changes an owner: the Delete rule relies on it).
		docs.UpdateRule = ptr(documentManaged("") + ` && ` + derivedUnset +
			` && (@request.body.owner:isset = false || @request.body.owner = owner || ` + isAdmin + `)` +
			` && (` + isAdmin + ` || @request.body.partner:isset = false || @request.body.partner = "" || @request.body.partner.manager = @request.auth.id)`)
		docs.DeleteRule = ptr(documentManaged("") + ` && (` + isAdmin + ` || owner = @request.auth.id)`)
		if err := app.Save(docs); err != nil {
			return err
		}

		versions := core.NewBaseCollection("document_versions", "pc_docversion01")
		versions.Fields.Add(
			&core.RelationField{Name: "document", CollectionId: docs.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.NumberField{Name: "number", OnlyInt: true, Min: ptrFloat(1)},
			// The limit an operator sets (Settings, default 100 MB) is enforced
			// by the versions hook; this is only the schema's ceiling.
			&core.FileField{Name: "file", MaxSelect: 1, MaxSize: 4 << 30, Protected: true},
			&core.TextField{Name: "filename", Max: 255},
			&core.TextField{Name: "notes", Max: 2000},
			&core.NumberField{Name: "size", OnlyInt: true, Min: ptrFloat(0)},
			&core.TextField{Name: "sha256", Max: 64, Pattern: `^[0-9a-f]{64}$`},
			&core.TextField{Name: "mime", Max: 120},
			&core.RelationField{Name: "uploaded_by", CollectionId: users.Id, MaxSelect: 1},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		versions.ListRule = ptr(documentVisible("document."))
		versions.ViewRule = ptr(documentVisible("document."))
		versions.CreateRule = ptr(documentManaged("document.") + ` && uploaded_by = @request.auth.id`)
		versions.UpdateRule = nil // immutable
		versions.DeleteRule = nil // only with the document
		if err := app.Save(versions); err != nil {
			return err
		}
		// A restored version points at the version that holds the bytes
		// instead of copying them.
		versions.Fields.Add(&core.RelationField{Name: "content_of", CollectionId: versions.Id, MaxSelect: 1, CascadeDelete: true})
		versions.AddIndex("idx_document_versions_number", true, "document, number", "")
		versions.AddIndex("idx_document_versions_content_of", false, "content_of", "")
		versions.AddIndex("idx_document_versions_uploaded_by", false, "uploaded_by", "")
		if err := app.Save(versions); err != nil {
			return err
		}

		docs.Fields.Add(&core.RelationField{Name: "current_version", CollectionId: versions.Id, MaxSelect: 1})
		if err := app.Save(docs); err != nil {
			return err
		}

		acks := core.NewBaseCollection("document_acknowledgements", "pc_docacks00001")
		acks.Fields.Add(
			&core.RelationField{Name: "document", CollectionId: docs.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "version", CollectionId: versions.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		acks.AddIndex("idx_document_acks_version_user", true, "version, user", "")
		acks.AddIndex("idx_document_acks_version_created", false, "version, created", "")
		acks.AddIndex("idx_document_acks_document_partner", false, "document, partner", "")
		acks.AddIndex("idx_document_acks_user", false, "user, created", "")
		acks.AddIndex("idx_document_acks_partner", false, "partner, created", "")
		acks.ListRule = ptr(partnerFacts)
		acks.ViewRule = ptr(partnerFacts)
		// A user acknowledges the current version of a document they can see
		// and that asks for it; the hook copies their partner.
		acks.CreateRule = ptr(`user = @request.auth.id && document.requires_acknowledgement = true && version = document.current_version && ` +
			documentVisible("document."))
		acks.UpdateRule = nil
		acks.DeleteRule = nil
		if err := app.Save(acks); err != nil {
			return err
		}

		downloads := core.NewBaseCollection("document_downloads", "pc_docdownload1")
		downloads.Fields.Add(
			&core.RelationField{Name: "document", CollectionId: docs.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "version", CollectionId: versions.Id, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		downloads.AddIndex("idx_document_downloads_document", false, "document, partner, user", "")
		// (document, user) and (version, user) answer "is this the user's
		// first download of it?" when the stats rollup is kept.
		downloads.AddIndex("idx_document_downloads_document_user", false, "document, user", "")
		downloads.AddIndex("idx_document_downloads_version", false, "version, user", "")
		downloads.AddIndex("idx_document_downloads_partner", false, "partner, created", "")
		downloads.AddIndex("idx_document_downloads_user", false, "user, created", "")
		downloads.ListRule = ptr(partnerFacts)
		downloads.ViewRule = ptr(partnerFacts)
		downloads.CreateRule = nil // written by the server after the View check
		downloads.UpdateRule = nil
		downloads.DeleteRule = nil
		if err := app.Save(downloads); err != nil {
			return err
		}

		// Download figures, kept current in the transaction of each download
		// (documents.RecordDownload) and rebuilt from document_downloads by
		// documents.RebuildStats. Rows with scope "partner" hold one
		// partner's figures per (document, version) and per document (version
		// ""); rows with scope "total" the same over all partners, for admins.
		// users counts distinct downloaders (a user belongs to one partner,
		// so sums across partners stay exact). A popular document's page
		// reads a handful of rows instead of every download.
		stats := core.NewBaseCollection("document_stats", "pc_docstats0001")
		stats.Fields.Add(
			&core.RelationField{Name: "document", CollectionId: docs.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "version", CollectionId: versions.Id, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.SelectField{Name: "scope", Required: true, MaxSelect: 1, Values: []string{"partner", "total"}},
			&core.NumberField{Name: "downloads", OnlyInt: true, Min: ptrFloat(0)},
			&core.NumberField{Name: "users", OnlyInt: true, Min: ptrFloat(0)},
			// Acknowledgements of the version (rows with a version), and on
			// total rows how many partners have at least one.
			&core.NumberField{Name: "acks", OnlyInt: true, Min: ptrFloat(0)},
			&core.NumberField{Name: "acked_partners", OnlyInt: true, Min: ptrFloat(0)},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		stats.AddIndex("idx_document_stats_key", true, "document, version, partner, scope", "")
		stats.AddIndex("idx_document_stats_rank", false, "document, version, scope, downloads", "")
		stats.AddIndex("idx_document_stats_partner", false, "partner", "")
		statsView := signedIn + ` && ((scope = "total" && ` + isAdmin + `) || (scope = "partner" && (` + isAdmin +
			` || (` + isManager + ` && partner.manager = @request.auth.id)` +
			` || (` + isPartnerAdmin + ` && partner = @request.auth.partner))))`
		stats.ListRule = ptr(statsView)
		stats.ViewRule = ptr(statsView)
		stats.CreateRule = nil
		stats.UpdateRule = nil
		stats.DeleteRule = nil
		if err := app.Save(stats); err != nil {
			return err
		}

		// The metadata history: one row per changed field. Audience changes
		// name tiers and partners, so only staff see those rows.
		changes := core.NewBaseCollection("document_changes", "pc_docchanges01")
		changes.Fields.Add(
			&core.RelationField{Name: "document", CollectionId: docs.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1},
			&core.TextField{Name: "field", Required: true, Max: 40},
			&core.TextField{Name: "old", Max: 1000},
			&core.TextField{Name: "new", Max: 1000},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		changes.AddIndex("idx_document_changes_document", false, "document, created", "")
		// Audience and privacy changes name other partners: staff only.
		changeView := documentVisible("document.") + ` && (` + isStaff + ` || (field !~ "audience" && field != "partner"))`
		changes.ListRule = ptr(changeView)
		changes.ViewRule = ptr(changeView)
		changes.CreateRule = nil
		changes.UpdateRule = nil
		changes.DeleteRule = nil
		if err := app.Save(changes); err != nil {
			return err
		}

		// The per-file upload limit operators set, and each user's library
		// visits (for "new" and "updated" badges).
		settings, err := app.FindCollectionByNameOrId("settings")
		if err != nil {
			return err
		}
		settings.Fields.Add(&core.NumberField{Name: "max_upload_mb", OnlyInt: true, Min: ptrFloat(1), Max: ptrFloat(4096)})
		if err := app.Save(settings); err != nil {
			return err
		}
		recs, err := app.FindAllRecords(settings)
		if err != nil {
			return err
		}
		for _, r := range recs {
			r.Set("max_upload_mb", 100)
			if err := app.Save(r); err != nil {
				return err
			}
		}
		users.Fields.Add(
			&core.DateField{Name: "library_visit", Hidden: true},
			&core.DateField{Name: "library_seen", Hidden: true},
		)
		return app.Save(users)
	}, func(app core.App) error {
		for _, name := range []string{"document_changes", "document_stats", "document_downloads", "document_acknowledgements", "documents", "document_versions", "document_folders"} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				continue
			}
			if name == "documents" {
				c.Fields.RemoveByName("current_version")
				if err := app.Save(c); err != nil {
					return err
				}
				continue
			}
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		if c, err := app.FindCollectionByNameOrId("documents"); err == nil {
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		if c, err := app.FindCollectionByNameOrId("settings"); err == nil {
			c.Fields.RemoveByName("max_upload_mb")
			if err := app.Save(c); err != nil {
				return err
			}
		}
		if c, err := app.FindCollectionByNameOrId("users"); err == nil {
			c.Fields.RemoveByName("library_visit")
			c.Fields.RemoveByName("library_seen")
			return app.Save(c)
		}
		return nil
	})
}

func ptrFloat(f float64) *float64 { return &f }
