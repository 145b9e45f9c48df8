package hooks

import (
	"errors"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/live"
	"github.com/ponte-portal/ponte/internal/notify"
)

// Limits of conversation messages. The schema's file field allows more (25
// MB); these are the portal's and the API's limits, checked in the hook.
const (
	// MaxAttachments is how many files one message may carry.
	MaxAttachments = 5
	// MaxAttachmentBytes is the largest file a message may carry.
	MaxAttachmentBytes = 10 << 20
	// MessageFloodLimit messages per MessageFloodWindow is the most one user
	// may send, through the portal or the REST API alike.
	MessageFloodLimit  = 20
	MessageFloodWindow = time.Minute
)

// ErrMessageFlood refuses a message from a user who sent MessageFloodLimit
// messages in the last MessageFloodWindow. The REST API answers 429 for it
// (see floodTo429); the portal does the same with a translated page.
var ErrMessageFlood = errors.New("hooks: too many messages, try again in a minute")

// Validation errors of conversations and messages, translated by the portal
// from their codes.
var (
	ErrMessageEmpty = validation.Errors{"body": validation.NewError(
		"validation_message_empty", "Write a message or attach a file.")}
	ErrMessageAttachmentsTooMany = validation.Errors{"attachments": validation.NewError(
		"validation_message_attachments_too_many", "Attach at most 5 files.")}
	ErrMessageAttachmentTooLarge = validation.Errors{"attachments": validation.NewError(
		"validation_message_attachment_too_large", "Each file may be at most 10 MB.")}
	ErrMessageAttachmentType = validation.Errors{"attachments": validation.NewError(
		"validation_message_attachment_type", "Web pages, SVG images, scripts and programs cannot be sent.")}
	ErrMessageImmutable = validation.Errors{"id": validation.NewError(
		"validation_message_immutable", "Messages cannot be changed once sent.")}
	ErrConversationParticipant = validation.Errors{"participants": validation.NewError(
		"validation_conversation_participant", "Everyone in a conversation must be allowed to see it.")}
	ErrConversationPartnerFixed = validation.Errors{"partner": validation.NewError(
		"validation_invalid_value", "A conversation cannot move to another partner.")}
)

func bindConversationHooks(app core.App) {
	// Every conversation and message lands whole (the record, its files, the
	// conversation's last activity, notifications, activity events) or not
	// at all, whoever saves it: the portal, the REST API or Go code.
	app.OnRecordCreate("conversations").BindFunc(withinTransaction)
	app.OnRecordCreate("conversations").BindFunc(conversationDefaults)
	app.OnRecordCreate("conversations").BindFunc(conversationCreated)
	app.OnRecordUpdate("conversations").BindFunc(withinTransaction)
	app.OnRecordUpdate("conversations").BindFunc(conversationUpdated)
	app.OnRecordValidate("conversations").BindFunc(validateConversation)

	app.OnRecordCreate("messages").BindFunc(withinTransaction)
	app.OnRecordCreate("messages").BindFunc(refuseMessageFlood)
	app.OnRecordCreate("messages").BindFunc(messageSent)
	app.OnRecordValidate("messages").BindFunc(validateMessage)
	app.OnRecordUpdate("messages").BindFunc(func(e *core.RecordEvent) error { return ErrMessageImmutable })
	app.OnRecordAfterCreateSuccess("messages").BindFunc(publishMessage)
	// The flood refusal is a 429 in the REST API too.
	app.OnRecordCreateRequest("messages").BindFunc(floodTo429)
}

// withinTransaction runs the rest of a save (the other hooks, the insert or
// update, the files) in one transaction, joining the caller's if there is
// one. The event gets the caller's app back afterwards, so the after-success
// hooks run on a usable app once everything has committed.
func withinTransaction(e *core.RecordEvent) error {
	app := e.App
	defer func() { e.App = app }()
	return app.RunInTransaction(func(tx core.App) error {
		e.App = tx
		return e.Next()
	})
}

// conversationDefaults fills what a new conversation needs and the creator
// may leave out: its creator and the partner's channel manager as
// participants, and a last activity so it sorts first.
func conversationDefaults(e *core.RecordEvent) error {
	r := e.Record
	if len(r.GetStringSlice("participants")) == 0 {
		ids := []string{r.GetString("created_by")}
		if p, err := e.App.FindRecordById("partners", r.GetString("partner")); err == nil {
			ids = append(ids, p.GetString("manager"))
		}
		r.Set("participants", compact(ids))
	}
	if r.GetDateTime("last_message_at").IsZero() {
		r.Set("last_message_at", types.NowDateTime())
	}
	return e.Next()
}

// validateConversation trims the subject and drops empty or repeated
// participants.
func validateConversation(e *core.RecordEvent) error {
	r := e.Record
	r.Set("subject", strings.TrimSpace(r.GetString("subject")))
	r.Set("participants", compact(r.GetStringSlice("participants")))
	return e.Next()
}

// conversationCreated checks the participants once the conversation exists
// (in its transaction) and appends the conversation.started event.
func conversationCreated(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	if err := checkParticipants(e.App, e.Record); err != nil {
		return err
	}
	creator, _ := e.App.FindRecordById("users", e.Record.GetString("created_by"))
	return activity.Record(e.App, creator, activity.KindConversationStarted, e.Record)
}

// conversationUpdated keeps the partner fixed and checks changed
// participants.
func conversationUpdated(e *core.RecordEvent) error {
	r := e.Record
	if r.Original().GetString("partner") != r.GetString("partner") {
		return ErrConversationPartnerFixed
	}
	changed := !slices.Equal(r.Original().GetStringSlice("participants"), r.GetStringSlice("participants"))
	if err := e.Next(); err != nil {
		return err
	}
	if changed {
		return checkParticipants(e.App, r)
	}
	return nil
}

// checkParticipants lets only people who may see a conversation take part
// in it: a participant gets its notifications and live events, so anyone
// else would learn of it. It runs after the write, in its transaction, so
// the View rule is evaluated against the saved row.
func checkParticipants(app core.App, conv *core.Record) error {
	ids := conv.GetStringSlice("participants")
	if len(ids) == 0 {
		return nil
	}
	allowed, err := MayReadConversation(app, conv, ids)
	if err != nil {
		return err
	}
	if len(allowed) != len(ids) {
		return ErrConversationParticipant
	}
	return nil
}

// refuseMessageFlood refuses a message whose author already sent
// MessageFloodLimit messages within MessageFloodWindow, counting at most that
// many rows on the (author, created) index.
func refuseMessageFlood(e *core.RecordEvent) error {
	author := e.Record.GetString("author")
	if author == "" {
		return e.Next()
	}
	since := types.NowDateTime().Add(-MessageFloodWindow).String()
	var n int
	err := e.App.DB().NewQuery(`SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE author = {:a} AND created > {:since} LIMIT {:n})`).
		Bind(dbx.Params{"a": author, "since": since, "n": MessageFloodLimit}).Row(&n)
	if err != nil {
		return err
	}
	if n >= MessageFloodLimit {
		return ErrMessageFlood
	}
	return e.Next()
}

// floodTo429 turns a flood refusal into the REST API's 429.
func floodTo429(e *core.RecordRequestEvent) error {
	err := e.Next()
	if errors.Is(err, ErrMessageFlood) {
		return e.TooManyRequestsError("You are sending messages too quickly; try again in a minute.", err)
	}
	return err
}

// validateMessage requires a body or an attachment and checks each new
// attachment: at most MaxAttachments of at most MaxAttachmentBytes, and never
// a type a browser would run (HTML, SVG, JavaScript) or an executable, by
// name and by content.
func validateMessage(e *core.RecordEvent) error {
	r := e.Record
	files := r.GetUnsavedFiles("attachments")
	if strings.TrimSpace(r.GetString("body")) == "" && len(files) == 0 && len(r.GetStringSlice("attachments")) == 0 {
		return ErrMessageEmpty
	}
	if len(r.GetStringSlice("attachments")) > MaxAttachments {
		return ErrMessageAttachmentsTooMany
	}
	for _, f := range files {
		if f.Size > MaxAttachmentBytes {
			return ErrMessageAttachmentTooLarge
		}
		bad, err := DangerousFile(f)
		if err != nil {
			return err
		}
		if bad {
			return ErrMessageAttachmentType
		}
	}
	return e.Next()
}

// dangerousExts are file name extensions refused whatever the content says:
// pages and images a browser runs script in, scripts, and programs.
var dangerousExts = []string{
	".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".hta", ".svg", ".svgz",
	".js", ".mjs", ".cjs", ".jse", ".vbs", ".vbe", ".wsf", ".wsh", ".ps1", ".psm1", ".bat", ".cmd",
	".sh", ".bash", ".zsh", ".csh", ".php", ".jar", ".apk", ".exe", ".dll", ".scr", ".com", ".cpl",
	".msi", ".msp", ".pif", ".lnk", ".reg", ".sys", ".elf", ".so", ".dylib", ".app", ".run", ".bin",
	".deb", ".rpm", ".dmg", ".pkg", ".chm",
}

// dangerousTypes are sniffed content types refused (with their children).
var dangerousTypes = []string{
	"text/html", "application/xhtml+xml", "image/svg+xml", "text/javascript", "text/x-shellscript",
	"text/x-php", "application/vnd.microsoft.portable-executable", "application/x-elf",
	"application/x-mach-binary", "application/x-ms-installer", "application/java-archive",
	"application/vnd.android.package-archive", "application/vnd.ms-htmlhelp",
}

// DangerousFile says whether an uploaded file is of a type messages refuse:
// by its original or stored name's extension, or by what its first bytes
// are.
func DangerousFile(f *filesystem.File) (bool, error) {
	for _, name := range []string{f.OriginalName, f.Name} {
		if slices.Contains(dangerousExts, strings.ToLower(path.Ext(strings.TrimSpace(name)))) {
			return true, nil
		}
	}
	rd, err := f.Reader.Open()
	if err != nil {
		return false, err
	}
	defer rd.Close()
	head := make([]byte, 3072)
	n, err := io.ReadFull(rd, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return false, err
	}
	for m := mimetype.Detect(head[:n]); m != nil; m = m.Parent() {
		t, _, _ := strings.Cut(m.String(), ";")
		if slices.Contains(dangerousTypes, strings.TrimSpace(t)) {
			return true, nil
		}
	}
	return false, nil
}

// messageSent keeps the conversation in step with a new message, in the
// message's transaction: its last activity, the author among its
// participants, a notification for the other participants and the
// conversation.message event. A message whose creation date was set before
// saving (Go code importing history, such as the demo: neither the portal
// nor the API can set it) is history and notifies nobody.
func messageSent(e *core.RecordEvent) error {
	history := !e.Record.GetDateTime("created").IsZero()
	names := map[string]string{}
	for _, f := range e.Record.GetUnsavedFiles("attachments") {
		names[f.Name] = documents.CleanFileName(f.OriginalName)
	}
	e.Record.Set("attachment_names", names)
	if err := e.Next(); err != nil {
		return err
	}
	msg := e.Record
	conv, err := e.App.FindRecordById("conversations", msg.GetString("conversation"))
	if err != nil {
		return err
	}
	author, _ := e.App.FindRecordById("users", msg.GetString("author"))
	conv.Set("last_message_at", msg.GetDateTime("created"))
	participants := conv.GetStringSlice("participants")
	if author != nil && !slices.Contains(participants, author.Id) {
		participants = append(participants, author.Id)
		conv.Set("participants", participants)
	}
	if err := e.App.Save(conv); err != nil {
		return err
	}
	if author != nil && !history {
		// Participants who can no longer see it (moved, role changed) are
		// not told.
		recipients, err := MayReadConversation(e.App, conv, participants)
		if err != nil {
			return err
		}
		name := author.GetString("name")
		if name == "" {
			name = author.Email()
		}
		args := []any{name, conv.GetString("subject")}
		if err := notify.Send(e.App, notify.KindMessage, "/conversations/"+conv.Id, author.Id, args, recipients...); err != nil {
			return err
		}
	}
	return activity.Record(e.App, author, activity.KindMessageSent, msg)
}

// publishMessage tells the open pages of everyone who may see the
// conversation (its partner's users, its channel manager, its participants,
// each checked against the View rule) that a message arrived. It runs after
// the commit, so nobody is told of a message that was rolled back.
func publishMessage(e *core.RecordEvent) error {
	conv, err := e.App.FindRecordById("conversations", e.Record.GetString("conversation"))
	if err != nil {
		e.App.Logger().Warn("publishing a message", "error", err)
		return e.Next()
	}
	ids, err := ConversationAudience(e.App, conv)
	if err != nil {
		e.App.Logger().Warn("publishing a message", "error", err)
		return e.Next()
	}
	live.For(e.App).Publish(live.Event{Type: "message", Data: conv.Id}, ids...)
	return e.Next()
}

// maxAudience bounds the partner users a live event goes to.
const maxAudience = 2000

// ConversationAudience lists the users who may see a conversation and should
// hear of its messages: the partner's active users, its channel manager and
// the participants, each kept only if the conversation's View rule lets them
// see it.
func ConversationAudience(app core.App, conv *core.Record) ([]string, error) {
	var ids []string
	err := app.DB().Select("id").From("users").
		Where(dbx.HashExp{"partner": conv.GetString("partner"), "deactivated": false}).
		Limit(maxAudience).Column(&ids)
	if err != nil {
		return nil, err
	}
	if p, err := app.FindRecordById("partners", conv.GetString("partner")); err == nil {
		ids = append(ids, p.GetString("manager"))
	}
	ids = append(ids, conv.GetStringSlice("participants")...)
	return MayReadConversation(app, conv, ids)
}

// MayReadConversation keeps the users (by id, without duplicates or
// deactivated ones) whom the conversations View rule lets see conv.
func MayReadConversation(app core.App, conv *core.Record, userIDs []string) ([]string, error) {
	userIDs = compact(userIDs)
	if len(userIDs) == 0 {
		return nil, nil
	}
	users, err := app.FindRecordsByIds("users", userIDs)
	if err != nil {
		return nil, err
	}
	rule := conv.Collection().ViewRule
	if rule == nil {
		return nil, nil
	}
	out := make([]string, 0, len(users))
	for _, u := range users {
		if u.GetBool("deactivated") {
			continue
		}
		info := &core.RequestInfo{Auth: u, Method: http.MethodGet, Context: core.RequestInfoContextDefault,
			Body: map[string]any{}, Query: map[string]string{}, Headers: map[string]string{}}
		ok, err := app.CanAccessRecord(conv, info, rule)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, u.Id)
		}
	}
	slices.Sort(out)
	return out, nil
}

// compact drops empty and repeated ids, keeping the first of each.
func compact(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
