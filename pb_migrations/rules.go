// Package migrations holds Ponte's schema as Go migrations registered from init().
//
// Rule fragments shared by the first migrations live here so each tenant rule is
// spelled the same way. A later migration that changes a rule must write out the
// new rule in full rather than edit these constants: migrations that have run
// never run again.
package migrations

const (
	// signedIn is part of every rule: PocketBase compares an empty value with an
	// empty value as equal, so a guest would otherwise match records whose
	// partner is empty.
	signedIn = `@request.auth.id != ""`

	isAdmin   = `@request.auth.role = "admin"`
	isManager = `@request.auth.role = "manager"`
	isStaff   = `(@request.auth.role = "admin" || @request.auth.role = "manager")`

	// hasPartner guards every comparison with @request.auth.partner.
	hasPartner = `@request.auth.partner != ""`

	isPartnerAdmin = `(@request.auth.role = "partner_admin" && @request.auth.partner != "")`
)

// ptr returns a pointer to a rule string (nil means superusers only).
func ptr(s string) *string { return &s }
