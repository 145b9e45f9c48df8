// Package roles names the portal roles and partner statuses and answers the
// small questions about them that hooks and handlers share.
package roles

import "github.com/pocketbase/pocketbase/core"

// The portal roles stored in users.role.
const (
	Admin        = "admin"
	Manager      = "manager"
	PartnerAdmin = "partner_admin"
	PartnerUser  = "partner_user"
)

// All lists the roles in display order.
var All = []string{Admin, Manager, PartnerAdmin, PartnerUser}

// PartnerStatuses lists partners.status values in lifecycle order.
var PartnerStatuses = []string{"applicant", "onboarding", "active", "suspended"}

// Regions lists partners.region values.
var Regions = []string{"latam", "north_america", "europe", "apac", "mea"}

// IsStaff reports whether role belongs to the vendor's staff (no partner).
func IsStaff(role string) bool { return role == Admin || role == Manager }

// IsPartnerRole reports whether role belongs to a partner's user.
func IsPartnerRole(role string) bool { return role == PartnerAdmin || role == PartnerUser }

// Of returns the role of a user record ("" for nil or a superuser).
func Of(u *core.Record) string {
	if u == nil || u.Collection().Name != "users" {
		return ""
	}
	return u.GetString("role")
}

// RegionOf maps an ISO country code to a sales region, for partners created
// without one.
func RegionOf(country string) string {
	switch country {
	case "BR", "MX", "AR", "CL", "CO", "PE", "UY", "PY", "BO", "EC", "VE", "CR", "PA", "GT", "DO":
		return "latam"
	case "US", "CA":
		return "north_america"
	case "PT", "ES", "FR", "DE", "IT", "GB", "IE", "NL", "BE", "CH", "AT", "PL", "SE", "NO", "DK", "FI":
		return "europe"
	case "AE", "SA", "ZA", "EG", "NG", "KE", "MA", "IL", "TR", "AO", "MZ":
		return "mea"
	case "":
		return ""
	default:
		return "apac"
	}
}
