package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/i18n"
)

var hexColour = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// engine holds every page template, parsed once at start-up with the layout
// and partials; executing "base" renders a whole page.
type engine struct {
	pages  map[string]*template.Template
	assets *assets
}

func newEngine(a *assets) (*engine, error) {
	eng := &engine{pages: map[string]*template.Template{}, assets: a}
	funcs := template.FuncMap{
		"asset": a.URL,
		// dict builds a map for passing several values to a partial.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"initials": initials,
		// withData hands a partial the page with other Data (same locale,
		// user and tokens).
		"withData": func(p *Page, data any) *Page {
			cp := *p
			cp.Data = data
			return &cp
		},
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS,
			"templates/layout/*.html", "templates/partials/*.html", f)
		if err != nil {
			return nil, fmt.Errorf("ui: parsing %s: %w", f, err)
		}
		eng.pages[name] = t
	}
	return eng, nil
}

// initials returns up to two initials of a name for avatar placeholders.
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

// NavItem is one entry of the main navigation.
type NavItem struct {
	Href, Label, Icon string
	Short             string // label in the phone tab bar
	Active            bool
	Tab               bool // in the phone tab bar
	Menu              bool // in the user menu rather than the top bar
}

// Page is what every template receives: the request's locale, user, branding,
// tokens, navigation, and the page's own Data.
type Page struct {
	Locale  string
	Title   string
	User    *UserView
	Brand   branding.Branding
	CSRF    string
	Nonce   string
	Nav     []NavItem
	Flash   string
	Path    string
	Locales []LocaleOption
	Data    any
	// Unread counts the signed-in user's unread notifications (the bell).
	Unread  int
	Errors  map[string]string // field → translated message
	FormErr string            // message for the whole form
	Values  map[string]string // what the user typed, re-shown on error
	Status  int
	// ThemeURL links the stylesheet with the brand and tier colours.
	ThemeURL string
	BodyPage string // CSS hook: the page's name
}

// LocaleOption is one choice in the language switcher.
type LocaleOption struct {
	Code, Label string
	Current     bool
}

// T translates a catalogue key into the page's locale.
func (p *Page) T(key string, args ...any) string { return i18n.T(p.Locale, key, args...) }

// N translates a count: key+".zero" when n is 0 and the catalogue has it,
// key+".one" when n is 1, else key+".other", with n formatted for the locale.
func (p *Page) N(key string, n int) string {
	form := ".other"
	switch {
	case n == 0 && i18n.Has(p.Locale, key+".zero"):
		form = ".zero"
	case n == 1:
		form = ".one"
	}
	return i18n.T(p.Locale, key+form, i18n.Int(p.Locale, int64(n)))
}

// Country names an ISO country code in the page's locale, or returns the
// code when the catalogue has no name for it.
func (p *Page) Country(code string) string {
	if i18n.Has(p.Locale, "country."+code) {
		return i18n.T(p.Locale, "country."+code)
	}
	return code
}

// Ago says how long ago t was ("3 hours ago", "há 3 horas").
func (p *Page) Ago(t time.Time) string { return i18n.Ago(p.Locale, t, now()) }

// ActivityLabel names an activity kind in the page's locale.
func (p *Page) ActivityLabel(kind string) string {
	if i18n.Has(p.Locale, "activity."+kind) {
		return i18n.T(p.Locale, "activity."+kind)
	}
	return i18n.T(p.Locale, "activity.other")
}

// Date formats a date for the page's locale.
func (p *Page) Date(t time.Time) string { return i18n.Date(p.Locale, t) }

// LongDate formats a date with the month's name.
func (p *Page) LongDate(t time.Time) string { return i18n.LongDate(p.Locale, t) }

// DateTime formats a moment for the page's locale.
func (p *Page) DateTime(t time.Time) string { return i18n.DateTime(p.Locale, t) }

// Bytes formats a file size for the page's locale.
func (p *Page) Bytes(n int64) string { return i18n.Bytes(p.Locale, n) }

// Int formats a whole number for the page's locale.
func (p *Page) Int(n int) string { return i18n.Int(p.Locale, int64(n)) }

// Money formats an amount in a currency for the page's locale.
func (p *Page) Money(amount float64, currency string) string {
	return i18n.Money(p.Locale, amount, currency)
}

// Value returns what the user typed into a field, for re-showing a form.
func (p *Page) Value(field string) string { return p.Values[field] }

// Err returns the translated error beside a field, or "".
func (p *Page) Err(field string) string { return p.Errors[field] }

// render executes a page into the response with the given status.
func (u *portal) render(e *core.RequestEvent, status int, name string, p *Page) error {
	t, ok := u.eng.pages[name]
	if !ok {
		return fmt.Errorf("ui: no page template %q", name)
	}
	u.fillPage(e, p)
	p.BodyPage = name
	p.Status = status
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base", p); err != nil {
		return fmt.Errorf("ui: rendering %s: %w", name, err)
	}
	e.Response.Header().Set("Content-Type", "text/html; charset=utf-8")
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.WriteHeader(status)
	_, err := e.Response.Write(buf.Bytes())
	return err
}

// renderFragment executes one named template of a page (an htmx partial)
// with the page's usual fields filled in.
func (u *portal) renderFragment(e *core.RequestEvent, page, name string, p *Page) error {
	t, ok := u.eng.pages[page]
	if !ok {
		return fmt.Errorf("ui: no page template %q", page)
	}
	u.fillPage(e, p)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, p); err != nil {
		return fmt.Errorf("ui: rendering %s/%s: %w", page, name, err)
	}
	e.Response.Header().Set("Content-Type", "text/html; charset=utf-8")
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.WriteHeader(http.StatusOK)
	_, err := e.Response.Write(buf.Bytes())
	return err
}

// renderError renders the styled error page for status in the request's
// locale. It never shows err's text: that goes to the log only.
func (u *portal) renderError(e *core.RequestEvent, status int, err error) {
	if status >= 500 {
		e.App.Logger().Error("portal error", "path", e.Request.URL.Path, "error", err)
	} else if err != nil {
		e.App.Logger().Debug("portal request refused", "path", e.Request.URL.Path, "status", status, "error", err)
	}
	key := "error.generic"
	switch status {
	case http.StatusBadRequest:
		key = "error.400"
	case http.StatusForbidden:
		key = "error.403"
	case http.StatusNotFound:
		key = "error.404"
	case http.StatusRequestEntityTooLarge:
		key = "error.413"
	case http.StatusTooManyRequests:
		key = "error.429"
	case http.StatusInternalServerError:
		key = "error.500"
	}
	data := map[string]any{"Code": status, "Key": key}
	if lim, ok := e.Get(uploadLimitKey).(int64); ok && status == http.StatusRequestEntityTooLarge {
		data["Limit"] = lim
	}
	p := &Page{Data: data}
	p.Title = i18n.T(u.locale(e), key+".title")
	if rerr := u.render(e, status, "error", p); rerr != nil {
		e.App.Logger().Error("rendering error page", "error", rerr)
		e.Response.Header().Set("Content-Type", "text/plain; charset=utf-8")
		e.Response.WriteHeader(status)
		_, _ = e.Response.Write([]byte(http.StatusText(status)))
	}
}
