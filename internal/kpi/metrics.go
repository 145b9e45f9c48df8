// Package kpi names the key figures Ponte keeps per partner and day (and per
// month) in the kpi_daily and kpi_monthly rollups, keeps them current from
// hooks in the transaction of each change, and rebuilds them from raw data.
//
// A flow metric holds what happened in the period (deals won, downloads). A
// stock metric holds the period's change of a level (pipeline value,
// certified people): the level at a date is the sum of all changes up to it.
package kpi

// Metric names, as stored in the rollups' metric column. The label of each
// is the i18n key "kpi.metric.<name>".
const (
	DealsRegistered    = "deals.registered"      // flow: deals submitted
	DealsApproved      = "deals.approved"        // flow: registrations approved
	DealsWon           = "deals.won"             // flow: deals moved to won
	DealsLost          = "deals.lost"            // flow: deals moved to lost
	RevenueWon         = "revenue.won"           // flow: won amount, base currency
	Pipeline           = "pipeline"              // stock: open deals' amount, base currency
	PipelineStage      = "pipeline."             // stock: prefix + open stage, e.g. "pipeline.proposal"
	ActiveUsers        = "users.active"          // distinct users with any activity in the day (month, in kpi_monthly)
	Logins             = "users.logins"          // flow: sign-ins
	Downloads          = "documents.downloads"   // flow: document downloads
	ForumPosts         = "forum.posts"           // flow: forum threads and posts written
	Messages           = "messages.sent"         // flow: conversation messages, by either side
	AnnouncementReads  = "announcements.read"    // flow: announcements opened
	Enrolments         = "training.enrolments"   // flow: course enrolments
	CoursesCompleted   = "training.completed"    // flow: courses completed
	CertificatesIssued = "training.certificates" // flow: certificates issued
	CertifiedUsers     = "training.certified"    // stock: people holding at least one valid certificate
)

// OpenStages are the pipeline stages a deal is open in; won and lost close it.
var OpenStages = []string{"registered", "qualified", "proposal", "negotiation"}

// Stock reports whether a metric is a level kept as changes.
func Stock(metric string) bool {
	return metric == Pipeline || metric == CertifiedUsers ||
		(len(metric) > len(PipelineStage) && metric[:len(PipelineStage)] == PipelineStage)
}
