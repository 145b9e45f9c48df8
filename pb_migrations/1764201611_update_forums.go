package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Forums, second step:
//
//   - Categories keep their own figures (threads, posts, last activity), kept
//     by the forum hooks in each post's transaction, so the forum index reads
//     them instead of counting threads on every view.
//   - Threads and posts carry their author's name, organisation and whether
//     the author is vendor staff, stamped by the hooks. A shared category is
//     where people of different partners meet, and the users and partners
//     rules rightly hide them from each other: by posting, an author shows
//     exactly these three facts to the category's readers, the API and the
//     portal alike.
//   - A moderator's soft delete moves the post's text into removed_body, a
//     hidden field (PocketBase neither returns nor accepts hidden fields for
//     API clients), so readers of the API never get it back; a restore moves
//     it back.
//   - Moderators (staff) may still post in a locked thread: a closing note.
//   - Derived fields are out of API clients' reach; a reporter reports a post
//     once (unique index); threads are counted per author and time for the
//     flood limit.
func init() {
	m.Register(func(app core.App) error {
		cats, err := app.FindCollectionByNameOrId("forum_categories")
		if err != nil {
			return err
		}
		cats.Fields.Add(
			&core.NumberField{Name: "thread_count", OnlyInt: true, Min: ptrFloat(0)},
			&core.NumberField{Name: "post_count", OnlyInt: true, Min: ptrFloat(0)},
			&core.DateField{Name: "last_activity"},
		)
		catDerived := `@request.body.thread_count:isset = false && @request.body.post_count:isset = false` +
			` && @request.body.last_activity:isset = false`
		cats.CreateRule = ptr(signedIn + ` && ` + isAdmin + ` && ` + catDerived)
		cats.UpdateRule = ptr(signedIn + ` && ` + isAdmin + ` && ` + catDerived)
		if err := app.Save(cats); err != nil {
			return err
		}

		// The author's label, shared by threads and posts.
		authorLabel := func() []core.Field {
			return []core.Field{
				&core.TextField{Name: "author_name", Max: 120},
				&core.TextField{Name: "organisation", Max: 200},
				&core.BoolField{Name: "by_staff"},
			}
		}
		labelUnset := `@request.body.author_name:isset = false && @request.body.organisation:isset = false` +
			` && @request.body.by_staff:isset = false && @request.body.partner:isset = false`
		noHTML := `@request.body.body_html:isset = false`
		// Who may post in a category (prefix c): staff anywhere they see;
		// partner users where the category is theirs and open to them.
		canPost := func(c string) string {
			return categoryVisible(c) + ` && (` + isStaff + ` || ` + c + `staff_only_posting = false)`
		}

		threads, err := app.FindCollectionByNameOrId("forum_threads")
		if err != nil {
			return err
		}
		threads.Fields.Add(authorLabel()...)
		threads.RemoveIndex("idx_forum_threads_author")
		threads.AddIndex("idx_forum_threads_author", false, "author, created", "")
		threadDerived := labelUnset + ` && @request.body.post_count:isset = false && @request.body.last_activity:isset = false`
		threads.CreateRule = ptr(canPost("category.") + ` && author = @request.auth.id && ` + threadDerived +
			` && @request.body.pinned:isset = false && @request.body.locked:isset = false`)
		// Moderators (staff) move, rename, pin, lock and mark solved; the
		// author renames their thread or marks it solved.
		threads.UpdateRule = ptr(categoryVisible("category.") + ` && ` + threadDerived + ` && @request.body.author:isset = false && (` + isStaff +
			` || (author = @request.auth.id && @request.body.category:isset = false` +
			` && @request.body.pinned:isset = false && @request.body.locked:isset = false))`)
		if err := app.Save(threads); err != nil {
			return err
		}

		posts, err := app.FindCollectionByNameOrId("forum_posts")
		if err != nil {
			return err
		}
		posts.Fields.Add(authorLabel()...)
		posts.Fields.Add(&core.TextField{Name: "removed_body", Hidden: true, Max: maxBody})
		posts.CreateRule = ptr(canPost("thread.category.") + ` && author = @request.auth.id` +
			` && (thread.locked = false || ` + isStaff + `) && ` + noHTML + ` && ` + labelUnset +
			` && @request.body.deleted:isset = false && @request.body.deleted_by:isset = false && @request.body.edited:isset = false`)
		// Authors edit their own live posts in open threads; moderators
		// (staff) soft-delete or restore any post they can see. The hooks
		// stamp edited and deleted_by.
		posts.UpdateRule = ptr(categoryVisible("thread.category.") + ` && ` + noHTML + ` && ` + labelUnset +
			` && @request.body.thread:isset = false && @request.body.author:isset = false` +
			` && @request.body.edited:isset = false && @request.body.deleted_by:isset = false && (` +
			`(author = @request.auth.id && deleted = false && thread.locked = false && @request.body.deleted:isset = false)` +
			` || (` + isStaff + ` && @request.body.body:isset = false))`)
		if err := app.Save(posts); err != nil {
			return err
		}

		reports, err := app.FindCollectionByNameOrId("forum_reports")
		if err != nil {
			return err
		}
		reports.RemoveIndex("idx_forum_reports_post")
		reports.AddIndex("idx_forum_reports_key", true, "post, reporter", "")
		// Moderators resolve; what was reported, by whom and why stays.
		reports.UpdateRule = ptr(signedIn + ` && ` + isStaff + ` && @request.body.post:isset = false` +
			` && @request.body.reporter:isset = false && @request.body.reason:isset = false && @request.body.resolved_by:isset = false`)
		if err := app.Save(reports); err != nil {
			return err
		}

		// Existing rows get their labels and figures (a fresh install has
		// none; an upgraded one may).
		for _, q := range []string{
			`UPDATE forum_threads SET author_name = COALESCE((SELECT name FROM users WHERE users.id = forum_threads.author), ''),
				by_staff = COALESCE((SELECT role IN ('admin', 'manager') FROM users WHERE users.id = forum_threads.author), FALSE),
				organisation = COALESCE((SELECT name FROM partners WHERE partners.id = forum_threads.partner), '')`,
			`UPDATE forum_posts SET author_name = COALESCE((SELECT name FROM users WHERE users.id = forum_posts.author), ''),
				by_staff = COALESCE((SELECT role IN ('admin', 'manager') FROM users WHERE users.id = forum_posts.author), FALSE),
				organisation = COALESCE((SELECT name FROM partners WHERE partners.id = forum_posts.partner), '')`,
			`UPDATE forum_categories SET
				thread_count = (SELECT COUNT(*) FROM forum_threads t WHERE t.category = forum_categories.id),
				post_count = COALESCE((SELECT SUM(post_count) FROM forum_threads t WHERE t.category = forum_categories.id), 0),
				last_activity = COALESCE((SELECT MAX(last_activity) FROM forum_threads t WHERE t.category = forum_categories.id), '')`,
		} {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		if c, err := app.FindCollectionByNameOrId("forum_reports"); err == nil {
			c.RemoveIndex("idx_forum_reports_key")
			c.AddIndex("idx_forum_reports_post", false, "post", "")
			if err := app.Save(c); err != nil {
				return err
			}
		}
		for _, name := range []string{"forum_posts", "forum_threads"} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				continue
			}
			for _, f := range []string{"author_name", "organisation", "by_staff", "removed_body"} {
				c.Fields.RemoveByName(f)
			}
			if err := app.Save(c); err != nil {
				return err
			}
		}
		if c, err := app.FindCollectionByNameOrId("forum_categories"); err == nil {
			for _, f := range []string{"thread_count", "post_count", "last_activity"} {
				c.Fields.RemoveByName(f)
			}
			return app.Save(c)
		}
		return nil
	})
}
