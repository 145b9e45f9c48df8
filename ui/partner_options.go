package ui

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// tierManagerOptions lists the tiers (lowest rank first: the entry tier
// leads) and the active channel managers the viewer may see, for the forms
// that create a partner (inviting a partner, approving an application).
func tierManagerOptions(app core.App, info *core.RequestInfo) (tiers, managers []Option, err error) {
	tp, err := access.ListVisible(app, info, "tiers", access.ListOptions{Sort: []string{"rank", "name"}, PerPage: 100})
	if err != nil {
		return nil, nil, err
	}
	for _, t := range tp.Items {
		tiers = append(tiers, Option{Value: t.Id, Label: t.GetString("name")})
	}
	mp, err := access.ListVisible(app, info, "users", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"users.role": roles.Manager, "users.deactivated": false}}, Sort: []string{"name"}, PerPage: 200})
	if err != nil {
		return nil, nil, err
	}
	for _, m := range mp.Items {
		managers = append(managers, Option{Value: m.Id, Label: m.GetString("name")})
	}
	return tiers, managers, nil
}
