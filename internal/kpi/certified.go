package kpi

import (
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// CertRow is what training.certified reads from one certificate (dates in
// stored form, UTC).
type CertRow struct {
	ID, Partner, Issued, Expires, Status, Revoked string
}

// CertRowOf reads a certificate record.
func CertRowOf(r *core.Record) CertRow {
	return CertRow{
		ID: r.Id, Partner: r.GetString("partner"), Issued: r.GetDateTime("issued").String(),
		Expires: r.GetDateTime("expires").String(), Status: r.GetString("status"),
		Revoked: r.GetDateTime("revoked").String(),
	}
}

// validDays returns the days a certificate counts as valid, [start, end):
// from its issue day to its revocation day when revoked, to the day after
// its last valid day ("expires") when expired, open ("") while valid. Every
// bound comes from the row itself, so the incremental and rebuilt figures
// agree whenever the expiry job runs.
func validDays(c CertRow) (start, end string) {
	start = Day(c.Issued)
	if start == "" {
		return "", ""
	}
	switch c.Status {
	case "valid":
		return start, ""
	case "revoked":
		end = Day(c.Revoked)
		if end == "" && Day(c.Expires) != "" {
			end = nextDay(Day(c.Expires))
		}
	case "expired":
		end = Day(c.Expires)
		if end != "" {
			end = nextDay(end)
		} else {
			end = Day(c.Revoked)
		}
	}
	if end == "" || end < start {
		end = start
	}
	return start, end
}

// certTransitions adds to out the changes of training.certified made by one
// person's certificates: per partner, +1 on the first day of each stretch of
// days covered by at least one valid certificate and -1 on the day after it.
func certTransitions(certs []CertRow, sign int, out map[[2]string]int) {
	type span struct{ start, end string }
	byPartner := map[string][]span{}
	for _, c := range certs {
		if c.Partner == "" {
			continue
		}
		s, e := validDays(c)
		if s == "" || s == e {
			continue
		}
		byPartner[c.Partner] = append(byPartner[c.Partner], span{s, e})
	}
	for partner, spans := range byPartner {
		slices.SortFunc(spans, func(a, b span) int {
			if a.start < b.start {
				return -1
			}
			if a.start > b.start {
				return 1
			}
			return 0
		})
		cur := spans[0]
		flush := func() {
			out[[2]string{partner, cur.start}] += sign
			if cur.end != "" {
				out[[2]string{partner, cur.end}] -= sign
			}
		}
		for _, sp := range spans[1:] {
			if cur.end == "" || sp.start <= cur.end {
				if cur.end != "" && (sp.end == "" || sp.end > cur.end) {
					cur.end = sp.end
				}
				continue
			}
			flush()
			cur = sp
		}
		flush()
	}
}

// CertifiedDeltas returns the changes of training.certified after one of
// user's certificates changed: the user's certificates as app's database
// holds them now (call it after e.Next()) against the same set before the
// change, in which the changed certificate (changedID) was old — nil when it
// has just been created.
func CertifiedDeltas(app core.App, user, changedID string, old *CertRow) ([]Delta, error) {
	var rows []struct {
		ID      string `db:"id"`
		Partner string `db:"partner"`
		Issued  string `db:"issued"`
		Expires string `db:"expires"`
		Status  string `db:"status"`
		Revoked string `db:"revoked"`
	}
	err := app.DB().NewQuery(`SELECT id, partner, issued, expires, status, revoked FROM certificates WHERE user = {:u}`).
		Bind(dbx.Params{"u": user}).All(&rows)
	if err != nil {
		return nil, err
	}
	var before, after []CertRow
	for _, r := range rows {
		c := CertRow{r.ID, r.Partner, r.Issued, r.Expires, r.Status, r.Revoked}
		after = append(after, c)
		if c.ID != changedID {
			before = append(before, c)
		}
	}
	if old != nil {
		before = append(before, *old)
	}
	changes := map[[2]string]int{}
	certTransitions(after, 1, changes)
	certTransitions(before, -1, changes)
	var out []Delta
	for k, v := range changes {
		if v != 0 {
			out = append(out, Both(k[0], k[1], CertifiedUsers, float64(v))...)
		}
	}
	return out, nil
}
