package invite_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// issue makes an invitation in its own transaction, as a handler would.
func issue(t *testing.T, app core.App, req invite.Request, now time.Time) (*core.Record, error) {
	t.Helper()
	var rec *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		r, err := invite.IssueAt(tx, req, now)
		rec = r
		return err
	})
	return rec, err
}

func count(t *testing.T, app core.App, collection, filter string) int {
	t.Helper()
	n, err := app.CountRecords(collection)
	if filter != "" {
		recs, ferr := app.FindRecordsByFilter(collection, filter, "", 0, 0)
		n, err = int64(len(recs)), ferr
	}
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestIssueAcceptLifecycle(t *testing.T) {
	app := testapp.New(t)
	now := time.Now().UTC()
	inv, err := issue(t, app, invite.Request{Email: " New.Person@Acme.test ", Name: "Nova Pessoa", Role: roles.PartnerUser,
		PartnerID: testapp.PartnerAcme, Locale: "pt-BR", InvitedBy: testapp.AcmeAdminID}, now)
	if err != nil {
		t.Fatal(err)
	}
	if inv.GetString("email") != "new.person@acme.test" || inv.GetString("status") != invite.StatusPending {
		t.Fatalf("stored %q %q", inv.GetString("email"), inv.GetString("status"))
	}
	if app.TestMailer.TotalSend() != 1 {
		t.Fatalf("sent %d e-mails, want 1", app.TestMailer.TotalSend())
	}
	m := app.TestMailer.LastMessage()
	for _, want := range []string{"Carla Mendes", "Acme", "Aceitar o convite", "expira em"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("e-mail lacks %q:\n%s", want, m.Text)
		}
	}
	token := testapp.LastInvitationToken(t, app)
	if strings.Contains(inv.GetString("token_hash"), token) || inv.GetString("token_hash") != invite.HashToken(token) {
		t.Fatal("the stored hash must be the token's SHA-256, never the token")
	}

	var user *core.Record
	err = app.RunInTransaction(func(tx core.App) error {
		u, err := invite.Accept(tx, token, invite.Acceptance{Name: "Nova P.", Password: "long-enough-1"}, now.Add(time.Hour))
		user = u
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if user.GetString("role") != roles.PartnerUser || user.GetString("partner") != testapp.PartnerAcme ||
		user.GetString("locale") != "pt-BR" || !user.Verified() || user.GetString("name") != "Nova P." ||
		!user.ValidatePassword("long-enough-1") {
		t.Fatalf("user %v", user.FieldsData())
	}
	inv, _ = app.FindRecordById(invite.Collection, inv.Id)
	if inv.GetString("status") != invite.StatusAccepted || inv.GetString("accepted_user") != user.Id {
		t.Fatalf("invitation after accept: %v", inv.FieldsData())
	}
	if count(t, app, "activity", "kind = 'invitation.accepted' && user = '"+user.Id+"'") != 1 ||
		count(t, app, "activity", "kind = 'invitation.sent' && partner = '"+testapp.PartnerAcme+"'") != 1 {
		t.Fatal("activity events missing")
	}
	// The inviter (Carla) hears of it, nobody else.
	if count(t, app, "notifications", "kind = 'invitation.accepted' && user = '"+testapp.AcmeAdminID+"'") != 1 ||
		count(t, app, "notifications", "kind = 'invitation.accepted'") != 1 {
		t.Fatal("the inviter was not notified exactly once")
	}
	// Replay: the link is single use.
	_, err = invite.Accept(app, token, invite.Acceptance{Password: "long-enough-2"}, now.Add(2*time.Hour))
	if !errors.Is(err, invite.ErrUsed) {
		t.Fatalf("replay: %v, want ErrUsed", err)
	}
}

func TestTokenRefusals(t *testing.T) {
	app := testapp.New(t)
	now := time.Now().UTC()
	if _, err := invite.Lookup(app, "forged", now); !errors.Is(err, invite.ErrUnknown) {
		t.Fatalf("forged: %v", err)
	}
	forged, _, _ := invite.NewToken()
	if _, err := invite.Lookup(app, forged, now); !errors.Is(err, invite.ErrUnknown) {
		t.Fatalf("well-formed forged: %v", err)
	}
	if _, err := issue(t, app, invite.Request{Email: "x@acme.test", Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme}, now); err != nil {
		t.Fatal(err)
	}
	token := testapp.LastInvitationToken(t, app)
	if _, err := invite.Lookup(app, token, now.Add(invite.Validity+time.Second)); !errors.Is(err, invite.ErrExpired) {
		t.Fatalf("after 7 days: %v, want ErrExpired", err)
	}
	if _, err := invite.Accept(app, token, invite.Acceptance{Password: "long-enough-1"}, now.Add(invite.Validity)); !errors.Is(err, invite.ErrExpired) {
		t.Fatalf("accept after 7 days: %v", err)
	}
	inv, _ := invite.Lookup(app, token, now)
	if err := invite.Revoke(app, inv, mustUser(t, app, testapp.GlobexAdminID), now); !errors.Is(err, invite.ErrForbidden) {
		t.Fatalf("Globex admin revoking Acme's: %v", err)
	}
	if err := invite.Revoke(app, inv, mustUser(t, app, testapp.ManagerAnaID), now); err != nil {
		t.Fatal(err)
	}
	if _, err := invite.Lookup(app, token, now); !errors.Is(err, invite.ErrRevoked) {
		t.Fatalf("revoked: %v", err)
	}
	if _, err := app.FindAuthRecordByEmail("users", "x@acme.test"); err == nil {
		t.Fatal("a user exists for a refused invitation")
	}
}

func mustUser(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	u, err := app.FindRecordById("users", id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestWhoMayInvite(t *testing.T) {
	app := testapp.New(t)
	now := time.Now().UTC()
	cases := []struct {
		name string
		req  invite.Request
		want error
	}{
		{"partner admin into Globex", invite.Request{Role: roles.PartnerUser, PartnerID: testapp.PartnerGlobex, InvitedBy: testapp.AcmeAdminID}, invite.ErrForbidden},
		{"partner admin grants manager", invite.Request{Role: roles.Manager, InvitedBy: testapp.AcmeAdminID}, invite.ErrForbidden},
		{"partner admin grants admin", invite.Request{Role: roles.Admin, InvitedBy: testapp.AcmeAdminID}, invite.ErrForbidden},
		{"partner user invites", invite.Request{Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme, InvitedBy: testapp.AcmeUserID}, invite.ErrForbidden},
		{"manager into a partner not theirs", invite.Request{Role: roles.PartnerAdmin, PartnerID: testapp.PartnerGlobex, InvitedBy: testapp.ManagerAnaID}, invite.ErrForbidden},
		{"manager grants manager", invite.Request{Role: roles.Manager, InvitedBy: testapp.ManagerAnaID}, invite.ErrForbidden},
		{"unknown inviter", invite.Request{Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme, InvitedBy: "nobody000000000"}, invite.ErrForbidden},
		{"already registered", invite.Request{Email: testapp.GlobexUserEmail, Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme, InvitedBy: testapp.AdminID}, invite.ErrAlreadyRegistered},
		{"registered, other case", invite.Request{Email: "FABIO@globex.test", Role: roles.PartnerUser, PartnerID: testapp.PartnerGlobex, InvitedBy: testapp.AdminID}, invite.ErrAlreadyRegistered},
		{"bad e-mail", invite.Request{Email: "not an address", Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme}, invite.ErrInvalidEmail},
		{"unknown role", invite.Request{Role: "superuser", PartnerID: testapp.PartnerAcme}, invite.ErrInvalidRole},
		{"partner role without partner", invite.Request{Role: roles.PartnerUser}, invite.ErrNoPartner},
		{"staff role with partner", invite.Request{Role: roles.Manager, PartnerID: testapp.PartnerAcme, InvitedBy: testapp.AdminID}, invite.ErrInvalidRole},
	}
	for _, c := range cases {
		if c.req.Email == "" {
			c.req.Email = "someone@new.test"
		}
		if _, err := issue(t, app, c.req, now); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if n := count(t, app, invite.Collection, ""); n != 0 || app.TestMailer.TotalSend() != 0 {
		t.Fatalf("refused requests wrote %d invitations and sent %d e-mails", n, app.TestMailer.TotalSend())
	}
	// Those who may: the Acme manager into Acme, an admin anything, the system.
	for i, req := range []invite.Request{
		{Role: roles.PartnerAdmin, PartnerID: testapp.PartnerAcme, InvitedBy: testapp.ManagerAnaID},
		{Role: roles.Manager, InvitedBy: testapp.AdminID},
		{Role: roles.PartnerUser, PartnerID: testapp.PartnerGlobex, InvitedBy: testapp.GlobexAdminID},
		{Role: roles.PartnerAdmin, PartnerID: testapp.PartnerGlobex},
	} {
		req.Email = "ok" + string(rune('a'+i)) + "@new.test"
		if _, err := issue(t, app, req, now); err != nil {
			t.Errorf("%+v: %v", req, err)
		}
	}
	// A second invitation to a pending address offers re-sending.
	_, err := issue(t, app, invite.Request{Email: "oka@new.test", Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme, InvitedBy: testapp.AdminID}, now)
	if !errors.Is(err, invite.ErrPending) {
		t.Fatalf("pending twice: %v", err)
	}
	// Once expired (not yet swept), the address can be invited again.
	if _, err := issue(t, app, invite.Request{Email: "oka@new.test", Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme, InvitedBy: testapp.AdminID}, now.Add(invite.Validity+time.Minute)); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
}

// failMail makes every e-mail fail, as a broken SMTP server would.
func failMail(app *tests.TestApp) {
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error { return errors.New("smtp down") })
}

func TestMailFailureLeavesNothing(t *testing.T) {
	app := testapp.New(t)
	failMail(app)
	partners := count(t, app, "partners", "")
	err := app.RunInTransaction(func(tx core.App) error {
		c, _ := tx.FindCollectionByNameOrId("partners")
		p := core.NewRecord(c)
		p.Set("name", "Initech")
		p.Set("slug", "initech")
		p.Set("status", "onboarding")
		p.Set("country", "BR")
		if err := tx.Save(p); err != nil {
			return err
		}
		_, err := invite.Issue(tx, invite.Request{Email: "boss@initech.test", Role: roles.PartnerAdmin, PartnerID: p.Id, InvitedBy: testapp.AdminID})
		return err
	})
	if err == nil {
		t.Fatal("a failed e-mail must fail the invitation")
	}
	if count(t, app, "partners", "") != partners || count(t, app, invite.Collection, "") != 0 ||
		count(t, app, "activity", "kind = 'invitation.sent'") != 0 {
		t.Fatal("a failed e-mail left a partner, an invitation or an event behind")
	}
}

func TestResendCooldownAndRotation(t *testing.T) {
	app := testapp.New(t)
	now := time.Now().UTC()
	inv, err := issue(t, app, invite.Request{Email: "r@acme.test", Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme, InvitedBy: testapp.AcmeAdminID}, now)
	if err != nil {
		t.Fatal(err)
	}
	first := testapp.LastInvitationToken(t, app)
	carla := mustUser(t, app, testapp.AcmeAdminID)
	var cd *invite.CooldownError
	if err := invite.Resend(app, inv, carla, now.Add(5*time.Minute)); !errors.As(err, &cd) || cd.Minutes(now.Add(5*time.Minute)) != 5 {
		t.Fatalf("within the cooldown: %v", err)
	}
	if err := invite.Resend(app, inv, mustUser(t, app, testapp.GlobexAdminID), now.Add(time.Hour)); !errors.Is(err, invite.ErrForbidden) {
		t.Fatalf("other partner's admin: %v", err)
	}
	later := now.Add(2 * 24 * time.Hour)
	if err := invite.Resend(app, inv, carla, later); err != nil {
		t.Fatal(err)
	}
	second := testapp.LastInvitationToken(t, app)
	if second == first {
		t.Fatal("re-sending must issue a new token")
	}
	if _, err := invite.Lookup(app, first, later); !errors.Is(err, invite.ErrUnknown) {
		t.Fatalf("old link after re-send: %v", err)
	}
	got, err := invite.Lookup(app, second, later)
	if err != nil || !got.GetDateTime("expires").Time().Equal(later.Add(invite.Validity).Truncate(time.Millisecond)) || got.GetInt("send_count") != 2 {
		t.Fatalf("after re-send: %v %v", err, got.FieldsData())
	}
}

func TestRemindersOnceAndExpiry(t *testing.T) {
	app := testapp.New(t)
	now := time.Now().UTC()
	if _, err := issue(t, app, invite.Request{Email: "slow@acme.test", Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme, InvitedBy: testapp.AcmeAdminID}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := issue(t, app, invite.Request{Email: "fresh@acme.test", Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme}, now.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	app.TestMailer.Reset()
	if n, err := invite.SendReminders(app, now.Add(2*24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("after 2 days: %d %v", n, err)
	}
	at := now.Add(3*24*time.Hour + time.Minute)
	if n, err := invite.SendReminders(app, at); err != nil || n != 1 {
		t.Fatalf("after 3 days: %d reminders, %v", n, err)
	}
	m := app.TestMailer.LastMessage()
	if m.To[0].Address != "slow@acme.test" || !strings.Contains(m.Subject, "Lembrete") {
		t.Fatalf("reminder to %v: %q", m.To, m.Subject)
	}
	token := testapp.LastInvitationToken(t, app)
	if _, err := invite.Lookup(app, token, at); err != nil {
		t.Fatalf("the reminder's link: %v", err)
	}
	if n, err := invite.SendReminders(app, at.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("an hour after the reminder: %d reminders, %v; want none", n, err)
	}
	if n, err := invite.SendReminders(app, now.Add(6*24*time.Hour)); err != nil || n != 1 {
		t.Fatalf("day 6: %d reminders, %v; want the younger one's", n, err)
	}
	// Only the fresh one was due by day 6 (2 + 3 days), the slow one never twice.
	if app.TestMailer.TotalSend() != 2 {
		t.Fatalf("%d reminder e-mails, want 2 (one each)", app.TestMailer.TotalSend())
	}
	if n, err := invite.ExpireDue(app, now.Add(invite.Validity+time.Minute)); err != nil || n != 1 {
		t.Fatalf("expired %d, %v; want 1", n, err)
	}
	if count(t, app, invite.Collection, "status = 'expired' && email = 'slow@acme.test'") != 1 {
		t.Fatal("the 7-day-old invitation is not expired")
	}
}

func TestDailyLimit(t *testing.T) {
	app := testapp.New(t)
	now := time.Now().UTC()
	for i := 0; i < invite.DailyLimit; i++ {
		req := invite.Request{Email: "c" + strconv.Itoa(i) + "@acme.test", Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme, InvitedBy: testapp.AcmeAdminID}
		if _, err := issue(t, app, req, now); err != nil {
			t.Fatalf("invitation %d: %v", i, err)
		}
	}
	over := invite.Request{Email: "over@acme.test", Role: roles.PartnerUser, PartnerID: testapp.PartnerAcme, InvitedBy: testapp.AcmeAdminID}
	if _, err := issue(t, app, over, now); !errors.Is(err, invite.ErrTooMany) {
		t.Fatalf("over the daily limit: %v", err)
	}
	// Admins and the system are not bound; the next day the partner admin is not either.
	over.InvitedBy = testapp.AdminID
	if _, err := issue(t, app, over, now); err != nil {
		t.Fatalf("admin: %v", err)
	}
	over.Email, over.InvitedBy = "next@acme.test", testapp.AcmeAdminID
	if _, err := issue(t, app, over, now.Add(25*time.Hour)); err != nil {
		t.Fatalf("the next day: %v", err)
	}
}

func TestStaffInvitationMail(t *testing.T) {
	app := testapp.New(t)
	if _, err := issue(t, app, invite.Request{Email: "new.manager@vendor.test", Role: roles.Manager, Locale: "en", InvitedBy: testapp.AdminID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	m := app.TestMailer.LastMessage()
	if !strings.Contains(m.Subject, "team") || !strings.Contains(m.Text, "Alice Admin invited you to join the") || !strings.Contains(m.Text, "Channel manager") {
		t.Fatalf("staff invitation e-mail %q:\n%s", m.Subject, m.Text)
	}
}

func TestSuspendedPartner(t *testing.T) {
	app := testapp.New(t)
	globex, err := app.FindRecordById("partners", testapp.PartnerGlobex)
	if err != nil {
		t.Fatal(err)
	}
	globex.Set("status", "suspended")
	if err := app.Save(globex); err != nil {
		t.Fatal(err)
	}
	req := invite.Request{Email: "s@globex.test", Role: roles.PartnerUser, PartnerID: testapp.PartnerGlobex, InvitedBy: testapp.AdminID}
	if _, err := issue(t, app, req, time.Now()); !errors.Is(err, invite.ErrPartnerSuspended) {
		t.Fatalf("admin into a suspended partner: %v", err)
	}
	// Someone who may not invite there learns nothing about its status.
	req.InvitedBy = testapp.AcmeAdminID
	if _, err := issue(t, app, req, time.Now()); !errors.Is(err, invite.ErrForbidden) {
		t.Fatalf("Acme's admin into suspended Globex: %v", err)
	}
}
