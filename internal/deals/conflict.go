package deals

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Match is what conflict detection found for a deal.
type Match struct {
	// DealID is the deal found, "" for none.
	DealID string
	// SamePartner is true for a duplicate: an open deal of the deal's own
	// partner for the same customer. False for a conflict with another
	// partner's protected deal.
	SamePartner bool
}

// FindConflict looks for the deal a registration for (partner, customerKey,
// domainKey) collides with at now, ignoring the deal selfID: first an open,
// approved deal of ANOTHER partner whose protection has not ended, with the
// same customer key or domain key (a conflict); failing that, an open deal
// of the same partner that is pending or approved (a duplicate). Both
// lookups use the key indexes.
func FindConflict(app core.App, selfID, partner, customerKey, domainKey string, now time.Time) (Match, error) {
	if customerKey == "" && domainKey == "" {
		return Match{}, nil
	}
	keys := dbx.Or()
	if customerKey != "" {
		keys = dbx.Or(keys, dbx.HashExp{"customer_key": customerKey})
	}
	if domainKey != "" {
		keys = dbx.Or(keys, dbx.HashExp{"domain_key": domainKey})
	}
	open := make([]any, len(OpenStages))
	for i, s := range OpenStages {
		open[i] = s
	}
	stamp := now.UTC().Format(types.DefaultDateLayout)
	var ids []string
	err := app.DB().Select("id").From("deals").
		Where(keys).
		AndWhere(dbx.In("stage", open...)).
		AndWhere(dbx.HashExp{"status": StatusApproved}).
		AndWhere(dbx.NewExp("partner != {:p} AND id != {:self} AND protection_until > {:now}",
			dbx.Params{"p": partner, "self": selfID, "now": stamp})).
		OrderBy("submitted ASC", "id ASC").Limit(1).Column(&ids)
	if err != nil {
		return Match{}, err
	}
	if len(ids) > 0 {
		return Match{DealID: ids[0]}, nil
	}
	err = app.DB().Select("id").From("deals").
		Where(keys).
		AndWhere(dbx.In("stage", open...)).
		AndWhere(dbx.In("status", StatusPending, StatusApproved)).
		AndWhere(dbx.NewExp("partner = {:p} AND id != {:self}", dbx.Params{"p": partner, "self": selfID})).
		OrderBy("submitted ASC", "id ASC").Limit(1).Column(&ids)
	if err != nil || len(ids) == 0 {
		return Match{}, err
	}
	return Match{DealID: ids[0], SamePartner: true}, nil
}
