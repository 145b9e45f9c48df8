// Package branding reads the portal's singleton settings record: name, logo,
// favicon, primary colour, sign-in text and default locale, and checks that a
// brand colour stays readable (contrast.go).
package branding

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"regexp"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/i18n"
)

// Branding is what every page and e-mail shows of the portal's identity.
type Branding struct {
	Name    string
	Colour  string // #rrggbb, safe to put in CSS
	LogoURL string // "" when there is no logo
	// FaviconURL is the portal's /favicon.ico with a version that changes
	// with the file ("" when there is no favicon of the admins' own).
	FaviconURL string
	// FaviconPath is the stored file's key in the app's file system.
	FaviconPath string
	// SignInEN and SignInPT are the sign-in page's text per language.
	SignInEN, SignInPT string
	DefaultLocale      string
	Currency           string // ISO 4217 base currency of amounts (tier requirements, deals)
	RecordID           string
	// MaxUploadBytes is the per-file limit of document uploads.
	MaxUploadBytes int64
}

var hexColour = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Defaults are used before the settings record exists or when it is broken.
var Defaults = Branding{Name: "Ponte", Colour: "#0f6e6e", DefaultLocale: i18n.PTBR, Currency: "BRL",
	MaxUploadBytes: DefaultMaxUploadMB << 20}

// DefaultMaxUploadMB is the document upload limit until an admin sets one.
const DefaultMaxUploadMB = 100

// Load reads the settings record (settings has a public View rule, so reading
// it directly shows nobody anything they could not see through the API).
func Load(app core.App) Branding {
	b := Defaults
	recs, err := app.FindRecordsByFilter("settings", "", "", 1, 0)
	if err != nil || len(recs) == 0 {
		return b
	}
	r := recs[0]
	b.RecordID = r.Id
	if v := r.GetString("portal_name"); v != "" {
		b.Name = v
	}
	if v := r.GetString("primary_colour"); hexColour.MatchString(v) {
		b.Colour = v
	}
	if v := r.GetString("base_currency"); len(v) == 3 {
		b.Currency = v
	}
	if v := i18n.Normalize(r.GetString("default_locale")); v != "" {
		b.DefaultLocale = v
	}
	if mb := r.GetInt("max_upload_mb"); mb > 0 {
		b.MaxUploadBytes = int64(mb) << 20
	}
	if logo := r.GetString("logo"); logo != "" {
		b.LogoURL = "/api/files/" + r.Collection().Id + "/" + r.Id + "/" + logo + "?thumb=0x48"
	}
	if fav := r.GetString("favicon"); fav != "" {
		b.FaviconPath = r.BaseFilesPath() + "/" + fav
		h := sha256.Sum256([]byte(fav))
		b.FaviconURL = "/favicon.ico?v=" + hex.EncodeToString(h[:6])
	}
	b.SignInEN = r.GetString("signin_text_en")
	b.SignInPT = r.GetString("signin_text_pt")
	return b
}

// SignInText is the sign-in page's text in locale, else in the other
// language, else "".
func (b Branding) SignInText(locale string) string {
	if locale == i18n.EN {
		return cmp.Or(b.SignInEN, b.SignInPT)
	}
	return cmp.Or(b.SignInPT, b.SignInEN)
}
