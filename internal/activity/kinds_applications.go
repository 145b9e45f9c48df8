package activity

// Partner application events. A submission is a system event (no user: the
// applicant has no account yet); decisions name the admin and, on approval,
// the partner created.
const (
	KindApplicationSubmitted = "application.submitted"
	KindApplicationApproved  = "application.approved"
	KindApplicationDeclined  = "application.declined"
)
