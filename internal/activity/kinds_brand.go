package activity

// Sign-in events (branding and sign-in area).
const (
	// KindSignedOutEverywhere: a user ended all their sessions and tokens.
	KindSignedOutEverywhere = "user.signed_out_everywhere"
)
