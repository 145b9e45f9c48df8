package ui

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// conversationNewData is the new-conversation form's data.
type conversationNewData struct {
	// Partners are the staff's choices (the partners their rule shows);
	// empty for a partner user, whose conversation is their own partner's.
	Partners []Option
	IsStaff  bool
	// Manager names a partner user's channel manager, the other side of
	// the conversation ("" when the partner has none).
	Manager  string
	MaxFiles int
	MaxBytes int64
}

// maxSubject bounds a conversation's subject (the schema's limit).
const maxSubject = 200

// partnerAdminsInvited bounds the partner admins a staff-started
// conversation includes.
const partnerAdminsInvited = 10

func (u *portal) conversationForm(e *core.RequestEvent) (*Page, error) {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	d := &conversationNewData{IsStaff: roles.IsStaff(roles.Of(c.User)), MaxFiles: hooks.MaxAttachments, MaxBytes: hooks.MaxAttachmentBytes}
	if d.IsStaff {
		for page := 1; page <= maxPartnerOptionPages; page++ {
			partners, err := access.ListVisible(e.App, info, "partners", access.ListOptions{Sort: []string{"name"}, Page: page, PerPage: 200})
			if err != nil {
				return nil, err
			}
			for _, p := range partners.Items {
				d.Partners = append(d.Partners, Option{Value: p.Id, Label: p.GetString("name")})
			}
			if !partners.HasMore {
				break
			}
		}
	} else if p, err := access.FindVisible(e.App, info, "partners", c.User.GetString("partner")); err == nil {
		if m, err := access.FindVisible(e.App, info, "users", p.GetString("manager")); err == nil {
			d.Manager = m.GetString("name")
		}
	}
	return &Page{Title: u.t(e, "conversations.new"), Data: d, Errors: map[string]string{}, Values: map[string]string{}}, nil
}

func (u *portal) conversationNewShow(e *core.RequestEvent) error {
	if !canStartConversation(getCtx(e).User) {
		return e.ForbiddenError("", errors.New("this role starts no conversations"))
	}
	p, err := u.conversationForm(e)
	if err != nil {
		return err
	}
	p.Values["partner"] = e.Request.URL.Query().Get("partner")
	return u.render(e, http.StatusOK, "conversation_new", p)
}

// conversationNewSubmit starts a conversation with its first message (and
// attachments) in one transaction. A partner user's conversation is their
// partner's, with their channel manager; staff choose a partner their rule
// shows them, and its partner admins are invited with its manager.
func (u *portal) conversationNewSubmit(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	if !canStartConversation(c.User) {
		return e.ForbiddenError("", errors.New("this role starts no conversations"))
	}
	p, err := u.conversationForm(e)
	if err != nil {
		return err
	}
	d := p.Data.(*conversationNewData)
	subject, body := formValue(e, "subject"), formValue(e, "body")
	p.Values["subject"], p.Values["body"] = subject, body
	info := access.Info(c.User, http.MethodGet, nil)

	partnerID := c.User.GetString("partner")
	if d.IsStaff {
		partnerID = formValue(e, "partner")
		p.Values["partner"] = partnerID
		if _, err := access.FindVisible(e.App, info, "partners", partnerID); err != nil {
			p.Errors["partner"] = tr(loc, "validation.partner_required")
		}
	}
	switch {
	case subject == "":
		p.Errors["subject"] = tr(loc, "validation.required")
	case utf8.RuneCountInString(subject) > maxSubject:
		p.Errors["subject"] = tr(loc, "validation.max_text_constraint")
	}
	files, msg := messageFiles(e)
	if msg != "" {
		p.Errors["attachments"] = tr(loc, msg)
	}
	if body == "" && len(files) == 0 && p.Errors["attachments"] == "" {
		p.Errors["body"] = tr(loc, "validation.message_empty")
	}
	if len(p.Errors) > 0 {
		return u.render(e, formStatus(loc, p.Errors), "conversation_new", p)
	}

	var participants []string
	if d.IsStaff {
		participants = []string{c.User.Id}
		if partner, err := e.App.FindRecordById("partners", partnerID); err == nil && partner.GetString("manager") != "" {
			participants = append(participants, partner.GetString("manager"))
		}
		admins, err := access.ListVisible(e.App, info, "users", access.ListOptions{
			Where: []dbx.Expression{dbx.HashExp{"users.partner": partnerID, "users.role": roles.PartnerAdmin, "users.deactivated": false}},
			Sort:  []string{"name"}, PerPage: partnerAdminsInvited})
		if err != nil {
			return err
		}
		for _, a := range admins.Items {
			participants = append(participants, a.Id)
		}
	}
	convs, err := e.App.FindCachedCollectionByNameOrId("conversations")
	if err != nil {
		return err
	}
	msgs, err := e.App.FindCachedCollectionByNameOrId("messages")
	if err != nil {
		return err
	}
	conv := core.NewRecord(convs)
	err = e.App.RunInTransaction(func(tx core.App) error {
		convBody := map[string]any{"partner": partnerID, "subject": subject, "created_by": c.User.Id}
		if participants != nil {
			convBody["participants"] = participants
		}
		if err := access.Create(tx, access.Info(c.User, http.MethodPost, convBody), conv); err != nil {
			return err
		}
		m := core.NewRecord(msgs)
		m.Set("attachments", files)
		return access.Create(tx, access.Info(c.User, http.MethodPost,
			map[string]any{"conversation": conv.Id, "author": c.User.Id, "body": body}), m)
	})
	if err != nil {
		return u.messageSaveError(e, p, "conversation_new", err)
	}
	markConversationRead(e, conv)
	u.setFlash(e, "flash.conversation_started")
	return e.Redirect(http.StatusSeeOther, "/conversations/"+conv.Id)
}

// messageFiles reads the files of the attachments field; the message is a
// catalogue key when they cannot be read or are too many.
func messageFiles(e *core.RequestEvent) ([]*filesystem.File, string) {
	if e.Request.MultipartForm == nil {
		return nil, ""
	}
	var files []*filesystem.File
	for _, fh := range e.Request.MultipartForm.File["attachments"] {
		if fh.Size == 0 && fh.Filename == "" {
			continue // an empty file input
		}
		if len(files) == hooks.MaxAttachments {
			return nil, "validation.message_attachments_too_many"
		}
		if fh.Size > hooks.MaxAttachmentBytes {
			return nil, "validation.message_attachment_too_large"
		}
		f, err := filesystem.NewFileFromMultipart(fh)
		if err != nil {
			return nil, "validation.invalid_file"
		}
		files = append(files, f)
	}
	return files, ""
}

// formStatus is the status of a form shown again with errors: 413 when a
// file is over the limit, else 400.
func formStatus(loc string, errs map[string]string) int {
	if m := errs["attachments"]; m != "" && m == tr(loc, "validation.message_attachment_too_large") {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// messageSaveError shows a form again after a failed save: a flood is a
// 429 with its message, a refused rule a 403, field errors beside their
// fields (413 for a file over the limit), anything else an error page.
func (u *portal) messageSaveError(e *core.RequestEvent, p *Page, page string, err error) error {
	loc := u.locale(e)
	switch {
	case errors.Is(err, hooks.ErrMessageFlood):
		p.FormErr = tr(loc, "conversations.flood")
		return u.render(e, http.StatusTooManyRequests, page, p)
	case errors.Is(err, access.ErrForbidden):
		return e.ForbiddenError("", err)
	}
	errs, ok := validationMessages(loc, err)
	if !ok {
		return err
	}
	for k, v := range errs {
		switch k {
		case "subject", "body", "attachments", "partner":
			p.Errors[k] = v
		default:
			p.FormErr = v
		}
	}
	return u.render(e, formStatus(loc, p.Errors), page, p)
}
