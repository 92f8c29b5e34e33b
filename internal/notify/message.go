// Package notify turns Onboard's notifications into email and Slack messages and sends
// them: email through Resend (github.com/resend/resend-go) or, without a Resend key, into
// the dev outbox; Slack nudges as Block Kit messages through github.com/slack-go/slack.
// Every send carries the message's idempotency key, so a retry never sends twice. What to
// send, to whom and when is the activities' business; this package only says it and sends it.
package notify

import "fmt"

// Kind names a message: what it says and which templates say it.
type Kind string

// Kinds of message.
const (
	KindInvite         Kind = "invite"          // a contact is invited to the portal
	KindSignIn         Kind = "signin"          // a sign-in link a contact asked for
	KindYourTurn       Kind = "your_turn"       // a task became the contact's to do
	KindReminderDigest Kind = "reminder_digest" // a contact's coming due items, in one email
	KindOverdue        Kind = "overdue"         // a contact's overdue items
	KindEscalation     Kind = "escalation"      // to the CSM: something needs them
	KindGoLive         Kind = "go_live"         // the onboarding went live
	KindCSMDigest      Kind = "csm_digest"      // the CSM's daily digest
	KindVendorReminder Kind = "vendor_reminder" // to the CSM: the vendor's own tasks coming due or overdue
)

// KindWebhook is an event for the workspace's webhook endpoints alone (the notification
// names the event type, "onboarding.completed"); no person is written to, so it has no
// template.
const KindWebhook Kind = "webhook"

// Kinds lists every kind; each has an email template and a Slack rendering.
var Kinds = []Kind{KindInvite, KindSignIn, KindYourTurn, KindReminderDigest, KindOverdue, KindEscalation, KindGoLive,
	KindCSMDigest, KindVendorReminder}

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("notify: unknown kind %q", s)
}

// Brand is how the vendor's workspace looks in its messages.
type Brand struct {
	Name        string
	AccentColor string // #rrggbb
	LogoURL     string
}

// Message is everything a message's templates can show. Fields a kind does not use stay
// empty.
type Message struct {
	Kind          Kind
	Brand         Brand
	RecipientName string
	AccountName   string
	// Link is the message's button: a sign-in link, the portal, or the dashboard page.
	Link       string
	LinkLabel  string
	LinkExpiry string // how long Link works, e.g. "14 days"; empty when it does not expire
	Tasks      []TaskLine
	// Reason says why an escalation was raised.
	Reason      string
	Onboardings []OnboardingLine
	// WorkflowURL opens the onboarding's workflow in the Temporal Web UI (staff messages).
	WorkflowURL string
	// SnoozeURL puts a reminder's tasks off for two days, without a sign-in.
	SnoozeURL string
	// ActionRef ("<workspace id>/<onboarding id>"), when set, gives a Slack message its
	// interactive buttons: "Mark done" on each task that can be completed now and "Snooze
	// 2 days" for them all. Slack answers them through Socket Mode (package slackapp).
	ActionRef string
}

// TaskLine is one task in a message.
type TaskLine struct {
	Title   string
	Due     string // "Tue 9 Dec 2026"
	Overdue bool
	Blocked string // the block reason, when blocked
	URL     string
	// Key is the task's key; Completable says it can be marked done now.
	Key         string
	Completable bool
}

// OnboardingLine is one onboarding in a CSM's digest.
type OnboardingLine struct {
	AccountName string
	Health      string
	Progress    int
	Overdue     int
	Blocked     int
	// Note says what else needs the CSM: "customer quiet for 9 days · goes live Thu 10 Dec".
	Note string
	URL  string
}
