package kpi

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// ActivityRow is what the rollups read from one activity row.
type ActivityRow struct {
	ID, User, Partner, Kind, TargetCollection, TargetID string
	Created                                             string // stored form, UTC
}

// ActivityRowOf reads an activity record.
func ActivityRowOf(r *core.Record) ActivityRow {
	return ActivityRow{
		ID: r.Id, User: r.GetString("user"), Partner: r.GetString("partner"), Kind: r.GetString("kind"),
		TargetCollection: r.GetString("target_collection"), TargetID: r.GetString("target_id"),
		Created: r.GetDateTime("created").String(),
	}
}

// ActivityDeltas returns the changes one activity row makes to the rollups,
// multiplied by sign (1 written, -1 removed). It reads app's database after
// the change (call it from the model hook, after e.Next()):
//
//   - the kind's metric from ActivityMetrics, for the row's partner; a
//     message a staff member wrote has no partner on its event, so the
//     partner is the message's conversation's;
//   - users.active +1 for the day when no other row of the same user and
//     partner exists that day (and for the month when none exists that
//     month), counting only people of that partner: a manager acting on a
//     partner's record (activity.RecordFor) is not one of its active users.
func ActivityDeltas(app core.App, a ActivityRow, sign float64) ([]Delta, error) {
	day := Day(a.Created)
	if day == "" {
		return nil, nil
	}
	var out []Delta
	if metric := activityMetric(a.Kind); metric != "" {
		partner := a.Partner
		if partner == "" && a.Kind == "conversation.message" && a.TargetCollection == "messages" {
			p, err := messagePartner(app, a.TargetID)
			if err != nil {
				return nil, err
			}
			partner = p
		}
		out = append(out, Both(partner, day, metric, sign)...)
	}
	if a.User == "" || a.Partner == "" {
		return out, nil
	}
	// One round trip: the person's own partner, and whether they have
	// another row for this partner this day and this month (both probes
	// read the (user, created) index).
	var userPartner string
	var today, month bool
	month0 := day[:7]
	err := app.DB().NewQuery(`SELECT COALESCE((SELECT partner FROM users WHERE id = {:u}), ''),
		EXISTS(SELECT 1 FROM activity WHERE user = {:u} AND created >= {:d0} AND created < {:d1}
			AND partner = {:p} AND id != {:id}),
		EXISTS(SELECT 1 FROM activity WHERE user = {:u} AND created >= {:m0} AND created < {:m1}
			AND partner = {:p} AND id != {:id})`).
		Bind(dbx.Params{"u": a.User, "p": a.Partner, "id": a.ID, "d0": day, "d1": nextDay(day),
			"m0": month0, "m1": nextMonth(month0)}).Row(&userPartner, &today, &month)
	if err != nil || userPartner != a.Partner {
		return out, err
	}
	if !today {
		out = append(out, Delta{a.Partner, day, ActiveUsers, sign})
	}
	if !month {
		out = append(out, Delta{a.Partner, month0, ActiveUsers, sign})
	}
	return out, nil
}

// messagePartner returns the partner of the conversation a message is in, or
// "" when the message is gone.
func messagePartner(app core.App, messageID string) (string, error) {
	var p string
	err := app.DB().NewQuery(`SELECT c.partner FROM messages m JOIN conversations c ON c.id = m.conversation
		WHERE m.id = {:id}`).Bind(dbx.Params{"id": messageID}).Row(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return p, err
}
