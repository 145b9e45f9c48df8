package ui

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// conversationListData is the conversations page's data.
type conversationListData struct {
	Conversations []*ConversationView
	Pager         Pager
	CanStart      bool
	// ShowPartner names each conversation's partner (staff see several).
	ShowPartner bool
}

// conversationList lists the conversations the viewer may see, latest
// activity first, with their unread counts. The rule is narrowed to the
// viewer's partners (withScope) so SQLite walks the partner index; the rule
// still applies.
func (u *portal) conversationList(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	info := access.Info(c.User, http.MethodGet, nil)
	errs := map[string]string{}
	_, pageNo := listQuery(loc, e.Request.URL.Query(), errs)
	d := &conversationListData{CanStart: canStartConversation(c.User), ShowPartner: roles.IsStaff(roles.Of(c.User))}
	p := &Page{Title: u.t(e, "conversations.title"), Data: d, Errors: errs, Values: map[string]string{}}
	page, err := access.ListVisible(e.App, info, "conversations", access.ListOptions{
		Where: withScope(c.User, "conversations.partner"),
		Sort:  []string{"-last_message_at"}, Page: pageNo, PerPage: conversationsPerPage,
	})
	if err != nil {
		return err
	}
	if d.Conversations, err = conversationViews(e.App, info, page.Items); err != nil {
		return err
	}
	if err := fillUnread(e.App, info, d.Conversations); err != nil {
		return err
	}
	d.Pager = newPager("/conversations", nil, pageNo, page.HasMore)
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	}
	return u.render(e, status, "conversation_list", p)
}
