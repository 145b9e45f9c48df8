package hooks

import "github.com/pocketbase/pocketbase/core"

// bindCertificateHooks binds the hooks of certificates (revocation, expiry and reminders).
func bindCertificateHooks(app core.App) {
}
