package documents_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

func tagList(n int, prefix string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strings.Repeat("x", i+1)
	}
	return out
}

func TestNormalizeTags(t *testing.T) {
	// 25 entries that are only 5 tags once duplicates are dropped: the limit
	// counts distinct tags.
	var dupes []string
	for i := 0; i < 25; i++ {
		dupes = append(dupes, []string{"a", "B", "c", "D", "e"}[i%5])
		if i%2 == 1 {
			dupes[i] = strings.ToUpper(dupes[i])
		}
	}
	cases := []struct {
		name    string
		raw     any
		want    []string
		wantErr string
	}{
		{"nil is an empty list", nil, []string{}, ""},
		{"empty JSON array", types.JSONRaw(`[]`), []string{}, ""},
		{"JSON array", types.JSONRaw(`["Sales","Q3"]`), []string{"Sales", "Q3"}, ""},
		{"JSON bytes", []byte(`["a"]`), []string{"a"}, ""},
		{"broken JSON is no tags", types.JSONRaw(`["a"`), []string{}, ""},
		{"[]any keeps the strings", []any{"a", 3, "b"}, []string{"a", "b"}, ""},
		{"comma-separated string", " pricing , Q3 ,, ", []string{"pricing", "Q3"}, ""},
		{"JSON array in a string", `["x","y"]`, []string{"x", "y"}, ""},
		{"spaces trimmed and collapsed", []string{"  big   deal  ", "a\t\tb"}, []string{"big deal", "a b"}, ""},
		{"empty and blank dropped", []string{"", "   ", "ok"}, []string{"ok"}, ""},
		{"case-insensitive duplicates keep the first", []string{"Go", "go", "GO ", "Rust"}, []string{"Go", "Rust"}, ""},
		{"accented duplicates", []string{"Preço", "PREÇO"}, []string{"Preço"}, ""},
		{"exactly 20 tags", tagList(20, "t"), tagList(20, "t"), ""},
		{"21 tags", tagList(21, "t"), nil, "at most 20 tags"},
		{"25 entries, 5 distinct", dupes, []string{"a", "B", "c", "D", "e"}, ""},
		{"40 characters", []string{strings.Repeat("é", 40)}, []string{strings.Repeat("é", 40)}, ""},
		{"41 characters", []string{strings.Repeat("é", 41)}, nil, "longer than 40"},
		{"comma inside a listed tag", []string{"a,b"}, nil, "not allowed"},
		{"NUL", []string{"a\x00b"}, nil, "not allowed"},
		{"other control character", []string{"bell\x07"}, nil, "not allowed"},
		{"DEL", []string{"del\x7f"}, nil, "not allowed"},
		{"C1 control", []string{"x\u0090y"}, nil, "not allowed"},
		{"C1 next-line is a space", []string{"x\u0085y"}, []string{"x y"}, ""},
		{"invalid UTF-8", []string{"caf\xe9"}, nil, "not allowed"},
		{"one bad tag fails the list", []string{"good", "ba\x01d"}, nil, "not allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := documents.NormalizeTags(c.raw)
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("NormalizeTags(%q) = %q, %v; want error containing %q", c.raw, got, err, c.wantErr)
				}
				if got != nil {
					t.Errorf("NormalizeTags returned %q with an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("NormalizeTags(%q): %v", c.raw, err)
			}
			if got == nil {
				t.Fatalf("NormalizeTags(%q) = nil, want a non-nil list", c.raw)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("NormalizeTags(%q) = %q, want %q", c.raw, got, c.want)
			}
		})
	}
}

func TestCleanFileName(t *testing.T) {
	long := strings.Repeat("a", 296) + ".pdf" // 300 characters
	longRunes := strings.Repeat("ç", 300) + ".docx"
	cases := []struct {
		name, in, want string
	}{
		{"plain", "Price list.pdf", "Price list.pdf"},
		{"unix traversal", "../../etc/passwd", "passwd"},
		{"traversal to a dotfile", "../.htaccess", "htaccess"},
		{"windows traversal", `..\..\windows\system.ini`, "system.ini"},
		{"absolute path", "/var/data/report.xlsx", "report.xlsx"},
		{"NUL", "evil\x00.pdf", "evil.pdf"},
		{"NUL after the extension", "a.pdf\x00.exe", "a.pdf.exe"},
		{"control characters", "a\r\nb\tc.txt", "abc.txt"},
		{"quotes", `say "hi".txt`, "say hi.txt"},
		{"leading dots and spaces", " . .env", "env"},
		{"surrounding spaces", "  notes.md  ", "notes.md"},
		{"invalid UTF-8", "caf\xe9.txt", "caf.txt"},
		{"empty", "", "file"},
		{"only dots", "...", "file"},
		{"only a slash", "/", "file"},
		{"only a directory", "dir/", "dir"},
		{"only NUL", "\x00", "file"},
		{"long name keeps the extension", long, strings.Repeat("a", 146) + ".pdf"},
		{"long multibyte name", longRunes, strings.Repeat("ç", 145) + ".docx"},
		{"long name with a long extension", strings.Repeat("b", 200) + "." + strings.Repeat("e", 20),
			strings.Repeat("b", 150)},
		{"unicode kept", "Relatório São Paulo.pdf", "Relatório São Paulo.pdf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := documents.CleanFileName(c.in)
			if got != c.want {
				t.Errorf("CleanFileName(%q) = %q, want %q", c.in, got, c.want)
			}
			if n := utf8.RuneCountInString(got); n > 150 {
				t.Errorf("CleanFileName(%q) has %d characters", c.in, n)
			}
			if !utf8.ValidString(got) || strings.ContainsAny(got, "/\\\x00\"") || strings.HasPrefix(got, ".") {
				t.Errorf("CleanFileName(%q) = %q is not safe", c.in, got)
			}
		})
	}
}

func TestKindOf(t *testing.T) {
	cases := []struct{ mime, name, want string }{
		{"application/pdf", "x.pdf", "pdf"},
		{"application/pdf", "x.docx", "pdf"}, // the bytes win over the name
		{"image/png", "x.pdf", "image"},
		{"image/jpeg; charset=binary", "photo", "image"},
		{"video/mp4", "clip.bin", "video"},
		{"application/zip", "deck.pptx", "presentation"},
		{"application/zip", "sheet.XLSX", "spreadsheet"},
		{"application/zip", "letter.docx", "document"},
		{"application/x-ole-storage", "old.doc", "document"},
		{"application/x-ole-storage", "old.xls", "spreadsheet"},
		{"application/x-ole-storage", "old.ppt", "presentation"},
		{"application/zip", "bundle.zip", "archive"},
		{"application/zip", "bundle", "archive"},
		{"application/gzip", "logs", "archive"},
		{"application/x-7z-compressed", "a", "archive"},
		{"text/plain; charset=utf-8", "readme.md", "text"},
		{"text/plain; charset=utf-8", "readme", "text"},
		{"text/plain; charset=utf-8", "prices.csv", "spreadsheet"},
		{"text/csv", "prices", "spreadsheet"},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "x", "document"},
		{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "x", "spreadsheet"},
		{"application/vnd.openxmlformats-officedocument.presentationml.presentation", "x", "presentation"},
		{"application/msword", "x", "document"},
		{"application/octet-stream", "x.bin", "other"},
		{"application/octet-stream", "", "other"},
		{"", "", "other"},
	}
	for _, c := range cases {
		got := documents.KindOf(c.mime, c.name)
		if got != c.want {
			t.Errorf("KindOf(%q, %q) = %q, want %q", c.mime, c.name, got, c.want)
		}
		if !slices.Contains(documents.Kinds, got) {
			t.Errorf("KindOf(%q, %q) = %q is not one of Kinds", c.mime, c.name, got)
		}
	}
}

func TestReach(t *testing.T) {
	app := testapp.New(t)
	acme, globex := testapp.PartnerAcme, testapp.PartnerGlobex
	cases := []struct {
		name            string
		a               documents.Audience
		partners, users int
	}{
		{"all", documents.Audience{Kind: "all"}, 2, 4},
		{"tiers gold", documents.Audience{Kind: "tiers", Tiers: []string{testapp.TierGold}}, 1, 2},
		{"tiers silver", documents.Audience{Kind: "tiers", Tiers: []string{testapp.TierSilver}}, 1, 2},
		{"tiers gold and silver", documents.Audience{Kind: "tiers", Tiers: []string{testapp.TierGold, testapp.TierSilver}}, 2, 4},
		{"tiers none chosen", documents.Audience{Kind: "tiers"}, 0, 0},
		{"tiers unknown", documents.Audience{Kind: "tiers", Tiers: []string{"nosuchtier00001"}}, 0, 0},
		{"regions latam", documents.Audience{Kind: "regions", Regions: []string{"latam"}}, 2, 4},
		{"regions europe", documents.Audience{Kind: "regions", Regions: []string{"europe"}}, 0, 0},
		{"regions none chosen", documents.Audience{Kind: "regions"}, 0, 0},
		{"partners globex", documents.Audience{Kind: "partners", Partners: []string{globex}}, 1, 2},
		{"partners both", documents.Audience{Kind: "partners", Partners: []string{acme, globex}}, 2, 4},
		{"partners none chosen", documents.Audience{Kind: "partners"}, 0, 0},
		// A private document reaches its partner whatever the audience says.
		{"private acme, audience europe", documents.Audience{Kind: "regions", Regions: []string{"europe"}, Private: acme}, 1, 2},
		{"private globex, audience gold", documents.Audience{Kind: "tiers", Tiers: []string{testapp.TierGold}, Private: globex}, 1, 2},
		{"unknown kind", documents.Audience{Kind: "everyone"}, 0, 0},
		{"empty kind", documents.Audience{}, 0, 0},
	}
	check := func(t *testing.T, app core.App, name string, a documents.Audience, wantP, wantU int) {
		t.Helper()
		p, u, err := documents.Reach(app, a)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p != wantP || u != wantU {
			t.Errorf("%s: Reach = %d partners, %d users; want %d, %d", name, p, u, wantP, wantU)
		}
	}
	for _, c := range cases {
		check(t, app, c.name, c.a, c.partners, c.users)
	}

	// AudienceOf reads the fixture documents the way the editor sets them.
	testapp.SeedDocuments(t, app)
	for id, want := range map[string][2]int{
		testapp.DocAll: {2, 4}, testapp.DocGold: {1, 2}, testapp.DocEurope: {0, 0},
		testapp.DocGlobex: {1, 2}, testapp.DocAcmePrivate: {1, 2},
	} {
		doc, err := app.FindRecordById("documents", id)
		if err != nil {
			t.Fatal(err)
		}
		check(t, app, id, documents.AudienceOf(doc), want[0], want[1])
	}

	// A deactivated user is not reached; nor is a suspended partner or an
	// applicant, while an onboarding partner is.
	diego, err := app.FindRecordById("users", testapp.AcmeUserID)
	if err != nil {
		t.Fatal(err)
	}
	diego.Set("deactivated", true)
	if err := app.Save(diego); err != nil {
		t.Fatal(err)
	}
	check(t, app, "gold after deactivating diego", documents.Audience{Kind: "tiers", Tiers: []string{testapp.TierGold}}, 1, 1)
	check(t, app, "all after deactivating diego", documents.Audience{Kind: "all"}, 2, 3)

	setStatus := func(id, status string) {
		t.Helper()
		p, err := app.FindRecordById("partners", id)
		if err != nil {
			t.Fatal(err)
		}
		p.Set("status", status)
		if err := app.Save(p); err != nil {
			t.Fatalf("partner %s → %s: %v", id, status, err)
		}
	}
	setStatus(globex, "suspended")
	check(t, app, "all with globex suspended", documents.Audience{Kind: "all"}, 1, 1)
	check(t, app, "private globex while suspended", documents.Audience{Kind: "all", Private: globex}, 0, 0)
	setStatus(globex, "onboarding")
	check(t, app, "all with globex onboarding", documents.Audience{Kind: "all"}, 2, 3)
	setStatus(acme, "applicant")
	check(t, app, "all with acme an applicant", documents.Audience{Kind: "all"}, 1, 2)
}

func TestRecordDownload(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDocuments(t, app)
	doc, err := app.FindRecordById("documents", testapp.DocAcmePrivate)
	if err != nil {
		t.Fatal(err)
	}
	v, err := app.FindRecordById("document_versions", doc.GetString("current_version"))
	if err != nil {
		t.Fatal(err)
	}
	diego, err := app.FindRecordById("users", testapp.AcmeUserID)
	if err != nil {
		t.Fatal(err)
	}
	if err := documents.RecordDownload(app, diego, v); err != nil {
		t.Fatal(err)
	}
	rows, err := app.FindAllRecords("document_downloads")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 {
		t.Fatalf("%d download rows, want 1", len(rows))
	}
	r := rows[0]
	for f, want := range map[string]string{"document": doc.Id, "version": v.Id, "user": diego.Id, "partner": testapp.PartnerAcme} {
		if got := r.GetString(f); got != want {
			t.Errorf("download %s = %q, want %q", f, got, want)
		}
	}
	evs, err := app.FindAllRecords("activity")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if ev.GetString("kind") == activity.KindDocumentDownloaded {
			n++
			if ev.GetString("user") != diego.Id || ev.GetString("target_id") != doc.Id ||
				ev.GetString("target_collection") != "documents" || ev.GetString("partner") != testapp.PartnerAcme {
				t.Errorf("download event = user %q target %s/%s partner %q", ev.GetString("user"),
					ev.GetString("target_collection"), ev.GetString("target_id"), ev.GetString("partner"))
			}
		}
	}
	if n != 1 {
		t.Errorf("%d %s events, want 1", n, activity.KindDocumentDownloaded)
	}

	// A version of a missing document writes nothing: the transaction rolls
	// the download row back.
	ghost := v.Clone()
	ghost.Set("document", "nosuchdocument1")
	if err := documents.RecordDownload(app, diego, ghost); err == nil {
		t.Error("RecordDownload of a version without a document succeeded")
	}
	if n, _ := app.CountRecords("document_downloads"); n != 1 {
		t.Errorf("%d download rows after a failed download, want 1", n)
	}
}

// statsRow is one document_stats row without its id and time.
type statsRow struct {
	Document  string `db:"document"`
	Version   string `db:"version"`
	Partner   string `db:"partner"`
	Scope     string `db:"scope"`
	Downloads int    `db:"downloads"`
	Users     int    `db:"users"`
	Acks      int    `db:"acks"`
	AckedP    int    `db:"acked_partners"`
}

func allStats(t *testing.T, app core.App) []statsRow {
	t.Helper()
	var rows []statsRow
	if err := app.DB().NewQuery(`SELECT document, version, partner, scope, downloads, users, acks, acked_partners FROM document_stats
		ORDER BY document, version, partner, scope`).All(&rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestStatsIncrementalEqualsRebuilt: the rollup RecordDownload keeps in the
// download's transaction equals the one RebuildStats computes from the raw
// downloads, over repeat downloads, several versions, several partners and
// staff (no partner).
func TestStatsIncrementalEqualsRebuilt(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDocuments(t, app)
	v2, err := testapp.AddVersion(app, testapp.DocAll, testapp.AdminID, "v2.txt", []byte("price list v2"))
	if err != nil {
		t.Fatal(err)
	}
	v1, err := app.FindFirstRecordByFilter("document_versions", "document = {:d} && number = 1", map[string]any{"d": testapp.DocAll})
	if err != nil {
		t.Fatal(err)
	}
	gold, err := app.FindFirstRecordByFilter("document_versions", "document = {:d}", map[string]any{"d": testapp.DocGold})
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]*core.Record{}
	for _, id := range []string{testapp.AcmeUserID, testapp.AcmeAdminID, testapp.GlobexUserID, testapp.AdminID} {
		if users[id], err = app.FindRecordById("users", id); err != nil {
			t.Fatal(err)
		}
	}
	downloads := []struct {
		user    string
		version *core.Record
	}{
		{testapp.AcmeUserID, v1}, {testapp.AcmeUserID, v1}, {testapp.AcmeUserID, v2},
		{testapp.AcmeAdminID, v2}, {testapp.GlobexUserID, v2}, {testapp.GlobexUserID, v1},
		{testapp.AdminID, v2}, {testapp.AcmeUserID, gold}, {testapp.AcmeAdminID, gold},
	}
	for _, d := range downloads {
		if err := documents.RecordDownload(app, users[d.user], d.version); err != nil {
			t.Fatal(err)
		}
	}
	// Acknowledgements of the Acme agreement: two Acme users and the admin.
	agreement, err := app.FindFirstRecordByFilter("document_versions", "document = {:d}", map[string]any{"d": testapp.DocAcmePrivate})
	if err != nil {
		t.Fatal(err)
	}
	acks, err := app.FindCollectionByNameOrId("document_acknowledgements")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{testapp.AcmeUserID, testapp.AcmeAdminID, testapp.AdminID} {
		a := core.NewRecord(acks)
		a.Set("document", testapp.DocAcmePrivate)
		a.Set("version", agreement.Id)
		a.Set("user", u)
		if err := app.Save(a); err != nil {
			t.Fatal(err)
		}
	}
	incremental := allStats(t, app)
	// Spot checks against hand-counted figures.
	want := map[[4]string][2]int{
		{testapp.DocAll, "", testapp.PartnerAcme, "partner"}:    {4, 2}, // diego ×3, carla ×1
		{testapp.DocAll, v1.Id, testapp.PartnerAcme, "partner"}: {2, 1},
		{testapp.DocAll, v2.Id, testapp.PartnerAcme, "partner"}: {2, 2},
		{testapp.DocAll, "", testapp.PartnerGlobex, "partner"}:  {2, 1},
		{testapp.DocAll, "", "", "partner"}:                     {1, 1}, // the admin
		{testapp.DocGold, "", testapp.PartnerAcme, "partner"}:   {2, 2},
		// Over all partners: diego, carla, fabio and the admin.
		{testapp.DocAll, "", "", "total"}:    {7, 4},
		{testapp.DocAll, v1.Id, "", "total"}: {3, 2},
		{testapp.DocAll, v2.Id, "", "total"}: {4, 4},
	}
	got := map[[4]string][2]int{}
	for _, r := range incremental {
		got[[4]string{r.Document, r.Version, r.Partner, r.Scope}] = [2]int{r.Downloads, r.Users}
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("stats %v = %v, want %v", k, got[k], w)
		}
	}
	for _, r := range incremental {
		if r.Document != testapp.DocAcmePrivate {
			continue
		}
		switch r.Scope {
		case "partner":
			if r.Partner != testapp.PartnerAcme || r.Acks != 2 {
				t.Errorf("agreement partner row %+v, want Acme with 2 acknowledgements", r)
			}
		case "total":
			if r.Acks != 3 || r.AckedP != 1 {
				t.Errorf("agreement total row %+v, want 3 acknowledgements by 1 partner", r)
			}
		}
	}
	if err := documents.RebuildStats(app); err != nil {
		t.Fatal(err)
	}
	if rebuilt := allStats(t, app); !slices.Equal(incremental, rebuilt) {
		t.Fatalf("incremental stats\n%v\ndiffer from rebuilt\n%v", incremental, rebuilt)
	}
}
