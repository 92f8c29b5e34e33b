package activities

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/store"
)

// Notifier is what the notification activity needs: the channels and what goes in links.
type Notifier struct {
	Email     notify.EmailSender
	Slack     *notify.Slack
	Webhooks  notify.Webhooks
	Templates *notify.Templates
	// Config gives the base URL, the Temporal Web UI, the default sender, the server's
	// Slack token and the secret sign-in links are derived from.
	Config config.Config
}

// NewNotifier is the Notifier a worker runs with: email through sender, Slack at the
// configured API, webhooks to private networks only when the configuration allows.
func NewNotifier(cfg config.Config, sender notify.EmailSender, tpls *notify.Templates) *Notifier {
	return &Notifier{Email: sender, Slack: notify.NewSlack(cfg.SlackAPIURL), Templates: tpls, Config: cfg,
		Webhooks: notify.Webhooks{AllowPrivate: cfg.WebhookPrivateNetworks}}
}

// NotifyInput is one event to tell people about. Who hears of it, on which channel and in
// what words is decided when it is delivered, from the database, so a workflow's history
// holds ids only.
type NotifyInput struct {
	// Key is unique per event; each message's idempotency key is Key plus its recipient
	// and channel, so a retried activity or a second worker never sends a message twice.
	Key          string      `json:"key"`
	Kind         notify.Kind `json:"kind"`
	WorkspaceID  string      `json:"workspace_id"`
	OnboardingID string      `json:"onboarding_id,omitempty"`
	// ContactID is the one contact an invite or sign-in link goes to.
	ContactID string `json:"contact_id,omitempty"`
	// Reason says why an escalation was raised.
	Reason string `json:"reason,omitempty"`
	// Tasks are the tasks a reminder is about.
	Tasks []string `json:"tasks,omitempty"`
	// Assignees are, beside Tasks, who each task was assigned to when the reminder was
	// due (nil: none was); a task given to someone else since is left out.
	Assignees []string `json:"assignees,omitempty"`
	// StaffID is the one staff member a CSM digest goes to.
	StaffID string `json:"staff_id,omitempty"`
	// Event is the webhook event type of a KindWebhook notification.
	Event string `json:"event,omitempty"`
	// EndpointID is the one webhook endpoint a test event goes to.
	EndpointID string `json:"endpoint_id,omitempty"`
}

// Magic link lifetimes: an invite waits for the person to get round to it; a link asked
// for on the sign-in page is used at once.
const (
	InviteLinkTTL = 14 * 24 * time.Hour
	SignInLinkTTL = 30 * time.Minute
)

// Notify delivers an event's messages. Each message is recorded in the notification log
// before it is sent and marked when the provider took it; a message already sent is
// skipped, so a retry sends only what is missing. A refusal for good (an invalid address)
// is recorded and not retried; a bounced address is not written to at all.
func (a *Activities) Notify(ctx context.Context, in NotifyInput) error {
	if a.Notifier == nil {
		return temporal.NewNonRetryableApplicationError("notifications are not configured on this worker", "not_configured", nil)
	}
	ev, err := a.loadEvent(ctx, in)
	if err != nil {
		return err
	}
	var retry []error
	for _, d := range ev.deliveries() {
		if err := a.deliver(ctx, ev, d); err != nil {
			activity.GetLogger(ctx).Warn("notification not delivered yet", "key", d.key, "error", err)
			retry = append(retry, err)
		}
	}
	return retryError(retry)
}

// retryError asks Temporal to retry, after the longest wait a provider asked for, unless
// nothing failed in a way a retry can mend (a template that does not render).
func retryError(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	var wait time.Duration
	mendable := false
	for _, err := range errs {
		wait = max(wait, notify.RetryDelay(err))
		var app *temporal.ApplicationError
		mendable = mendable || !errors.As(err, &app) || !app.NonRetryable()
	}
	if !mendable {
		return temporal.NewNonRetryableApplicationError(errors.Join(errs...).Error(), "not_sendable", nil)
	}
	return temporal.NewApplicationErrorWithOptions(errors.Join(errs...).Error(), "send_failed",
		temporal.ApplicationErrorOptions{NextRetryDelay: wait})
}

// deliver sends one message on its channel; a Slack message that cannot go falls back to
// email to the same person.
func (a *Activities) deliver(ctx context.Context, ev *event, d delivery) error {
	switch d.channel {
	case store.ChannelSlack:
		return a.deliverSlack(ctx, ev, d)
	case store.ChannelWebhook:
		return a.deliverWebhook(ctx, ev, d)
	}
	return a.deliverEmail(ctx, ev, d)
}

// deliverWebhook posts the event to one endpoint, signed with its secret. The event id
// is derived from the delivery's key and the body is kept from the first attempt, so a
// retry posts the same bytes under the same id.
func (a *Activities) deliverWebhook(ctx context.Context, ev *event, d delivery) error {
	rec, err := a.Store.BeginNotification(ctx, ev.record(d, ev.webhookEvent()))
	if err != nil || rec.Done() {
		return err
	}
	body, err := ev.webhookBody(rec.CreatedAt)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), "webhook_body", err)
	}
	kept, err := a.Store.FreezeNotificationBody(ctx, d.key, string(body))
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(d.key))
	status, err := a.Notifier.Webhooks.Post(ctx, notify.WebhookDelivery{URL: d.endpoint.URL, Secret: d.endpoint.Secret,
		ID: "evt_" + hex.EncodeToString(sum[:12]), Body: []byte(kept)})
	ref := ""
	if status != 0 {
		ref = strconv.Itoa(status)
	}
	return a.finish(ctx, d.key, "webhook", ref, err)
}

func (a *Activities) deliverEmail(ctx context.Context, ev *event, d delivery) error {
	n := a.Notifier
	msg := d.msg
	var link *store.MagicLink
	if d.linkPurpose != "" {
		token := auth.DeriveToken(n.Config.Secret, "magic-link:"+d.key)
		msg.Link = n.Config.BaseURL + "/portal/signin/" + token
		link = &store.MagicLink{TokenHash: auth.Hash(token), WorkspaceID: ev.workspace.ID, ContactID: d.to.contactID,
			Purpose: d.linkPurpose, ExpiresAt: time.Now().Add(linkTTL(ev.workspace, d.linkPurpose))}
	}
	r, err := n.Templates.Render(msg)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), "template", err)
	}
	rec, err := a.Store.BeginNotification(ctx, ev.record(d, r.Subject))
	if err != nil || rec.Done() {
		return err
	}
	if d.to.suppressed != "" {
		return a.Store.FinishNotification(ctx, d.key, store.NotificationSuppressed, "", "", "the address "+d.to.suppressed)
	}
	if link != nil {
		if err := a.Store.IssueMagicLink(ctx, *link); err != nil {
			return err
		}
	}
	id, err := n.Email.Send(ctx, notify.Email{Key: d.key, WorkspaceID: ev.workspace.ID, From: ev.from(n.Config), To: d.to.email,
		Subject: r.Subject, HTML: r.HTML, Text: r.Text, Tags: map[string]string{"kind": string(msg.Kind)}})
	return a.finish(ctx, d.key, n.Email.Provider(), id, err)
}

// finish records how a send ended: a refusal for good is recorded and done with; any
// other failure is noted and returned for a retry.
func (a *Activities) finish(ctx context.Context, key, provider, providerID string, err error) error {
	switch {
	case err == nil:
		return a.Store.FinishNotification(ctx, key, store.NotificationSent, provider, providerID, "")
	case notify.IsPermanent(err):
		return a.Store.FinishNotification(ctx, key, store.NotificationFailed, provider, "", err.Error())
	}
	if noteErr := a.Store.NoteNotificationError(ctx, key, err.Error()); noteErr != nil {
		return errors.Join(err, noteErr)
	}
	return err
}

func (a *Activities) deliverSlack(ctx context.Context, ev *event, d delivery) error {
	n := a.Notifier
	token := ev.workspace.SlackBotToken
	if token == "" {
		token = n.Config.SlackBotToken
	}
	if token == "" || n.Slack == nil {
		a.noteSlack(ctx, ev, "missing", "no Slack bot token: set SLACK_BOT_TOKEN or the workspace's own")
		return a.deliverEmail(ctx, ev, d.fallback())
	}
	r, err := n.Templates.Render(d.msg)
	if err != nil {
		return temporal.NewNonRetryableApplicationError(err.Error(), "template", err)
	}
	rec, err := a.Store.BeginNotification(ctx, ev.record(d, r.Subject))
	if err != nil {
		return err
	}
	if rec.Done() {
		if rec.Status == store.NotificationFailed { // it fell back to email: make sure that went
			return a.deliverEmail(ctx, ev, d.fallback())
		}
		return nil
	}
	post := notify.SlackPost{Token: token, Key: d.key, Channel: d.slackChannel, UserEmail: d.to.email}
	post.Text, post.Blocks = notify.SlackMessage(d.msg, r.Subject)
	if rec.Attempts > 1 {
		post.Since = rec.CreatedAt
	}
	ref, err := n.Slack.Post(ctx, post)
	switch {
	case err == nil:
		a.noteSlack(ctx, ev, "ok", "")
	case notify.IsTokenError(err):
		a.noteSlack(ctx, ev, "revoked", err.Error())
	}
	if err := a.finish(ctx, d.key, "slack", ref, err); err != nil {
		return err
	}
	if err != nil { // refused for good and recorded: tell them by email instead
		return a.deliverEmail(ctx, ev, d.fallback())
	}
	return nil
}

// noteSlack records what using the workspace's Slack token found, when that changed, so
// workspace settings can show it.
func (a *Activities) noteSlack(ctx context.Context, ev *event, status, detail string) {
	if ev.workspace.SlackStatus == status && ev.workspace.SlackError == detail {
		return
	}
	if err := a.Store.SetSlackStatus(ctx, ev.workspace.ID, ev.workspace.SlackBotToken, status, detail); err != nil {
		activity.GetLogger(ctx).Warn("recording the Slack status failed", "error", err)
		return
	}
	ev.workspace.SlackStatus, ev.workspace.SlackError = status, detail
}

// linkTTL is how long a link lasts: an invite as long as the workspace says.
func linkTTL(ws store.Workspace, purpose string) time.Duration {
	if purpose == store.LinkInvite {
		if ws.InviteDays > 0 {
			return time.Duration(ws.InviteDays) * 24 * time.Hour
		}
		return InviteLinkTTL
	}
	return SignInLinkTTL
}

// ttlWords says a link's lifetime the way the email does.
func ttlWords(ws store.Workspace, purpose string) string {
	if d := linkTTL(ws, purpose); purpose == store.LinkInvite {
		if n := int(d.Hours() / 24); n != 1 {
			return fmt.Sprintf("%d days", n)
		}
		return "1 day"
	}
	return fmt.Sprintf("%d minutes", int(SignInLinkTTL.Minutes()))
}

// DigestPlan is who gets a CSM digest today, and which day that is where the workspace is.
type DigestPlan struct {
	Day      string   `json:"day"`
	StaffIDs []string `json:"staff_ids"`
}

// PlanCSMDigest lists the CSMs of a workspace with active onboardings, and today's date
// in the workspace's time zone.
func (a *Activities) PlanCSMDigest(ctx context.Context, workspaceID string) (DigestPlan, error) {
	ws, err := a.Store.Workspace(ctx, workspaceID)
	if err != nil {
		return DigestPlan{}, err
	}
	loc, err := time.LoadLocation(ws.Timezone)
	if err != nil {
		loc = time.UTC
	}
	ids, err := a.Store.DigestRecipients(ctx, workspaceID)
	return DigestPlan{Day: time.Now().In(loc).Format(time.DateOnly), StaffIDs: ids}, err
}
