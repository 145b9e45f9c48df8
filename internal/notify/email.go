package notify

import (
	"bytes"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"html/template"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	ttemplate "text/template"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/email"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/live"
)

// E-mail preferences (users.notify_email). An empty value is EmailDigest.
const (
	EmailImmediate = "immediate"
	EmailDigest    = "digest"
	EmailOff       = "off"
)

// EmailPreferences lists the choices in the order the profile shows them.
var EmailPreferences = []string{EmailImmediate, EmailDigest, EmailOff}

// EmailPreference returns a user's e-mail preference, EmailDigest when unset.
func EmailPreference(user *core.Record) string {
	switch p := user.GetString("notify_email"); p {
	case EmailImmediate, EmailOff:
		return p
	}
	return EmailDigest
}

// LiveEvent is the type of the live event that carries a user's unread
// count (the bell).
const LiveEvent = "notification"

// PublishUnread sends the user's current unread count to their open live
// connections. Call it after the change has been committed.
func PublishUnread(app core.App, userID string) {
	if !live.For(app).Has(userID) {
		return // no open page to update: skip the count
	}
	n, err := app.CountRecords("notifications", dbx.HashExp{"user": userID, "read_at": ""})
	if err != nil {
		app.Logger().Warn("counting unread notifications", "user", userID, "error", err)
		return
	}
	live.For(app).Publish(live.Event{Type: LiveEvent, Data: strconv.FormatInt(n, 10)}, userID)
}

// ErrUnknownKey means an unsubscribe key is malformed or belongs to nobody.
var ErrUnknownKey = errors.New("notify: unknown unsubscribe key")

// keyPattern is the shape of an unsubscribe key: 32 random bytes, base64url.
var keyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// UnsubscribeKey returns the user's one-click unsubscribe key, creating it on
// first use. The key is stored as-is in the hidden users.unsubscribe_key
// (every e-mail must carry the same working link, so it cannot be kept as a
// hash); hidden fields are neither shown to nor writable by API clients.
func UnsubscribeKey(app core.App, userID string) (string, error) {
	for range 2 {
		var cur string
		if err := app.DB().Select("unsubscribe_key").From("users").Where(dbx.HashExp{"id": userID}).Row(&cur); err != nil {
			return "", err
		}
		if keyPattern.MatchString(cur) {
			return cur, nil
		}
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		key := base64.RawURLEncoding.EncodeToString(b)
		// Set only if nobody set one meanwhile, so concurrent senders agree
		// on one key; a direct update keeps the user's "updated" and hooks
		// out of it (it is not a profile change).
		res, err := app.DB().Update("users", dbx.Params{"unsubscribe_key": key},
			dbx.HashExp{"id": userID, "unsubscribe_key": cur}).Execute()
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return key, nil
		}
	}
	return "", errors.New("notify: unsubscribe key changed concurrently")
}

// UserByUnsubscribeKey finds the user an unsubscribe key belongs to, or
// ErrUnknownKey.
func UserByUnsubscribeKey(app core.App, key string) (*core.Record, error) {
	if !keyPattern.MatchString(key) {
		return nil, ErrUnknownKey
	}
	// The "!= ''" term lets SQLite use the partial unique index on the key.
	rec := &core.Record{}
	err := app.RecordQuery("users").
		AndWhere(dbx.NewExp("[[users.unsubscribe_key]] = {:key} AND [[users.unsubscribe_key]] != ''", dbx.Params{"key": key})).
		Limit(1).One(rec)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUnknownKey
	}
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// Unsubscribe turns the user's notification e-mails off.
func Unsubscribe(app core.App, user *core.Record) error {
	if user.GetString("notify_email") == EmailOff {
		return nil
	}
	user.Set("notify_email", EmailOff)
	return app.Save(user)
}

// mailItem is one notification listed in an e-mail.
type mailItem struct {
	Title, URL, When string
}

// mailData is what one notification e-mail says, already translated.
type mailData struct {
	Lang, Hello, Intro string
	Items              []mailItem
	More               string
	Button, ButtonURL  string
	Why                string
	PrefsLabel         string
	PrefsURL           string
	UnsubLabel         string
	UnsubURL           string
	Portal, Colour     string
	LogoURL            string // absolute; "" = the portal's name as the header
}

// mailHTML is the layout of notification e-mails, in the style of the
// account e-mails (internal/email: the same logo or name header) with a list
// and an unsubscribe footer. E-mail clients ignore style sheets, hence the
// inline styles.
var mailHTML = template.Must(template.New("notify").Parse(`<!doctype html>
<html lang="{{.Lang}}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2933">
{{if .LogoURL}}<p><img src="{{.LogoURL}}" alt="{{.Portal}}" height="48"></p>{{else}}<p style="font-weight:700;color:{{.Colour}}">{{.Portal}}</p>{{end}}
<p>{{.Hello}}</p>
<p>{{.Intro}}</p>
<ul style="padding-left:20px">{{range .Items}}
<li style="margin-bottom:8px"><a href="{{.URL}}" style="color:{{$.Colour}};font-weight:600">{{.Title}}</a>{{if .When}}<br><span style="color:#52606d;font-size:13px">{{.When}}</span>{{end}}</li>{{end}}
</ul>
{{if .More}}<p style="color:#52606d">{{.More}}</p>{{end}}
<p><a href="{{.ButtonURL}}" style="display:inline-block;padding:10px 16px;background:{{.Colour}};color:#fff;border-radius:6px;text-decoration:none">{{.Button}}</a></p>
<hr style="border:0;border-top:1px solid #e4e7eb">
<p style="color:#52606d;font-size:13px">{{.Why}} <a href="{{.PrefsURL}}" style="color:#52606d">{{.PrefsLabel}}</a> · <a href="{{.UnsubURL}}" style="color:#52606d">{{.UnsubLabel}}</a></p>
<p style="color:#52606d;font-size:13px">{{.Portal}}</p>
</body></html>`))

// mailText is the plain-text part of the same e-mail.
var mailText = ttemplate.Must(ttemplate.New("notify").Parse(`{{.Hello}}

{{.Intro}}
{{range .Items}}
- {{.Title}}
  {{.URL}}{{end}}
{{if .More}}
{{.More}}
{{end}}
{{.Button}}: {{.ButtonURL}}

--
{{.Why}}
{{.PrefsLabel}}: {{.PrefsURL}}
{{.UnsubLabel}}: {{.UnsubURL}}
{{.Portal}}
`))

// userLocale is the user's language, else the portal's default.
func userLocale(user *core.Record, b branding.Branding) string {
	if loc := i18n.Normalize(user.GetString("locale")); loc != "" {
		return loc
	}
	return b.DefaultLocale
}

// compose builds an e-mail to user with the common greeting, footer and
// List-Unsubscribe headers (RFC 2369 and the one-click POST of RFC 8058).
func compose(app core.App, user *core.Record, b branding.Branding, loc, subject string, d mailData) (*mailer.Message, error) {
	key, err := UnsubscribeKey(app, user.Id)
	if err != nil {
		return nil, err
	}
	base := email.BaseURL(app)
	name := user.GetString("name")
	if name == "" {
		name = user.Email()
	}
	d.Lang, d.Portal, d.Colour = loc, b.Name, b.Colour
	d.LogoURL = email.LogoURL(app, b)
	d.Hello = i18n.T(loc, "mail.hello", name)
	d.PrefsLabel = i18n.T(loc, "notifications.mail.prefs")
	d.PrefsURL = base + "/profile#notify-h"
	d.UnsubLabel = i18n.T(loc, "notifications.mail.unsubscribe")
	d.UnsubURL = base + "/unsubscribe/" + key
	var html, text bytes.Buffer
	if err := mailHTML.Execute(&html, d); err != nil {
		return nil, err
	}
	if err := mailText.Execute(&text, d); err != nil {
		return nil, err
	}
	return &mailer.Message{
		From:    email.Sender(app, b),
		To:      []mail.Address{{Name: user.GetString("name"), Address: user.Email()}},
		Subject: subject,
		HTML:    html.String(),
		Text:    text.String(),
		Headers: map[string]string{
			"List-Unsubscribe":      "<" + d.UnsubURL + ">",
			"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"Auto-Submitted":        "auto-generated",
		},
	}, nil
}

// wantsMail reports whether user should get notification e-mails with the
// given preference: active, with an address, and that preference.
func wantsMail(user *core.Record, pref string) bool {
	return !user.GetBool("deactivated") && user.Email() != "" && EmailPreference(user) == pref
}

// EmailNow sends the e-mail of one new notification to its user when they
// chose immediate e-mails, and sets its emailed_at. It reports whether an
// e-mail went out.
func EmailNow(app core.App, n *core.Record) (bool, error) {
	if n.GetString("emailed_at") != "" || n.GetString("read_at") != "" {
		return false, nil
	}
	// Most users take the digest: look at the preference alone before
	// loading the whole user (this runs for every notification created).
	var pref struct {
		NotifyEmail string `db:"notify_email"`
		Deactivated bool   `db:"deactivated"`
	}
	if err := app.DB().Select("notify_email", "deactivated").From("users").
		Where(dbx.HashExp{"id": n.GetString("user")}).One(&pref); err != nil {
		return false, err
	}
	if pref.NotifyEmail != EmailImmediate || pref.Deactivated {
		return false, nil
	}
	user, err := app.FindRecordById("users", n.GetString("user"))
	if err != nil {
		return false, err
	}
	if !wantsMail(user, EmailImmediate) {
		return false, nil
	}
	b := branding.Load(app)
	loc := userLocale(user, b)
	base := email.BaseURL(app)
	link := base + safeLink(n.GetString("link"))
	title := n.GetString("title")
	msg, err := compose(app, user, b, loc, title, mailData{
		Intro:  i18n.T(loc, "notifications.mail.intro", b.Name),
		Items:  []mailItem{{Title: title, URL: link}},
		Button: i18n.T(loc, "notifications.mail.open"), ButtonURL: link,
		Why: i18n.T(loc, "notifications.mail.why_immediate"),
	})
	if err != nil {
		return false, err
	}
	if err := app.NewMailClient().Send(msg); err != nil {
		return false, err
	}
	return true, markEmailed(app, types.NowDateTime(), n.Id)
}

// markEmailed sets emailed_at on notifications directly: it is bookkeeping
// of the mailer, not a change the bell or API clients need to hear about.
func markEmailed(app core.App, at types.DateTime, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	_, err := app.DB().Update("notifications", dbx.Params{"emailed_at": at.String()}, dbx.In("id", args...)).Execute()
	return err
}

// safeLink keeps a notification's link a local path ("/…", never "//host"
// or "/\host"); anything else becomes the notifications page.
func safeLink(link string) string {
	if SafeLink(link) {
		return link
	}
	return "/notifications"
}

// SafeLink reports whether link is a local path of the portal: it starts
// with one "/" (not "//" or "/\", which browsers read as another host) and
// has no control characters. The schema's pattern says the same; this is
// the check at the point of use.
func SafeLink(link string) bool {
	if !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//") || strings.HasPrefix(link, "/\\") {
		return false
	}
	for _, r := range link {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// maxDigestItems bounds the notifications listed in one digest; the rest
// are counted ("and 12 more").
const maxDigestItems = 20

// digestRow is one notification waiting for a digest.
type digestRow struct {
	ID      string         `db:"id"`
	User    string         `db:"user"`
	Title   string         `db:"title"`
	Link    string         `db:"link"`
	Created types.DateTime `db:"created"`
}

// SendDigests sends one e-mail to each active user who chose the daily
// digest and has unread notifications not yet e-mailed, created in the day
// before now; each lists them (newest first) and they are marked e-mailed.
// It returns how many e-mails went out; a failed e-mail is logged and its
// notifications stay pending. The cron job runs it daily; tests call it with
// their own now.
func SendDigests(app core.App, now time.Time) (int, error) {
	since, err := types.ParseDateTime(now.Add(-24 * time.Hour))
	if err != nil {
		return 0, err
	}
	until, err := types.ParseDateTime(now)
	if err != nil {
		return 0, err
	}
	// Pending notifications from the (emailed_at, created) index, joined with
	// the users who want a digest.
	pending := func(q *dbx.SelectQuery) *dbx.SelectQuery {
		return q.From("notifications n").
			InnerJoin("users u", dbx.NewExp("u.id = n.user")).
			Where(dbx.HashExp{"n.emailed_at": "", "n.read_at": "", "u.deactivated": false}).
			AndWhere(dbx.Between("n.created", since.String(), until.String())).
			AndWhere(dbx.In("u.notify_email", EmailDigest, ""))
	}
	var users []string
	if err := pending(app.DB().Select("n.user").Distinct(true)).OrderBy("n.user").Column(&users); err != nil {
		return 0, err
	}
	b := branding.Load(app)
	base := email.BaseURL(app)
	sent := 0
	var errs []error
	// The rows of digestBatch users at a time, in one query each: a query
	// per user would walk the day's pending rows once per user.
	for len(users) > 0 {
		batch := users[:min(digestBatch, len(users))]
		users = users[len(batch):]
		ids := make([]any, len(batch))
		for i, id := range batch {
			ids[i] = id
		}
		var rows []digestRow
		if err := pending(app.DB().Select("n.id", "n.user", "n.title", "n.link", "n.created")).
			AndWhere(dbx.In("n.user", ids...)).OrderBy("n.user", "n.created DESC", "n.id").All(&rows); err != nil {
			errs = append(errs, err)
			continue
		}
		for len(rows) > 0 {
			n := 1
			for n < len(rows) && rows[n].User == rows[0].User {
				n++
			}
			mine := rows[:n]
			rows = rows[n:]
			ok, err := digestOne(app, b, base, mine)
			if err != nil {
				app.Logger().Error("sending a notification digest", "user", mine[0].User, "error", err)
				errs = append(errs, err)
			}
			if ok {
				sent++
			}
		}
	}
	return sent, errors.Join(errs...)
}

// digestBatch is how many users' pending rows SendDigests reads at once.
const digestBatch = 500

// digestOne e-mails one user their pending rows (if they still want a
// digest) and marks the rows e-mailed. It reports whether an e-mail went out.
func digestOne(app core.App, b branding.Branding, base string, rows []digestRow) (bool, error) {
	user, err := app.FindRecordById("users", rows[0].User)
	if err != nil {
		return false, err
	}
	if !wantsMail(user, EmailDigest) {
		return false, nil
	}
	if err := sendDigest(app, user, b, base, rows); err != nil {
		return false, err
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return true, markEmailed(app, types.NowDateTime(), ids...)
}

// sendDigest e-mails one user the list of their pending notifications.
func sendDigest(app core.App, user *core.Record, b branding.Branding, base string, rows []digestRow) error {
	loc := userLocale(user, b)
	d := mailData{
		Intro:  i18n.T(loc, "notifications.mail.digest_intro", b.Name),
		Button: i18n.T(loc, "notifications.mail.digest_button"), ButtonURL: base + "/notifications",
		Why: i18n.T(loc, "notifications.mail.why_digest"),
	}
	for i, r := range rows {
		if i == maxDigestItems {
			d.More = plural(loc, "notifications.mail.digest_more", len(rows)-maxDigestItems)
			break
		}
		d.Items = append(d.Items, mailItem{Title: r.Title, URL: base + safeLink(r.Link), When: i18n.DateTime(loc, r.Created.Time())})
	}
	subject := plural(loc, "notifications.mail.digest_subject", len(rows), b.Name)
	msg, err := compose(app, user, b, loc, subject, d)
	if err != nil {
		return err
	}
	return app.NewMailClient().Send(msg)
}

// plural translates key+".one" or key+".other" for n, with the formatted
// number after any leading args.
func plural(loc, key string, n int, lead ...any) string {
	form := ".other"
	if n == 1 {
		form = ".one"
	}
	return i18n.T(loc, key+form, append(lead, i18n.Int(loc, int64(n)))...)
}
