package kpi

import (
	"sort"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Programme totals (kpi_totals): per month and metric, the sum of every
// partner's kpi_monthly row. Invariant, kept by Add, DropMonthlyRow and
// Rebuild and checked by a test: kpi_totals(month, metric) = SUM of
// kpi_monthly over partners (absent = 0).

// addTotals adds monthly deltas to the programme totals in one upsert.
func addTotals(app core.App, monthly []Delta) error {
	sums := map[[2]string]float64{}
	for _, d := range monthly {
		sums[[2]string{d.Period, d.Metric}] += d.Value
	}
	if len(sums) == 0 {
		return nil
	}
	keys := make([][2]string, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+keys[i][1] < keys[j][0]+keys[j][1] })
	var sb strings.Builder
	sb.WriteString("INSERT INTO kpi_totals (id, month, metric, value) VALUES ")
	params := make(dbx.Params, len(keys)*4)
	for i, k := range keys {
		n := strconv.Itoa(i)
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("({:i" + n + "},{:d" + n + "},{:m" + n + "},{:v" + n + "})")
		params["i"+n] = core.GenerateDefaultRandomId()
		params["d"+n] = k[0]
		params["m"+n] = k[1]
		params["v"+n] = sums[k]
	}
	sb.WriteString(" ON CONFLICT(metric, month) DO UPDATE SET value = value + excluded.value")
	_, err := app.DB().NewQuery(sb.String()).Bind(params).Execute()
	return err
}

// DropMonthlyRow takes a kpi_monthly row out of the programme totals when
// the row itself is deleted as a record (PocketBase deletes a partner's
// rollup rows one by one when the partner is deleted): value is the row's
// value as stored at the delete, read in the delete's transaction.
func DropMonthlyRow(app core.App, month, metric string, value float64) error {
	return addTotals(app, []Delta{{Period: month, Metric: metric, Value: -value}})
}

// rebuildTotalsSQL recomputes the programme totals from kpi_monthly.
var rebuildTotalsSQL = []string{
	"DELETE FROM kpi_totals",
	`INSERT INTO kpi_totals (id, month, metric, value)
		SELECT 't' || lower(hex(randomblob(7))), month, metric, SUM(value) FROM kpi_monthly GROUP BY month, metric`,
}
