// Package documents holds the document library's logic shared by hooks and
// the portal: tag and file-name clean-up, the kind of a file, audience reach
// and download counting.
package documents

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
)

// Limits of a document's tags.
const (
	MaxTags      = 20
	MaxTagLength = 40
)

// Kinds are the types a file is sorted into in the library's filter.
var Kinds = []string{"pdf", "document", "spreadsheet", "presentation", "image", "archive", "video", "text", "other"}

// Statuses of a document, in editing order.
var Statuses = []string{"draft", "published", "archived"}

// Audiences a shared document can be targeted at.
var Audiences = []string{"all", "tiers", "regions", "partners"}

// Tags decodes a tags value (JSON array, []string or a comma-separated
// string) without validating it.
func Tags(raw any) []string {
	var out []string
	switch v := raw.(type) {
	case types.JSONRaw:
		if err := json.Unmarshal(v, &out); err != nil {
			return nil
		}
	case []byte:
		if err := json.Unmarshal(v, &out); err != nil {
			return nil
		}
	case []string:
		out = v
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
	case string:
		if strings.HasPrefix(strings.TrimSpace(v), "[") {
			_ = json.Unmarshal([]byte(v), &out)
		} else {
			out = strings.Split(v, ",")
		}
	}
	return out
}

// NormalizeTags trims tags, collapses inner spaces, drops empty ones and
// case-insensitive duplicates, and checks the limits. The result is never nil.
func NormalizeTags(raw any) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range Tags(raw) {
		t = strings.Join(strings.Fields(t), " ")
		if t == "" {
			continue
		}
		if !utf8.ValidString(t) || strings.ContainsFunc(t, func(r rune) bool { return unicode.IsControl(r) || r == ',' }) {
			return nil, errors.New("a tag contains characters that are not allowed")
		}
		if utf8.RuneCountInString(t) > MaxTagLength {
			return nil, fmt.Errorf("a tag is longer than %d characters", MaxTagLength)
		}
		if k := strings.ToLower(t); !seen[k] {
			seen[k] = true
			out = append(out, t)
		}
	}
	if len(out) > MaxTags {
		return nil, fmt.Errorf("at most %d tags", MaxTags)
	}
	return out, nil
}

// CleanFileName makes an uploaded file's name safe to show and to send in a
// Content-Disposition header: the last path element only, no control
// characters, no leading dots, at most 150 characters with the extension
// kept.
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base("/" + name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' {
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ". ")
	if name == "" || name == "/" {
		return "file"
	}
	if utf8.RuneCountInString(name) > 150 {
		ext := path.Ext(name)
		if utf8.RuneCountInString(ext) > 16 {
			ext = ""
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:150-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

// KindOf sorts a file into one of Kinds by its sniffed MIME type, with the
// name's extension deciding between the office formats (which all sniff as
// zip or OLE containers).
func KindOf(mime, filename string) string {
	mime, _, _ = strings.Cut(mime, ";")
	ext := strings.ToLower(path.Ext(filename))
	switch {
	case mime == "application/pdf":
		return "pdf"
	case strings.HasPrefix(mime, "image/"):
		return "image"
	case strings.HasPrefix(mime, "video/"):
		return "video"
	}
	switch ext {
	case ".doc", ".docx", ".odt", ".rtf", ".pages":
		return "document"
	case ".xls", ".xlsx", ".ods", ".csv", ".numbers":
		return "spreadsheet"
	case ".ppt", ".pptx", ".odp", ".key":
		return "presentation"
	case ".zip", ".7z", ".rar", ".gz", ".tgz", ".tar":
		return "archive"
	case ".txt", ".md":
		return "text"
	}
	switch {
	case strings.Contains(mime, "wordprocessing") || mime == "application/msword":
		return "document"
	case strings.Contains(mime, "spreadsheet") || mime == "text/csv":
		return "spreadsheet"
	case strings.Contains(mime, "presentation"):
		return "presentation"
	case mime == "application/zip" || mime == "application/gzip" || mime == "application/x-7z-compressed":
		return "archive"
	case strings.HasPrefix(mime, "text/plain"):
		return "text"
	}
	return "other"
}

// Audience is who a shared document is for, as the editor form sets it.
type Audience struct {
	Kind     string // one of Audiences
	Tiers    []string
	Regions  []string
	Partners []string
	// Private names the one partner a private document belongs to; the
	// other fields are then ignored.
	Private string
}

// AudienceOf reads a document's audience.
func AudienceOf(doc *core.Record) Audience {
	return Audience{
		Kind: doc.GetString("audience"), Tiers: doc.GetStringSlice("audience_tiers"),
		Regions: doc.GetStringSlice("audience_regions"), Partners: doc.GetStringSlice("audience_partners"),
		Private: doc.GetString("partner"),
	}
}

// reachablePartnerStatuses are the partners content reaches: applicants and
// suspended partners are not counted.
var reachablePartnerStatuses = []any{"onboarding", "active"}

// PartnerWhere is the condition on the partners table for the partners an
// audience reaches.
func (a Audience) PartnerWhere() dbx.Expression {
	status := dbx.In("partners.status", reachablePartnerStatuses...)
	if a.Private != "" {
		return dbx.And(status, dbx.HashExp{"partners.id": a.Private})
	}
	in := func(col string, vals []string) dbx.Expression {
		if len(vals) == 0 {
			return dbx.NewExp("1=0")
		}
		args := make([]any, len(vals))
		for i, v := range vals {
			args[i] = v
		}
		return dbx.In(col, args...)
	}
	switch a.Kind {
	case "all":
		return status
	case "tiers":
		return dbx.And(status, in("partners.tier", a.Tiers))
	case "regions":
		return dbx.And(status, in("partners.region", a.Regions))
	case "partners":
		return dbx.And(status, in("partners.id", a.Partners))
	}
	return dbx.NewExp("1=0")
}

// ReachPartners counts the partners an audience reaches.
func ReachPartners(app core.App, a Audience) (int, error) {
	var n int
	err := app.DB().Select("COUNT(*)").From("partners").Where(a.PartnerWhere()).Row(&n)
	return n, err
}

// Reach counts the partners and the active users an audience reaches. It is
// an aggregate for the staff editor, not a list of records.
func Reach(app core.App, a Audience) (partners, users int, err error) {
	if err = app.DB().Select("COUNT(*)").From("partners").Where(a.PartnerWhere()).Row(&partners); err != nil {
		return 0, 0, err
	}
	// Driven by the partners the audience reaches, each counted on the
	// (partner, deactivated) index: no user row is read.
	sub := app.DB().Select("partners.id").From("partners").Where(a.PartnerWhere()).Build()
	err = app.DB().Select("COUNT(*)").From("users").
		Where(dbx.NewExp("users.partner IN ("+sub.SQL()+")", sub.Params())).
		AndWhere(dbx.HashExp{"users.deactivated": false}).Row(&users)
	return partners, users, err
}

// RecordDownload counts one download of version by user: a document_downloads
// row, the document_stats rollup and an activity event, in one transaction.
// The caller has checked that the user may see the document.
func RecordDownload(app core.App, user, version *core.Record) error {
	return app.RunInTransaction(func(tx core.App) error {
		c, err := tx.FindCachedCollectionByNameOrId("document_downloads")
		if err != nil {
			return err
		}
		docID := version.GetString("document")
		firstOfDoc, err := firstDownload(tx, "document", docID, user.Id)
		if err != nil {
			return err
		}
		firstOfVersion, err := firstDownload(tx, "version", version.Id, user.Id)
		if err != nil {
			return err
		}
		row := core.NewRecord(c)
		row.Set("document", docID)
		row.Set("version", version.Id)
		row.Set("user", user.Id)
		if err := tx.Save(row); err != nil {
			return err
		}
		partner := row.GetString("partner") // stamped by the hook
		for _, b := range []struct {
			version, partner, scope string
			first                   bool
		}{
			{version.Id, partner, "partner", firstOfVersion}, {"", partner, "partner", firstOfDoc},
			{version.Id, "", "total", firstOfVersion}, {"", "", "total", firstOfDoc},
		} {
			if err := bumpStats(tx, docID, b.version, b.partner, b.scope, b.first); err != nil {
				return err
			}
		}
		doc, err := tx.FindRecordById("documents", docID)
		if err != nil {
			return err
		}
		return activity.Record(tx, user, activity.KindDocumentDownloaded, doc)
	})
}

// firstDownload reports whether user has not downloaded the document (or
// version) before, from the (document, user) / (version, user) index.
func firstDownload(app core.App, column, id, userID string) (bool, error) {
	var seen int
	err := app.DB().NewQuery("SELECT EXISTS (SELECT 1 FROM document_downloads WHERE [[" + column + "]] = {:id} AND [[user]] = {:u})").
		Bind(dbx.Params{"id": id, "u": userID}).Row(&seen)
	return seen == 0, err
}

// statsTime is the stored format of autodate fields.
const statsTime = "2006-01-02 15:04:05.000Z"

// bumpStats adds one download (and one downloader when newUser) to a
// document_stats row, creating it on first use. The rollup is server
// bookkeeping: no rule or hook has a say in it.
func bumpStats(app core.App, docID, versionID, partner, scope string, newUser bool) error {
	users := 0
	if newUser {
		users = 1
	}
	_, err := app.DB().NewQuery(`INSERT INTO document_stats (id, document, version, partner, scope, downloads, users, updated)
		VALUES ({:id}, {:d}, {:v}, {:p}, {:s}, 1, {:n}, {:t})
		ON CONFLICT (document, version, partner, scope) DO UPDATE SET
			downloads = downloads + 1, users = users + excluded.users, updated = excluded.updated`).
		Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "d": docID, "v": versionID, "p": partner, "s": scope, "n": users,
			"t": time.Now().UTC().Format(statsTime)}).Execute()
	return err
}

// RecordAck adds an acknowledgement to the document_stats rollup: the
// version's row for the acknowledging user's partner and its total row (with
// the count of partners that have acknowledged). Call it in the
// acknowledgement's transaction.
func RecordAck(app core.App, docID, versionID, partner string) error {
	now := time.Now().UTC().Format(statsTime)
	firstOfPartner := 0
	if partner != "" {
		var acks int
		err := app.DB().NewQuery(`INSERT INTO document_stats (id, document, version, partner, scope, downloads, users, acks, acked_partners, updated)
			VALUES ({:id}, {:d}, {:v}, {:p}, 'partner', 0, 0, 1, 0, {:t})
			ON CONFLICT (document, version, partner, scope) DO UPDATE SET acks = acks + 1, updated = excluded.updated
			RETURNING acks`).
			Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "d": docID, "v": versionID, "p": partner, "t": now}).Row(&acks)
		if err != nil {
			return err
		}
		if acks == 1 {
			firstOfPartner = 1
		}
	}
	_, err := app.DB().NewQuery(`INSERT INTO document_stats (id, document, version, partner, scope, downloads, users, acks, acked_partners, updated)
		VALUES ({:id}, {:d}, {:v}, '', 'total', 0, 0, 1, {:f}, {:t})
		ON CONFLICT (document, version, partner, scope) DO UPDATE SET
			acks = acks + 1, acked_partners = acked_partners + excluded.acked_partners, updated = excluded.updated`).
		Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "d": docID, "v": versionID, "f": firstOfPartner, "t": now}).Execute()
	return err
}

// RebuildStats recomputes the whole document_stats rollup from
// document_downloads, in one transaction; the incremental figures
// RecordDownload keeps must always equal what this produces.
func RebuildStats(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		now := time.Now().UTC().Format(statsTime)
		for _, q := range []string{
			`DELETE FROM document_stats`,
			`INSERT INTO document_stats (id, document, version, partner, scope, downloads, users, updated)
				SELECT substr(lower(hex(randomblob(8))), 1, 15), document, version, partner, 'partner', COUNT(*), COUNT(DISTINCT user), {:t}
				FROM document_downloads GROUP BY document, version, partner`,
			`INSERT INTO document_stats (id, document, version, partner, scope, downloads, users, updated)
				SELECT substr(lower(hex(randomblob(8))), 1, 15), document, '', partner, 'partner', COUNT(*), COUNT(DISTINCT user), {:t}
				FROM document_downloads GROUP BY document, partner`,
			`INSERT INTO document_stats (id, document, version, partner, scope, downloads, users, updated)
				SELECT substr(lower(hex(randomblob(8))), 1, 15), document, version, '', 'total', COUNT(*), COUNT(DISTINCT user), {:t}
				FROM document_downloads GROUP BY document, version`,
			`INSERT INTO document_stats (id, document, version, partner, scope, downloads, users, updated)
				SELECT substr(lower(hex(randomblob(8))), 1, 15), document, '', '', 'total', COUNT(*), COUNT(DISTINCT user), {:t}
				FROM document_downloads GROUP BY document`,
			// Acknowledgements (staff ones count in the totals only). "WHERE
			// true" lets SQLite parse an upsert fed by a SELECT.
			`INSERT INTO document_stats (id, document, version, partner, scope, downloads, users, acks, acked_partners, updated)
				SELECT substr(lower(hex(randomblob(8))), 1, 15), document, version, partner, 'partner', 0, 0, COUNT(*), 0, {:t}
				FROM document_acknowledgements WHERE partner != '' GROUP BY document, version, partner
				ON CONFLICT (document, version, partner, scope) DO UPDATE SET acks = excluded.acks`,
			`INSERT INTO document_stats (id, document, version, partner, scope, downloads, users, acks, acked_partners, updated)
				SELECT substr(lower(hex(randomblob(8))), 1, 15), document, version, '', 'total', 0, 0, COUNT(*), COUNT(DISTINCT NULLIF(partner, '')), {:t}
				FROM document_acknowledgements WHERE true GROUP BY document, version
				ON CONFLICT (document, version, partner, scope) DO UPDATE SET acks = excluded.acks, acked_partners = excluded.acked_partners`,
		} {
			if _, err := tx.DB().NewQuery(q).Bind(dbx.Params{"t": now}).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}
