package ui

import (
	"html/template"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/qr"
)

// verifyURL is the short public address of a certificate's verification
// page: the portal's address (the Application URL once set) and the code.
func verifyURL(e *core.RequestEvent, code string) string {
	return portalBaseURL(e) + "/verify/" + code
}

// certificateQR draws a QR code of link as inline SVG labelled for screen
// readers; on failure (a link too long for any QR version) the page shows
// the printed URL alone and the error goes to the log.
func certificateQR(e *core.RequestEvent, link, label string) template.HTML {
	c, err := qr.Encode(link)
	if err != nil {
		e.App.Logger().Warn("certificate QR code", "error", err)
		return ""
	}
	return c.SVG(label)
}
