package testapp

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// Fixture documents (SeedDocuments). Acme is a gold partner in Brazil
// (latam); Globex a silver partner in Mexico.
const (
	FolderSales = "foldersales0001"
	FolderLegal = "folderlegal0001"

	DocAll         = "docall000000001" // published, audience all
	DocGold        = "docgold00000001" // published, gold tier only (Acme)
	DocEurope      = "doceurope000001" // published, region europe (nobody in the fixture)
	DocGlobex      = "docglobex000001" // published, named partner Globex
	DocDraft       = "docdraft0000001" // draft, audience all
	DocArchived    = "docarchived0001" // archived, audience all
	DocAcmePrivate = "docacmepriv0001" // published, private to Acme, requires acknowledgement
)

// FixtureDocument describes one fixture document.
type FixtureDocument struct {
	ID, Title, Folder, Status, Audience, Partner string
	Tiers, Regions, Partners                     []string
	RequiresAck                                  bool
}

// FixtureDocuments lists the documents SeedDocuments writes; each gets one
// version ("<id> v1", text) uploaded by the admin.
var FixtureDocuments = []FixtureDocument{
	{ID: DocAll, Title: "Price list 2026", Folder: FolderSales, Status: "published", Audience: "all"},
	{ID: DocGold, Title: "Gold playbook", Folder: FolderSales, Status: "published", Audience: "tiers", Tiers: []string{TierGold}},
	{ID: DocEurope, Title: "EU data addendum", Folder: FolderLegal, Status: "published", Audience: "regions", Regions: []string{"europe"}},
	{ID: DocGlobex, Title: "Globex joint plan", Folder: FolderSales, Status: "published", Audience: "partners", Partners: []string{PartnerGlobex}},
	{ID: DocDraft, Title: "Draft roadmap", Folder: FolderSales, Status: "draft", Audience: "all"},
	{ID: DocArchived, Title: "Old price list", Folder: FolderSales, Status: "archived", Audience: "all"},
	{ID: DocAcmePrivate, Title: "Acme signed agreement", Folder: FolderLegal, Status: "published", Audience: "all",
		Partner: PartnerAcme, RequiresAck: true},
}

// SeedDocuments adds two folders and the FixtureDocuments to a fixture app.
func SeedDocuments(t testing.TB, app core.App) {
	t.Helper()
	err := app.RunInTransaction(func(tx core.App) error {
		fc, err := tx.FindCollectionByNameOrId("document_folders")
		if err != nil {
			return err
		}
		for i, f := range [][2]string{{FolderSales, "Sales"}, {FolderLegal, "Legal"}} {
			r := core.NewRecord(fc)
			r.Id = f[0]
			r.Set("name", f[1])
			r.Set("order", i)
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		dc, err := tx.FindCollectionByNameOrId("documents")
		if err != nil {
			return err
		}
		for _, d := range FixtureDocuments {
			r := core.NewRecord(dc)
			r.Id = d.ID
			r.Set("title", d.Title)
			r.Set("description", "About **"+d.Title+"**.")
			r.Set("folder", d.Folder)
			r.Set("tags", []string{"fixture"})
			r.Set("status", "published") // archived after the first version
			if d.Status == "draft" {
				r.Set("status", "draft")
			}
			r.Set("audience", d.Audience)
			r.Set("audience_tiers", d.Tiers)
			r.Set("audience_regions", d.Regions)
			r.Set("audience_partners", d.Partners)
			r.Set("partner", d.Partner)
			r.Set("requires_acknowledgement", d.RequiresAck)
			r.Set("owner", AdminID)
			if err := tx.Save(r); err != nil {
				return err
			}
			if _, err := AddVersion(tx, d.ID, AdminID, "file.txt", []byte(d.ID+" v1")); err != nil {
				return err
			}
			if d.Status == "archived" {
				r, err = tx.FindRecordById("documents", d.ID)
				if err != nil {
					return err
				}
				r.Set("status", "archived")
				if err := tx.Save(r); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("testapp: seeding documents: %v", err)
	}
}

// AddVersion uploads content as a new version of a document, as uploaderID,
// in one transaction (the way the portal does).
func AddVersion(app core.App, docID, uploaderID, name string, content []byte) (*core.Record, error) {
	var v *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		c, err := tx.FindCollectionByNameOrId("document_versions")
		if err != nil {
			return err
		}
		f, err := filesystem.NewFileFromBytes(content, name)
		if err != nil {
			return err
		}
		v = core.NewRecord(c)
		v.Set("document", docID)
		v.Set("uploaded_by", uploaderID)
		v.Set("file", f)
		v.Set("filename", name)
		return tx.Save(v)
	})
	return v, err
}
