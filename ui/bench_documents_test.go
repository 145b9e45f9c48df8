package ui_test

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// Document library scale, on top of seedScale's 2,000 partners and 20,000
// users: what a large programme accumulates over three years.
const (
	benchDocs      = 20000
	benchVersions  = 60000
	benchDownloads = 500000
	benchFolders   = 40
)

// Bench users whose pages are measured: partner 1500 is an active Gold
// partner in Brazil, managed by manager 0 (m0).
const (
	benchPartnerUser  = "u1500.4@bench.test"
	benchPartnerAdmin = "u1500.0@bench.test"
	benchManager      = "m0@bench.test"
	benchPartnerIndex = 1500
)

// benchLibrary is what seedLibraryScale wrote.
type benchLibrary struct {
	// top is the most downloaded document: published for everyone, asking
	// for acknowledgement, five versions. typical has a median number of
	// downloads.
	top, typical string
	folder       string // a top-level folder with subfolders
	rows         map[string]int
	took         time.Duration
	phases       string
	summary      string
}

// benchDate formats a time as PocketBase stores dates.
func benchDate(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

// rowInserter writes rows with multi-row INSERTs prepared once per batch
// size: about ten times faster than one statement per row.
type rowInserter struct {
	tx    *sql.Tx
	table string
	cols  []string
	batch int
	full  *sql.Stmt
	args  []any
	n     int
	total int
}

func newRowInserter(tx *sql.Tx, table string, cols ...string) (*rowInserter, error) {
	in := &rowInserter{tx: tx, table: table, cols: cols, batch: max(1, 4000/len(cols))}
	var err error
	in.full, err = tx.Prepare(in.sql(in.batch))
	return in, err
}

func (in *rowInserter) sql(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(in.cols)), ",") + ")"
	return "INSERT INTO `" + in.table + "` (`" + strings.Join(in.cols, "`,`") + "`) VALUES " +
		strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
}

func (in *rowInserter) add(vals ...any) error {
	if len(vals) != len(in.cols) {
		return fmt.Errorf("%s: %d values for %d columns", in.table, len(vals), len(in.cols))
	}
	in.args = append(in.args, vals...)
	in.n++
	in.total++
	if in.n < in.batch {
		return nil
	}
	_, err := in.full.Exec(in.args...)
	in.args, in.n = in.args[:0], 0
	return err
}

func (in *rowInserter) flush() error {
	defer in.full.Close()
	if in.n == 0 {
		return nil
	}
	_, err := in.tx.Exec(in.sql(in.n), in.args...)
	in.args, in.n = in.args[:0], 0
	return err
}

// Word lists for believable titles, tags and notes.
var (
	benchProducts = []string{"Ponte Analytics", "Ponte Backup", "Ponte Gateway", "Ponte Sync", "Ponte Mail",
		"Ponte Vault", "Ponte Edge", "Ponte Insights", "Ponte Connect", "Ponte Desk", "Ponte Cloud", "Ponte ERP Bridge"}
	benchTags = []string{"preços", "pricing", "vendas", "sales", "datasheet", "marketing", "campanha", "contrato",
		"legal", "compliance", "treinamento", "training", "webinar", "case", "roadmap", "lançamento", "release notes",
		"instalação", "segurança", "security", "LGPD", "GDPR", "MDF", "co-marketing", "logo", "brand", "Gold",
		"Platinum", "2025", "2026"}
	benchNotes = []string{"Versão inicial.", "Initial version.", "Correções de texto.", "Typo fixes.",
		"Atualizado para a versão 5.2.", "Updated for release 5.2.", "Novos preços a partir de março.",
		"New prices from March.", "Inclui o plano Enterprise.", "Adds the Enterprise plan.",
		"Revisão do jurídico.", "Legal review.", "Novos logos de clientes.", "Refreshed customer logos.",
		"Tradução para o inglês.", "English translation."}
	// benchFiles are the file types a library holds, with their weight.
	benchFiles = []struct {
		ext, mime string
		titles    []string
		weight    int
	}{
		{"pdf", "application/pdf", []string{"Datasheet", "Guia de implantação", "Estudo de caso", "Whitepaper", "Política", "Installation guide", "Case study"}, 45},
		{"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", []string{"Apresentação", "Pitch deck", "Treinamento de vendas", "Sales training"}, 12},
		{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", []string{"Tabela de preços", "Price list", "Calculadora de ROI", "ROI calculator"}, 10},
		{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", []string{"Modelo de proposta", "Proposal template", "Contrato", "Termo aditivo"}, 12},
		{"png", "image/png", []string{"Logo", "Banner", "Infográfico"}, 6},
		{"jpg", "image/jpeg", []string{"Foto de produto", "Product photo"}, 2},
		{"zip", "application/zip", []string{"Kit de marca", "Brand kit", "Kit de campanha"}, 5},
		{"mp4", "video/mp4", []string{"Vídeo de demonstração", "Demo video", "Webinar"}, 3},
		{"txt", "text/plain; charset=utf-8", []string{"Notas de versão", "Release notes"}, 3},
		{"csv", "text/csv", []string{"Lista de SKUs", "SKU list"}, 2},
	}
)

// benchSlug turns a title into a file name stem.
func benchSlug(s string) string {
	r := strings.NewReplacer("ç", "c", "ã", "a", "á", "a", "â", "a", "é", "e", "ê", "e", "í", "i", "ó", "o", "ô", "o", "õ", "o", "ú", "u")
	s = strings.ToLower(r.Replace(s))
	var b strings.Builder
	dash := false
	for _, c := range s {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func benchJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// seedLibraryScale adds a document library to an app seeded by seedScale:
// 40 folders, 20,000 documents, 60,000 versions, 500,000 downloads (each
// with its activity event) and acknowledgements, with plain INSERTs in one
// transaction. Versions have no file (pages never read one); every other
// column is what the hooks would have written, and each document's derived
// fields (current version, kind, size, version count, published, revised)
// agree with its versions.
func seedLibraryScale(b *testing.B, app core.App) *benchLibrary {
	b.Helper()
	start := time.Now()
	lib := &benchLibrary{rows: map[string]int{}}
	rnd := rand.New(rand.NewPCG(20000, 60000))
	now := time.Now().UTC()

	// Partners as seedScale made them (index p): statuses and countries
	// cycle with p%6, tiers with p%2. Regions follow the country, as the
	// partners hook sets them.
	statuses := []string{"active", "active", "active", "onboarding", "applicant", "suspended"}
	countries := []string{"BR", "BR", "BR", "PT", "US", "MX"}
	regionOf := map[string]string{"BR": "latam", "MX": "latam", "PT": "europe", "US": "north_america"}
	tierOf := func(p int) string { return []string{testapp.TierGold, testapp.TierSilver}[p%2] }
	partnerID := func(p int) string { return fmt.Sprintf("bp%013d", p) }
	userID := func(p, i int) string { return fmt.Sprintf("bu%06d%07d", p, i) }
	managerID := func(m int) string { return fmt.Sprintf("benchmanager%03d", m) }
	// Content reaches onboarding and active partners; the others' people
	// can still see it, but rarely come.
	var reachable []int
	byTier, byRegion := map[string][]int{}, map[string][]int{}
	for p := range benchPartners {
		if s := statuses[p%6]; s == "active" || s == "onboarding" {
			reachable = append(reachable, p)
			byTier[tierOf(p)] = append(byTier[tierOf(p)], p)
			byRegion[regionOf[countries[p%6]]] = append(byRegion[regionOf[countries[p%6]]], p)
		}
	}
	staff := []string{testapp.AdminID, testapp.ManagerAnaID, testapp.ManagerBrunoID}
	for m := range benchManagers {
		staff = append(staff, managerID(m))
	}

	sqlDB, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		b.Fatal("the app's database is not a *dbx.DB")
	}
	tx, err := sqlDB.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	_, err = tx.Exec("UPDATE partners SET region = CASE country WHEN 'PT' THEN 'europe' WHEN 'US' THEN 'north_america' ELSE 'latam' END WHERE id LIKE 'bp%'")
	must(err)

	// Indexes are dropped during the load and rebuilt from their own
	// definitions afterwards, as bulk loaders do: a million inserts in
	// random key order into 20 live indexes take minutes, sorting them
	// once takes seconds.
	var indexes []string
	rows, err := tx.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('documents', 'document_versions', 'document_downloads', 'document_acknowledgements', 'activity')`)
	must(err)
	var names []string
	for rows.Next() {
		var name, def string
		must(rows.Scan(&name, &def))
		names, indexes = append(names, name), append(indexes, def)
	}
	must(rows.Err())
	rows.Close()
	for _, name := range names {
		_, err := tx.Exec("DROP INDEX `" + name + "`")
		must(err)
	}
	_, err = tx.Exec("PRAGMA cache_size = -262144") // 256 MB while sorting; reset below
	must(err)

	// Folders: six roots, about five subfolders each, a few grandchildren.
	roots := []string{"Vendas / Sales", "Marketing", "Técnico / Technical", "Contratos e jurídico", "Treinamento / Training", "Programa de parceiros"}
	subs := []string{"Tabelas de preço", "Apresentações", "Estudos de caso", "Datasheets", "Guias", "Campanhas", "Modelos", "Vídeos", "Arquivo"}
	folders, err := newRowInserter(tx, "document_folders", "id", "name", "order", "parent", "created", "updated")
	must(err)
	var folderIDs []string
	topFolder := map[string]string{} // folder → its root
	addFolder := func(name, parent string, order int) string {
		id := fmt.Sprintf("bf%013d", len(folderIDs))
		at := benchDate(now.AddDate(-3, 0, 0))
		must(folders.add(id, name, order, parent, at, at))
		folderIDs = append(folderIDs, id)
		topFolder[id] = topFolder[parent]
		if parent == "" {
			topFolder[id] = id
		}
		return id
	}
	for i, r := range roots {
		root := addFolder(r, "", i)
		if i == 0 {
			lib.folder = root
		}
		for j := range 5 {
			if len(folderIDs) >= benchFolders {
				break
			}
			sub := addFolder(subs[(i+j)%len(subs)], root, j)
			if j == 0 && len(folderIDs) < benchFolders {
				addFolder(fmt.Sprintf("%d", 2024+i%3), sub, 0)
			}
		}
	}
	for len(folderIDs) < benchFolders {
		addFolder(fmt.Sprintf("Arquivo %d", len(folderIDs)), folderIDs[0], 10+len(folderIDs))
	}
	must(folders.flush())

	// Version counts: 1 to 6 per document, exactly benchVersions in all;
	// the top document has five.
	counts := make([]int, benchDocs)
	total := 0
	for i := range counts {
		counts[i] = []int{1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5, 5, 6, 6}[rnd.IntN(20)]
		total += counts[i]
	}
	counts[0], total = 5, total-counts[0]+5
	for total != benchVersions {
		i := 1 + rnd.IntN(benchDocs-1)
		switch {
		case total < benchVersions && counts[i] < 6:
			counts[i]++
			total++
		case total > benchVersions && counts[i] > 1:
			counts[i]--
			total--
		}
	}

	docs, err := newRowInserter(tx, "documents", "id", "title", "description", "folder", "tags", "audience",
		"audience_tiers", "audience_regions", "audience_partners", "status", "owner", "partner",
		"requires_acknowledgement", "kind", "size", "version_count", "published", "revised", "current_version",
		"created", "updated")
	must(err)
	versions, err := newRowInserter(tx, "document_versions", "id", "document", "number", "file", "filename",
		"notes", "size", "sha256", "mime", "uploaded_by", "created", "content_of")
	must(err)

	// What downloads and acknowledgements need to know of each document.
	type docInfo struct {
		id       string
		status   string
		audience []int // partners whose people download it (nil: every reachable partner)
		private  int   // partner index, -1 when shared
		ack      bool
		vids     []string
		vdates   []time.Time
	}
	info := make([]docInfo, benchDocs)
	weights := 0
	for _, f := range benchFiles {
		weights += f.weight
	}
	vn := 0
	privateCount := 0
	for i := range benchDocs {
		d := &info[i]
		d.id = fmt.Sprintf("bd%013d", i)
		d.private = -1
		w := rnd.IntN(weights)
		fi := 0
		for w >= benchFiles[fi].weight {
			w -= benchFiles[fi].weight
			fi++
		}
		file := benchFiles[fi]
		product := benchProducts[rnd.IntN(len(benchProducts))]
		title := fmt.Sprintf("%s %s", file.titles[rnd.IntN(len(file.titles))], product)
		switch rnd.IntN(3) {
		case 0:
			title += fmt.Sprintf(" %d", 2023+rnd.IntN(4))
		case 1:
			title += fmt.Sprintf(" — v5.%d", rnd.IntN(6))
		}
		if i == 0 {
			title, file = "Código de conduta do parceiro / Partner code of conduct", benchFiles[0]
		}
		desc := fmt.Sprintf("**%s**: material oficial do fabricante para parceiros.\n\n- Público: revendas e integradores\n- Produto: %s\n- Dúvidas: fale com o seu gerente de canais",
			title, product)
		var tags []string
		for range 1 + rnd.IntN(4) {
			if t := benchTags[rnd.IntN(len(benchTags))]; !slices.Contains(tags, t) {
				tags = append(tags, t)
			}
		}

		d.status = "published"
		switch x := rnd.IntN(100); {
		case i == 0:
		case x < 10:
			d.status = "draft"
		case x < 15:
			d.status = "archived"
		}
		audience, audTiers, audRegions, audPartners := "all", []string{}, []string{}, []string{}
		owner := staff[rnd.IntN(len(staff))]
		partner := ""
		switch x := rnd.IntN(100); {
		case i == 0:
			d.ack = true
		case x < 5 || (privateCount < 2 && i < 100): // signed agreements; partner 1500 gets two
			p := reachable[rnd.IntN(len(reachable))]
			if privateCount < 2 {
				p = benchPartnerIndex
			}
			privateCount++
			d.private, d.audience = p, []int{p}
			partner, owner = partnerID(p), managerID(p%benchManagers)
			d.ack = rnd.IntN(10) < 7
		case x < 14:
			audience = "tiers"
			tiers := [][]string{{testapp.TierGold}, {testapp.TierSilver}, {testapp.TierGold, testapp.TierSilver}}[rnd.IntN(3)]
			audTiers = tiers
			for _, t := range tiers {
				d.audience = append(d.audience, byTier[t]...)
			}
		case x < 21:
			audience = "regions"
			regions := [][]string{{"latam"}, {"europe"}, {"latam", "europe"}, {"north_america"}}[rnd.IntN(4)]
			audRegions = regions
			for _, r := range regions {
				d.audience = append(d.audience, byRegion[r]...)
			}
			if len(d.audience) == 0 { // nobody reachable there: its applicants read it
				for p := range benchPartners {
					if slices.Contains(regions, regionOf[countries[p%6]]) {
						d.audience = append(d.audience, p)
					}
				}
			}
		case x < 30:
			audience = "partners"
			for range 1 + rnd.IntN(8) {
				p := rnd.IntN(benchPartners)
				if !slices.Contains(audPartners, partnerID(p)) {
					audPartners = append(audPartners, partnerID(p))
					d.audience = append(d.audience, p)
				}
			}
		default:
			d.ack = rnd.IntN(100) == 0
		}

		// Versions: the first up to three years ago, the others spread
		// between it and now.
		first := now.Add(-time.Duration(rnd.Int64N(int64(3*365*24*time.Hour))) - time.Hour)
		n := counts[i]
		d.vdates = make([]time.Time, n)
		d.vdates[0] = first
		for k := 1; k < n; k++ {
			d.vdates[k] = first.Add(time.Duration(rnd.Int64N(int64(now.Sub(first)))))
		}
		slices.SortFunc(d.vdates, func(a, b time.Time) int { return a.Compare(b) })
		stem := benchSlug(title)
		filename := stem + "." + file.ext
		var size int
		for k := range n {
			vid := fmt.Sprintf("bv%013d", vn)
			vn++
			d.vids = append(d.vids, vid)
			size = int(math.Exp(math.Log(300_000) + 1.3*rnd.NormFloat64()))
			size = min(max(size, 2_000), 200_000_000)
			sum := sha256.Sum256([]byte(vid))
			stored := fmt.Sprintf("%s_%s.%s", strings.ReplaceAll(stem, "-", "_"), vid[len(vid)-10:], file.ext)
			must(versions.add(vid, d.id, k+1, stored, filename, benchNotes[rnd.IntN(len(benchNotes))], size,
				hex.EncodeToString(sum[:]), file.mime, staff[rnd.IntN(len(staff))], benchDate(d.vdates[k]), ""))
		}
		published := ""
		if d.status != "draft" {
			published = benchDate(first)
		}
		revised := benchDate(d.vdates[n-1])
		folder := folderIDs[rnd.IntN(len(folderIDs))]
		must(docs.add(d.id, title, desc, folder, benchJSON(tags), audience, benchJSON(audTiers), benchJSON(audRegions),
			benchJSON(audPartners), d.status, owner, partner, d.ack, documents.KindOf(file.mime, filename), size, n,
			published, revised, d.vids[n-1], benchDate(first.Add(-10*time.Minute)), revised))
	}
	must(docs.flush())
	must(versions.flush())

	// Downloads: a few documents are read by everyone, most by a handful
	// (Zipf over the published and archived documents, the top one first).
	downloads, err := newRowInserter(tx, "document_downloads", "id", "document", "version", "user", "partner", "created")
	must(err)
	events, err := newRowInserter(tx, "activity", "id", "kind", "user", "partner", "target_collection", "target_id", "created")
	must(err)
	var readable []int
	for i := range info {
		if info[i].status != "draft" {
			readable = append(readable, i)
		}
	}
	rnd.Shuffle(len(readable)-1, func(a, b int) { readable[a+1], readable[b+1] = readable[b+1], readable[a+1] })
	zipf := rand.NewZipf(rnd, 1.2, 5, uint64(len(readable)-1))
	for k := range benchDownloads {
		d := &info[readable[zipf.Uint64()]]
		var user, partner string
		if rnd.IntN(100) == 0 { // vendor staff check their own material
			user = staff[rnd.IntN(len(staff))]
		} else {
			p := 0
			if d.audience == nil {
				p = reachable[rnd.IntN(len(reachable))]
			} else {
				p = d.audience[rnd.IntN(len(d.audience))]
			}
			user, partner = userID(p, rnd.IntN(benchUsersPerPartner)), partnerID(p)
		}
		at := d.vdates[0].Add(time.Duration(rnd.Int64N(int64(now.Sub(d.vdates[0])))))
		v := 0
		for v+1 < len(d.vdates) && !d.vdates[v+1].After(at) {
			v++
		}
		when := benchDate(at)
		must(downloads.add(fmt.Sprintf("bl%013d", k), d.id, d.vids[v], user, partner, when))
		must(events.add(fmt.Sprintf("ba%013d", k), activity.KindDocumentDownloaded, user, partner, "documents", d.id, when))
	}
	must(downloads.flush())

	// Acknowledgements of the current (sometimes the previous) version:
	// a few people per signed agreement, a share of the audience for the
	// shared documents that ask for it, and 40% for the top document.
	acks, err := newRowInserter(tx, "document_acknowledgements", "id", "document", "version", "user", "partner", "created")
	must(err)
	na := 0
	ack := func(d *docInfo, p, u int) error {
		v := len(d.vids) - 1
		if v > 0 && rnd.IntN(5) == 0 {
			v--
		}
		from := d.vdates[v]
		at := benchDate(from.Add(time.Duration(rnd.Int64N(int64(now.Sub(from))))))
		id := fmt.Sprintf("bk%013d", na)
		na++
		if err := acks.add(id, d.id, d.vids[v], userID(p, u), partnerID(p), at); err != nil {
			return err
		}
		return events.add(fmt.Sprintf("bc%013d", na), activity.KindDocumentAcknowledged, userID(p, u), partnerID(p), "documents", d.id, at)
	}
	for i := range info {
		d := &info[i]
		if !d.ack || d.status == "draft" {
			continue
		}
		switch {
		case d.private >= 0:
			for u := range 1 + rnd.IntN(3) {
				if d.private == benchPartnerIndex && u == 4 {
					continue
				}
				must(ack(d, d.private, u))
			}
		default:
			share := 2
			if i == 0 {
				share = 40
			}
			audience := d.audience
			if audience == nil {
				audience = reachable
			}
			for _, p := range audience {
				for u := range benchUsersPerPartner {
					if rnd.IntN(100) < share {
						must(ack(d, p, u))
					}
				}
			}
		}
	}
	must(acks.flush())
	must(events.flush())
	inserted := time.Since(start)
	for _, def := range indexes {
		_, err := tx.Exec(def)
		must(err)
	}
	_, err = tx.Exec("PRAGMA cache_size = -32000")
	must(err)
	must(tx.Commit())
	lib.phases = fmt.Sprintf("inserts %s, indexes %s", inserted.Round(time.Millisecond), (time.Since(start) - inserted).Round(time.Millisecond))

	// The download rollup, built the way an operator would rebuild it.
	statsStart := time.Now()
	must(documents.RebuildStats(app))
	lib.phases += fmt.Sprintf(", stats rollup %s", time.Since(statsStart).Round(time.Millisecond))

	lib.top = info[0].id
	lib.rows = map[string]int{"document_folders": folders.total, "documents": docs.total, "document_versions": versions.total,
		"document_downloads": downloads.total, "document_acknowledgements": acks.total, "activity (document events)": events.total}
	lib.took = time.Since(start)

	checkLibraryScale(b, app)

	// The typical document: published, shared, with the median number of
	// downloads among those downloaded at all.
	var typical []struct {
		ID string `db:"document"`
		N  int    `db:"n"`
	}
	err = app.DB().NewQuery(`SELECT dl.document, COUNT(*) AS n FROM document_downloads dl
		JOIN documents d ON d.id = dl.document WHERE d.status = 'published' AND d.partner = '' AND d.audience = 'all'
		GROUP BY dl.document ORDER BY n, dl.document`).All(&typical)
	must(err)
	if len(typical) == 0 {
		b.Fatal("no downloaded document")
	}
	lib.typical = typical[len(typical)/2].ID
	return lib
}

// checkLibraryScale fails the benchmark when a seeded document disagrees
// with its versions the way the versioning hooks keep them, or a download or
// acknowledgement predates its version.
func checkLibraryScale(b *testing.B, app core.App) {
	b.Helper()
	checks := map[string]string{
		"documents whose derived fields disagree with their versions": `SELECT COUNT(*) FROM documents d
			JOIN document_versions v ON v.id = d.current_version
			WHERE v.document != d.id OR v.number != d.version_count OR v.size != d.size OR v.created != d.revised
			OR d.version_count != (SELECT COUNT(*) FROM document_versions x WHERE x.document = d.id)
			OR (d.status != 'draft' AND d.published != (SELECT created FROM document_versions x WHERE x.document = d.id AND x.number = 1))
			OR (d.status = 'draft' AND d.published != '')`,
		"documents without a current version": `SELECT COUNT(*) FROM documents d
			WHERE NOT EXISTS (SELECT 1 FROM document_versions v WHERE v.id = d.current_version)`,
		"downloads before their version or of another document's version": `SELECT COUNT(*) FROM document_downloads dl
			JOIN document_versions v ON v.id = dl.version WHERE dl.created < v.created OR v.document != dl.document`,
		"acknowledgements before their version": `SELECT COUNT(*) FROM document_acknowledgements a
			JOIN document_versions v ON v.id = a.version WHERE a.created < v.created OR v.document != a.document`,
		"downloads without their activity event": `SELECT (SELECT COUNT(*) FROM document_downloads) -
			(SELECT COUNT(*) FROM activity WHERE kind = 'document.downloaded' AND target_collection = 'documents')`,
	}
	for what, q := range checks {
		var n int
		if err := app.DB().NewQuery(q).Row(&n); err != nil {
			b.Fatalf("checking %s: %v", what, err)
		}
		if n != 0 {
			b.Fatalf("seed: %d %s", n, what)
		}
	}
}

// benchCase is one measured page view.
type benchCase struct {
	name, path string
	ck         *http.Cookie
}

// runPageCases measures each case as a sub-benchmark: ns/op over b.Loop,
// plus the median and 99th-percentile latency of the individual requests.
// Any status but 200 fails the case. Before its first measurement, each
// case's page is requested once with the SQL log on, and the queries that
// scan a whole library table or are slow are logged with their plans (see
// explainQueries); the first case also logs what the seed wrote. They are
// logged from the sub-benchmarks because a parent benchmark's log is shown
// only with -v.
func runPageCases(b *testing.B, app core.App, srv *httptest.Server, seeded string, cases []benchCase) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(b *testing.B, c benchCase) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+c.path, nil)
		if c.ck != nil {
			req.AddCookie(c.ck)
		}
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: status %d, want 200\n%.300s", c.path, res.StatusCode, body)
		}
	}
	explained := map[string]bool{}
	for i, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if !explained[c.name] {
				explained[c.name] = true
				if i == 0 {
					b.Log(seeded)
				}
				explainQueries(b, app, func() { get(b, c) })
			}
			var took []time.Duration
			for b.Loop() {
				t0 := time.Now()
				get(b, c)
				took = append(took, time.Since(t0))
			}
			reportPercentiles(b, took)
		})
	}
}

// reportPercentiles reports the median and 99th-percentile request time in
// milliseconds.
func reportPercentiles(b *testing.B, took []time.Duration) {
	if len(took) == 0 {
		return
	}
	slices.Sort(took)
	at := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(took)))) - 1
		return float64(took[min(max(i, 0), len(took)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// libraryTables are the tables whose full scan a page must not need.
var libraryTables = regexp.MustCompile(`^SCAN (documents|document_versions|document_downloads|document_acknowledgements|activity)\b`)

// slowQuery is how long a single query may take before its plan is logged.
const slowQuery = 5 * time.Millisecond

// explainQueries runs request once with PocketBase's SQL log on, then asks
// SQLite for the plan of every SELECT it ran and logs, slowest first, those
// that scan a whole library table or took longer than slowQuery. An index
// walk in sort order ("SCAN documents USING INDEX idx_documents_revised")
// counts as a scan: it is cheap only when the LIMIT is reached early. At
// most three are logged, two lines each: the testing package keeps only
// ten lines of a benchmark's log.
func explainQueries(b *testing.B, app core.App, request func()) {
	b.Helper()
	type logged struct {
		sql, plan, scans string
		took             time.Duration
	}
	var mu sync.Mutex
	var queries []logged
	logf := func(ctx context.Context, t time.Duration, sql string, rows *sql.Rows, err error) {
		mu.Lock()
		defer mu.Unlock()
		queries = append(queries, logged{sql: sql, took: t})
	}
	dbs := []*dbx.DB{app.ConcurrentDB().(*dbx.DB), app.NonconcurrentDB().(*dbx.DB)}
	saved := make([]func(context.Context, time.Duration, string, *sql.Rows, error), len(dbs))
	for i, db := range dbs {
		saved[i], db.QueryLogFunc = db.QueryLogFunc, logf
	}
	request()
	for i, db := range dbs {
		db.QueryLogFunc = saved[i]
	}
	var total time.Duration
	var flagged []logged
	for _, q := range queries {
		total += q.took
		if !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(q.sql)), "SELECT") {
			continue
		}
		var plan []struct {
			Detail string `db:"detail"`
		}
		if err := app.ConcurrentDB().NewQuery("EXPLAIN QUERY PLAN " + q.sql).All(&plan); err != nil {
			b.Fatalf("EXPLAIN QUERY PLAN: %v\n%s", err, q.sql)
		}
		var scans, lines []string
		for _, p := range plan {
			lines = append(lines, p.Detail)
			if libraryTables.MatchString(p.Detail) {
				scans = append(scans, p.Detail)
			}
		}
		if len(scans) > 0 || q.took >= slowQuery {
			q.plan, q.scans = strings.Join(lines, " | "), strings.Join(scans, "; ")
			flagged = append(flagged, q)
		}
	}
	b.Logf("%d queries, %s in SQLite; %d slow or scanning a library table", len(queries), total.Round(10*time.Microsecond), len(flagged))
	slices.SortFunc(flagged, func(x, y logged) int { return cmp.Compare(y.took, x.took) })
	for _, q := range flagged[:min(3, len(flagged))] {
		short := q.sql
		if r := []rune(short); len(r) > 300 {
			short = string(r[:180]) + " … " + string(r[len(r)-120:])
		}
		b.Logf("%s %s plan: %s\n  %s", q.took.Round(10*time.Microsecond), q.scans, q.plan, short)
	}
}

// newLibraryBench seeds the scale network and the library and serves the
// portal.
func newLibraryBench(b *testing.B) (core.App, *httptest.Server, *benchLibrary, func(string) *http.Cookie) {
	app := testapp.New(b)
	t0 := time.Now()
	seedScale(b, app)
	scale := time.Since(t0)
	lib := seedLibraryScale(b, app)
	lib.summary = fmt.Sprintf("seeded 2,000 partners and 20,000 users in %s, the library in %s (%s): %v",
		scale.Round(time.Millisecond), lib.took.Round(time.Millisecond), lib.phases, lib.rows)
	srv := httptest.NewServer(testapp.Serve(b, app))
	b.Cleanup(srv.Close)
	cookie := func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
	return app, srv, lib, cookie
}

// BenchmarkDocumentLibrary measures the library's first page (and a folder,
// a search and a deep page) on 20,000 documents, 60,000 versions and
// 500,000 downloads, as a partner user, a channel manager and an admin.
// Run: go test ./ui/ -run '^$' -bench DocumentLibrary -benchtime 200x
func BenchmarkDocumentLibrary(b *testing.B) {
	app, srv, lib, cookie := newLibraryBench(b)
	partnerUser, manager, admin := cookie(benchPartnerUser), cookie(benchManager), cookie(testapp.AdminEmail)
	runPageCases(b, app, srv, lib.summary, []benchCase{
		{"partner_user", "/documents", partnerUser},
		{"partner_user_folder", "/documents?folder=" + lib.folder, partnerUser},
		{"partner_user_search", "/documents?q=backup", partnerUser},
		{"partner_user_page50", "/documents?page=50", partnerUser},
		{"manager", "/documents", manager},
		{"admin", "/documents", admin},
	})
}

// BenchmarkDocumentPage measures a document page (history and, for staff
// and partner admins, usage figures) on the same scale: the most downloaded
// document, which also asks for acknowledgement, and for an admin a
// typical one.
// Run: go test ./ui/ -run '^$' -bench DocumentPage -benchtime 200x
func BenchmarkDocumentPage(b *testing.B) {
	app, srv, lib, cookie := newLibraryBench(b)
	runPageCases(b, app, srv, lib.summary, []benchCase{
		{"partner_user", "/documents/" + lib.top, cookie(benchPartnerUser)},
		{"partner_admin", "/documents/" + lib.top, cookie(benchPartnerAdmin)},
		{"manager", "/documents/" + lib.top, cookie(benchManager)},
		{"admin", "/documents/" + lib.top, cookie(testapp.AdminEmail)},
		{"admin_typical", "/documents/" + lib.typical, cookie(testapp.AdminEmail)},
	})
}
