package ui

import (
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
	"github.com/pocketbase/pocketbase/tools/routine"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/ponte-portal/ponte/internal/session"
)

// Cookies of the sign-in by e-mailed code (PocketBase's OTP): otpCookie names
// the pending code, mfaPasswordCookie the MFA record that waits for the
// password when MFA applies to the user (two different methods, as the REST
// API's auth-with-otp demands).
const (
	otpCookie         = "ponte_otp"
	mfaPasswordCookie = "ponte_mfa_pw"
)

// Limits of the code sign-in: wrong tries per code (or per password step)
// before it is void, and codes a user may have open at once before a new
// request re-uses the newest instead of mailing another.
const (
	maxCodeTries  = 5
	maxOpenCodes  = 5
	triesForgetAt = time.Hour
)

// codeTries counts wrong answers per OTP or MFA id. It lives in memory: the
// portal is one process, and a restart only gives an attacker a few more of
// the tries the rate limiter (POST /login/code) already bounds.
var codeTries = struct {
	sync.Mutex
	n  map[string]int
	at map[string]time.Time
	// decoys holds when each decoy id (no code behind it) was handed out, so
	// that it "expires" like a real code and the answers never differ.
	decoys map[string]time.Time
}{n: map[string]int{}, at: map[string]time.Time{}, decoys: map[string]time.Time{}}

// addDecoy remembers a decoy id handed out now.
func addDecoy(id string) {
	codeTries.Lock()
	defer codeTries.Unlock()
	t := time.Now()
	for k, at := range codeTries.decoys {
		if t.Sub(at) > triesForgetAt {
			delete(codeTries.decoys, k)
		}
	}
	codeTries.decoys[id] = t
}

// decoyExpired reports whether id is a decoy older than a code's life.
func decoyExpired(id string, life time.Duration) bool {
	codeTries.Lock()
	defer codeTries.Unlock()
	at, ok := codeTries.decoys[id]
	return ok && time.Since(at) > life
}

// failTry records a wrong answer for id and reports whether the tries are
// used up.
func failTry(id string) bool {
	codeTries.Lock()
	defer codeTries.Unlock()
	t := time.Now()
	for k, at := range codeTries.at {
		if t.Sub(at) > triesForgetAt {
			delete(codeTries.n, k)
			delete(codeTries.at, k)
		}
	}
	codeTries.n[id]++
	codeTries.at[id] = t
	return codeTries.n[id] >= maxCodeTries
}

// forgetTries drops the count of a used or voided id.
func forgetTries(id string) {
	codeTries.Lock()
	defer codeTries.Unlock()
	delete(codeTries.n, id)
	delete(codeTries.at, id)
}

// setLoginCookie sets (maxAge > 0) or clears (maxAge < 0) a cookie of the
// sign-in steps, scoped to /login.
func setLoginCookie(e *core.RequestEvent, name, value string, maxAge int) {
	e.SetCookie(&http.Cookie{Name: name, Value: value, Path: "/login", HttpOnly: true, Secure: isHTTPS(e),
		SameSite: http.SameSiteLaxMode, MaxAge: maxAge})
}

// codeSignInEnabled reports whether the users collection allows one-time
// codes (dashboard → users → Options → One-time password).
func codeSignInEnabled(app core.App) bool {
	c, err := app.FindCachedCollectionByNameOrId("users")
	return err == nil && c.OTP.Enabled
}

// newOTP stores a fresh one-time code for user and returns it with its code.
func newOTP(app core.App, user *core.Record) (*core.OTP, string, error) {
	c := user.Collection()
	length := c.OTP.Length
	if length < 6 {
		length = 8
	}
	code := security.RandomStringWithAlphabet(length, "0123456789")
	otp := core.NewOTP(app)
	otp.SetCollectionRef(c.Id)
	otp.SetRecordRef(user.Id)
	otp.SetPassword(code)
	otp.SetSentTo(user.Email())
	if err := app.Save(otp); err != nil {
		return nil, "", err
	}
	return otp, code, nil
}

// codePage renders the "enter the code" step of the code sign-in.
func (u *portal) codePage(e *core.RequestEvent, status int, next, to string, p *Page) error {
	if p == nil {
		p = &Page{}
	}
	p.Title = u.t(e, "login.code_title")
	if p.Values == nil {
		p.Values = map[string]string{}
	}
	p.Values["next"] = next
	p.Data = map[string]string{"To": to, "Flow": "otp"}
	return u.render(e, status, "login_code", p)
}

// loginCodeRequest is the "e-mail me a sign-in code" form of /login. It
// answers the same page whether or not the address belongs to a user who may
// sign in, and mails the code (in the user's language, hooks/mail.go) in the
// background, as PocketBase's request-otp does, so neither the answer nor its
// timing tells who has an account.
func (u *portal) loginCodeRequest(e *core.RequestEvent) error {
	loc := u.locale(e)
	email := strings.ToLower(formValue(e, "email"))
	next := safeNext(formValue(e, "next"))
	p := &Page{Title: tr(loc, "login.title"), Values: map[string]string{"email": email, "next": next},
		Errors: map[string]string{}, Data: loginPageData(e.App, true)}
	if !codeSignInEnabled(e.App) {
		p.FormErr = tr(loc, "brand.otp.disabled")
		return u.render(e, http.StatusForbidden, "login", p)
	}
	if _, err := mail.ParseAddress(email); err != nil || len(email) > 254 || !strings.Contains(email, "@") {
		p.Errors["email"] = tr(loc, "validation.is_email")
		return u.render(e, http.StatusBadRequest, "login", p)
	}
	setLoginCookie(e, mfaCookie, "", -1)
	setLoginCookie(e, mfaPasswordCookie, "", -1)
	users, err := e.App.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	pendingID := core.GenerateDefaultRandomId() // a decoy when nobody gets a code
	user, err := e.App.FindAuthRecordByEmail(users, email)
	if err != nil || session.Blocked(e.App, user) {
		dummyHash().ValidatePassword(email) // as long as hashing a real code
		addDecoy(pendingID)
	} else {
		otp, err := u.issueSignInCode(e.App, user)
		if err != nil {
			return err
		}
		pendingID = otp.Id
	}
	setLoginCookie(e, otpCookie, pendingID, int(otpDuration(users).Seconds()))
	return u.codePage(e, http.StatusOK, next, maskEmail(email), nil)
}

// issueSignInCode creates a code for user and mails it in the background.
// With maxOpenCodes codes still open it sends nothing new and returns the
// newest, so the request form cannot flood an inbox.
func (u *portal) issueSignInCode(app core.App, user *core.Record) (*core.OTP, error) {
	open, err := app.FindAllOTPsByRecord(user)
	if err != nil {
		return nil, err
	}
	d := otpDuration(user.Collection())
	live := 0
	for _, o := range open {
		if !o.HasExpired(d) {
			live++
		}
	}
	if live >= maxOpenCodes {
		app.Logger().Warn("too many sign-in codes requested, re-using the newest", "user", user.Id)
		return open[0], nil // newest first
	}
	otp, code, err := newOTP(app, user)
	if err != nil {
		return nil, err
	}
	routine.FireAndForget(func() {
		if err := mails.SendRecordOTP(app, user, otp.Id, code); err != nil {
			app.Logger().Error("sending sign-in code", "user", user.Id, "error", errors.Join(err, app.Delete(otp)))
		}
	})
	return otp, nil
}

// loginCodeSignIn checks the code of the code sign-in (otpCookie). A right
// code signs in, or, when MFA applies to the user, asks for the password.
func (u *portal) loginCodeSignIn(e *core.RequestEvent, ck *http.Cookie) error {
	loc := u.locale(e)
	next := safeNext(formValue(e, "next"))
	to := maskEmail(formValue(e, "to_hint"))
	p := &Page{Errors: map[string]string{}}
	users, err := e.App.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	expired := func() error {
		setLoginCookie(e, otpCookie, "", -1)
		forgetTries(ck.Value)
		p.FormErr = tr(loc, "brand.otp.expired")
		p.Data = map[string]string{"Flow": "otp", "Expired": "1"}
		p.Title = tr(loc, "login.code_title")
		p.Values = map[string]string{"next": next}
		return u.render(e, http.StatusBadRequest, "login_code", p)
	}
	code := strings.TrimSpace(formValue(e, "code"))
	if !recordID.MatchString(ck.Value) {
		return expired()
	}
	otp, err := e.App.FindOTPById(ck.Value)
	if err == nil && (otp.CollectionRef() != users.Id || otp.HasExpired(otpDuration(users))) {
		_ = e.App.Delete(otp)
		return expired()
	}
	if err != nil && decoyExpired(ck.Value, otpDuration(users)) {
		return expired()
	}
	var user *core.Record
	if err == nil {
		user, err = e.App.FindRecordById(users, otp.RecordRef())
	}
	if err != nil || code == "" || len(code) > 20 || session.Blocked(e.App, user) || !otp.ValidatePassword(code) {
		// A decoy id (unknown address) gets the same answer as a wrong code.
		if failTry(ck.Value) {
			if otp != nil {
				_ = e.App.Delete(otp)
			}
			return expired()
		}
		p.Errors["code"] = tr(loc, "login.code_wrong")
		return u.codePage(e, http.StatusBadRequest, next, to, p)
	}
	if err := e.App.Delete(otp); err != nil {
		return err
	}
	forgetTries(otp.Id)
	setLoginCookie(e, otpCookie, "", -1)
	if needs, err := needsSecondFactor(e.App, user); err != nil {
		return err
	} else if needs {
		mfa := core.NewMFA(e.App)
		mfa.SetCollectionRef(users.Id)
		mfa.SetRecordRef(user.Id)
		mfa.SetMethod(core.MFAMethodOTP)
		if err := e.App.Save(mfa); err != nil {
			return err
		}
		setLoginCookie(e, mfaPasswordCookie, mfa.Id, int(users.MFA.DurationTime().Seconds()))
		return u.render(e, http.StatusOK, "login_password", &Page{Title: tr(loc, "brand.otp.password_title"),
			Values: map[string]string{"next": next}, Errors: map[string]string{}})
	}
	return u.finishSignIn(e, user, next)
}

// loginCodePassword is the password step after a right code when MFA applies
// to the user: the MFA record proves the code, the password is the second,
// different method.
func (u *portal) loginCodePassword(e *core.RequestEvent) error {
	loc := u.locale(e)
	next := safeNext(formValue(e, "next"))
	p := &Page{Title: tr(loc, "brand.otp.password_title"), Values: map[string]string{"next": next},
		Errors: map[string]string{}}
	users, err := e.App.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	ck, cerr := e.Request.Cookie(mfaPasswordCookie)
	var mfa *core.MFA
	if cerr == nil && recordID.MatchString(ck.Value) {
		mfa, err = e.App.FindMFAById(ck.Value)
		if err != nil || mfa.CollectionRef() != users.Id || mfa.HasExpired(users.MFA.DurationTime()) {
			if mfa != nil {
				_ = e.App.Delete(mfa)
			}
			mfa = nil
		}
	}
	if mfa == nil {
		setLoginCookie(e, mfaPasswordCookie, "", -1)
		p.FormErr = tr(loc, "brand.otp.expired")
		p.Data = map[string]string{"Flow": "otp", "Expired": "1"}
		p.Title = tr(loc, "login.code_title")
		return u.render(e, http.StatusBadRequest, "login_code", p)
	}
	user, err := e.App.FindRecordById(users, mfa.RecordRef())
	if err != nil {
		return err
	}
	password := e.Request.PostFormValue("password")
	if password == "" || session.Blocked(e.App, user) || !user.ValidatePassword(password) {
		if failTry(mfa.Id) {
			_ = e.App.Delete(mfa)
			forgetTries(mfa.Id)
			setLoginCookie(e, mfaPasswordCookie, "", -1)
			u.setFlash(e, "flash.brand_too_many_tries")
			return e.Redirect(http.StatusSeeOther, "/login")
		}
		p.Errors["password"] = tr(loc, "brand.otp.password_wrong")
		return u.render(e, http.StatusBadRequest, "login_password", p)
	}
	if err := e.App.Delete(mfa); err != nil {
		return err
	}
	forgetTries(mfa.Id)
	setLoginCookie(e, mfaPasswordCookie, "", -1)
	return u.finishSignIn(e, user, next)
}
