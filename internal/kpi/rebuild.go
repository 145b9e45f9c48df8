package kpi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// seqID is SQL for the 15-character id of the n-th row a rebuild step
// writes: the step's two-letter prefix and a counter, so ids are ascending
// and the primary key index is appended to rather than split (hooks add
// random ids later; a clash with this pattern is out of reach).
func seqID(prefix string) string {
	return `'` + prefix + `' || printf('%013d', row_number() OVER ())`
}

// RebuildStats tells what a rebuild did.
type RebuildStats struct {
	DailyRows, MonthlyRows int
	Took                   time.Duration
	Steps                  []RebuildStep
}

// RebuildStep is the time one part of a rebuild took.
type RebuildStep struct {
	Name string
	Took time.Duration
}

// Rebuild recomputes kpi_daily and kpi_monthly from the raw data
// (deal_events, activity, certificates) in one transaction, with set-based
// SQL for the events (INSERT … SELECT … GROUP BY) and one ordered pass over
// certificates for training.certified. The monthly rows are summed from the
// daily ones, but for users.active, which counts the month's own distinct
// people. Groups that sum to zero are left out (the incremental tables may
// hold such rows with value 0; they mean the same). The running totals are
// then sealed again from the new monthly rows.
func Rebuild(app core.App) (RebuildStats, error) {
	start := time.Now()
	var st RebuildStats
	err := app.RunInTransaction(func(tx core.App) error {
		db := tx.DB()
		st.Steps = st.Steps[:0]
		step := func(name string, fn func() error) error {
			t := time.Now()
			if err := fn(); err != nil {
				return fmt.Errorf("kpi rebuild %s: %w", name, err)
			}
			st.Steps = append(st.Steps, RebuildStep{name, time.Since(t)})
			return nil
		}
		execAll := func(qs ...string) func() error {
			return func() error {
				for _, q := range qs {
					if _, err := db.NewQuery(q).Execute(); err != nil {
						return err
					}
				}
				return nil
			}
		}
		exec := func(q string) func() error { return execAll(q) }
		// The secondary indexes are dropped while the rows go in and built
		// again at the end (one sort each instead of millions of random
		// inserts); the steps write disjoint metrics, so the unique key
		// holds when it is rebuilt.
		var indexes []struct {
			Name string `db:"name"`
			SQL  string `db:"sql"`
		}
		err := db.NewQuery(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
			AND tbl_name IN ('kpi_daily', 'kpi_monthly')`).All(&indexes)
		if err != nil {
			return err
		}
		dropIndexes := func() error {
			for _, i := range indexes {
				if _, err := db.NewQuery("DROP INDEX " + db.QuoteSimpleColumnName(i.Name)).Execute(); err != nil {
					return err
				}
			}
			return nil
		}
		createIndexes := func() error {
			for _, i := range indexes {
				if _, err := db.NewQuery(i.SQL).Execute(); err != nil {
					return err
				}
			}
			return nil
		}
		for _, s := range []struct {
			name string
			fn   func() error
		}{
			{"clear", exec("DELETE FROM kpi_daily")},
			{"clear monthly", exec("DELETE FROM kpi_monthly")},
			{"drop indexes", dropIndexes},
			{"deals", exec(rebuildDealsSQL())},
			{"events", execAll(rebuildEventsSQL()...)},
			{"activity", exec(rebuildActivitySQL)},
			{"active days", exec(rebuildActiveDailySQL)},
			{"certified", func() error { return rebuildCertified(tx) }},
			{"months", exec(rebuildMonthlySQL)},
			{"active months", execAll(rebuildActiveMonthlySQL, "DROP TABLE temp.kpi_events")},
			{"create indexes", createIndexes},
			{"programme totals", execAll(rebuildTotalsSQL...)},
			{"running totals", func() error {
				if _, err := db.NewQuery("DELETE FROM kpi_running").Execute(); err != nil {
					return err
				}
				_, err := seal(tx, time.Now())
				return err
			}},
		} {
			if err := step(s.name, s.fn); err != nil {
				return err
			}
		}
		if err := db.NewQuery("SELECT COUNT(*) FROM kpi_daily").Row(&st.DailyRows); err != nil {
			return err
		}
		return db.NewQuery("SELECT COUNT(*) FROM kpi_monthly").Row(&st.MonthlyRows)
	})
	st.Took = time.Since(start)
	return st, err
}

// sqlList quotes names (constants of this package, never user input) as an
// SQL list.
func sqlList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "'" + strings.ReplaceAll(n, "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}

// rebuildDealsSQL is DealDeltas in SQL: one pass over deal_events, each
// row crossed with the twelve contributions it may make (count or level
// change per metric, NULL when it makes none), summed per partner, day and
// metric.
func rebuildDealsSQL() string {
	open := sqlList(OpenStages)
	inTo := "(e.to_status IN ('pending', 'approved') AND e.to_stage IN (" + open + "))"
	inFrom := "(e.from_status IN ('pending', 'approved') AND e.from_stage IN (" + open + "))"
	parts := []struct{ metric, value string }{
		{"'" + DealsRegistered + "'", "CASE WHEN e.from_stage = '' AND e.from_status = '' THEN 1.0 END"},
		{"'" + DealsApproved + "'", "CASE WHEN e.to_status = 'approved' AND e.from_status != 'approved' THEN 1.0 END"},
		{"'" + DealsRejected + "'", "CASE WHEN e.to_status = 'rejected' AND e.from_status != 'rejected' THEN 1.0 END"},
		{"'" + DealsExpired + "'", "CASE WHEN e.to_status = 'expired' AND e.from_status != 'expired' THEN 1.0 END"},
		{"'" + DealsWon + "'", "CASE WHEN e.to_stage = 'won' AND e.from_stage != 'won' THEN 1.0 END"},
		{"'" + DealsLost + "'", "CASE WHEN e.to_stage = 'lost' AND e.from_stage != 'lost' THEN 1.0 END"},
		{"'" + RevenueWon + "'", "CASE WHEN e.to_stage = 'won' THEN e.to_amount_base END"},
		{"'" + RevenueWon + "'", "CASE WHEN e.from_stage = 'won' THEN -e.from_amount_base END"},
		{"'" + Pipeline + "'", "CASE WHEN " + inTo + " THEN e.to_amount_base END"},
		{"'" + Pipeline + "'", "CASE WHEN " + inFrom + " THEN -e.from_amount_base END"},
		{"'" + PipelineStage + "' || e.to_stage", "CASE WHEN " + inTo + " THEN e.to_amount_base END"},
		{"'" + PipelineStage + "' || e.from_stage", "CASE WHEN " + inFrom + " THEN -e.from_amount_base END"},
	}
	var slots, metric, value strings.Builder
	for i, p := range parts {
		n := strconv.Itoa(i + 1)
		if i > 0 {
			slots.WriteString(", ")
		}
		slots.WriteString("(" + n + ")")
		metric.WriteString(" WHEN " + n + " THEN " + p.metric)
		value.WriteString(" WHEN " + n + " THEN " + p.value)
	}
	return `INSERT OR ROLLBACK INTO kpi_daily (id, partner, day, metric, value)
		SELECT ` + seqID("kd") + `, partner, day, metric, total FROM (
			SELECT partner, day, metric, SUM(v) AS total FROM (
				SELECT e.partner AS partner, substr(e.at, 1, 10) AS day,
					CASE k.column1` + metric.String() + ` END AS metric,
					CASE k.column1` + value.String() + ` END AS v
				FROM deal_events e CROSS JOIN (VALUES ` + slots.String() + `) k
				WHERE e.partner != '' AND e.at != '')
			WHERE v IS NOT NULL
			GROUP BY partner, day, metric HAVING total != 0)`
}

// rebuildEventsSQL reads activity once into a temporary table of
// (partner, day, metric, person) → rows: the partner is the event's, or for
// a message a staff member wrote (no partner on the event) the
// conversation's; metric is what ActivityMetrics maps the kind to (” for
// kinds no metric counts, which still make a person active); own says the
// event carried the partner itself. Its primary key order lets the two
// counts below stream without sorting. The "+" keeps SQLite from walking
// an index and looking every row up: one scan of the table is cheaper.
func rebuildEventsSQL() []string {
	var cases strings.Builder
	for _, m := range ActivityMetrics {
		cases.WriteString(" WHEN '" + m.Kind + "' THEN '" + m.Metric + "'")
	}
	return []string{
		`DROP TABLE IF EXISTS temp.kpi_events`,
		`CREATE TEMP TABLE kpi_events (partner TEXT NOT NULL, day TEXT NOT NULL, metric TEXT NOT NULL,
			user TEXT NOT NULL, own INTEGER NOT NULL, n INTEGER NOT NULL,
			PRIMARY KEY (partner, day, metric, user)) WITHOUT ROWID`,
		`INSERT INTO temp.kpi_events (partner, day, metric, user, own, n)
			SELECT partner, day, metric, user, MAX(own), COUNT(*) FROM (
				SELECT COALESCE(NULLIF(a.partner, ''), c.partner, '') AS partner, substr(a.created, 1, 10) AS day,
					COALESCE(CASE a.kind` + cases.String() + ` END, '') AS metric, a.user AS user, a.partner != '' AS own
				FROM activity a
				LEFT JOIN messages m ON a.partner = '' AND a.kind = 'conversation.message'
					AND a.target_collection = 'messages' AND m.id = a.target_id
				LEFT JOIN conversations c ON c.id = m.conversation
				WHERE +a.created != '')
			WHERE partner != '' AND (metric != '' OR (own AND user != ''))
			GROUP BY partner, day, metric, user`,
	}
}

// rebuildActivitySQL counts the events per partner, day and metric.
var rebuildActivitySQL = `INSERT OR ROLLBACK INTO kpi_daily (id, partner, day, metric, value)
	SELECT ` + seqID("ka") + `, partner, day, metric, SUM(n)
	FROM temp.kpi_events WHERE metric != '' GROUP BY partner, day, metric`

// activePeople is the part of temp.kpi_events that makes people active:
// events a partner's own people wrote (a manager acting on a partner's
// record, activity.RecordFor, is not one of its active users).
const activePeople = `FROM temp.kpi_events k WHERE k.own AND k.user != ''
	AND EXISTS (SELECT 1 FROM users u WHERE u.id = k.user AND u.partner = k.partner)`

// rebuildActiveDailySQL counts each partner's distinct people in a day.
var rebuildActiveDailySQL = `INSERT OR ROLLBACK INTO kpi_daily (id, partner, day, metric, value)
	SELECT ` + seqID("ku") + `, partner, day, '` + ActiveUsers + `', COUNT(DISTINCT user)
	` + activePeople + ` GROUP BY partner, day`

// rebuildMonthlySQL sums the days of every metric but users.active.
var rebuildMonthlySQL = `INSERT OR ROLLBACK INTO kpi_monthly (id, partner, month, metric, value)
	SELECT ` + seqID("km") + `, partner, month, metric, total FROM (
		SELECT partner, substr(day, 1, 7) AS month, metric, SUM(value) AS total
		FROM kpi_daily WHERE metric != '` + ActiveUsers + `'
		GROUP BY partner, month, metric HAVING total != 0)`

// rebuildActiveMonthlySQL counts each partner's distinct people in a month.
var rebuildActiveMonthlySQL = `INSERT OR ROLLBACK INTO kpi_monthly (id, partner, month, metric, value)
	SELECT ` + seqID("kn") + `, partner, substr(day, 1, 7), '` + ActiveUsers + `', COUNT(DISTINCT user)
	` + activePeople + ` GROUP BY partner, substr(day, 1, 7)`

// rebuildCertified writes training.certified's daily changes from one pass
// over the certificates, grouped by person.
func rebuildCertified(tx core.App) error {
	rows, err := tx.DB().NewQuery(`SELECT user, id, partner, issued, expires, status, revoked
		FROM certificates WHERE partner != '' ORDER BY user`).Rows()
	if err != nil {
		return err
	}
	changes := map[[2]string]int{}
	var user string
	var certs []CertRow
	for rows.Next() {
		var u string
		var c CertRow
		if err := rows.Scan(&u, &c.ID, &c.Partner, &c.Issued, &c.Expires, &c.Status, &c.Revoked); err != nil {
			rows.Close()
			return err
		}
		if u != user {
			certTransitions(certs, 1, changes)
			user, certs = u, certs[:0]
		}
		certs = append(certs, c)
	}
	certTransitions(certs, 1, changes)
	if err := rows.Close(); err != nil {
		return err
	}
	keys := make([][2]string, 0, len(changes))
	for k, v := range changes {
		if v != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return strings.Compare(a[0]+a[1], b[0]+b[1]) })
	// Plain INSERTs: the unique key is not there to upsert against while
	// the rebuild runs, and no other step writes this metric.
	for i := 0; i < len(keys); i += 200 {
		batch := keys[i:min(i+200, len(keys))]
		var sb strings.Builder
		params := dbx.Params{}
		sb.WriteString("INSERT OR ROLLBACK INTO kpi_daily (id, partner, day, metric, value) VALUES ")
		for j, k := range batch {
			n := strconv.Itoa(j)
			if j > 0 {
				sb.WriteByte(',')
			}
			sb.WriteString("({:i" + n + "},{:p" + n + "},{:d" + n + "},'" + CertifiedUsers + "',{:v" + n + "})")
			params["i"+n] = fmt.Sprintf("kc%013d", i+j+1)
			params["p"+n], params["d"+n], params["v"+n] = k[0], k[1], changes[k]
		}
		if _, err := tx.DB().NewQuery(sb.String()).Bind(params).Execute(); err != nil {
			return err
		}
	}
	return nil
}
