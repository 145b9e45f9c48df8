package activity

// Tier automation's event kinds: a partner's tier went up or down (by an
// evaluation, applied by an admin or automatically, or by hand on the
// partner form).
const (
	KindTierPromoted = "tier.promoted"
	KindTierDemoted  = "tier.demoted"
)
