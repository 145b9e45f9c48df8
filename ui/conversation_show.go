package ui

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
)

// conversationShowData is a conversation page's data.
type conversationShowData struct {
	Conv     *ConversationView
	Messages []*MessageView
	// EarlierID is the first message shown when older ones exist ("" when
	// the page starts at the beginning); LastID the newest shown, where
	// the live fetch continues.
	EarlierID, LastID string
	// Older is true for a window of older messages (?before=), which links
	// back to the latest.
	Older    bool
	MaxFiles int
	MaxBytes int64
}

// conversationShow shows the latest messages of a conversation (or, with
// ?before=<message>, the ones before that message) and the send form, and
// records that the viewer has read it.
func (u *portal) conversationShow(e *core.RequestEvent) error {
	conv, info, err := visibleConversation(e)
	if err != nil {
		return err
	}
	markLinkRead(e, "/conversations/"+conv.Id)
	p, err := u.conversationPage(e, info, conv, e.Request.URL.Query().Get("before"))
	if err != nil {
		return err
	}
	if !p.Data.(*conversationShowData).Older {
		markConversationRead(e, conv)
	}
	return u.render(e, http.StatusOK, "conversation_show", p)
}

// conversationPage builds a conversation page ending before the message
// named by before ("" for the latest).
func (u *portal) conversationPage(e *core.RequestEvent, info *core.RequestInfo, conv *core.Record, before string) (*Page, error) {
	views, err := conversationViews(e.App, info, []*core.Record{conv})
	if err != nil {
		return nil, err
	}
	d := &conversationShowData{Conv: views[0], MaxFiles: hooks.MaxAttachments, MaxBytes: hooks.MaxAttachmentBytes}
	if d.Conv.Participants, err = participantNames(e.App, info, conv); err != nil {
		return nil, err
	}
	var cursor *core.Record
	if before != "" {
		if cursor, err = conversationMessage(e, info, conv, before); err != nil {
			return nil, err
		}
		d.Older = true
	}
	recs, more, err := olderMessages(e.App, info, conv, cursor, messagesPerPage)
	if err != nil {
		return nil, err
	}
	if d.Messages, err = u.messageViews(e, info, conv, recs); err != nil {
		return nil, err
	}
	if more && len(recs) > 0 {
		d.EarlierID = recs[0].Id
	}
	if len(recs) > 0 && !d.Older {
		d.LastID = recs[len(recs)-1].Id
	}
	return &Page{Title: d.Conv.Subject, Data: d, Errors: map[string]string{}, Values: map[string]string{}}, nil
}

// conversationMessage loads a message of the conversation through the
// messages View rule; 404 when it is not one of the conversation's.
func conversationMessage(e *core.RequestEvent, info *core.RequestInfo, conv *core.Record, id string) (*core.Record, error) {
	m, err := access.FindVisible(e.App, info, "messages", id)
	if err != nil || m.GetString("conversation") != conv.Id {
		return nil, e.NotFoundError("", errors.Join(err, errors.New("message of another conversation")))
	}
	return m, nil
}

// Messages are ordered by (created, id), newest last on the page. A page
// walks the (conversation, created) index backwards from a cursor; ties in
// created (the same millisecond) are broken by id.

// olderMessages returns up to n messages before cursor (the latest when
// cursor is nil) in page order, and whether older ones remain.
func olderMessages(app core.App, info *core.RequestInfo, conv, cursor *core.Record, n int) ([]*core.Record, bool, error) {
	where := []dbx.Expression{dbx.HashExp{"messages.conversation": conv.Id}}
	if cursor != nil {
		c := cursor.GetDateTime("created").String()
		where = append(where, dbx.NewExp("[[messages.created]] <= {:curC} AND ([[messages.created]] < {:curC} OR [[messages.id]] > {:curID})",
			dbx.Params{"curC": c, "curID": cursor.Id}))
	}
	// "-created" and ListVisible's own "id ASC": the index gives the order
	// of created, a small sort the ties.
	page, err := access.ListVisible(app, info, "messages", access.ListOptions{Where: where, Sort: []string{"-created"}, PerPage: n})
	if err != nil {
		return nil, false, err
	}
	slices.Reverse(page.Items)
	return page.Items, page.HasMore, nil
}

// newerMessages returns up to n messages after cursor in page order (the
// latest n when cursor is nil), and whether more remain.
func newerMessages(app core.App, info *core.RequestInfo, conv, cursor *core.Record, n int) ([]*core.Record, bool, error) {
	if cursor == nil {
		recs, _, err := olderMessages(app, info, conv, nil, n)
		return recs, false, err
	}
	c := cursor.GetDateTime("created").String()
	page, err := access.ListVisible(app, info, "messages", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"messages.conversation": conv.Id},
			dbx.NewExp("[[messages.created]] >= {:curC} AND ([[messages.created]] > {:curC} OR [[messages.id]] < {:curID})",
				dbx.Params{"curC": c, "curID": cursor.Id})},
		Sort: []string{"created", "-id"}, PerPage: n})
	if err != nil {
		return nil, false, err
	}
	return page.Items, page.HasMore, nil
}

// participantNames names the participants the viewer may see.
func participantNames(app core.App, info *core.RequestInfo, conv *core.Record) ([]string, error) {
	ids := conv.GetStringSlice("participants")
	anyIDs := make([]any, len(ids))
	for i, id := range ids {
		anyIDs[i] = id
	}
	users, err := visibleByID(app, info, "users", anyIDs)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, id := range ids {
		if u := users[id]; u != nil && u.GetString("name") != "" {
			names = append(names, u.GetString("name"))
		}
	}
	return names, nil
}

// markConversationRead moves the viewer's last_read of a conversation to
// now, through the conversation_reads rules (their own row). Nothing is
// written when nothing arrived since the last read. It is best effort: a
// failure is logged, the page still shows.
func markConversationRead(e *core.RequestEvent, conv *core.Record) {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	reads, err := lastReads(e.App, info, []any{conv.Id})
	if err == nil {
		now := types.NowDateTime()
		if r := reads[conv.Id]; r != nil {
			if r.GetDateTime("last_read").Time().Before(conv.GetDateTime("last_message_at").Time()) ||
				r.GetDateTime("last_read").IsZero() {
				err = access.Update(e.App, access.Info(user, http.MethodPatch, map[string]any{"last_read": now}), r)
			}
		} else {
			var c *core.Collection
			if c, err = e.App.FindCachedCollectionByNameOrId("conversation_reads"); err == nil {
				err = access.Create(e.App, access.Info(user, http.MethodPost,
					map[string]any{"conversation": conv.Id, "user": user.Id, "last_read": now}), core.NewRecord(c))
			}
		}
	}
	if err != nil {
		e.App.Logger().Warn("marking a conversation read", "conversation", conv.Id, "error", err)
	}
}

// conversationMessages answers the page's fetches with a fragment of message
// items: ?after=<message> the new ones (the live update and its polling
// fallback; the viewer has then read them), ?before=<message> the earlier
// ones with their own "earlier messages" link.
func (u *portal) conversationMessages(e *core.RequestEvent) error {
	conv, info, err := visibleConversation(e)
	if err != nil {
		return err
	}
	q := e.Request.URL.Query()
	d := &conversationShowData{}
	views, err := conversationViews(e.App, info, []*core.Record{conv})
	if err != nil {
		return err
	}
	d.Conv = views[0]
	var recs []*core.Record
	if before := q.Get("before"); before != "" {
		cursor, err := conversationMessage(e, info, conv, before)
		if err != nil {
			return err
		}
		var more bool
		if recs, more, err = olderMessages(e.App, info, conv, cursor, messagesPerPage); err != nil {
			return err
		}
		if more && len(recs) > 0 {
			d.EarlierID = recs[0].Id
		}
	} else {
		var cursor *core.Record
		if after := q.Get("after"); after != "" {
			if cursor, err = conversationMessage(e, info, conv, after); err != nil {
				return err
			}
		}
		if recs, _, err = newerMessages(e.App, info, conv, cursor, newMessagesMax); err != nil {
			return err
		}
		if len(recs) > 0 {
			markConversationRead(e, conv)
		}
	}
	if d.Messages, err = u.messageViews(e, info, conv, recs); err != nil {
		return err
	}
	return u.renderFragment(e, "conversation_show", "conversation_messages", &Page{Data: d})
}

// conversationSend adds a message (Markdown and attachments) to a
// conversation the viewer may see, in one transaction with its side effects:
// a message whose attachment is refused is not saved. Errors show the page
// again with what was typed.
func (u *portal) conversationSend(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	conv, info, err := visibleConversation(e)
	if err != nil {
		return err
	}
	body := strings.TrimRight(e.Request.PostFormValue("body"), " \t\r\n")
	body = strings.ToValidUTF8(body, "")
	files, key := messageFiles(e)
	reshow := func(errs map[string]string, formErr string, saveErr error) error {
		p, err := u.conversationPage(e, info, conv, "")
		if err != nil {
			return err
		}
		p.Values["body"] = body
		if saveErr != nil {
			return u.messageSaveError(e, p, "conversation_show", saveErr)
		}
		p.Errors, p.FormErr = errs, formErr
		return u.render(e, formStatus(loc, errs), "conversation_show", p)
	}
	if key != "" {
		return reshow(map[string]string{"attachments": tr(loc, key)}, "", nil)
	}
	if strings.TrimSpace(body) == "" && len(files) == 0 {
		return reshow(map[string]string{"body": tr(loc, "validation.message_empty")}, "", nil)
	}
	msgs, err := e.App.FindCachedCollectionByNameOrId("messages")
	if err != nil {
		return err
	}
	m := core.NewRecord(msgs)
	m.Set("attachments", files)
	err = e.App.RunInTransaction(func(tx core.App) error {
		return access.Create(tx, access.Info(c.User, http.MethodPost,
			map[string]any{"conversation": conv.Id, "author": c.User.Id, "body": body}), m)
	})
	if err != nil {
		return reshow(nil, "", err)
	}
	if fresh, err := e.App.FindRecordById("conversations", conv.Id); err == nil {
		markConversationRead(e, fresh)
	}
	return e.Redirect(http.StatusSeeOther, "/conversations/"+conv.Id+"#m-"+m.Id)
}

// conversationAttachment streams one attachment of a message after the
// conversation's and the message's View rules, always as a download with a
// sandboxing CSP, like document versions.
func (u *portal) conversationAttachment(e *core.RequestEvent) error {
	conv, info, err := visibleConversation(e)
	if err != nil {
		return err
	}
	m, err := conversationMessage(e, info, conv, e.Request.PathValue("msg"))
	if err != nil {
		return err
	}
	file := e.Request.PathValue("file")
	if !slices.Contains(m.GetStringSlice("attachments"), file) {
		return e.NotFoundError("", errors.New("no such attachment"))
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	key := m.BaseFilesPath() + "/" + file
	attrs, err := fsys.Attributes(key)
	if err != nil {
		return e.NotFoundError("", errors.New("attachment missing from storage"))
	}
	name := attachmentName(m, file)
	h := e.Response.Header()
	h.Set("Content-Disposition", "attachment; filename=\""+asciiName(name)+"\"; filename*=UTF-8''"+rfc5987(name))
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-cache")
	mime, _, _ := strings.Cut(attrs.ContentType, ";")
	if mime == "" || activeType(mime) {
		mime = "application/octet-stream"
	}
	h.Set("Content-Type", mime)
	return fsys.Serve(e.Response, e.Request, key, name)
}
