package ui

import (
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/session"
)

// mfaCookie holds the id of the pending one-time code between the password
// step and the code step of a sign-in with multi-factor authentication.
const mfaCookie = "ponte_mfa"

// needsSecondFactor applies the users collection's MFA settings (dashboard →
// users → Options → Multi-factor authentication) to the portal: when MFA is
// on and its rule matches the user, a password alone does not sign in.
func needsSecondFactor(app core.App, user *core.Record) (bool, error) {
	mfa := user.Collection().MFA
	if !mfa.Enabled {
		return false, nil
	}
	if mfa.Rule == "" {
		return true, nil
	}
	return app.CanAccessRecord(user, access.Info(user, http.MethodPost, nil), &mfa.Rule)
}

// otpDuration is how long a sign-in code lives: the collection's OTP setting,
// or five minutes when it has none.
func otpDuration(c *core.Collection) time.Duration {
	if d := c.OTP.DurationTime(); d > 0 {
		return d
	}
	return 5 * time.Minute
}

// startSecondFactor e-mails a one-time code (PocketBase's OTP record, the
// same that the REST API's OTP sign-in uses) and asks for it.
func (u *portal) startSecondFactor(e *core.RequestEvent, user *core.Record, next string) error {
	c := user.Collection()
	otp, code, err := newOTP(e.App, user)
	if err != nil {
		return err
	}
	if err := mails.SendRecordOTP(e.App, user, otp.Id, code); err != nil {
		_ = e.App.Delete(otp)
		return err
	}
	setLoginCookie(e, otpCookie, "", -1)
	setLoginCookie(e, mfaPasswordCookie, "", -1)
	setLoginCookie(e, mfaCookie, otp.Id, int(otpDuration(c).Seconds()))
	return u.render(e, http.StatusOK, "login_code", &Page{Title: u.t(e, "login.code_title"),
		Values: map[string]string{"next": next}, Data: map[string]string{"To": maskEmail(user.Email())}})
}

// loginCode is POST /login/code, the code and password steps: the password
// after a code (step=password, auth_otp.go), the code of a code sign-in
// (otpCookie), else the code after a password (mfaCookie), below.
func (u *portal) loginCode(e *core.RequestEvent) error {
	if formValue(e, "step") == "password" {
		return u.loginCodePassword(e)
	}
	if _, err := e.Request.Cookie(mfaCookie); err != nil {
		if ck, err := e.Request.Cookie(otpCookie); err == nil {
			return u.loginCodeSignIn(e, ck)
		}
	}
	return u.loginSecondFactor(e)
}

// loginSecondFactor checks the code after the password and finishes the
// sign-in.
func (u *portal) loginSecondFactor(e *core.RequestEvent) error {
	loc := u.locale(e)
	next := safeNext(formValue(e, "next"))
	p := &Page{Title: tr(loc, "login.code_title"), Values: map[string]string{"next": next},
		Errors: map[string]string{}, Data: map[string]string{}}
	ck, err := e.Request.Cookie(mfaCookie)
	if err != nil || !recordID.MatchString(ck.Value) {
		p.FormErr = tr(loc, "login.code_expired")
		return u.render(e, http.StatusBadRequest, "login_code", p)
	}
	otp, err := e.App.FindOTPById(ck.Value)
	users, cerr := e.App.FindCachedCollectionByNameOrId("users")
	if cerr != nil {
		return cerr
	}
	if err != nil || otp.CollectionRef() != users.Id || otp.HasExpired(otpDuration(users)) {
		if otp != nil {
			_ = e.App.Delete(otp)
		}
		setLoginCookie(e, mfaCookie, "", -1)
		p.FormErr = tr(loc, "login.code_expired")
		return u.render(e, http.StatusBadRequest, "login_code", p)
	}
	user, err := e.App.FindRecordById(users, otp.RecordRef())
	if err != nil {
		return err
	}
	p.Data = map[string]string{"To": maskEmail(user.Email())}
	code := strings.TrimSpace(formValue(e, "code"))
	if code == "" || len(code) > 20 || !otp.ValidatePassword(code) || session.Blocked(e.App, user) {
		if failTry(otp.Id) { // too many wrong codes: this sign-in is over
			_ = e.App.Delete(otp)
			forgetTries(otp.Id)
			setLoginCookie(e, mfaCookie, "", -1)
			p.FormErr = tr(loc, "login.code_expired")
			return u.render(e, http.StatusBadRequest, "login_code", p)
		}
		p.Errors["code"] = tr(loc, "login.code_wrong")
		return u.render(e, http.StatusBadRequest, "login_code", p)
	}
	if err := e.App.Delete(otp); err != nil {
		return err
	}
	forgetTries(otp.Id)
	setLoginCookie(e, mfaCookie, "", -1)
	return u.finishSignIn(e, user, next)
}

// maskEmail shows enough of an address to recognise it: "c•••@acme.test".
func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return email
	}
	r := []rune(local)
	return string(r[0]) + "•••@" + domain
}
