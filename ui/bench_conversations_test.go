package ui_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/live"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// Conversation scale, on top of seedScale's 2,000 partners and 20,000 users:
// ten conversations per partner, 500,000 messages, one busy conversation.
const (
	benchConvsPerPartner = 10
	benchMessages        = 500000
	benchBusyMessages    = 5000
)

// benchConversations is what seedConversationScale wrote.
type benchConversations struct {
	// busy is partner 1500's conversation with benchBusyMessages messages,
	// started by benchPartnerUser; typical one of its others. earlier is a
	// message in the middle of busy (an "earlier messages" cursor) and
	// latest its newest (the live fetch's cursor).
	busy, typical, earlier, latest string
	summary                        string
}

// seedConversationScale writes the conversations, messages and reads with
// multi-row INSERTs, with the indexes rebuilt afterwards (as the document
// benchmark does). Messages alternate between a partner user and the
// channel manager over the last two years; each conversation's partner user
// has read all but its last few messages.
func seedConversationScale(b *testing.B, app core.App) *benchConversations {
	b.Helper()
	start := time.Now()
	rnd := rand.New(rand.NewPCG(20000, 500000))
	now := time.Now().UTC().Add(-time.Hour)
	partnerID := func(p int) string { return fmt.Sprintf("bp%013d", p) }
	userID := func(p, i int) string { return fmt.Sprintf("bu%06d%07d", p, i) }
	managerID := func(p int) string { return fmt.Sprintf("benchmanager%03d", p%benchManagers) }
	convID := func(p, k int) string { return fmt.Sprintf("bc%06d%07d", p, k) }

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
	var names, indexes []string
	rows, err := tx.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('conversations', 'messages', 'conversation_reads')`)
	must(err)
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

	// Message counts: the busy conversation, then the rest spread evenly
	// with some random extra.
	total := benchPartners * benchConvsPerPartner
	busyP, busyK := benchPartnerIndex, 0
	counts := make([]int, total)
	rest := benchMessages - benchBusyMessages
	base := rest / (total - 1)
	for c := range counts {
		counts[c] = base
	}
	busyIdx := busyP*benchConvsPerPartner + busyK
	counts[busyIdx] = benchBusyMessages
	for left := rest - base*(total-1); left > 0; left-- {
		c := rnd.IntN(total)
		if c == busyIdx {
			continue
		}
		counts[c]++
	}

	convs, err := newRowInserter(tx, "conversations", "id", "partner", "subject", "created_by", "participants",
		"last_message_at", "created", "updated")
	must(err)
	msgs, err := newRowInserter(tx, "messages", "id", "conversation", "author", "body", "body_html", "attachments",
		"attachment_names", "created")
	must(err)
	reads, err := newRowInserter(tx, "conversation_reads", "id", "conversation", "user", "last_read")
	must(err)
	subjects := []string{"Registro de oportunidade", "Dúvida sobre preços", "Plano de marketing", "Renovação do contrato",
		"Pricing question", "Onboarding checklist", "Certificação da equipe", "Suporte técnico", "Verba de MDF", "Proposta comercial"}
	bodies := []string{"Bom dia! Pode confirmar o registro da oportunidade?", "Confirmado, a proteção vale por 90 dias.",
		"Segue a proposta revisada com o desconto do nível Gold.", "Thanks, we'll review the quote with the customer on Thursday.",
		"Precisamos de uma referência de cliente no setor financeiro.", "O treinamento de certificação abre inscrições na segunda."}
	span := 2 * 365 * 24 * time.Hour
	msgN := 0
	var busyIDs []string
	var typical string
	for p := range benchPartners {
		for k := range benchConvsPerPartner {
			ci := p*benchConvsPerPartner + k
			id := convID(p, k)
			starter := userID(p, 1+k%(benchUsersPerPartner-1))
			if p == busyP && k == busyK {
				starter = userID(p, 4) // benchPartnerUser
			}
			n := counts[ci]
			// Each conversation's messages lie in its own window, ending at
			// a random point; the busy one ends now.
			end := now.Add(-time.Duration(rnd.Int64N(int64(span / 2))))
			if ci == busyIdx {
				end = now
			}
			first := end.Add(-time.Duration(n) * 37 * time.Minute)
			var last time.Time
			for i := range n {
				at := first.Add(time.Duration(i) * 37 * time.Minute)
				author := starter
				if i%2 == 1 {
					author = managerID(p)
				}
				body := bodies[(msgN+i)%len(bodies)] + " #" + strconv.Itoa(i)
				mid := fmt.Sprintf("bm%013d", msgN)
				must(msgs.add(mid, id, author, body, "<p>"+body+"</p>\n", "[]", "{}", benchDate(at)))
				if ci == busyIdx {
					busyIDs = append(busyIDs, mid)
				}
				msgN++
				last = at
			}
			created := benchDate(first.Add(-time.Minute))
			must(convs.add(id, partnerID(p), subjects[(p+k)%len(subjects)]+" "+strconv.Itoa(ci), starter,
				`["`+starter+`","`+managerID(p)+`"]`, benchDate(last), created, benchDate(last)))
			// The starter read all but the last three; the manager all.
			readAt := first.Add(time.Duration(max(n-3, 0)) * 37 * time.Minute)
			must(reads.add(fmt.Sprintf("br%013d", 2*ci), id, starter, benchDate(readAt)))
			must(reads.add(fmt.Sprintf("br%013d", 2*ci+1), id, managerID(p), benchDate(last)))
			if p == busyP && k == 1 {
				typical = id
			}
		}
	}
	must(convs.flush())
	must(msgs.flush())
	must(reads.flush())
	inserted := time.Since(start)
	for _, def := range indexes {
		_, err := tx.Exec(def)
		must(err)
	}
	_, err = tx.Exec("ANALYZE")
	must(err)
	must(tx.Commit())
	c := &benchConversations{busy: convID(busyP, busyK), typical: typical,
		earlier: busyIDs[len(busyIDs)/2], latest: busyIDs[len(busyIDs)-1]}
	c.summary = fmt.Sprintf("seeded %d conversations, %d messages (busiest %d) and %d reads in %s (inserts %s)",
		convs.total, msgs.total, benchBusyMessages, reads.total, time.Since(start).Round(time.Millisecond), inserted.Round(time.Millisecond))
	return c
}

// BenchmarkConversationPages measures the conversations list and a
// conversation page (a busy one with 5,000 messages, and a typical one), the
// earlier-messages and live fragments, as a partner user, the channel
// manager and an admin, on 2,000 partners, 20,000 conversations and 500,000
// messages.
// Run: go test ./ui/ -run '^$' -bench ConversationPages -benchtime 300x
func BenchmarkConversationPages(b *testing.B) {
	app := testapp.New(b)
	t0 := time.Now()
	seedScale(b, app)
	scale := time.Since(t0)
	conv := seedConversationScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	b.Cleanup(srv.Close)
	cookie := func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
	partnerUser, manager, admin := cookie(benchPartnerUser), cookie(benchManager), cookie(testapp.AdminEmail)
	runPageCases(b, app, srv, fmt.Sprintf("seeded 2,000 partners and 20,000 users in %s; %s", scale.Round(time.Millisecond), conv.summary),
		[]benchCase{
			{"partner_user_list", "/conversations", partnerUser},
			{"partner_user_busy", "/conversations/" + conv.busy, partnerUser},
			{"partner_user_typical", "/conversations/" + conv.typical, partnerUser},
			{"partner_user_earlier", "/conversations/" + conv.busy + "/messages?before=" + conv.earlier, partnerUser},
			{"partner_user_live_fetch", "/conversations/" + conv.busy + "/messages?after=" + conv.latest, partnerUser},
			{"manager_list", "/conversations", manager},
			{"manager_busy", "/conversations/" + conv.busy, manager},
			{"admin_list", "/conversations", admin},
			{"admin_list_page20", "/conversations?page=20", admin},
		})
}

// liveMemory is the process's memory at one moment: live heap plus
// goroutine stacks (after a GC), and the resident set.
type liveMemory struct {
	heapStack uint64
	rss       uint64
	goroutine int
}

func measureMemory() liveMemory {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	m := liveMemory{heapStack: ms.HeapAlloc + ms.StackInuse, goroutine: runtime.NumGoroutine()}
	if raw, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, l := range strings.Split(string(raw), "\n") {
			if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseUint(f[1], 10, 64)
				m.rss = kb << 10
			}
		}
	}
	return m
}

// raiseFileLimit lifts the soft limit on open files to the hard one: each
// connection holds two descriptors in this process (client and server).
func raiseFileLimit(b *testing.B, need uint64) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		b.Fatal(err)
	}
	if lim.Cur < need {
		lim.Cur = min(max(need, lim.Cur), lim.Max)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			b.Fatal(err)
		}
	}
	if lim.Cur < need {
		// A skipped benchmark would report no figure at all without anyone
		// noticing: fail, and say how to allow it.
		b.Fatalf("cannot measure %d live connections: open files are limited to %d (hard limit %d); raise it with `ulimit -n %d`",
			need, lim.Cur, lim.Max, need)
	}
}

// liveClients are raw HTTP connections, each read by one small goroutine
// that counts the data lines equal to want.
type liveClients struct {
	conns []net.Conn
	want  atomic.Value // string
	got   atomic.Int64
	wg    sync.WaitGroup
}

// dial opens a connection to addr and sends request (nil: nothing), then
// reads lines until the stream's ": connected" comment (when waitConnected)
// and keeps reading in the background.
func (lc *liveClients) dial(b *testing.B, addr, request string, waitConnected bool) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	lc.conns = append(lc.conns, c)
	r := bufio.NewReaderSize(c, 512)
	if request != "" {
		if _, err := c.Write([]byte(request)); err != nil {
			b.Fatal(err)
		}
	}
	if waitConnected {
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				b.Fatalf("reading the stream's start: %v", err)
			}
			if l == ": connected\n" {
				break
			}
		}
	}
	lc.wg.Add(1)
	go func() {
		defer lc.wg.Done()
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			if w, _ := lc.want.Load().(string); w != "" && strings.TrimSuffix(l, "\n") == w {
				lc.got.Add(1)
			}
		}
	}()
}

func (lc *liveClients) close() {
	for _, c := range lc.conns {
		c.Close()
	}
	lc.wg.Wait()
}

// BenchmarkLiveConnections holds 1,000 concurrent /live streams of 1,000
// different users open against the real handler, reports the memory each
// one costs the server, and measures one published event reaching all of
// them (ns/op is that fan-out, from Publish to the last client's read).
//
// The clients run in this process too; their own cost (a goroutine and a
// 512-byte buffer per connection) is measured on a control server that only
// holds connections, and subtracted.
// Run: go test ./ui/ -run '^$' -bench LiveConnections -benchtime 20x
func BenchmarkLiveConnections(b *testing.B) {
	const n = 1000
	raiseFileLimit(b, 4*n+256)
	app := testapp.New(b)
	seedScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	b.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")

	// Sessions of 1,000 partner users, made before measuring.
	ids := make([]string, n)
	requests := make([]string, n)
	for i := range n {
		p, u := i%benchPartners, 1+i/benchPartners
		email := fmt.Sprintf("u%d.%d@bench.test", p, u)
		ck, _ := testapp.SessionCookie(b, app, email)
		ids[i] = fmt.Sprintf("bu%06d%07d", p, u)
		requests[i] = "GET /live HTTP/1.1\r\nHost: " + addr + "\r\nAccept: text/event-stream\r\nCookie: " +
			ck.Name + "=" + ck.Value + "\r\n\r\n"
	}

	// Control: the clients' own cost, against a listener that accepts and
	// holds connections without reading them.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	var held []net.Conn
	var heldMu sync.Mutex
	accepted := make(chan struct{}, n)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			heldMu.Lock()
			held = append(held, c)
			heldMu.Unlock()
			accepted <- struct{}{}
		}
	}()
	before := measureMemory()
	control := &liveClients{}
	for range n {
		control.dial(b, ln.Addr().String(), "", false)
		<-accepted
	}
	afterControl := measureMemory()
	ln.Close()
	control.close()
	heldMu.Lock()
	for _, c := range held {
		c.Close()
	}
	heldMu.Unlock()

	// The real streams.
	hub := live.For(app)
	base := measureMemory()
	clients := &liveClients{}
	t0 := time.Now()
	for i := range n {
		clients.dial(b, addr, requests[i], true)
	}
	opened := time.Since(t0)
	if hub.Open() != n {
		b.Fatalf("%d open subscriptions, want %d", hub.Open(), n)
	}
	after := measureMemory()
	b.Cleanup(clients.close)

	perConn := func(a, z uint64) float64 { return (float64(z) - float64(a)) / n / 1024 }
	clientKB := perConn(before.heapStack, afterControl.heapStack)
	totalKB := perConn(base.heapStack, after.heapStack)
	b.Logf("%d streams opened in %s; heap+stacks %+.1f KB/conn in all (clients alone %.1f KB/conn), RSS %+.1f KB/conn, goroutines %d → %d",
		n, opened.Round(time.Millisecond), totalKB, clientKB, perConn(base.rss, after.rss), base.goroutine, after.goroutine)

	round := 0
	for b.Loop() {
		round++
		payload := "round-" + strconv.Itoa(round)
		clients.got.Store(0)
		clients.want.Store("data: " + payload)
		hub.Publish(live.Event{Type: "message", Data: payload}, ids...)
		deadline := time.Now().Add(10 * time.Second)
		for clients.got.Load() < n {
			if time.Now().After(deadline) {
				b.Fatalf("round %d: %d of %d streams received the event", round, clients.got.Load(), n)
			}
			runtime.Gosched()
		}
	}
	// Reported after the loop: b.Loop's start resets the extra metrics.
	b.ReportMetric(totalKB-clientKB, "server-KB/conn")
	b.ReportMetric(perConn(base.rss, after.rss), "rss-KB/conn")
	b.ReportMetric(float64(after.goroutine-base.goroutine)/n, "goroutines/conn")
}
