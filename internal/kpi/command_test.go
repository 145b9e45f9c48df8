package kpi_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ponte-portal/ponte/internal/kpi"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

func TestRebuildCommand(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)
	var before int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM kpi_daily").Row(&before); err != nil {
		t.Fatal(err)
	}
	if before == 0 {
		t.Fatal("the fixture deals left no rollup rows")
	}
	if _, err := app.DB().NewQuery("DELETE FROM kpi_daily").Execute(); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := kpi.Command(app)
	cmd.SetArgs([]string{"rebuild"})
	cmd.SetOut(&out)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var after int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM kpi_daily").Row(&after); err != nil {
		t.Fatal(err)
	}
	if after == 0 || !strings.HasPrefix(out.String(), "kpi rebuild: ") || !strings.Contains(out.String(), "create indexes") {
		t.Fatalf("%d daily rows after the command; output:\n%s", after, out.String())
	}
}
