package activity

// KindFeedbackSent marks a message sent through the feedback form.
const KindFeedbackSent = "feedback.sent"
