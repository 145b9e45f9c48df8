package access_test

// The announcements access matrix through the REST API: every role ×
// list/view/create/update/delete on announcements and announcement_reads,
// on a fresh clone of the fixture with testapp.SeedAnnouncements applied.
// Each scenario proves both sides: the ids it must return and those it must
// not, and refused writes leave the stored records as they were.

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// annFactory is the seeded fixture with the fixture announcements and reads.
func annFactory(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testapp.Factory(t)
	testapp.SeedAnnouncements(t, app)
	return app
}

// runAnn runs scenarios on annFactory.
func runAnn(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for i := range scenarios {
		scenarios[i].TestAppFactory = cachedAnnFactory
	}
	run(t, scenarios)
}

var (
	allAnns = []string{testapp.AnnAll, testapp.AnnGold, testapp.AnnGlobex, testapp.AnnEurope,
		testapp.AnnDraft, testapp.AnnFuture, testapp.AnnExpired, testapp.AnnAck}
	// Partner users see the published announcements of their audience
	// between publish and expiry: never a draft, a scheduled or an expired
	// one, nor another tier's or partner's.
	acmeAnns   = []string{testapp.AnnAll, testapp.AnnGold, testapp.AnnAck}
	globexAnns = []string{testapp.AnnAll, testapp.AnnGlobex, testapp.AnnAck}

	visibleAnns = map[actor][]string{
		guest: nil, admin: allAnns, ana: allAnns, bruno: allAnns,
		acmeAdmin: acmeAnns, acmeUser: acmeAnns, globexAdmin: globexAnns, globexUser: globexAnns,
	}

	allReads = []string{testapp.ReadDiego, testapp.ReadCarla, testapp.ReadFabio, testapp.ReadElena, testapp.ReadAna}
	// Reads: the reader's own, their organisation's for a partner admin,
	// their partners' for a manager, all for an admin.
	visibleReads = map[actor][]string{
		guest: nil, admin: allReads,
		ana:         {testapp.ReadDiego, testapp.ReadCarla, testapp.ReadAna},
		bruno:       {testapp.ReadFabio, testapp.ReadElena},
		acmeAdmin:   {testapp.ReadDiego, testapp.ReadCarla},
		acmeUser:    {testapp.ReadDiego},
		globexAdmin: {testapp.ReadFabio, testapp.ReadElena},
		globexUser:  {testapp.ReadFabio},
	}
	annLabel = map[string]string{}
)

func init() {
	for _, a := range testapp.FixtureAnnouncements {
		annLabel[a.ID] = fmt.Sprintf("%s (%s)", a.ID, a.Title)
	}
}

// annBody is a valid announcement for a create by author.
func annBody(author string, extra map[string]any) map[string]any {
	b := map[string]any{"title": "Matrix news", "body": "Hello **partners**.", "status": "draft",
		"audience": "all", "author": author}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

func TestAnnouncementsAPIAnnouncements(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleAnns[a]
		// The hidden notification stamp never reaches a client.
		s = append(s, listS(a, "announcements", allAnns, vis, []string{`"notified_at"`}))
		for _, id := range allAnns {
			s = append(s, viewS(a, "announcements", id, annLabel[id], slices.Contains(vis, id), []string{`"notified_at"`}))
		}

		// Create: staff only, as themselves.
		st, want := http.StatusBadRequest, 0
		if isStaff(a) {
			st, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "announcements", "an announcement by themselves", annBody(a.id, nil), st,
			countWith("announcements", "title", "Matrix news", want)))

		// Update: any staff; partners are refused and nothing changes.
		s = append(s, updateDocS(a, "announcements", testapp.AnnAll, annLabel[testapp.AnnAll],
			map[string]any{"title": "Renamed news"}, isStaff(a), http.StatusNotFound))

		// Delete: the admin any, a manager their own (Ana wrote AnnAck).
		s = append(s, deleteS(a, "announcements", testapp.AnnAck, annLabel[testapp.AnnAck],
			a == admin || a == ana, http.StatusNotFound, countWith("announcements", "id", testapp.AnnAck, 1)))
		s = append(s, deleteS(a, "announcements", testapp.AnnDraft, annLabel[testapp.AnnDraft],
			a == admin, http.StatusNotFound, countWith("announcements", "id", testapp.AnnDraft, 1)))
	}
	s = append(s,
		// Staff cannot write as someone else, nor the rendered HTML.
		createS(ana, "announcements", "an announcement authored by the admin", annBody(testapp.AdminID, nil),
			http.StatusBadRequest, countWith("announcements", "title", "Matrix news", 0)),
		createS(admin, "announcements", "an announcement with its own body_html",
			annBody(testapp.AdminID, map[string]any{"body_html": "<script>x</script>"}),
			http.StatusBadRequest, countWith("announcements", "title", "Matrix news", 0)),
		// Bad input: empty body, unknown tier, expiry before publication.
		createS(admin, "announcements", "an announcement with an empty body",
			annBody(testapp.AdminID, map[string]any{"body": "  "}),
			http.StatusBadRequest, countWith("announcements", "title", "Matrix news", 0)),
		createS(admin, "announcements", "an announcement for an unknown tier",
			annBody(testapp.AdminID, map[string]any{"audience": "tiers", "audience_tiers": []string{"tiernothere0001"}}),
			http.StatusBadRequest, countWith("announcements", "title", "Matrix news", 0)),
		createS(admin, "announcements", "an announcement for tiers with none chosen",
			annBody(testapp.AdminID, map[string]any{"audience": "tiers"}),
			http.StatusBadRequest, countWith("announcements", "title", "Matrix news", 0)),
		createS(admin, "announcements", "an announcement expiring before it is published",
			annBody(testapp.AdminID, map[string]any{"publish_at": "2030-01-02 10:00:00.000Z", "expires_at": "2030-01-01 10:00:00.000Z"}),
			http.StatusBadRequest, countWith("announcements", "title", "Matrix news", 0)),
		// The author changes only by an admin's hand.
		updateDocS(bruno, "announcements", testapp.AnnAll, annLabel[testapp.AnnAll],
			map[string]any{"author": testapp.ManagerBrunoID}, false, http.StatusNotFound),
		updateDocS(admin, "announcements", testapp.AnnAll, annLabel[testapp.AnnAll],
			map[string]any{"author": testapp.ManagerBrunoID}, true, http.StatusNotFound),
		updateDocS(admin, "announcements", testapp.AnnAll, annLabel[testapp.AnnAll],
			map[string]any{"body_html": "<b>forged</b>"}, false, http.StatusNotFound),
	)
	// A client's notified_at is ignored: a published announcement created
	// through the API still notifies its audience once.
	s = append(s, tests.ApiScenario{
		Name:               "admin creates a published announcement with a forged notified_at → 200, audience notified",
		Method:             http.MethodPost,
		URL:                recordsURL("announcements"),
		Body:               jsonBody(annBody(testapp.AdminID, map[string]any{"status": "published", "notified_at": "2020-01-01 00:00:00.000Z"})),
		BeforeTestFunc:     as(admin),
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    []string{`"title":"Matrix news"`, `"status":"published"`},
		NotExpectedContent: []string{`"notified_at"`, `2020-01-01`},
		AfterTestFunc: afterAll(func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			t.Helper()
			r, err := app.FindFirstRecordByData("announcements", "title", "Matrix news")
			if err != nil {
				t.Fatal(err)
			}
			if got := r.GetDateTime("notified_at"); got.IsZero() || got.Time().Year() == 2020 {
				t.Errorf("notified_at = %v, want the server's time of publication", got)
			}
			n, err := app.CountRecords("notifications", dbx.HashExp{"link": "/announcements/" + r.Id})
			if err != nil {
				t.Fatal(err)
			}
			if n != 4 { // the four partner users of the fixture
				t.Errorf("%d notifications for the new announcement, want 4", n)
			}
		}),
	})
	runAnn(t, s)
}

func TestAnnouncementsAPIReads(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleReads[a]
		s = append(s, listS(a, "announcement_reads", allReads, vis, nil))
		for _, id := range allReads {
			s = append(s, viewS(a, "announcement_reads", id, "read "+id, slices.Contains(vis, id), nil))
		}
		// Nobody deletes a read receipt through the API (superusers only,
		// refused before the record is looked up).
		s = append(s, deleteS(a, "announcement_reads", testapp.ReadDiego, "read "+testapp.ReadDiego, false,
			http.StatusForbidden, countWith("announcement_reads", "id", testapp.ReadDiego, 1)))
		// A read of the gold announcement: only Acme's users may record theirs.
		if a != guest {
			st, want := http.StatusBadRequest, 0
			if a == acmeAdmin || a == acmeUser || isStaff(a) {
				st, want = http.StatusOK, 1
			}
			s = append(s, createS(a, "announcement_reads", "their read of the gold announcement",
				map[string]any{"announcement": testapp.AnnGold, "user": a.id}, st,
				countWhere("announcement_reads", "announcement = {:a} && user = {:u}",
					dbx.Params{"a": testapp.AnnGold, "u": a.id}, want)))
		}
	}
	// No partner records a read of a draft, scheduled or expired
	// announcement, or a read in someone else's name.
	for _, id := range []string{testapp.AnnDraft, testapp.AnnFuture, testapp.AnnExpired, testapp.AnnGlobex} {
		s = append(s, createS(acmeUser, "announcement_reads", "their read of "+annLabel[id],
			map[string]any{"announcement": id, "user": testapp.AcmeUserID}, http.StatusBadRequest,
			countWith("announcement_reads", "announcement", id, map[bool]int{true: 1, false: 0}[id == testapp.AnnGlobex])))
	}
	s = append(s,
		createS(acmeUser, "announcement_reads", "a read in Fabio's name", map[string]any{
			"announcement": testapp.AnnAck, "user": testapp.GlobexUserID}, http.StatusBadRequest,
			countWith("announcement_reads", "user", testapp.GlobexUserID, 1)),
		// The same read twice: the unique (announcement, user) index.
		createS(acmeUser, "announcement_reads", "a second read of the pinned announcement", map[string]any{
			"announcement": testapp.AnnAll, "user": testapp.AcmeUserID}, http.StatusBadRequest,
			countWith("announcement_reads", "announcement", testapp.AnnAll, 3)),
	)
	// A forged partner is replaced by the reader's own.
	s = append(s, tests.ApiScenario{
		Name:   "partner_user acme creates a read claiming Globex as partner → 200, stamped Acme",
		Method: http.MethodPost, URL: recordsURL("announcement_reads"),
		Body: jsonBody(map[string]any{"announcement": testapp.AnnAck, "user": testapp.AcmeUserID,
			"partner": testapp.PartnerGlobex}),
		BeforeTestFunc:  as(acmeUser),
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{frag("partner", testapp.PartnerAcme)},
		AfterTestFunc: afterAll(countWhere("announcement_reads", "user = {:u} && partner = {:p}",
			dbx.Params{"u": testapp.AcmeUserID, "p": testapp.PartnerGlobex}, 0)),
	})

	stamp := time.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	s = append(s,
		// Acknowledging: only one's own receipt, only when asked for, once.
		updateDocS(acmeUser, "announcement_reads", testapp.ReadDiego, "their read of the pinned announcement",
			map[string]any{"acknowledged": stamp}, false, http.StatusBadRequest),
		updateDocS(acmeAdmin, "announcement_reads", testapp.ReadCarla, "their acknowledged read",
			map[string]any{"acknowledged": ""}, false, http.StatusBadRequest),
		updateDocS(acmeAdmin, "announcement_reads", testapp.ReadDiego, "Diego's read",
			map[string]any{"acknowledged": stamp}, false, http.StatusNotFound),
		updateDocS(ana, "announcement_reads", testapp.ReadDiego, "Diego's read",
			map[string]any{"acknowledged": stamp}, false, http.StatusNotFound),
		updateDocS(globexUser, "announcement_reads", testapp.ReadDiego, "Diego's read",
			map[string]any{"acknowledged": stamp}, false, http.StatusNotFound),
		updateDocS(acmeUser, "announcement_reads", testapp.ReadDiego, "their read, to another announcement",
			map[string]any{"announcement": testapp.AnnAck}, false, http.StatusNotFound),
	)
	// Diego reads the acknowledgement announcement, then acknowledges it:
	// the server stamps its own time and records both events.
	s = append(s, tests.ApiScenario{
		Name:   "partner_user acme acknowledges their read of the code of conduct → 200",
		Method: http.MethodPatch, URL: recordsURL("announcement_reads") + "/readdiegoack001",
		Body:               jsonBody(map[string]any{"acknowledged": "2001-01-01 00:00:00.000Z"}),
		BeforeTestFunc:     as(acmeUser, readOf("readdiegoack001", testapp.AnnAck, testapp.AcmeUserID)),
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    []string{idFrag("readdiegoack001")},
		NotExpectedContent: []string{"2001-01-01"},
		AfterTestFunc: afterAll(
			countWhere("activity", "user = {:u} && kind = 'announcement.acknowledged' && target_id = {:a}",
				dbx.Params{"u": testapp.AcmeUserID, "a": testapp.AnnAck}, 1),
			countWhere("activity", "user = {:u} && kind = 'announcement.read' && target_id = {:a}",
				dbx.Params{"u": testapp.AcmeUserID, "a": testapp.AnnAck}, 1)),
	})
	runAnn(t, s)
}

// readOf seeds a read receipt with a fixed id.
func readOf(id, ann, user string) setupFunc {
	return func(t testing.TB, app *tests.TestApp) {
		t.Helper()
		saveNew(t, app, "announcement_reads", id, map[string]any{"announcement": ann, "user": user})
	}
}

// cachedAnnFactory is annFactory seeded once per test binary and cloned for each scenario.
var cachedAnnFactory = testapp.Cached(annFactory)
