package access_test

import (
	"errors"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// streamed collects the ids EachVisible walks.
func streamed(t *testing.T, app core.App, a actor, opts access.StreamOptions) []string {
	t.Helper()
	var out []string
	err := access.EachVisible(app, infoFor(t, app, a, "GET", nil), "deals", opts, func(r *core.Record) error {
		out = append(out, r.Id)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEachVisible: the stream is exactly the List rule's rows, in the asked
// order, whatever the batch size (keyset paging over ties included), with
// the handler's filters applied and hidden fields refused as a sort.
func TestEachVisible(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)

	for _, a := range actors {
		want := slices.Clone(dealsVisible[a])
		slices.Sort(want)
		for _, batch := range []int{1, 2, 5, 0} {
			got := streamed(t, app, a, access.StreamOptions{BatchSize: batch})
			if !slices.Equal(got, want) {
				t.Errorf("%s, batch %d: %v, want %v", a.name, batch, got, want)
			}
		}
	}

	// Ordered by a field with ties (two deals of 100,000 and two of 50,000),
	// descending: the id breaks ties in the same direction.
	recs, _ := app.FindAllRecords("deals")
	sort.Slice(recs, func(i, j int) bool {
		a, b := recs[i].GetFloat("amount_base"), recs[j].GetFloat("amount_base")
		if a != b {
			return a > b
		}
		return recs[i].Id > recs[j].Id
	})
	want := ids(recs)
	for _, batch := range []int{1, 2, 3, 4, 100} {
		if got := streamed(t, app, admin, access.StreamOptions{Sort: "-amount_base", BatchSize: batch}); !slices.Equal(got, want) {
			t.Errorf("-amount_base, batch %d: %v, want %v", batch, got, want)
		}
	}
	// Ascending by a date equals the list's order (ids ascending on ties).
	page, err := access.ListVisible(app, infoFor(t, app, admin, "GET", nil), "deals", access.ListOptions{Sort: []string{"submitted"}, PerPage: 200})
	if err != nil {
		t.Fatal(err)
	}
	if got := streamed(t, app, admin, access.StreamOptions{Sort: "submitted", BatchSize: 2}); !slices.Equal(got, ids(page.Items)) {
		t.Errorf("submitted: %v, want %v", got, ids(page.Items))
	}

	// Filters narrow within the rule: Globex's user asking for Acme's
	// partner gets nothing.
	where := []dbx.Expression{dbx.HashExp{"deals.partner": testapp.PartnerAcme}}
	if got := streamed(t, app, globexUser, access.StreamOptions{Where: where, BatchSize: 1}); len(got) != 0 {
		t.Errorf("filtered to another partner: %v", got)
	}
	if got := streamed(t, app, admin, access.StreamOptions{Where: where}); len(got) != 3 {
		t.Errorf("admin filtered to Acme: %v", got)
	}

	// A hidden field never orders the stream; fn's error stops it.
	err = access.EachVisible(app, infoFor(t, app, admin, "GET", nil), "deals", access.StreamOptions{Sort: "conflict_with"},
		func(*core.Record) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "hidden") {
		t.Errorf("hidden sort: %v", err)
	}
	stop := errors.New("stop")
	n := 0
	err = access.EachVisible(app, infoFor(t, app, admin, "GET", nil), "deals", access.StreamOptions{BatchSize: 2},
		func(*core.Record) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("stop: %v after %d", err, n)
	}
}
