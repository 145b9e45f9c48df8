// Package kpi names the key figures Ponte keeps per partner and day (and per
// month) in the kpi_daily and kpi_monthly rollups, keeps them current from
// hooks in the transaction of each change, and rebuilds them from raw data.
//
// A flow metric holds what happened in the period (deals won, downloads). A
// stock metric holds the period's change of a level (pipeline value,
// certified people): the level at a date is the sum of all changes up to it.
// A distinct metric (active users) counts different people in the period:
// the monthly row is its own count, never the sum of the month's days.
package kpi

import "strings"

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

	DealsRejected       = "deals.rejected"              // flow: registrations rejected
	DealsExpired        = "deals.expired"               // flow: approved registrations whose protection ran out
	DocumentAcks        = "documents.acknowledged"      // flow: documents acknowledged
	AnnouncementAcks    = "announcements.acknowledged"  // flow: announcements acknowledged
	LessonsCompleted    = "training.lessons"            // flow: lessons completed
	QuizAttempts        = "training.quiz_attempts"      // flow: quizzes submitted
	QuizPasses          = "training.quiz_passes"        // flow: quizzes passed
	CertificatesRevoked = "training.revocations"        // flow: certificates revoked
	SurveyPromoters     = "satisfaction.promoters"      // flow: survey answers scoring 9–10
	SurveyPassives      = "satisfaction.passives"       // flow: survey answers scoring 7–8
	SurveyDetractors    = "satisfaction.detractors"     // flow: survey answers scoring 0–6
	PipelineRegistered  = PipelineStage + "registered"  // stock: pipeline in stage registered
	PipelineQualified   = PipelineStage + "qualified"   // stock: pipeline in stage qualified
	PipelineProposal    = PipelineStage + "proposal"    // stock: pipeline in stage proposal
	PipelineNegotiation = PipelineStage + "negotiation" // stock: pipeline in stage negotiation

	// PipelineWeighted names the weighted pipeline, which is never stored
	// (WeightedPipeline computes it at read time); its label is
	// "kpi.metric.pipeline.weighted".
	PipelineWeighted = "pipeline.weighted"
)

// OpenStages are the pipeline stages a deal is open in; won and lost close it.
var OpenStages = []string{"registered", "qualified", "proposal", "negotiation"}

// Kind says how a metric's periods combine.
type Kind string

// The kinds of metric.
const (
	// KindFlow: the period's amount; a longer period is the sum of its days.
	KindFlow Kind = "flow"
	// KindStock: the period's change of a level; the level at a date is the
	// sum of every change up to it.
	KindStock Kind = "stock"
	// KindDistinct: different people in the period; kpi_monthly holds the
	// month's own count, which is not the sum of its days.
	KindDistinct Kind = "distinct"
)

// Metric describes one key figure.
type Metric struct {
	Name     string // as stored in the rollups' metric column
	Kind     Kind
	LabelKey string // i18n key of its label, "kpi.metric.<name>"
	Money    bool   // an amount in the base currency
}

// ActivityMetrics maps an activity kind to the flow metric it feeds: one
// entry per kind, and adding a metric counted from events is adding a line
// here (plus its label in kpi.{en,pt-BR}.json). Hooks and Rebuild both read
// this table.
var ActivityMetrics = []struct{ Kind, Metric string }{
	{"user.login", Logins},
	{"document.downloaded", Downloads},
	{"document.acknowledged", DocumentAcks},
	{"forum.thread_created", ForumPosts},
	{"forum.post_created", ForumPosts},
	{"conversation.message", Messages},
	{"announcement.read", AnnouncementReads},
	{"announcement.acknowledged", AnnouncementAcks},
	{"training.enrolled", Enrolments},
	{"training.lesson_completed", LessonsCompleted},
	{"training.quiz_submitted", QuizAttempts},
	{"training.quiz_passed", QuizPasses},
	{"training.course_completed", CoursesCompleted},
	{"training.certificate_issued", CertificatesIssued},
	{"training.certificate_revoked", CertificatesRevoked},
	{"survey.answered_promoter", SurveyPromoters},
	{"survey.answered_passive", SurveyPassives},
	{"survey.answered_detractor", SurveyDetractors},
}

// activityMetric returns the metric an activity kind feeds, or "".
func activityMetric(kind string) string {
	for _, m := range ActivityMetrics {
		if m.Kind == kind {
			return m.Metric
		}
	}
	return ""
}

// dealMetrics are the metrics kept from deal_events, in display order.
var dealMetrics = []Metric{
	{Name: DealsRegistered, Kind: KindFlow},
	{Name: DealsApproved, Kind: KindFlow},
	{Name: DealsRejected, Kind: KindFlow},
	{Name: DealsExpired, Kind: KindFlow},
	{Name: DealsWon, Kind: KindFlow},
	{Name: DealsLost, Kind: KindFlow},
	{Name: RevenueWon, Kind: KindFlow, Money: true},
	{Name: Pipeline, Kind: KindStock, Money: true},
	{Name: PipelineRegistered, Kind: KindStock, Money: true},
	{Name: PipelineQualified, Kind: KindStock, Money: true},
	{Name: PipelineProposal, Kind: KindStock, Money: true},
	{Name: PipelineNegotiation, Kind: KindStock, Money: true},
}

// Metrics lists every metric the rollups hold, deal metrics first, then
// people, then events in the order of ActivityMetrics.
func Metrics() []Metric {
	out := make([]Metric, 0, 32)
	out = append(out, dealMetrics...)
	out = append(out, Metric{Name: ActiveUsers, Kind: KindDistinct}, Metric{Name: CertifiedUsers, Kind: KindStock})
	seen := map[string]bool{}
	for _, m := range ActivityMetrics {
		if !seen[m.Metric] {
			seen[m.Metric] = true
			out = append(out, Metric{Name: m.Metric, Kind: KindFlow})
		}
	}
	for i := range out {
		out[i].LabelKey = "kpi.metric." + out[i].Name
	}
	return out
}

// Stock reports whether a metric is a level kept as changes.
func Stock(metric string) bool {
	return metric == Pipeline || metric == CertifiedUsers ||
		(strings.HasPrefix(metric, PipelineStage) && metric != PipelineWeighted)
}
