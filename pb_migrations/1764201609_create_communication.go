package migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// audienceMatch says whether the signed-in partner user is in the audience
// of the record whose fields are prefixed by p (audience, audience_tiers,
// audience_regions, audience_partners), as documents target theirs.
func audienceMatch(p string) string {
	r := strings.NewReplacer("P.", p)
	return r.Replace(`(` + hasPartner + ` && (P.audience = "all"` +
		` || (P.audience = "tiers" && @request.auth.partner.tier != "" && P.audience_tiers:each ?= @request.auth.partner.tier)` +
		` || (P.audience = "regions" && @request.auth.partner.region != "" && P.audience_regions:each ?= @request.auth.partner.region)` +
		` || (P.audience = "partners" && P.audience_partners:each ?= @request.auth.partner)))`)
}

// announcementVisible: staff see every announcement; partner users the
// published ones of their audience between publish_at and expires_at.
func announcementVisible(p string) string {
	r := strings.NewReplacer("P.", p)
	return r.Replace(signedIn + ` && (` + isStaff +
		` || (P.status = "published" && P.publish_at != "" && P.publish_at <= @now && (P.expires_at = "" || P.expires_at > @now) && ` +
		audienceMatch(p) + `))`)
}

// categoryVisible: staff see every forum category, partner users those of
// their audience.
func categoryVisible(p string) string {
	return signedIn + ` && (` + isStaff + ` || ` + audienceMatch(p) + `)`
}

// conversationVisible: a conversation belongs to one partner; its users, its
// channel manager and admins see it.
func conversationVisible(p string) string {
	r := strings.NewReplacer("P.", p)
	return r.Replace(signedIn + ` && (` + isAdmin +
		` || (` + isManager + ` && P.partner.manager = @request.auth.id)` +
		` || (` + hasPartner + ` && P.partner = @request.auth.partner))`)
}

// audienceFields are the targeting fields shared with documents.
func audienceFields(tiers, partners *core.Collection) []core.Field {
	return []core.Field{
		&core.SelectField{Name: "audience", Required: true, MaxSelect: 1, Values: documentAudiences},
		&core.RelationField{Name: "audience_tiers", CollectionId: tiers.Id, MaxSelect: 50},
		&core.SelectField{Name: "audience_regions", MaxSelect: len(partnerRegions), Values: partnerRegions},
		&core.RelationField{Name: "audience_partners", CollectionId: partners.Id, MaxSelect: 500},
	}
}

// maxBody bounds user-written Markdown (announcements, posts, messages).
const maxBody = 50000

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		partners, err := app.FindCollectionByNameOrId("partners")
		if err != nil {
			return err
		}
		tiers, err := app.FindCollectionByNameOrId("tiers")
		if err != nil {
			return err
		}
		// body_html is the rendered, sanitised Markdown the hooks keep in step
		// with body: pages never render on view, API clients never write it.
		noHTML := `@request.body.body_html:isset = false`

		// Announcements.
		ann := core.NewBaseCollection("announcements", "pc_announce0001")
		ann.Fields.Add(
			&core.TextField{Name: "title", Required: true, Max: 200, Presentable: true},
			&core.TextField{Name: "body", Max: maxBody},
			&core.TextField{Name: "body_html", Max: maxBody * 4},
			&core.RelationField{Name: "author", CollectionId: users.Id, MaxSelect: 1},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"draft", "published"}},
			&core.BoolField{Name: "pinned"},
			&core.DateField{Name: "publish_at"},
			&core.DateField{Name: "expires_at"},
			&core.BoolField{Name: "requires_acknowledgement"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		ann.Fields.Add(audienceFields(tiers, partners)...)
		ann.AddIndex("idx_announcements_feed", false, "status, publish_at", "")
		ann.AddIndex("idx_announcements_pinned", false, "pinned, publish_at", "")
		ann.AddIndex("idx_announcements_author", false, "author", "")
		ann.AddIndex("idx_announcements_publish_at", false, "publish_at", "")
		ann.ListRule = ptr(announcementVisible(""))
		ann.ViewRule = ptr(announcementVisible(""))
		ann.CreateRule = ptr(signedIn + ` && ` + isStaff + ` && author = @request.auth.id && ` + noHTML)
		ann.UpdateRule = ptr(signedIn + ` && ` + isStaff + ` && ` + noHTML +
			` && (@request.body.author:isset = false || ` + isAdmin + `)`)
		ann.DeleteRule = ptr(signedIn + ` && (` + isAdmin + ` || (` + isManager + ` && author = @request.auth.id))`)
		if err := app.Save(ann); err != nil {
			return err
		}

		reads := core.NewBaseCollection("announcement_reads", "pc_annreads0001")
		reads.Fields.Add(
			&core.RelationField{Name: "announcement", CollectionId: ann.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.DateField{Name: "acknowledged"},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		reads.AddIndex("idx_announcement_reads_key", true, "announcement, user", "")
		reads.AddIndex("idx_announcement_reads_partner", false, "announcement, partner", "")
		reads.AddIndex("idx_announcement_reads_user", false, "user, created", "")
		reads.ListRule = ptr(partnerFacts)
		reads.ViewRule = ptr(partnerFacts)
		reads.CreateRule = ptr(`user = @request.auth.id && ` + announcementVisible("announcement."))
		// A reader may later acknowledge; nothing else changes.
		reads.UpdateRule = ptr(signedIn + ` && user = @request.auth.id && @request.body.user:isset = false` +
			` && @request.body.announcement:isset = false && @request.body.partner:isset = false`)
		reads.DeleteRule = nil
		if err := app.Save(reads); err != nil {
			return err
		}

		// Forums.
		cats := core.NewBaseCollection("forum_categories", "pc_forumcats001")
		cats.Fields.Add(
			&core.TextField{Name: "name", Required: true, Max: 120, Presentable: true},
			&core.TextField{Name: "description", Max: 1000},
			&core.NumberField{Name: "order", OnlyInt: true},
			&core.BoolField{Name: "staff_only_posting"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		cats.Fields.Add(audienceFields(tiers, partners)...)
		cats.AddIndex("idx_forum_categories_order", false, "`order`, name", "")
		cats.ListRule = ptr(categoryVisible(""))
		cats.ViewRule = ptr(categoryVisible(""))
		cats.CreateRule = ptr(signedIn + ` && ` + isAdmin)
		cats.UpdateRule = ptr(signedIn + ` && ` + isAdmin)
		cats.DeleteRule = ptr(signedIn + ` && ` + isAdmin)
		if err := app.Save(cats); err != nil {
			return err
		}

		// Who may post in a category (prefix c): staff anywhere they see;
		// partner users where the category is theirs and open to them.
		canPost := func(c string) string {
			return categoryVisible(c) + ` && (` + isStaff + ` || ` + c + `staff_only_posting = false)`
		}
		threads := core.NewBaseCollection("forum_threads", "pc_forumthrds01")
		threads.Fields.Add(
			&core.RelationField{Name: "category", CollectionId: cats.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.TextField{Name: "title", Required: true, Max: 200, Presentable: true},
			&core.RelationField{Name: "author", CollectionId: users.Id, MaxSelect: 1},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.BoolField{Name: "pinned"},
			&core.BoolField{Name: "locked"},
			&core.BoolField{Name: "solved"},
			&core.DateField{Name: "last_activity"},
			&core.NumberField{Name: "post_count", OnlyInt: true, Min: ptrFloat(0)},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		threads.AddIndex("idx_forum_threads_category", false, "category, pinned, last_activity", "")
		threads.AddIndex("idx_forum_threads_author", false, "author", "")
		threads.AddIndex("idx_forum_threads_last_activity", false, "last_activity", "")
		threads.ListRule = ptr(categoryVisible("category."))
		threads.ViewRule = ptr(categoryVisible("category."))
		threads.CreateRule = ptr(canPost("category.") + ` && author = @request.auth.id` +
			` && @request.body.pinned:isset = false && @request.body.locked:isset = false && @request.body.post_count:isset = false`)
		// Moderators (staff) change anything; the author renames their thread
		// or marks it solved.
		threads.UpdateRule = ptr(categoryVisible("category.") + ` && (` + isStaff +
			` || (author = @request.auth.id && @request.body.category:isset = false && @request.body.author:isset = false` +
			` && @request.body.pinned:isset = false && @request.body.locked:isset = false` +
			` && @request.body.post_count:isset = false && @request.body.last_activity:isset = false))`)
		threads.DeleteRule = ptr(signedIn + ` && ` + isStaff)
		if err := app.Save(threads); err != nil {
			return err
		}

		posts := core.NewBaseCollection("forum_posts", "pc_forumposts01")
		posts.Fields.Add(
			&core.RelationField{Name: "thread", CollectionId: threads.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "author", CollectionId: users.Id, MaxSelect: 1},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.TextField{Name: "body", Max: maxBody},
			&core.TextField{Name: "body_html", Max: maxBody * 4},
			&core.DateField{Name: "edited"},
			&core.BoolField{Name: "deleted"},
			&core.RelationField{Name: "deleted_by", CollectionId: users.Id, MaxSelect: 1},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		posts.AddIndex("idx_forum_posts_thread", false, "thread, created", "")
		posts.AddIndex("idx_forum_posts_author", false, "author, created", "")
		posts.ListRule = ptr(categoryVisible("thread.category."))
		posts.ViewRule = ptr(categoryVisible("thread.category."))
		posts.CreateRule = ptr(canPost("thread.category.") + ` && author = @request.auth.id && thread.locked = false && ` + noHTML +
			` && @request.body.deleted:isset = false && @request.body.deleted_by:isset = false && @request.body.edited:isset = false`)
		// Authors edit their own live posts; moderators (staff) soft-delete
		// or restore any post they can see.
		posts.UpdateRule = ptr(categoryVisible("thread.category.") + ` && ` + noHTML +
			` && @request.body.thread:isset = false && @request.body.author:isset = false && (` +
			`(author = @request.auth.id && deleted = false && thread.locked = false && @request.body.deleted:isset = false && @request.body.deleted_by:isset = false)` +
			` || (` + isStaff + ` && @request.body.body:isset = false))`)
		posts.DeleteRule = nil // moderators soft-delete
		if err := app.Save(posts); err != nil {
			return err
		}

		follows := core.NewBaseCollection("forum_follows", "pc_forumfollow1")
		follows.Fields.Add(
			&core.RelationField{Name: "thread", CollectionId: threads.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		follows.AddIndex("idx_forum_follows_key", true, "thread, user", "")
		follows.AddIndex("idx_forum_follows_user", false, "user", "")
		follows.ListRule = ptr(signedIn + ` && user = @request.auth.id`)
		follows.ViewRule = ptr(signedIn + ` && user = @request.auth.id`)
		follows.CreateRule = ptr(`user = @request.auth.id && ` + categoryVisible("thread.category."))
		follows.UpdateRule = nil
		follows.DeleteRule = ptr(signedIn + ` && user = @request.auth.id`)
		if err := app.Save(follows); err != nil {
			return err
		}

		reports := core.NewBaseCollection("forum_reports", "pc_forumreport1")
		reports.Fields.Add(
			&core.RelationField{Name: "post", CollectionId: posts.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "reporter", CollectionId: users.Id, MaxSelect: 1, Required: true},
			&core.TextField{Name: "reason", Max: 1000},
			&core.BoolField{Name: "resolved"},
			&core.RelationField{Name: "resolved_by", CollectionId: users.Id, MaxSelect: 1},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		reports.AddIndex("idx_forum_reports_open", false, "resolved, created", "")
		reports.AddIndex("idx_forum_reports_post", false, "post", "")
		reports.AddIndex("idx_forum_reports_reporter", false, "reporter", "")
		reports.ListRule = ptr(signedIn + ` && (` + isStaff + ` || reporter = @request.auth.id)`)
		reports.ViewRule = ptr(signedIn + ` && (` + isStaff + ` || reporter = @request.auth.id)`)
		reports.CreateRule = ptr(`reporter = @request.auth.id && ` + categoryVisible("post.thread.category.") +
			` && @request.body.resolved:isset = false && @request.body.resolved_by:isset = false`)
		reports.UpdateRule = ptr(signedIn + ` && ` + isStaff)
		reports.DeleteRule = nil
		if err := app.Save(reports); err != nil {
			return err
		}

		// Conversations between a partner's users and vendor staff.
		convs := core.NewBaseCollection("conversations", "pc_convers00001")
		convs.Fields.Add(
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, Required: true},
			&core.TextField{Name: "subject", Required: true, Max: 200, Presentable: true},
			&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1},
			&core.RelationField{Name: "participants", CollectionId: users.Id, MaxSelect: 100},
			&core.DateField{Name: "last_message_at"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		convs.AddIndex("idx_conversations_partner", false, "partner, last_message_at", "")
		convs.AddIndex("idx_conversations_last", false, "last_message_at", "")
		convs.AddIndex("idx_conversations_created_by", false, "created_by", "")
		convs.ListRule = ptr(conversationVisible(""))
		convs.ViewRule = ptr(conversationVisible(""))
		convs.CreateRule = ptr(conversationVisible("") + ` && created_by = @request.auth.id`)
		convs.UpdateRule = ptr(conversationVisible("") + ` && @request.body.partner:isset = false && @request.body.created_by:isset = false` +
			` && @request.body.last_message_at:isset = false`)
		convs.DeleteRule = ptr(signedIn + ` && ` + isAdmin)
		if err := app.Save(convs); err != nil {
			return err
		}

		msgs := core.NewBaseCollection("messages", "pc_messages0001")
		msgs.Fields.Add(
			&core.RelationField{Name: "conversation", CollectionId: convs.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "author", CollectionId: users.Id, MaxSelect: 1},
			&core.TextField{Name: "body", Max: maxBody},
			&core.TextField{Name: "body_html", Max: maxBody * 4},
			// Attachments are protected files, never shown inline from the
			// portal's origin; the size and type limits are in the hook.
			&core.FileField{Name: "attachments", MaxSelect: 5, MaxSize: 25 << 20, Protected: true},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		msgs.AddIndex("idx_messages_conversation", false, "conversation, created", "")
		msgs.AddIndex("idx_messages_author", false, "author, created", "")
		msgs.ListRule = ptr(conversationVisible("conversation."))
		msgs.ViewRule = ptr(conversationVisible("conversation."))
		msgs.CreateRule = ptr(conversationVisible("conversation.") + ` && author = @request.auth.id && ` + noHTML)
		msgs.UpdateRule = nil
		msgs.DeleteRule = nil
		if err := app.Save(msgs); err != nil {
			return err
		}

		convReads := core.NewBaseCollection("conversation_reads", "pc_convreads001")
		convReads.Fields.Add(
			&core.RelationField{Name: "conversation", CollectionId: convs.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.DateField{Name: "last_read"},
		)
		convReads.AddIndex("idx_conversation_reads_key", true, "conversation, user", "")
		convReads.AddIndex("idx_conversation_reads_user", false, "user", "")
		own := signedIn + ` && user = @request.auth.id`
		convReads.ListRule = ptr(own)
		convReads.ViewRule = ptr(own)
		convReads.CreateRule = ptr(`user = @request.auth.id && ` + conversationVisible("conversation."))
		convReads.UpdateRule = ptr(own + ` && @request.body.user:isset = false && @request.body.conversation:isset = false`)
		convReads.DeleteRule = nil
		if err := app.Save(convReads); err != nil {
			return err
		}

		// In-app notifications, fed by hooks; each user sees and marks
		// their own.
		notes := core.NewBaseCollection("notifications", "pc_notifications")
		notes.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.TextField{Name: "kind", Required: true, Max: 60, Pattern: `^[a-z0-9_.]+$`},
			&core.TextField{Name: "title", Required: true, Max: 300},
			&core.TextField{Name: "link", Max: 500, Pattern: `^/[^/\\]`},
			&core.DateField{Name: "read_at"},
			&core.DateField{Name: "emailed_at"},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		notes.AddIndex("idx_notifications_user", false, "user, created", "")
		notes.AddIndex("idx_notifications_unread", false, "user, read_at", "")
		notes.AddIndex("idx_notifications_email", false, "emailed_at, created", "")
		notes.ListRule = ptr(own)
		notes.ViewRule = ptr(own)
		notes.CreateRule = nil
		notes.UpdateRule = ptr(own + ` && @request.body.user:isset = false && @request.body.kind:isset = false` +
			` && @request.body.title:isset = false && @request.body.link:isset = false && @request.body.emailed_at:isset = false`)
		notes.DeleteRule = ptr(own)
		if err := app.Save(notes); err != nil {
			return err
		}

		// E-mail preference and the secret of the one-click unsubscribe link.
		users.Fields.Add(
			&core.SelectField{Name: "notify_email", MaxSelect: 1, Values: []string{"immediate", "digest", "off"}},
			&core.TextField{Name: "unsubscribe_key", Hidden: true, Max: 64},
		)
		return app.Save(users)
	}, func(app core.App) error {
		for _, name := range []string{"notifications", "conversation_reads", "messages", "conversations", "forum_reports",
			"forum_follows", "forum_posts", "forum_threads", "forum_categories", "announcement_reads", "announcements"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		if c, err := app.FindCollectionByNameOrId("users"); err == nil {
			c.Fields.RemoveByName("notify_email")
			c.Fields.RemoveByName("unsubscribe_key")
			return app.Save(c)
		}
		return nil
	})
}
