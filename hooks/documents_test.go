package hooks_test

// The document hooks on a seeded app (testapp.SeedDocuments): version
// numbers, hashes and types, duplicate refusal, restores, immutability, what
// a delete or a failed upload leaves behind (rows and files in storage), the
// metadata history, folders, and downloads counted through the REST file
// endpoint.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// ---------------------------------------------------------------------------
// Helpers

func newDocApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app := testapp.New(t)
	testapp.SeedDocuments(t, app)
	return app
}

// versions returns a document's versions by number.
func versions(t testing.TB, app core.App, doc string) []*core.Record {
	t.Helper()
	recs, err := app.FindRecordsByFilter("document_versions", "document = {:d}", "number", 0, 0, dbx.Params{"d": doc})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func version(t testing.TB, app core.App, doc string, n int) *core.Record {
	t.Helper()
	for _, v := range versions(t, app, doc) {
		if v.GetInt("number") == n {
			return v
		}
	}
	t.Fatalf("%s has no version %d", doc, n)
	return nil
}

func document(t testing.TB, app core.App, id string) *core.Record {
	t.Helper()
	d, err := app.FindRecordById("documents", id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// storage lists every file under the versions collection's storage dir, as
// "<version id>/<file name>".
func storage(t testing.TB, app core.App) []string {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("document_versions")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(app.DataDir(), "storage", c.Id)
	var out []string
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		// The local driver keeps each file's attributes in a .attrs sidecar.
		if !d.IsDir() && !strings.HasSuffix(p, ".attrs") {
			rel, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// eventually waits (up to ten seconds, yielding, never sleeping a fixed
// time) for a state that PocketBase reaches in a background goroutine: it
// deletes a deleted record's files with routine.FireAndForget.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Errorf("timed out waiting until %s", what)
			return
		}
		runtime.Gosched()
	}
}

// versionDirExists says whether storage holds a directory for a version.
func versionDirExists(t testing.TB, app core.App, id string) bool {
	t.Helper()
	_, err := os.Stat(filepath.Join(app.DataDir(), "storage", "pc_docversion01", id))
	return err == nil
}

// code returns the validation code an error carries for field ("" if none).
func code(err error, field string) string {
	var ve validation.Errors
	if !errors.As(err, &ve) {
		return ""
	}
	var e validation.Error
	if errors.As(ve[field], &e) {
		return e.Code()
	}
	return ""
}

func wantCode(t testing.TB, err error, field, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("saved; want %s.%s", field, want)
	}
	if got := code(err, field); got != want {
		t.Fatalf("error %v: %s code %q, want %q", err, field, got, want)
	}
}

// upload saves a version with the given file (nil for none) in one
// transaction, like testapp.AddVersion but for files AddVersion cannot make.
func upload(app core.App, doc, uploader string, file *filesystem.File, fields map[string]any) (*core.Record, error) {
	var v *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		c, err := tx.FindCollectionByNameOrId("document_versions")
		if err != nil {
			return err
		}
		v = core.NewRecord(c)
		v.Set("document", doc)
		v.Set("uploaded_by", uploader)
		if file != nil {
			v.Set("file", file)
		}
		for k, x := range fields {
			v.Set(k, x)
		}
		return tx.Save(v)
	})
	return v, err
}

// restore adds a version with the bytes of version from.
func restore(app core.App, doc, from, uploader string) (*core.Record, error) {
	return upload(app, doc, uploader, nil, map[string]any{"content_of": from})
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func countWhere(t testing.TB, app core.App, coll string, where dbx.Expression) int {
	t.Helper()
	n, err := app.CountRecords(coll, where)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func events(t testing.TB, app core.App, kind string) []*core.Record {
	t.Helper()
	recs, err := app.FindAllRecords("activity", dbx.HashExp{"kind": kind})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func pngBytes(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 3, 3))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ---------------------------------------------------------------------------
// Numbering

func TestVersionNumbersUnderConcurrentUploads(t *testing.T) {
	app := newDocApp(t)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = testapp.AddVersion(app, testapp.DocAll, testapp.ManagerAnaID,
				fmt.Sprintf("upload-%d.txt", i), []byte(fmt.Sprintf("concurrent upload %d", i)))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("upload %d: %v", i, err)
		}
	}

	vs := versions(t, app, testapp.DocAll)
	if len(vs) != n+1 {
		t.Fatalf("%d versions, want %d", len(vs), n+1)
	}
	sums := map[string]bool{}
	for i, v := range vs {
		if got := v.GetInt("number"); got != i+1 {
			t.Errorf("version %d has number %d: numbers are not unique and contiguous", i+1, got)
		}
		sums[v.GetString("sha256")] = true
	}
	if len(sums) != n+1 {
		t.Errorf("%d distinct hashes among %d versions", len(sums), n+1)
	}
	last := vs[len(vs)-1]
	doc := document(t, app, testapp.DocAll)
	if doc.GetString("current_version") != last.Id {
		t.Errorf("current_version = %s, want version %d (%s)", doc.GetString("current_version"), last.GetInt("number"), last.Id)
	}
	if doc.GetInt("version_count") != n+1 {
		t.Errorf("version_count = %d, want %d", doc.GetInt("version_count"), n+1)
	}
	if doc.GetInt("size") != last.GetInt("size") {
		t.Errorf("document size %d, current version's %d", doc.GetInt("size"), last.GetInt("size"))
	}
	// One file per version, each in its own version's directory.
	files := storage(t, app)
	for _, v := range vs {
		want := v.Id + "/" + v.GetString("file")
		if !slices.Contains(files, want) {
			t.Errorf("storage lacks %s", want)
		}
	}
	if got := len(events(t, app, activity.KindDocumentRevised)); got != n {
		t.Errorf("%d %s events, want %d", got, activity.KindDocumentRevised, n)
	}
}

func TestVersionDescribesItsFile(t *testing.T) {
	app := newDocApp(t)
	content := []byte("plain text terms\n")
	v, err := testapp.AddVersion(app, testapp.DocGold, testapp.ManagerAnaID, "terms.txt", content)
	if err != nil {
		t.Fatal(err)
	}
	if v.GetInt("number") != 2 || v.GetString("sha256") != sum(content) || v.GetInt("size") != len(content) ||
		!strings.HasPrefix(v.GetString("mime"), "text/plain") || v.GetString("filename") != "terms.txt" {
		t.Errorf("version = number %d sha %s size %d mime %q filename %q", v.GetInt("number"), v.GetString("sha256"),
			v.GetInt("size"), v.GetString("mime"), v.GetString("filename"))
	}
	doc := document(t, app, testapp.DocGold)
	if doc.GetString("kind") != "text" || doc.GetInt("size") != len(content) || doc.GetInt("version_count") != 2 {
		t.Errorf("document kind %q size %d count %d", doc.GetString("kind"), doc.GetInt("size"), doc.GetInt("version_count"))
	}
	// The type is what the bytes say, not what the name claims.
	png, err := testapp.AddVersion(app, testapp.DocGold, testapp.ManagerAnaID, "x.pdf", pngBytes(t))
	if err != nil {
		t.Fatal(err)
	}
	if png.GetString("mime") != "image/png" {
		t.Errorf("PNG named x.pdf has mime %q, want image/png", png.GetString("mime"))
	}
	if k := document(t, app, testapp.DocGold).GetString("kind"); k != "image" {
		t.Errorf("document kind after a PNG named x.pdf = %q, want image", k)
	}
	pdf, err := testapp.AddVersion(app, testapp.DocGold, testapp.ManagerAnaID, "notes.txt",
		[]byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	if pdf.GetString("mime") != "application/pdf" || document(t, app, testapp.DocGold).GetString("kind") != "pdf" {
		t.Errorf("PDF named notes.txt: mime %q, kind %q", pdf.GetString("mime"), document(t, app, testapp.DocGold).GetString("kind"))
	}
}

func TestDuplicateVersionRefused(t *testing.T) {
	app := newDocApp(t)
	doc := testapp.DocAll
	v1 := []byte(doc + " v1") // the seeded first version's bytes
	before := storage(t, app)

	// The same bytes as the current version, whatever the name.
	_, err := testapp.AddVersion(app, doc, testapp.AdminID, "copy.txt", v1)
	wantCode(t, err, "file", "validation_duplicate_version")
	if n := len(versions(t, app, doc)); n != 1 {
		t.Errorf("%d versions after a refused duplicate, want 1", n)
	}
	if after := storage(t, app); !slices.Equal(before, after) {
		t.Errorf("storage changed by a refused duplicate: %v → %v", before, after)
	}

	// Another file, then v1's bytes again: an older version's bytes are fine.
	if _, err := testapp.AddVersion(app, doc, testapp.AdminID, "v2.txt", []byte("second")); err != nil {
		t.Fatal(err)
	}
	v3, err := testapp.AddVersion(app, doc, testapp.AdminID, "back.txt", v1)
	if err != nil {
		t.Fatalf("re-uploading v1's bytes after v2: %v", err)
	}
	if v3.GetInt("number") != 3 || v3.GetString("sha256") != sum(v1) ||
		document(t, app, doc).GetString("current_version") != v3.Id {
		t.Errorf("re-upload of v1's bytes: number %d, current %s", v3.GetInt("number"), document(t, app, doc).GetString("current_version"))
	}
	_, err = testapp.AddVersion(app, doc, testapp.AdminID, "again.txt", v1)
	wantCode(t, err, "file", "validation_duplicate_version")
	if n := len(versions(t, app, doc)); n != 3 {
		t.Errorf("%d versions, want 3", n)
	}
}

// ---------------------------------------------------------------------------
// Restore

func TestRestoreVersion(t *testing.T) {
	app := newDocApp(t)
	doc := testapp.DocAll
	v1 := version(t, app, doc, 1)
	if _, err := testapp.AddVersion(app, doc, testapp.AdminID, "v2.csv", []byte("a,b\n1,2\n")); err != nil {
		t.Fatal(err)
	}
	files := storage(t, app)

	v3, err := restore(app, doc, v1.Id, testapp.ManagerAnaID)
	if err != nil {
		t.Fatal(err)
	}
	check := func(v *core.Record, number int) {
		t.Helper()
		if v.GetInt("number") != number {
			t.Errorf("restored version number %d, want %d", v.GetInt("number"), number)
		}
		if v.GetString("content_of") != v1.Id {
			t.Errorf("restored version %d content_of = %q, want v1 %s", number, v.GetString("content_of"), v1.Id)
		}
		for _, f := range []string{"sha256", "size", "mime", "filename"} {
			if v.GetString(f) != v1.GetString(f) {
				t.Errorf("restored version %d %s = %q, v1 has %q", number, f, v.GetString(f), v1.GetString(f))
			}
		}
		if v.GetString("file") != "" || versionDirExists(t, app, v.Id) {
			t.Errorf("restored version %d has its own file %q", number, v.GetString("file"))
		}
		d := document(t, app, doc)
		if d.GetString("current_version") != v.Id || d.GetInt("version_count") != number ||
			d.GetInt("size") != v1.GetInt("size") || d.GetString("kind") != "text" {
			t.Errorf("document after restoring: current %s count %d size %d kind %q",
				d.GetString("current_version"), d.GetInt("version_count"), d.GetInt("size"), d.GetString("kind"))
		}
	}
	check(v3, 3)
	if after := storage(t, app); !slices.Equal(files, after) {
		t.Errorf("a restore wrote files: %v → %v", files, after)
	}
	ev := events(t, app, activity.KindDocumentRestored)
	if len(ev) != 1 || ev[0].GetString("user") != testapp.ManagerAnaID || ev[0].GetString("target_id") != doc {
		t.Errorf("restore events: %d", len(ev))
	}

	// Restoring a restored version points at the version holding the bytes.
	if _, err := testapp.AddVersion(app, doc, testapp.AdminID, "v4.txt", []byte("fourth")); err != nil {
		t.Fatal(err)
	}
	v5, err := restore(app, doc, v3.Id, testapp.AdminID)
	if err != nil {
		t.Fatal(err)
	}
	check(v5, 5)

	// Restoring the bytes that are already current is a duplicate …
	_, err = restore(app, doc, v1.Id, testapp.AdminID)
	wantCode(t, err, "file", "validation_duplicate_version")
	// … a version of another document is not a source …
	_, err = restore(app, doc, version(t, app, testapp.DocGold, 1).Id, testapp.AdminID)
	wantCode(t, err, "content_of", "validation_invalid_value")
	// … and an archived document takes no restore either.
	_, err = restore(app, testapp.DocArchived, version(t, app, testapp.DocArchived, 1).Id, testapp.AdminID)
	wantCode(t, err, "document", "validation_document_archived")
	if n := len(versions(t, app, doc)); n != 5 {
		t.Errorf("%d versions, want 5", n)
	}

	// A file sent along with a restore is dropped, not stored.
	f, err := filesystem.NewFileFromBytes([]byte("ignored bytes"), "ignored.txt")
	if err != nil {
		t.Fatal(err)
	}
	before := storage(t, app)
	v6, err := upload(app, doc, testapp.AdminID, f, map[string]any{"content_of": version(t, app, doc, 2).Id})
	if err != nil {
		t.Fatal(err)
	}
	if v6.GetString("file") != "" || v6.GetString("sha256") != version(t, app, doc, 2).GetString("sha256") {
		t.Errorf("restore with a file: file %q sha %s", v6.GetString("file"), v6.GetString("sha256"))
	}
	if after := storage(t, app); !slices.Equal(before, after) {
		t.Errorf("a restore with a file wrote it: %v → %v", before, after)
	}
}

// ---------------------------------------------------------------------------
// Immutability

func TestVersionsAreImmutable(t *testing.T) {
	app := newDocApp(t)
	v := version(t, app, testapp.DocAll, 1)
	v.Set("notes", "rewritten")
	wantCode(t, app.Save(v), "id", "validation_version_immutable")
	f, err := filesystem.NewFileFromBytes([]byte("swapped"), "swap.txt")
	if err != nil {
		t.Fatal(err)
	}
	v = version(t, app, testapp.DocAll, 1)
	v.Set("file", f)
	before := storage(t, app)
	wantCode(t, app.Save(v), "id", "validation_version_immutable")
	if after := storage(t, app); !slices.Equal(before, after) {
		t.Errorf("a refused change wrote files: %v → %v", before, after)
	}
	if got := version(t, app, testapp.DocAll, 1); got.GetString("notes") != "" || got.GetString("sha256") != sum([]byte(testapp.DocAll+" v1")) {
		t.Errorf("version changed: notes %q", got.GetString("notes"))
	}
}

// ---------------------------------------------------------------------------
// Deleting a document

func TestDeleteDocumentLeavesNothing(t *testing.T) {
	app := newDocApp(t)
	doc := testapp.DocAcmePrivate
	diego, err := app.FindRecordById("users", testapp.AcmeUserID)
	if err != nil {
		t.Fatal(err)
	}
	v1 := version(t, app, doc, 1)
	v2, err := testapp.AddVersion(app, doc, testapp.ManagerAnaID, "v2.txt", []byte("second"))
	if err != nil {
		t.Fatal(err)
	}
	v3, err := restore(app, doc, v1.Id, testapp.ManagerAnaID)
	if err != nil {
		t.Fatal(err)
	}
	// An acknowledgement, downloads and a history row, on this document and
	// (the control) on DocAll.
	acks, err := app.FindCollectionByNameOrId("document_acknowledgements")
	if err != nil {
		t.Fatal(err)
	}
	ack := core.NewRecord(acks)
	ack.Set("document", doc)
	ack.Set("version", v3.Id)
	ack.Set("user", diego.Id)
	if err := app.Save(ack); err != nil {
		t.Fatal(err)
	}
	if err := app.RunInTransaction(func(tx core.App) error {
		for _, v := range []*core.Record{v2, version(t, tx, testapp.DocAll, 1)} {
			if err := recordDownload(tx, diego, v); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{doc, testapp.DocAll} {
		d := document(t, app, id)
		d.Set("title", d.GetString("title")+" (amended)")
		if err := app.Save(d); err != nil {
			t.Fatal(err)
		}
	}

	ids := []string{v1.Id, v2.Id, v3.Id}
	before := storage(t, app)
	for _, v := range []*core.Record{v1, v2} {
		if !slices.Contains(before, v.Id+"/"+v.GetString("file")) {
			t.Fatalf("storage lacks %s's file before the delete: %v", v.Id, before)
		}
	}
	for _, coll := range []string{"document_versions", "document_acknowledgements", "document_downloads", "document_changes"} {
		if countWhere(t, app, coll, dbx.HashExp{"document": doc}) == 0 {
			t.Fatalf("no %s rows of the document before the delete", coll)
		}
	}
	others := map[string]int{}
	for _, coll := range []string{"document_versions", "document_downloads", "document_changes"} {
		others[coll] = countWhere(t, app, coll, dbx.Not(dbx.HashExp{"document": doc}))
	}

	if err := app.Delete(document(t, app, doc)); err != nil {
		t.Fatal(err)
	}

	for _, coll := range []string{"document_versions", "document_acknowledgements", "document_downloads", "document_changes"} {
		if n := countWhere(t, app, coll, dbx.HashExp{"document": doc}); n != 0 {
			t.Errorf("%d %s rows left of the deleted document", n, coll)
		}
	}
	for coll, n := range others {
		if got := countWhere(t, app, coll, dbx.Not(dbx.HashExp{"document": doc})); got != n {
			t.Errorf("%s of other documents: %d rows, had %d", coll, got, n)
		}
	}
	var want []string
	for _, f := range before {
		if !slices.Contains(ids, strings.SplitN(f, "/", 2)[0]) {
			want = append(want, f)
		}
	}
	eventually(t, "the deleted versions' files are gone", func() bool {
		return !slices.ContainsFunc(ids, func(id string) bool { return versionDirExists(t, app, id) })
	})
	after := storage(t, app)
	if !slices.Equal(after, want) {
		t.Errorf("storage after the delete:\n%v\nwant (the other documents' files):\n%v", after, want)
	}
	for _, id := range ids {
		if versionDirExists(t, app, id) {
			t.Errorf("storage dir of version %s is left", id)
		}
	}
	if len(want) != len(testapp.FixtureDocuments)-1 {
		t.Errorf("%d files of other documents, want %d", len(want), len(testapp.FixtureDocuments)-1)
	}
}

// recordDownload writes a download row the way documents.RecordDownload does
// (it is tested in internal/documents).
func recordDownload(app core.App, user, v *core.Record) error {
	c, err := app.FindCollectionByNameOrId("document_downloads")
	if err != nil {
		return err
	}
	r := core.NewRecord(c)
	r.Set("document", v.GetString("document"))
	r.Set("version", v.Id)
	r.Set("user", user.Id)
	return app.Save(r)
}

// ---------------------------------------------------------------------------
// Failed uploads

func setUploadLimitMB(t testing.TB, app core.App, mb int) {
	t.Helper()
	recs, err := app.FindAllRecords("settings")
	if err != nil || len(recs) != 1 {
		t.Fatalf("settings: %d records, %v", len(recs), err)
	}
	recs[0].Set("max_upload_mb", mb)
	if err := app.Save(recs[0]); err != nil {
		t.Fatal(err)
	}
}

func TestFailedUploadLeavesNothing(t *testing.T) {
	app := newDocApp(t)
	setUploadLimitMB(t, app, 1)
	big := func(n int) *filesystem.File {
		f, err := filesystem.NewFileFromBytes(bytes.Repeat([]byte("x"), n), "big.txt")
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	empty := &filesystem.File{Reader: &filesystem.BytesReader{}, Name: "empty_0000000000.txt", OriginalName: "empty.txt"}
	// A file that claims a size but has no bytes.
	hollow := &filesystem.File{Reader: &filesystem.BytesReader{}, Name: "hollow_000000000.txt", OriginalName: "hollow.txt", Size: 5}
	plain, err := filesystem.NewFileFromBytes([]byte("fresh terms"), "terms.txt")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, doc   string
		file        *filesystem.File
		field, code string
	}{
		{"archived document", testapp.DocArchived, plain, "document", "validation_document_archived"},
		{"unknown document", "nosuchdocument1", plain, "document", "validation_invalid_value"},
		{"no file", testapp.DocAll, nil, "file", "validation_file_required"},
		{"empty file", testapp.DocAll, empty, "file", "validation_file_empty"},
		{"file without bytes", testapp.DocAll, hollow, "file", "validation_file_empty"},
		{"1 MiB + 1 byte over a 1 MB limit", testapp.DocAll, big(1<<20 + 1), "file", "validation_file_too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := storage(t, app)
			n := countWhere(t, app, "document_versions", nil)
			var cur string
			if c.doc != "nosuchdocument1" {
				cur = document(t, app, c.doc).GetString("current_version")
			}
			_, err := upload(app, c.doc, testapp.AdminID, c.file, nil)
			wantCode(t, err, c.field, c.code)
			if got := countWhere(t, app, "document_versions", nil); got != n {
				t.Errorf("%d versions after a failed upload, had %d", got, n)
			}
			if after := storage(t, app); !slices.Equal(before, after) {
				t.Errorf("storage changed by a failed upload: %v → %v", before, after)
			}
			if cur != "" && document(t, app, c.doc).GetString("current_version") != cur {
				t.Error("the current version changed")
			}
		})
	}
	// The limit itself is allowed.
	v, err := upload(app, testapp.DocAll, testapp.AdminID, big(1<<20), nil)
	if err != nil {
		t.Fatalf("uploading exactly 1 MiB under a 1 MB limit: %v", err)
	}
	if v.GetInt("size") != 1<<20 || !slices.Contains(storage(t, app), v.Id+"/"+v.GetString("file")) {
		t.Errorf("1 MiB version: size %d, stored %v", v.GetInt("size"), storage(t, app))
	}
}

// A failure after the version row and its file were written (here the
// activity event) rolls back the row, the document's new current version
// and the file.
func TestUploadFailingLateLeavesNothing(t *testing.T) {
	app := newDocApp(t)
	app.OnRecordCreate("activity").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("kind") == activity.KindDocumentVersionAdded {
			return errors.New("activity store unavailable")
		}
		return e.Next()
	})
	before := storage(t, app)
	doc := document(t, app, testapp.DocAll)
	_, err := testapp.AddVersion(app, testapp.DocAll, testapp.AdminID, "late.txt", []byte("late failure"))
	if err == nil || !strings.Contains(err.Error(), "activity store unavailable") {
		t.Fatalf("upload error = %v, want the activity failure", err)
	}
	if n := len(versions(t, app, testapp.DocAll)); n != 1 {
		t.Errorf("%d versions after a rolled-back upload, want 1", n)
	}
	if after := storage(t, app); !slices.Equal(before, after) {
		t.Errorf("storage after a rolled-back upload: %v, want %v", after, before)
	}
	after := document(t, app, testapp.DocAll)
	for _, f := range []string{"current_version", "version_count", "size", "revised"} {
		if after.GetString(f) != doc.GetString(f) {
			t.Errorf("document %s changed by a rolled-back upload: %q → %q", f, doc.GetString(f), after.GetString(f))
		}
	}
}

// A transaction that fails after a successful upload (the portal saves a new
// document and its first version together) takes the file with it.
func TestRollbackAfterUploadLeavesNothing(t *testing.T) {
	app := newDocApp(t)
	before := storage(t, app)
	var v *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		if v, err = testapp.AddVersion(tx, testapp.DocAll, testapp.AdminID, "kept.txt", []byte("until the rollback")); err != nil {
			return err
		}
		if !slices.Contains(storage(t, tx), v.Id+"/"+v.GetString("file")) {
			t.Error("the uploaded file is not in storage inside the transaction")
		}
		return errors.New("a later step failed")
	})
	if err == nil || v == nil {
		t.Fatalf("transaction error = %v", err)
	}
	if n := len(versions(t, app, testapp.DocAll)); n != 1 {
		t.Errorf("%d versions after the rollback, want 1", n)
	}
	if after := storage(t, app); !slices.Equal(before, after) {
		t.Errorf("storage after the rollback: %v, want %v", after, before)
	}
}

// ---------------------------------------------------------------------------
// File names

func TestUploadedFileNamesAreCleaned(t *testing.T) {
	app := newDocApp(t)
	long := strings.Repeat("n", 296) + ".pdf"
	cases := []struct{ name, want string }{
		{"../../etc/passwd", "passwd"},
		{`..\..\windows\win.ini`, "win.ini"},
		{"evil\x00name.txt", "evilname.txt"},
		{long, strings.Repeat("n", 146) + ".pdf"},
		{"../.env", "env"},
	}
	for i, c := range cases {
		before := storage(t, app)
		v, err := testapp.AddVersion(app, testapp.DocAll, testapp.AdminID, c.name, []byte(fmt.Sprintf("content %d", i)))
		if err != nil {
			t.Fatalf("%q: %v", c.name, err)
		}
		if got := v.GetString("filename"); got != c.want {
			t.Errorf("filename of %q = %q, want %q", c.name, got, c.want)
		}
		if n := utf8.RuneCountInString(v.GetString("filename")); n > 150 {
			t.Errorf("filename of %q has %d characters", c.name, n)
		}
		// The stored file sits in the version's own directory, whatever the
		// name said.
		stored := v.GetString("file")
		if stored == "" || strings.ContainsAny(stored, "/\\\x00") || strings.Contains(stored, "..") {
			t.Errorf("stored name of %q = %q", c.name, stored)
		}
		after := storage(t, app)
		added := slices.DeleteFunc(slices.Clone(after), func(f string) bool { return slices.Contains(before, f) })
		if len(added) != 1 || added[0] != v.Id+"/"+stored {
			t.Errorf("upload of %q added %v to storage, want only %s/%s", c.name, added, v.Id, stored)
		}
	}
	// Without a filename field the original name is cleaned.
	f, err := filesystem.NewFileFromBytes([]byte("no name field"), `..\..\report.docx`)
	if err != nil {
		t.Fatal(err)
	}
	v, err := upload(app, testapp.DocAll, testapp.AdminID, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.GetString("filename") != "report.docx" {
		t.Errorf("filename from the original name = %q, want report.docx", v.GetString("filename"))
	}
}

// ---------------------------------------------------------------------------
// Metadata history

type change struct{ field, old, new, user string }

func changesOf(t testing.TB, app core.App, doc string) []change {
	t.Helper()
	recs, err := app.FindRecordsByFilter("document_changes", "document = {:d}", "field", 0, 0, dbx.Params{"d": doc})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]change, len(recs))
	for i, r := range recs {
		out[i] = change{r.GetString("field"), r.GetString("old"), r.GetString("new"), r.GetString("user")}
	}
	return out
}

func TestDocumentHistory(t *testing.T) {
	app := newDocApp(t)
	ana := testapp.ManagerAnaID
	edit := func(id, actor string, fields map[string]any) error {
		d := document(t, app, id)
		for k, v := range fields {
			d.Set(k, v)
		}
		if actor != "" {
			activity.SetActor(d, actor)
		}
		return app.Save(d)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	expect := func(doc string, want []change) {
		t.Helper()
		slices.SortFunc(want, func(a, b change) int { return strings.Compare(a.field, b.field) })
		if got := changesOf(t, app, doc); !slices.Equal(got, want) {
			t.Errorf("history of %s:\n got %+v\nwant %+v", doc, got, want)
		}
	}
	gold := testapp.DocGold

	// Names, not ids, for folders and tiers; one row per changed field.
	must(edit(gold, ana, map[string]any{
		"title": "Gold playbook 2027", "folder": testapp.FolderLegal,
		"audience_tiers": []string{testapp.TierSilver, testapp.TierGold}, "requires_acknowledgement": true,
		"tags": []string{"fixture", "new"}, "description": "About **Gold playbook**.", // description unchanged
	}))
	h := []change{
		{"title", "Gold playbook", "Gold playbook 2027", ana},
		{"folder", "Sales", "Legal", ana},
		{"audience_tiers", "Gold", "Gold, Silver", ana},
		{"requires_acknowledgement", "false", "true", ana},
		{"tags", "fixture", "fixture, new", ana},
	}
	expect(gold, slices.Clone(h))

	// Saving without a change writes nothing; nor does a change that the
	// validation normalises away (spaces round the title, duplicate tags).
	must(edit(gold, ana, nil))
	expect(gold, slices.Clone(h))
	must(edit(gold, ana, map[string]any{"title": "  Gold playbook 2027 ", "tags": []string{" fixture ", "FIXTURE", "new"}}))
	if d := document(t, app, gold); d.GetString("title") != "Gold playbook 2027" {
		t.Errorf("title stored as %q", d.GetString("title"))
	}
	expect(gold, slices.Clone(h))

	// Leaving the tiers audience clears the tier list, and the history says so.
	must(edit(gold, ana, map[string]any{"audience": "all"}))
	h2 := append(slices.Clone(h),
		change{"audience", "tiers", "all", ana},
		change{"audience_tiers", "Gold, Silver", "", ana})
	expect(gold, slices.Clone(h2))

	// A refused update writes no history.
	err := edit(gold, ana, map[string]any{"audience": "regions", "title": "Refused"})
	wantCode(t, err, "audience_regions", "validation_audience_empty")
	expect(gold, slices.Clone(h2))

	// Partner and status, with the partner's name; no actor set → no user.
	must(edit(testapp.DocAll, "", map[string]any{"partner": testapp.PartnerAcme, "status": "archived"}))
	expect(testapp.DocAll, []change{
		{"partner", "", "Acme Brasil Ltda", ""},
		{"status", "published", "archived", ""},
	})

	// The history keeps the names things had: renaming the tier later does
	// not rewrite it.
	tier, err := app.FindRecordById("tiers", testapp.TierGold)
	if err != nil {
		t.Fatal(err)
	}
	tier.Set("name", "Ouro")
	must(app.Save(tier))
	expect(gold, slices.Clone(h2))

	// Through the REST API the signed-in user is the actor.
	(&tests.ApiScenario{
		Name:            "manager bruno renames DocGlobex through the API",
		Method:          http.MethodPatch,
		URL:             "/api/collections/documents/records/" + testapp.DocGlobex,
		Body:            strings.NewReader(`{"title":"Globex joint plan 2027"}`),
		TestAppFactory:  docFactory,
		BeforeTestFunc:  as(testapp.ManagerBrunoEmail),
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{`"title":"Globex joint plan 2027"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			got := changesOf(t, app, testapp.DocGlobex)
			want := []change{{"title", "Globex joint plan", "Globex joint plan 2027", testapp.ManagerBrunoID}}
			if !slices.Equal(got, want) {
				t.Errorf("history after an API rename: %+v, want %+v", got, want)
			}
		},
	}).Test(t)
}

// ---------------------------------------------------------------------------
// Folders

func TestFolders(t *testing.T) {
	app := newDocApp(t)
	folder := func(id string) *core.Record {
		t.Helper()
		f, err := app.FindRecordById("document_folders", id)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	newFolder := func(name, parent string) (*core.Record, error) {
		c, err := app.FindCollectionByNameOrId("document_folders")
		if err != nil {
			t.Fatal(err)
		}
		f := core.NewRecord(c)
		f.Set("name", name)
		f.Set("parent", parent)
		return f, app.Save(f)
	}
	sales, legal := testapp.FolderSales, testapp.FolderLegal

	// A folder inside itself, directly or through its children, is refused.
	f := folder(sales)
	f.Set("parent", sales)
	wantCode(t, app.Save(f), "parent", "validation_folder_cycle")
	f = folder(legal)
	f.Set("parent", sales)
	if err := app.Save(f); err != nil {
		t.Fatalf("legal inside sales: %v", err)
	}
	deep, err := newFolder("  Contracts  ", legal)
	if err != nil {
		t.Fatal(err)
	}
	if deep.GetString("name") != "Contracts" {
		t.Errorf("folder name stored as %q", deep.GetString("name"))
	}
	f = folder(sales)
	f.Set("parent", deep.Id)
	wantCode(t, app.Save(f), "parent", "validation_folder_cycle")
	f = folder(sales)
	f.Set("parent", legal)
	wantCode(t, app.Save(f), "parent", "validation_folder_cycle")
	if folder(sales).GetString("parent") != "" {
		t.Error("sales got a parent")
	}

	// A folder holding documents or folders is not deleted.
	wantCode(t, app.Delete(folder(legal)), "id", "validation_folder_not_empty") // documents and a subfolder
	for _, d := range []string{testapp.DocEurope, testapp.DocAcmePrivate} {
		doc := document(t, app, d)
		doc.Set("folder", "")
		if err := app.Save(doc); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, app.Delete(folder(legal)), "id", "validation_folder_not_empty") // still a subfolder
	if err := app.Delete(folder(deep.Id)); err != nil {
		t.Fatalf("deleting an empty folder: %v", err)
	}
	if err := app.Delete(folder(legal)); err != nil {
		t.Fatalf("deleting an emptied folder: %v", err)
	}
	if _, err := app.FindRecordById("document_folders", legal); err == nil {
		t.Error("legal folder still exists")
	}
	wantCode(t, app.Delete(folder(sales)), "id", "validation_folder_not_empty")
	if n := countWhere(t, app, "documents", dbx.HashExp{"folder": sales}); n != 5 {
		t.Errorf("%d documents in sales, want 5", n)
	}
}

// ---------------------------------------------------------------------------
// REST: uploads and downloads

func docFactory(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testapp.Factory(t)
	testapp.SeedDocuments(t, app)
	return app
}

// as signs the scenario's request in as the user with email, with a token
// minted from the scenario's own app (set just before PocketBase loads it).
func as(email string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		t.Helper()
		tok := testapp.Token(t, app, email)
		e.Router.Bind(&hook.Handler[*core.RequestEvent]{
			Id:       "ponte.test.authorize",
			Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
			Func: func(re *core.RequestEvent) error {
				re.Request.Header.Set("Authorization", tok)
				return re.Next()
			},
		})
	}
}

func multipartUpload(t testing.TB, fields map[string]string, name string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	body := &bytes.Buffer{}
	mp := multipart.NewWriter(body)
	for k, v := range fields {
		if err := mp.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	w, err := mp.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := mp.Close(); err != nil {
		t.Fatal(err)
	}
	return body, mp.FormDataContentType()
}

func TestRESTUploadNumbersTheVersion(t *testing.T) {
	content := []byte("terms uploaded through the API")
	// The number, hash and size a client sends are ignored.
	body, ct := multipartUpload(t, map[string]string{
		"document": testapp.DocAcmePrivate, "uploaded_by": testapp.ManagerAnaID, "notes": "via API",
		"number": "1", "sha256": strings.Repeat("0", 64), "size": "1",
	}, "../api terms.txt", content)
	(&tests.ApiScenario{
		Name:           "manager ana uploads v2 of acme's private document",
		Method:         http.MethodPost,
		URL:            "/api/collections/document_versions/records",
		Body:           body,
		Headers:        map[string]string{"Content-Type": ct},
		TestAppFactory: docFactory,
		BeforeTestFunc: as(testapp.ManagerAnaEmail),
		ExpectedStatus: http.StatusOK,
		ExpectedContent: []string{`"number":2`, `"sha256":"` + sum(content) + `"`, fmt.Sprintf(`"size":%d`, len(content)),
			`"filename":"api terms.txt"`, `"uploaded_by":"` + testapp.ManagerAnaID + `"`},
		ExpectedEvents: map[string]int{"OnRecordCreateRequest": 1},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			v := version(t, app, testapp.DocAcmePrivate, 2)
			d := document(t, app, testapp.DocAcmePrivate)
			if d.GetString("current_version") != v.Id || d.GetInt("version_count") != 2 || d.GetInt("size") != len(content) {
				t.Errorf("document after the API upload: current %s (v2 %s), count %d, size %d",
					d.GetString("current_version"), v.Id, d.GetInt("version_count"), d.GetInt("size"))
			}
			if !slices.Contains(storage(t, app), v.Id+"/"+v.GetString("file")) {
				t.Errorf("v2's file is not in storage")
			}
			if len(versions(t, app, testapp.DocAcmePrivate)) != 2 {
				t.Errorf("want exactly 2 versions")
			}
		},
	}).Test(t)

	// The same bytes as the current version: refused, nothing stored.
	dup, dupCT := multipartUpload(t, map[string]string{
		"document": testapp.DocAcmePrivate, "uploaded_by": testapp.ManagerAnaID,
	}, "again.txt", []byte(testapp.DocAcmePrivate+" v1"))
	(&tests.ApiScenario{
		Name:               "manager ana uploads a copy of the current version",
		Method:             http.MethodPost,
		URL:                "/api/collections/document_versions/records",
		Body:               dup,
		Headers:            map[string]string{"Content-Type": dupCT},
		TestAppFactory:     docFactory,
		BeforeTestFunc:     as(testapp.ManagerAnaEmail),
		ExpectedStatus:     http.StatusBadRequest,
		ExpectedContent:    []string{"validation_duplicate_version"},
		NotExpectedContent: []string{`"number":`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if n := len(versions(t, app, testapp.DocAcmePrivate)); n != 1 {
				t.Errorf("%d versions, want 1", n)
			}
			if n := len(storage(t, app)); n != len(testapp.FixtureDocuments) {
				t.Errorf("%d files in storage, want the fixture's %d", n, len(testapp.FixtureDocuments))
			}
		},
	}).Test(t)
}

// serve sends one request to the app's router and returns the recorder.
func serve(t testing.TB, h http.Handler, method, url, auth string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func fileToken(t testing.TB, app core.App, h http.Handler, email string) string {
	t.Helper()
	rec := serve(t, h, http.MethodPost, "/api/files/token", testapp.Token(t, app, email))
	var out struct {
		Token string `json:"token"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &out) != nil || out.Token == "" {
		t.Fatalf("POST /api/files/token as %s → %d %s", email, rec.Code, rec.Body)
	}
	return out.Token
}

func TestAPIDownloadIsCounted(t *testing.T) {
	app := newDocApp(t)
	h := testapp.Serve(t, app)
	doc := testapp.DocAcmePrivate
	v := version(t, app, doc, 1)
	url := "/api/files/document_versions/" + v.Id + "/" + v.GetString("file")
	downloads := func() []*core.Record {
		t.Helper()
		recs, err := app.FindAllRecords("document_downloads")
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}

	// Refused downloads count nothing: another partner's user, an auth token
	// without a file token.
	if rec := serve(t, h, http.MethodGet, url+"?token="+fileToken(t, app, h, testapp.GlobexUserEmail), ""); rec.Code != http.StatusNotFound {
		t.Errorf("fabio downloads acme's private document → %d, want 404", rec.Code)
	}
	if rec := serve(t, h, http.MethodGet, url, testapp.Token(t, app, testapp.AcmeUserEmail)); rec.Code != http.StatusNotFound {
		t.Errorf("diego downloads without a file token → %d, want 404", rec.Code)
	}
	if n := len(downloads()); n != 0 {
		t.Fatalf("%d downloads counted for refused requests", n)
	}

	// Diego downloads it with a file token, as a browser does.
	rec := serve(t, h, http.MethodGet, url+"?token="+fileToken(t, app, h, testapp.AcmeUserEmail), "")
	if rec.Code != http.StatusOK || rec.Body.String() != doc+" v1" {
		t.Fatalf("diego downloads → %d %q", rec.Code, rec.Body)
	}
	rows := downloads()
	if len(rows) != 1 {
		t.Fatalf("%d download rows, want 1", len(rows))
	}
	for f, want := range map[string]string{"document": doc, "version": v.Id, "user": testapp.AcmeUserID, "partner": testapp.PartnerAcme} {
		if got := rows[0].GetString(f); got != want {
			t.Errorf("download %s = %q, want %q", f, got, want)
		}
	}
	evs := events(t, app, activity.KindDocumentDownloaded)
	if len(evs) != 1 || evs[0].GetString("user") != testapp.AcmeUserID || evs[0].GetString("target_id") != doc ||
		evs[0].GetString("partner") != testapp.PartnerAcme {
		t.Errorf("%d %s events (want 1 by diego on %s)", len(evs), activity.KindDocumentDownloaded, doc)
	}

	// A thumbnail request is a preview, not a download.
	if rec := serve(t, h, http.MethodGet, url+"?thumb=100x100&token="+fileToken(t, app, h, testapp.AcmeUserEmail), ""); rec.Code != http.StatusOK {
		t.Errorf("thumb → %d", rec.Code)
	}
	if n := len(downloads()); n != 1 {
		t.Errorf("%d download rows after a thumbnail request, want 1", n)
	}
}

// TestCurrentVersionStaysOwn: nothing, not even a superuser's save, points a
// document's current version at another document's version.
func TestCurrentVersionStaysOwn(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDocuments(t, app)
	private, err := app.FindRecordById("documents", testapp.DocAcmePrivate)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := app.FindRecordById("documents", testapp.DocAll)
	if err != nil {
		t.Fatal(err)
	}
	doc.Set("current_version", private.GetString("current_version"))
	if err := app.Save(doc); err == nil {
		t.Fatal("a document's current version was pointed at another document's version")
	}
	fresh, _ := app.FindRecordById("documents", testapp.DocAll)
	if fresh.GetString("current_version") == private.GetString("current_version") {
		t.Fatal("the foreign version was saved")
	}
}
