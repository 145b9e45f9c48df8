package tiering

import (
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Sources of a tier change, as stored in tier_changes.
const (
	SourceEvaluation = "evaluation"
	SourceManual     = "manual"
)

// Reasons stored on tier_changes rows written by the evaluation (the
// portal translates them as "tiering.reason.<reason>"); a manual change's
// reason is "manual".
const (
	ReasonPromoted  = "promoted"
	ReasonDemoted   = "demoted"
	ReasonAutomatic = "automatic"
	ReasonManual    = "manual"
	// ReasonTierDeleted: the partner's tier was deleted, which empties it.
	ReasonTierDeleted = "tier_deleted"
)

// Errors of Apply and Dismiss.
var (
	// ErrNotProposed: the review holds no proposal to decide (already
	// applied, dismissed, or a keep).
	ErrNotProposed = errors.New("tiering: nothing proposed on this review")
	// ErrStale: the partner's tier changed since the evaluation.
	ErrStale = errors.New("tiering: the partner's tier changed since the evaluation")
)

// changeKey is a partner record's custom (unsaved) data key describing a
// tier change made by this package, for the history hook.
const changeKey = "@ponte.tierchange"

// Change describes why a partner's tier is being changed.
type Change struct {
	Source     string // SourceEvaluation or SourceManual
	Reason     string
	ApprovedBy string // user id; "" for an automatic change
}

// MarkChange tells the history hook why rec's tier is changing.
func MarkChange(rec *core.Record, c Change) { rec.Set(changeKey, c) }

// ChangeOf returns the change MarkChange set on rec, if any.
func ChangeOf(rec *core.Record) (Change, bool) {
	c, ok := rec.Get(changeKey).(Change)
	return c, ok
}

// Apply makes the change a review proposes, in one transaction: the
// partner's tier (the history row follows from the partners hook) and the
// review's decision. approver nil means an automatic change. The caller
// has already checked that the approver may change the partner's tier.
func Apply(app core.App, reviewID string, approver *core.Record, now time.Time) error {
	return app.RunInTransaction(func(tx core.App) error {
		rv, err := tx.FindRecordById("tier_reviews", reviewID)
		if err != nil {
			return err
		}
		return applyReview(tx, rv, approver, now)
	})
}

// applyReview applies rv inside a transaction (tx).
func applyReview(tx core.App, rv *core.Record, approver *core.Record, now time.Time) error {
	if rv.GetString("status") != StatusProposed {
		return ErrNotProposed
	}
	p, err := tx.FindRecordById("partners", rv.GetString("partner"))
	if err != nil {
		return err
	}
	if p.GetString("tier") != rv.GetString("current_tier") {
		return ErrStale
	}
	c := Change{Source: SourceEvaluation, Reason: ReasonPromoted}
	if rv.GetString("recommendation") == Demote {
		c.Reason = ReasonDemoted
	}
	if approver != nil {
		c.ApprovedBy = approver.Id
	} else {
		c.Reason = ReasonAutomatic
	}
	MarkChange(p, c)
	p.Set("tier", rv.GetString("target_tier"))
	if err := tx.Save(p); err != nil {
		return fmt.Errorf("tiering: changing the tier of %s: %w", p.Id, err)
	}
	rv.Set("status", StatusApplied)
	rv.Set("decided_at", now)
	if approver != nil {
		rv.Set("decided_by", approver.Id)
	} else {
		rv.Set("decided_by", "")
	}
	return tx.Save(rv)
}

// Dismiss declines a review's proposal: it stays dismissed while the
// evaluation keeps proposing the same move.
func Dismiss(app core.App, reviewID string, by *core.Record, now time.Time) error {
	return app.RunInTransaction(func(tx core.App) error {
		rv, err := tx.FindRecordById("tier_reviews", reviewID)
		if err != nil {
			return err
		}
		if rv.GetString("status") != StatusProposed {
			return ErrNotProposed
		}
		rv.Set("status", StatusDismissed)
		rv.Set("decided_at", now)
		rv.Set("decided_by", by.Id)
		return tx.Save(rv)
	})
}
