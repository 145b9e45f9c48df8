package hooks

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/text/unicode/norm"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/roles"
)

// The forum hooks keep every invariant for every writer (portal, REST API,
// dashboard, demo): authors' labels stamped from the author, the thread's and
// the category's figures kept in the post's transaction, soft delete keeping
// the text out of readers' reach, the flood limit, and the side effects
// (follows, notifications, activity events) inside the same transaction.
//
// The post hooks run before the Markdown render (priority -1), so a soft
// delete or a restore renders the body it leaves behind.
func bindForumHooks(app core.App) {
	app.OnRecordValidate("forum_categories").BindFunc(validateCategory)
	app.OnRecordCreate("forum_categories").BindFunc(createCategory)
	app.OnRecordUpdate("forum_categories").BindFunc(updateCategory)

	app.OnRecordCreate("forum_threads").BindFunc(createThread)
	app.OnRecordUpdate("forum_threads").BindFunc(updateThread)
	app.OnRecordDelete("forum_threads").BindFunc(deleteThread)

	app.OnRecordCreate("forum_posts").Bind(&hook.Handler[*core.RecordEvent]{Id: "ponte.forums.createPost", Func: createPost, Priority: -1})
	app.OnRecordUpdate("forum_posts").Bind(&hook.Handler[*core.RecordEvent]{Id: "ponte.forums.updatePost", Func: updatePost, Priority: -1})
	app.OnRecordDelete("forum_posts").BindFunc(deletePost)

	app.OnRecordCreate("forum_reports").BindFunc(createReport)
	app.OnRecordUpdate("forum_reports").BindFunc(updateReport)
	app.OnRecordUpdateRequest("forum_posts", "forum_reports").BindFunc(actorFromRequest)

	// Authors' labels follow renames of people and partners.
	app.OnRecordUpdate("users").BindFunc(relabelAuthor)
	app.OnRecordUpdate("partners").BindFunc(relabelPartner)
}

// RateLimit allows at most Max writes by one author within Window.
type RateLimit struct {
	Window time.Duration
	Max    int
}

// Flood limits, counted from the (author, created) indexes. A new thread
// counts against both: it is a thread and its first post.
var (
	ForumPostLimits   = []RateLimit{{time.Minute, 5}, {time.Hour, 30}}
	ForumThreadLimits = []RateLimit{{time.Minute, 3}, {time.Hour, 10}}
)

// Validation errors of the forums, translated by the portal from their
// codes. CodeForumRateLimited is answered with 429 by the portal.
const CodeForumRateLimited = "validation_forum_rate_limited"

var (
	ErrForumPostRateLimited = validation.Errors{"body": validation.NewError(
		CodeForumRateLimited, "You are posting too fast; wait a minute and try again.")}
	ErrForumThreadRateLimited = validation.Errors{"title": validation.NewError(
		CodeForumRateLimited, "You are starting threads too fast; wait a minute and try again.")}
	ErrForumBodyRequired = validation.Errors{"body": validation.NewError(
		"validation_required", "Write something first.")}
	ErrForumReasonRequired = validation.Errors{"reason": validation.NewError(
		"validation_required", "Say why this post should be looked at.")}
)

// ForumPostLink is the portal path of a post: it opens the thread on the
// post's page.
func ForumPostLink(postID string) string { return "/forums/p/" + postID }

// nowDate is the current time as PocketBase stores it.
func nowDate() types.DateTime { return types.NowDateTime() }

// inTx runs fn with the event's app swapped for a transaction, so the record
// and everything fn writes after e.Next() commit together.
func inTx(e *core.RecordEvent, fn func(tx core.App) error) error {
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		return fn(tx)
	})
}

// ---------------------------------------------------------------------------
// Categories

// validateCategory keeps only the audience list the chosen audience uses
// and refuses an empty one (a category nobody could find).
func validateCategory(e *core.RecordEvent) error {
	r := e.Record
	r.Set("name", strings.TrimSpace(r.GetString("name")))
	lists := map[string]string{"tiers": "audience_tiers", "regions": "audience_regions", "partners": "audience_partners"}
	kind := r.GetString("audience")
	for k, f := range lists {
		if k != kind {
			r.Set(f, []string{})
		} else if len(r.GetStringSlice(f)) == 0 {
			return validation.Errors{f: validation.NewError("validation_audience_empty", "Choose at least one.")}
		}
	}
	return e.Next()
}

// createCategory starts a category's figures at zero.
func createCategory(e *core.RecordEvent) error {
	e.Record.Set("thread_count", 0)
	e.Record.Set("post_count", 0)
	e.Record.Set("last_activity", "")
	return e.Next()
}

// updateCategory keeps the figures the hooks maintain: it re-reads them in
// the save's transaction, so a category loaded before a post was written
// does not put back a stale count.
func updateCategory(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		var row struct {
			Threads int    `db:"thread_count"`
			Posts   int    `db:"post_count"`
			Last    string `db:"last_activity"`
		}
		err := tx.DB().Select("thread_count", "post_count", "last_activity").From("forum_categories").
			Where(dbx.HashExp{"id": e.Record.Id}).One(&row)
		if err == nil {
			e.Record.Set("thread_count", row.Threads)
			e.Record.Set("post_count", row.Posts)
			e.Record.Set("last_activity", row.Last)
		}
		return e.Next()
	})
}

// recountCategory recomputes a category's figures from its threads (after
// a thread moved or was deleted).
func recountCategory(app core.App, id string) error {
	if id == "" {
		return nil
	}
	_, err := app.DB().NewQuery(`UPDATE forum_categories SET
		thread_count = (SELECT COUNT(*) FROM forum_threads t WHERE t.category = {:c}),
		post_count = COALESCE((SELECT SUM(t.post_count) FROM forum_threads t WHERE t.category = {:c}), 0),
		last_activity = COALESCE((SELECT MAX(t.last_activity) FROM forum_threads t WHERE t.category = {:c}), '')
		WHERE id = {:c}`).Bind(dbx.Params{"c": id}).Execute()
	return err
}

// RebuildForumCounts recomputes every thread's post count and last activity
// from its posts and every category's figures from its threads: a repair
// for data written around the hooks. The hooks keep the same figures
// incrementally.
func RebuildForumCounts(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		for _, q := range []string{
			`UPDATE forum_threads SET
				post_count = (SELECT COUNT(*) FROM forum_posts p WHERE p.thread = forum_threads.id),
				last_activity = COALESCE((SELECT MAX(p.created) FROM forum_posts p WHERE p.thread = forum_threads.id), forum_threads.created)`,
			`UPDATE forum_categories SET
				thread_count = (SELECT COUNT(*) FROM forum_threads t WHERE t.category = forum_categories.id),
				post_count = COALESCE((SELECT SUM(t.post_count) FROM forum_threads t WHERE t.category = forum_categories.id), 0),
				last_activity = COALESCE((SELECT MAX(t.last_activity) FROM forum_threads t WHERE t.category = forum_categories.id), '')`,
		} {
			if _, err := tx.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}

// ---------------------------------------------------------------------------
// Authors' labels

// stampAuthor copies the author's partner, name, organisation and staff
// flag onto a thread or post and returns the author (nil when none).
func stampAuthor(app core.App, r *core.Record) (*core.Record, error) {
	r.Set("partner", "")
	r.Set("author_name", "")
	r.Set("organisation", "")
	r.Set("by_staff", false)
	id := r.GetString("author")
	if id == "" {
		return nil, nil
	}
	u, err := app.FindRecordById("users", id)
	if err != nil {
		return nil, validation.Errors{"author": validation.NewError("validation_invalid", "Unknown author.")}
	}
	r.Set("partner", u.GetString("partner"))
	r.Set("author_name", u.GetString("name"))
	r.Set("by_staff", roles.IsStaff(u.GetString("role")))
	if pid := u.GetString("partner"); pid != "" {
		if p, err := app.FindRecordById("partners", pid); err == nil {
			r.Set("organisation", p.GetString("name"))
		}
	}
	return u, nil
}

// stored re-reads a record as the database holds it, inside the save's
// transaction: Record.Original() is only as old as the caller's copy (a
// record saved twice keeps its first original).
func stored(app core.App, r *core.Record) (*core.Record, error) {
	return app.FindRecordById(r.Collection(), r.Id)
}

// keepLabels puts back the author and their labels as stored (o): nobody
// changes who wrote something.
func keepLabels(r, o *core.Record) {
	for _, f := range []string{"author", "partner", "author_name", "organisation", "by_staff"} {
		r.Set(f, o.Get(f))
	}
}

// storedName is a user's or partner's name as stored ("" when unknown).
func storedName(app core.App, table, id string) string {
	var name string
	_ = app.DB().Select("name").From(table).Where(dbx.HashExp{"id": id}).Row(&name)
	return name
}

// relabelAuthor carries a person's new name onto what they wrote.
func relabelAuthor(e *core.RecordEvent) error {
	if e.Record.IsNew() || e.Record.GetString("name") == storedName(e.App, "users", e.Record.Id) {
		return e.Next()
	}
	return inTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		for _, table := range []string{"forum_threads", "forum_posts"} {
			if _, err := tx.DB().Update(table, dbx.Params{"author_name": e.Record.GetString("name")},
				dbx.HashExp{"author": e.Record.Id}).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}

// relabelPartner carries a partner's new name onto its people's posts.
func relabelPartner(e *core.RecordEvent) error {
	if e.Record.IsNew() || e.Record.GetString("name") == storedName(e.App, "partners", e.Record.Id) {
		return e.Next()
	}
	return inTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		for _, table := range []string{"forum_threads", "forum_posts"} {
			if _, err := tx.DB().Update(table, dbx.Params{"organisation": e.Record.GetString("name")},
				dbx.HashExp{"partner": e.Record.Id}).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}

// ---------------------------------------------------------------------------
// Flood control

// overLimit reports whether author has reached any of the limits in table.
func overLimit(app core.App, table, author string, limits []RateLimit) (bool, error) {
	now := time.Now().UTC()
	for _, l := range limits {
		var n int
		err := app.DB().Select("COUNT(*)").From(table).
			Where(dbx.HashExp{"author": author}).
			AndWhere(dbx.NewExp("created >= {:since}", dbx.Params{"since": now.Add(-l.Window).Format(types.DefaultDateLayout)})).
			Row(&n)
		if err != nil {
			return false, err
		}
		if n >= l.Max {
			return true, nil
		}
	}
	return false, nil
}

// ---------------------------------------------------------------------------
// Threads

// createThread stamps the author's labels and starts the figures, then (in
// the same transaction) makes the author follow the thread, counts it in
// its category and records the event.
func createThread(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		r := e.Record
		r.Set("title", strings.TrimSpace(r.GetString("title")))
		author, err := stampAuthor(tx, r)
		if err != nil {
			return err
		}
		at := r.GetDateTime("created")
		if author != nil && at.IsZero() {
			over, err := overLimit(tx, "forum_threads", author.Id, ForumThreadLimits)
			if err != nil {
				return err
			}
			if over {
				return ErrForumThreadRateLimited
			}
		}
		if at.IsZero() {
			at = nowDate()
			r.SetRaw("created", at)
		}
		r.Set("post_count", 0)
		r.Set("last_activity", at)
		if err := e.Next(); err != nil {
			return err
		}
		if _, err := tx.DB().NewQuery(`UPDATE forum_categories SET thread_count = thread_count + 1,
			last_activity = MAX(last_activity, {:at}) WHERE id = {:c}`).
			Bind(dbx.Params{"at": at.String(), "c": r.GetString("category")}).Execute(); err != nil {
			return err
		}
		if author == nil {
			return nil
		}
		if err := follow(tx, r.Id, author.Id); err != nil {
			return err
		}
		return activity.Record(tx, author, activity.KindForumThreadCreated, r)
	})
}

// follow makes user follow thread (once).
func follow(app core.App, thread, user string) error {
	var n int
	if err := app.DB().Select("COUNT(*)").From("forum_follows").
		Where(dbx.HashExp{"thread": thread, "user": user}).Row(&n); err != nil || n > 0 {
		return err
	}
	c, err := app.FindCachedCollectionByNameOrId("forum_follows")
	if err != nil {
		return err
	}
	f := core.NewRecord(c)
	f.Set("thread", thread)
	f.Set("user", user)
	return app.Save(f)
}

// updateThread keeps the author, labels and figures as stored (re-read in
// the save's transaction) and, when a moderator moves the thread, recounts
// both categories.
func updateThread(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		r := e.Record
		o, err := stored(tx, r)
		if err != nil {
			return err
		}
		keepLabels(r, o)
		r.Set("title", strings.TrimSpace(r.GetString("title")))
		r.Set("post_count", o.GetInt("post_count"))
		r.Set("last_activity", o.Get("last_activity"))
		from, to := o.GetString("category"), r.GetString("category")
		if err := e.Next(); err != nil {
			return err
		}
		if from != to {
			if err := recountCategory(tx, from); err != nil {
				return err
			}
			return recountCategory(tx, to)
		}
		return nil
	})
}

// deleteThread recounts the category once the thread and (by cascade) its
// posts, follows and reports are gone.
func deleteThread(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		return recountCategory(tx, e.Record.GetString("category"))
	})
}

// ---------------------------------------------------------------------------
// Posts

// createPost refuses an empty body and a flooding author, stamps the labels
// and the live state, then in the same transaction counts the post in its
// thread and category, records the event and notifies followers and
// mentioned people. A post whose creation date was set before saving (Go
// code importing history, such as the demo; neither the portal nor the API
// can set it) is history: no flood limit, nobody notified. Threads follow
// the same rule for their flood limit.
func createPost(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		r := e.Record
		if strings.TrimSpace(r.GetString("body")) == "" {
			return ErrForumBodyRequired
		}
		author, err := stampAuthor(tx, r)
		if err != nil {
			return err
		}
		at := r.GetDateTime("created")
		history := !at.IsZero()
		if author != nil && !history {
			over, err := overLimit(tx, "forum_posts", author.Id, ForumPostLimits)
			if err != nil {
				return err
			}
			if over {
				return ErrForumPostRateLimited
			}
		}
		r.Set("deleted", false)
		r.Set("deleted_by", "")
		r.Set("edited", "")
		r.Set("removed_body", "")
		if !history {
			at = nowDate()
			r.SetRaw("created", at)
		}
		if err := e.Next(); err != nil {
			return err
		}
		threadID := r.GetString("thread")
		params := dbx.Params{"at": at.String(), "t": threadID}
		if _, err := tx.DB().NewQuery(`UPDATE forum_threads SET post_count = post_count + 1,
			last_activity = MAX(last_activity, {:at}) WHERE id = {:t}`).Bind(params).Execute(); err != nil {
			return err
		}
		if _, err := tx.DB().NewQuery(`UPDATE forum_categories SET post_count = post_count + 1,
			last_activity = MAX(last_activity, {:at}) WHERE id = (SELECT category FROM forum_threads WHERE id = {:t})`).
			Bind(params).Execute(); err != nil {
			return err
		}
		if author == nil {
			return nil
		}
		if err := activity.Record(tx, author, activity.KindForumPostCreated, r); err != nil {
			return err
		}
		if history {
			return nil
		}
		thread, err := tx.FindRecordById("forum_threads", threadID)
		if err != nil {
			return err
		}
		mentioned, err := notifyMentions(tx, author, thread, r, Mentions(r.GetString("body")))
		if err != nil {
			return err
		}
		return notifyFollowers(tx, author, thread, r, mentioned)
	})
}

// updatePost keeps who wrote the post, stamps "edited" when its author
// changes the text, and carries out a moderator's soft delete (the text
// moves into the hidden removed_body, open reports of the post are
// resolved) or restore (the text comes back). Mentions added by an edit are
// notified.
func updatePost(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		r := e.Record
		o, err := stored(tx, r)
		if err != nil {
			return err
		}
		keepLabels(r, o)
		r.Set("thread", o.GetString("thread"))
		r.Set("edited", o.Get("edited"))
		r.Set("removed_body", o.GetString("removed_body"))
		actor := activity.Actor(r)
		wasDeleted, deleted := o.GetBool("deleted"), r.GetBool("deleted")
		var newMentions []string
		switch {
		case !wasDeleted && deleted:
			r.Set("removed_body", o.GetString("body"))
			r.Set("body", "")
			r.Set("deleted_by", actor)
		case wasDeleted && !deleted:
			r.Set("body", o.GetString("removed_body"))
			r.Set("removed_body", "")
			r.Set("deleted_by", "")
		case deleted:
			r.Set("body", "")
			r.Set("deleted_by", o.GetString("deleted_by"))
		default:
			r.Set("deleted_by", "")
			if r.GetString("body") != o.GetString("body") {
				if strings.TrimSpace(r.GetString("body")) == "" {
					return ErrForumBodyRequired
				}
				r.Set("edited", nowDate())
				old := Mentions(o.GetString("body"))
				for _, m := range Mentions(r.GetString("body")) {
					if !slices.Contains(old, m) {
						newMentions = append(newMentions, m)
					}
				}
			}
		}
		if err := e.Next(); err != nil {
			return err
		}
		if !wasDeleted && deleted {
			if _, err := tx.DB().Update("forum_reports", dbx.Params{"resolved": true, "resolved_by": actor},
				dbx.HashExp{"post": r.Id, "resolved": false}).Execute(); err != nil {
				return err
			}
		}
		if len(newMentions) == 0 || r.GetString("author") == "" {
			return nil
		}
		author, err := tx.FindRecordById("users", r.GetString("author"))
		if err != nil {
			return err
		}
		thread, err := tx.FindRecordById("forum_threads", r.GetString("thread"))
		if err != nil {
			return err
		}
		_, err = notifyMentions(tx, author, thread, r, newMentions)
		return err
	})
}

// deletePost (a superuser's delete, or a cascade) takes the post out of its
// thread's and category's figures.
func deletePost(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		if err := e.Next(); err != nil {
			return err
		}
		t := e.Record.GetString("thread")
		if _, err := tx.DB().NewQuery(`UPDATE forum_threads SET
			post_count = (SELECT COUNT(*) FROM forum_posts p WHERE p.thread = {:t}),
			last_activity = COALESCE((SELECT MAX(p.created) FROM forum_posts p WHERE p.thread = {:t}), created)
			WHERE id = {:t}`).Bind(dbx.Params{"t": t}).Execute(); err != nil {
			return err
		}
		var cat string
		if err := tx.DB().Select("category").From("forum_threads").Where(dbx.HashExp{"id": t}).Row(&cat); err != nil {
			return nil // the thread itself is being deleted: it recounts its category
		}
		return recountCategory(tx, cat)
	})
}

// ---------------------------------------------------------------------------
// Reports

// createReport keeps a report open and explained, and records the event.
func createReport(e *core.RecordEvent) error {
	return inTx(e, func(tx core.App) error {
		r := e.Record
		r.Set("reason", strings.TrimSpace(r.GetString("reason")))
		if r.GetString("reason") == "" {
			return ErrForumReasonRequired
		}
		r.Set("resolved", false)
		r.Set("resolved_by", "")
		if err := e.Next(); err != nil {
			return err
		}
		reporter, err := tx.FindRecordById("users", r.GetString("reporter"))
		if err != nil {
			return err
		}
		post, err := tx.FindRecordById("forum_posts", r.GetString("post"))
		if err != nil {
			return err
		}
		return activity.Record(tx, reporter, activity.KindForumPostReported, post)
	})
}

// updateReport keeps what was reported, by whom and why, and stamps the
// moderator who resolved it.
func updateReport(e *core.RecordEvent) error {
	r := e.Record
	o, err := stored(e.App, r)
	if err != nil {
		return err
	}
	for _, f := range []string{"post", "reporter", "reason"} {
		r.Set(f, o.Get(f))
	}
	switch {
	case r.GetBool("resolved") && !o.GetBool("resolved"):
		r.Set("resolved_by", activity.Actor(r))
	case !r.GetBool("resolved"):
		r.Set("resolved_by", "")
	default:
		r.Set("resolved_by", o.GetString("resolved_by"))
	}
	return e.Next()
}

// ---------------------------------------------------------------------------
// Notifications

// canSee reports whether user may see the category, by the category's own
// View rule evaluated as them.
func canSee(app core.App, user *core.Record, categoryID string) (bool, error) {
	_, err := access.FindVisible(app, access.Info(user, http.MethodGet, nil), "forum_categories", categoryID)
	switch {
	case err == nil:
		return true, nil
	case err == access.ErrNotFound:
		return false, nil
	default:
		return false, err
	}
}

// notifyFollowers tells the thread's followers (but the author, anyone
// already told of a mention, and anyone who no longer sees the category)
// about a reply.
func notifyFollowers(app core.App, author, thread, post *core.Record, skip []string) error {
	var ids []string
	if err := app.DB().Select("user").From("forum_follows").
		Where(dbx.HashExp{"thread": thread.Id}).Column(&ids); err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == author.Id || slices.Contains(skip, id) })
	if len(ids) == 0 {
		return nil
	}
	users, err := app.FindRecordsByIds("users", ids)
	if err != nil {
		return err
	}
	var to []string
	for _, u := range users {
		ok, err := canSee(app, u, thread.GetString("category"))
		if err != nil {
			return err
		}
		if ok {
			to = append(to, u.Id)
		}
	}
	return notify.Send(app, notify.KindForumReply, ForumPostLink(post.Id), author.Id,
		[]any{author.GetString("name"), thread.GetString("title")}, to...)
}

// notifyMentions tells the people the handles name, when they may see the
// category, and returns who was told.
func notifyMentions(app core.App, author, thread, post *core.Record, handles []string) ([]string, error) {
	if len(handles) == 0 {
		return nil, nil
	}
	users, err := MentionedUsers(app, handles)
	if err != nil {
		return nil, err
	}
	var to []string
	for _, u := range users {
		if u.Id == author.Id {
			continue
		}
		ok, err := canSee(app, u, thread.GetString("category"))
		if err != nil {
			return nil, err
		}
		if ok {
			to = append(to, u.Id)
		}
	}
	err = notify.Send(app, notify.KindForumMention, ForumPostLink(post.Id), author.Id,
		[]any{author.GetString("name"), thread.GetString("title")}, to...)
	return to, err
}

// ---------------------------------------------------------------------------
// Mentions

// maxMentions bounds the people one post can notify by name.
const maxMentions = 10

// mentionPattern finds "@first.last" (two or more dot-separated words of
// letters or digits) that does not continue a word, an e-mail address or a
// path.
var mentionPattern = regexp.MustCompile(`(?:^|[^\p{L}\p{N}_.@/\\-])@([\p{L}\p{N}]+(?:\.[\p{L}\p{N}]+)+)`)

// codePattern matches fenced code blocks and inline code, where an @ is
// code rather than a mention.
var codePattern = regexp.MustCompile("(?s)```.*?```|~~~.*?~~~|`[^`\n]*`")

// Mentions lists the distinct handles mentioned in a Markdown body, as
// Handle spells them, at most maxMentions. A mention is "@" followed by a
// person's name with its words joined by dots ("@diego.rocha"); accents and
// capitals do not matter ("@João.Carvalho" is "@joao.carvalho").
func Mentions(body string) []string {
	body = codePattern.ReplaceAllString(body, " ")
	var out []string
	for _, m := range mentionPattern.FindAllStringSubmatch(body, -1) {
		h := normalHandle(m[1])
		if h != "" && !slices.Contains(out, h) {
			out = append(out, h)
			if len(out) == maxMentions {
				break
			}
		}
	}
	return out
}

// Handle is how a person is mentioned: their name's words, lowercased,
// without accents or punctuation, joined by dots ("Kevin O'Connor" →
// "kevin.oconnor", "María Fernanda López" → "maria.fernanda.lopez"). ""
// for a name of fewer than two words.
func Handle(name string) string {
	var words []string
	for _, w := range strings.Fields(name) {
		if f := foldWord(w); f != "" {
			words = append(words, f)
		}
	}
	if len(words) < 2 {
		return ""
	}
	return strings.Join(words, ".")
}

// normalHandle folds a typed handle the way Handle folds names.
func normalHandle(h string) string {
	var words []string
	for _, w := range strings.Split(h, ".") {
		if f := foldWord(w); f != "" {
			words = append(words, f)
		}
	}
	if len(words) < 2 {
		return ""
	}
	return strings.Join(words, ".")
}

// foldWord lowercases a word and keeps only its letters and digits, with
// accents removed.
func foldWord(w string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(w) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// matchesHandle says whether a mention names the person called name: their
// whole handle, or their first and last words ("@ana.cavalcanti" for "Ana
// Paula Cavalcanti").
func matchesHandle(mention, name string) bool {
	h := Handle(name)
	if h == "" {
		return false
	}
	if h == mention {
		return true
	}
	words := strings.Split(h, ".")
	return strings.Count(mention, ".") == 1 && mention == words[0]+"."+words[len(words)-1]
}

// MentionedUsers finds the active users the handles name. SQLite cannot
// fold accents, so a LIKE pattern narrows the candidates (every letter of
// the handle in order, accent-prone letters as any one character) and the
// exact comparison happens here.
func MentionedUsers(app core.App, handles []string) ([]*core.Record, error) {
	var out []*core.Record
	seen := map[string]bool{}
	for i, h := range handles {
		if i == maxMentions {
			break
		}
		name := fmt.Sprintf("mention%d", i)
		var cands []*core.Record
		err := app.RecordQuery("users").
			AndWhere(dbx.HashExp{"deactivated": false}).
			AndWhere(dbx.NewExp("[[name]] LIKE {:"+name+"} ESCAPE '\\'", dbx.Params{name: likeHandle(h)})).
			Limit(200).All(&cands)
		if err != nil {
			return nil, err
		}
		for _, u := range cands {
			if !seen[u.Id] && matchesHandle(h, u.GetString("name")) {
				seen[u.Id] = true
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// likeHandle turns a folded handle into a loose LIKE pattern for names.
func likeHandle(h string) string {
	var b strings.Builder
	b.WriteByte('%')
	for _, r := range h {
		switch {
		case r == '.':
		case strings.ContainsRune("aeiouycn", r) || r > unicode.MaxASCII:
			b.WriteString("_%")
		default:
			b.WriteRune(r)
			b.WriteByte('%')
		}
	}
	return b.String()
}
