package notify_test

import (
	"errors"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/live"
	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestSendBulk: a large audience is written with multi-row inserts, with the
// same outcome as record saves: titles in each recipient's language, a live
// bell update for open pages and an immediate e-mail for those who chose it —
// after the commit, and none of it when the transaction rolls back.
func TestSendBulk(t *testing.T) {
	app := testapp.New(t)
	old := notify.BulkThreshold
	notify.BulkThreshold = 0
	t.Cleanup(func() { notify.BulkThreshold = old })
	setPref(t, app, testapp.GlobexUserID, notify.EmailImmediate, false)
	setPref(t, app, testapp.AcmeAdminID, notify.EmailImmediate, false)
	sub := live.For(app).Subscribe(testapp.AcmeUserID)
	defer sub.Close()

	// A rolled-back transaction leaves nothing and tells nobody.
	boom := errors.New("rolled back")
	err := app.RunInTransaction(func(tx core.App) error {
		if err := notify.Send(tx, notify.KindDocumentRevised, "/documents/x", testapp.AdminID, []any{"Price list"},
			testapp.AcmeUserID, testapp.GlobexUserID, testapp.AcmeAdminID); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n, _ := app.CountRecords("notifications"); n != 0 {
		t.Fatalf("%d notifications after a rollback", n)
	}
	if len(app.TestMailer.Messages()) != 0 || len(sub.C) != 0 {
		t.Fatal("a rolled-back notification was e-mailed or published")
	}

	err = app.RunInTransaction(func(tx core.App) error {
		return notify.Send(tx, notify.KindDocumentRevised, "/documents/x", testapp.AdminID, []any{"Price list"},
			testapp.AcmeUserID, testapp.GlobexUserID, testapp.AcmeAdminID, testapp.AdminID)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{testapp.AcmeUserID: "Price list foi atualizado", testapp.GlobexUserID: "Price list was updated",
		testapp.AcmeAdminID: "Price list foi atualizado"}
	for user, title := range want {
		recs, err := app.FindRecordsByFilter("notifications", "user = {:u}", "", 0, 0, dbx.Params{"u": user})
		if err != nil || len(recs) != 1 {
			t.Fatalf("%s: %d notifications (%v)", user, len(recs), err)
		}
		if got := recs[0].GetString("title"); got != title {
			t.Errorf("%s title = %q, want %q", user, got, title)
		}
	}
	if n, _ := app.CountRecords("notifications", dbx.HashExp{"user": testapp.AdminID}); n != 0 {
		t.Error("the actor was notified")
	}
	select {
	case ev := <-sub.C:
		if ev.Type != notify.LiveEvent || ev.Data != "1" {
			t.Errorf("live event %+v, want the count 1", ev)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no live bell update for the open page")
	}
	if got := len(mailTo(app, testapp.GlobexUserEmail)) + len(mailTo(app, testapp.AcmeAdminEmail)); got != 2 {
		t.Fatalf("%d immediate e-mails, want 2", got)
	}
	if len(mailTo(app, testapp.AcmeUserEmail)) != 0 {
		t.Error("a digest user got an immediate e-mail")
	}
}
