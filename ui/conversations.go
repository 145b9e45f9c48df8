package ui

import (
	"errors"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// conversationRoutes binds the conversations pages and the live stream: in
// for signed-in users, staff for vendor staff only, g for guests too.
func (u *portal) conversationRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	in.GET("/conversations", u.conversationList)
	in.GET("/conversations/new", u.conversationNewShow)
	// Messages carry attachments: the route has its own limit (parseForm,
	// messageUploadPath) instead of PocketBase's default 32 MB.
	in.POST("/conversations/new", u.conversationNewSubmit).Unbind(apis.DefaultBodyLimitMiddlewareId)
	in.GET("/conversations/{id}", u.conversationShow)
	in.GET("/conversations/{id}/messages", u.conversationMessages)
	in.POST("/conversations/{id}/messages", u.conversationSend).Unbind(apis.DefaultBodyLimitMiddlewareId)
	in.GET("/conversations/{id}/messages/{msg}/files/{file}", u.conversationAttachment)
	// A live connection stays open for minutes: it is not worth a request
	// log line each time it ends normally.
	in.GET("/live", u.liveStream).Bind(apis.SkipSuccessActivityLog())
}

// Limits of conversation pages.
const (
	// conversationsPerPage is the length of a page of the conversations list.
	conversationsPerPage = 25
	// messagesPerPage is how many messages a conversation page shows, and how
	// many "earlier messages" adds.
	messagesPerPage = 30
	// newMessagesMax bounds one live fetch of new messages.
	newMessagesMax = 50
	// unreadCap is the highest unread count shown exactly ("9+" above it):
	// counting stops there, so no page counts a long conversation.
	unreadCap = 9
	// maxMessageUploadBytes bounds a message's multipart body: five files of
	// 10 MB and the form.
	maxMessageUploadBytes = hooks.MaxAttachments*hooks.MaxAttachmentBytes + 1<<20
)

// messageUploadPath matches the routes that take message attachments, whose
// body limit is maxMessageUploadBytes (see parseForm).
var messageUploadPath = regexp.MustCompile(`^/conversations/(new|[a-z0-9]{15}/messages)$`)

// ConversationView is a conversation as the list and its page show it.
type ConversationView struct {
	ID, Subject, PartnerID, PartnerName string
	LastMessage                         time.Time
	// Unread counts the viewer's unread messages up to unreadCap+1;
	// UnreadLabel shows it ("3", "9+").
	Unread       int
	UnreadLabel  string
	Participants []string
}

// MessageView is one message of a conversation.
type MessageView struct {
	ID, Author, Initials, Org string
	Staff, Mine               bool
	Created                   time.Time
	Body                      template.HTML // rendered and sanitised on save
	Attachments               []AttachmentView
}

// AttachmentView is one file of a message.
type AttachmentView struct {
	Name, URL string
}

// visibleConversation loads the conversation in the path through its View
// rule: 404 when it does not exist or the viewer may not see it.
func visibleConversation(e *core.RequestEvent) (*core.Record, *core.RequestInfo, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, "conversations", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, nil, e.NotFoundError("", err)
	}
	return rec, info, err
}

// conversationViews maps conversations, naming their partners through the
// viewer's own access.
func conversationViews(app core.App, info *core.RequestInfo, recs []*core.Record) ([]*ConversationView, error) {
	ids := make([]any, 0, len(recs))
	for _, r := range recs {
		ids = append(ids, r.GetString("partner"))
	}
	partners, err := visibleByID(app, info, "partners", ids)
	if err != nil {
		return nil, err
	}
	out := make([]*ConversationView, len(recs))
	for i, r := range recs {
		v := &ConversationView{ID: r.Id, Subject: r.GetString("subject"), PartnerID: r.GetString("partner"),
			LastMessage: r.GetDateTime("last_message_at").Time()}
		if p := partners[v.PartnerID]; p != nil {
			v.PartnerName = p.GetString("name")
		}
		out[i] = v
	}
	return out, nil
}

// lastReads returns the viewer's last_read of each conversation (through the
// conversation_reads List rule: their own).
func lastReads(app core.App, info *core.RequestInfo, convIDs []any) (map[string]*core.Record, error) {
	out := map[string]*core.Record{}
	if len(convIDs) == 0 || info.Auth == nil {
		return out, nil
	}
	page, err := access.ListVisible(app, info, "conversation_reads", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"conversation_reads.user": info.Auth.Id},
			dbx.In("conversation_reads.conversation", convIDs...)}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	for _, r := range page.Items {
		out[r.GetString("conversation")] = r
	}
	return out, nil
}

// fillUnread sets each conversation's unread count for the viewer: messages
// by others after their last read, counted through the messages List rule
// and at most unreadCap+1 per conversation (a LIMIT inside each
// conversation's slice of the (conversation, created) index), in one query.
// Conversations with nothing new since the last read cost nothing.
func fillUnread(app core.App, info *core.RequestInfo, views []*ConversationView) error {
	ids := make([]any, len(views))
	for i, v := range views {
		ids[i] = v.ID
	}
	reads, err := lastReads(app, info, ids)
	if err != nil {
		return err
	}
	var parts []string
	params := dbx.Params{"unreadMe": info.Auth.Id}
	for i, v := range views {
		var last time.Time
		if r := reads[v.ID]; r != nil {
			last = r.GetDateTime("last_read").Time()
		}
		if !last.IsZero() && !v.LastMessage.After(last) {
			continue
		}
		c, t := "unreadC"+strconv.Itoa(i), "unreadT"+strconv.Itoa(i)
		params[c], params[t] = v.ID, ""
		if !last.IsZero() {
			params[t] = last.UTC().Format("2006-01-02 15:04:05.000Z")
		}
		parts = append(parts, "SELECT [[id]] FROM (SELECT [[id]] FROM {{messages}} WHERE [[conversation]] = {:"+c+
			"} AND [[created]] > {:"+t+"} AND [[author]] != {:unreadMe} ORDER BY [[created]] LIMIT "+strconv.Itoa(unreadCap+1)+")")
	}
	if len(parts) == 0 {
		return nil
	}
	counts, err := access.CountVisibleBy(app, info, "messages", "conversation", "", 0,
		dbx.NewExp("[[messages.id]] IN ("+strings.Join(parts, " UNION ALL ")+")", params))
	if err != nil {
		return err
	}
	byConv := map[string]int{}
	for _, c := range counts {
		byConv[c.Key] = c.Rows
	}
	for _, v := range views {
		v.Unread = byConv[v.ID]
		v.UnreadLabel = strconv.Itoa(v.Unread)
		if v.Unread > unreadCap {
			v.UnreadLabel = strconv.Itoa(unreadCap) + "+"
		}
	}
	return nil
}

// messageViews maps messages, naming their authors and organisations through
// the viewer's own access: a vendor employee the viewer may not see (an
// admin, for a partner user) shows as the vendor's team.
func (u *portal) messageViews(e *core.RequestEvent, info *core.RequestInfo, conv *core.Record, recs []*core.Record) ([]*MessageView, error) {
	c := getCtx(e)
	authorIDs := make([]any, 0, len(recs))
	for _, r := range recs {
		if a := r.GetString("author"); a != "" {
			authorIDs = append(authorIDs, a)
		}
	}
	authors, err := visibleByID(e.App, info, "users", authorIDs)
	if err != nil {
		return nil, err
	}
	partnerIDs := []any{conv.GetString("partner")}
	for _, a := range authors {
		if p := a.GetString("partner"); p != "" {
			partnerIDs = append(partnerIDs, p)
		}
	}
	partners, err := visibleByID(e.App, info, "partners", partnerIDs)
	if err != nil {
		return nil, err
	}
	team := u.t(e, "conversations.vendor_team", c.Brand.Name)
	out := make([]*MessageView, len(recs))
	for i, r := range recs {
		v := &MessageView{ID: r.Id, Created: r.GetDateTime("created").Time(),
			Body: template.HTML(r.GetString("body_html")), Mine: r.GetString("author") == c.User.Id}
		if a := authors[r.GetString("author")]; a != nil {
			v.Author = a.GetString("name")
			if v.Author == "" {
				v.Author = "—"
			}
			if pid := a.GetString("partner"); pid != "" {
				v.Org = "—"
				if p := partners[pid]; p != nil {
					v.Org = p.GetString("name")
				}
			} else {
				v.Org, v.Staff = c.Brand.Name, true
			}
		} else {
			v.Author, v.Org, v.Staff = team, c.Brand.Name, true
		}
		v.Initials = initials(v.Author)
		for _, f := range r.GetStringSlice("attachments") {
			v.Attachments = append(v.Attachments, AttachmentView{Name: attachmentName(r, f),
				URL: "/conversations/" + conv.Id + "/messages/" + r.Id + "/files/" + f})
		}
		out[i] = v
	}
	return out, nil
}

// storedSuffix is the random part PocketBase adds to a stored file's name.
var storedSuffix = regexp.MustCompile(`_[a-z0-9]{10}(\.[^.]*)?$`)

// attachmentName is the name a message's stored attachment is shown and
// downloaded under: the name it was uploaded with (attachment_names), else
// PocketBase's stored name without its random suffix.
func attachmentName(msg *core.Record, stored string) string {
	var names map[string]string
	if err := msg.UnmarshalJSONField("attachment_names", &names); err == nil && names[stored] != "" {
		return names[stored]
	}
	return storedSuffix.ReplaceAllString(stored, "$1")
}

// canStartConversation says whether the viewer's role starts conversations:
// partner users with their manager, staff with a partner they manage.
func canStartConversation(user *core.Record) bool {
	role := roles.Of(user)
	return roles.IsStaff(role) || (user.GetString("partner") != "" && (role == roles.PartnerAdmin || role == roles.PartnerUser))
}
