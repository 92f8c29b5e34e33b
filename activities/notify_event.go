package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// event is a notification event with what delivering it needs, read from the database.
type event struct {
	in         NotifyInput
	cfg        config.Config
	workspace  store.Workspace
	account    store.Account
	onboarding *store.Onboarding
	tasks      []notify.TaskLine // a reminder's tasks still open, read when it is delivered
	taskKeys   []string
	assignees  []string                   // beside tasks: who each is assigned to now ("" everyone on its side)
	staff      map[string]store.StaffUser // staff members vendor tasks are assigned to, by id
	digest     []notify.OnboardingLine
	contact    *store.Contact          // the one contact of an invite, sign-in link or bounce
	contacts   []store.Contact         // the account's contacts
	csm        *store.StaffUser        // the account's CSM, if it has one
	endpoints  []store.WebhookEndpoint // the workspace's webhook endpoints that want the event
}

// recipient is one person a message goes to.
type recipient struct {
	id        string // "contact:<id>" or "staff:<id>", part of the message's key
	name      string
	email     string
	contactID string
	// suppressed says why email to the address stopped ("bounced"), if it did.
	suppressed string
}

// delivery is one message to one recipient on one channel.
type delivery struct {
	key          string
	channel      string
	to           recipient
	msg          notify.Message
	linkPurpose  string                 // a sign-in link goes in the message: store.LinkInvite or store.LinkSignIn
	slackChannel string                 // the account's channel; empty: a direct message
	endpoint     *store.WebhookEndpoint // where a webhook delivery goes
}

// fallback is the same message by email, for a Slack message that cannot go.
func (d delivery) fallback() delivery {
	d.channel, d.key, d.slackChannel = store.ChannelEmail, d.keyBase()+"/"+store.ChannelEmail, ""
	return d
}

func (d delivery) keyBase() string { return d.key[:len(d.key)-len(d.channel)-1] }

// loadEvent reads what the event is about. Something deleted meanwhile cannot be told
// about: that is final, not retried.
func (a *Activities) loadEvent(ctx context.Context, in NotifyInput) (*event, error) {
	ev := &event{in: in, cfg: a.Notifier.Config}
	err := ev.load(ctx, a.Store)
	if errors.Is(err, store.ErrNotFound) {
		return nil, temporal.NewNonRetryableApplicationError(fmt.Sprintf("notify %s: %v", in.Key, err), "gone", err)
	}
	return ev, err
}

func (ev *event) load(ctx context.Context, st *store.Store) error {
	var err error
	if ev.workspace, err = st.Workspace(ctx, ev.in.WorkspaceID); err != nil {
		return err
	}
	accountID := ""
	if ev.in.OnboardingID != "" {
		o, err := st.Onboarding(ctx, ev.workspace.ID, ev.in.OnboardingID)
		if err != nil {
			return err
		}
		ev.onboarding, accountID = &o, o.AccountID
	}
	if ev.in.ContactID != "" {
		c, err := st.Contact(ctx, ev.workspace.ID, ev.in.ContactID)
		if err != nil {
			return err
		}
		ev.contact, accountID = &c, c.AccountID
	}
	if ev.in.StaffID != "" {
		return ev.loadDigest(ctx, st)
	}
	if ev.webhookEvent() == WebhookTest { // about nothing: for the one endpoint it tests
		e, err := st.WebhookEndpoint(ctx, ev.workspace.ID, ev.in.EndpointID)
		ev.endpoints = []store.WebhookEndpoint{e}
		return err
	}
	if ev.account, err = st.Account(ctx, ev.workspace.ID, accountID); err != nil {
		return err
	}
	if len(ev.in.Tasks) > 0 && ev.onboarding != nil {
		if err := ev.loadTasks(ctx, st); err != nil {
			return err
		}
		if err := ev.loadAssignedStaff(ctx, st); err != nil {
			return err
		}
	}
	if ev.contacts, err = st.Contacts(ctx, ev.workspace.ID, ev.account.ID); err != nil {
		return err
	}
	if t := ev.webhookEvent(); t != "" {
		if ev.endpoints, err = st.WebhookEndpointsFor(ctx, ev.workspace.ID, t); err != nil {
			return err
		}
	}
	if ev.account.CSMID != nil {
		u, err := st.StaffUser(ctx, ev.workspace.ID, *ev.account.CSMID)
		if err == nil {
			ev.csm = &u
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	return nil
}

// deliveries lists the messages the event makes, by kind.
func (ev *event) deliveries() []delivery {
	switch ev.in.Kind {
	case notify.KindInvite, notify.KindSignIn:
		return ev.signInLink()
	case notify.KindGoLive:
		return append(append(ev.toContacts("Open your portal", ev.cfg.BaseURL+"/portal"), ev.toCSM()...), ev.webhooks()...)
	case notify.KindWebhook:
		return ev.webhooks()
	case notify.KindEscalation:
		return ev.toCSM()
	case notify.KindYourTurn, notify.KindReminderDigest, notify.KindOverdue:
		return ev.reminder()
	case notify.KindVendorReminder:
		return ev.vendorReminder()
	case notify.KindCSMDigest:
		if len(ev.digest) == 0 { // nothing needs them today: no email about nothing
			return nil
		}
		return ev.toCSM()
	}
	return nil
}

// loadTasks reads a reminder's tasks as they are now, in the order the workflow gave,
// leaving out any done (or hidden) since the workflow decided to remind of them.
func (ev *event) loadTasks(ctx context.Context, st *store.Store) error {
	d, err := st.OnboardingDetail(ctx, ev.workspace.ID, ev.onboarding.ID)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(d.AccountTimezone)
	if err != nil {
		loc = time.UTC
	}
	now := time.Now()
	for i, key := range ev.in.Tasks {
		for _, t := range d.Tasks {
			staff := ev.in.Kind == notify.KindVendorReminder
			if t.Key != key || t.Status.Done() || (!staff && !t.CustomerVisible) {
				continue
			}
			if i < len(ev.in.Assignees) && ev.in.Assignees[i] != t.Assignee {
				continue // given to someone else since the reminder was due: not theirs to hear of
			}
			line := notify.TaskLine{Title: t.Title, Blocked: t.BlockedReason,
				URL: ev.cfg.BaseURL + "/portal/onboardings/" + d.ID + "/tasks/" + t.Key}
			if staff {
				line.URL = ev.cfg.BaseURL + "/staff/onboardings/" + d.ID + "#task-" + t.Key
				line.Key = t.Key
				line.Completable = t.NextStep && (t.Status == onboarding.TaskPending || t.Status == onboarding.TaskInProgress)
			}
			if t.DueAt != nil {
				line.Due, line.Overdue = t.DueAt.In(loc).Format("Mon 2 Jan 2006"), now.After(*t.DueAt)
			}
			ev.tasks, ev.taskKeys, ev.assignees = append(ev.tasks, line), append(ev.taskKeys, t.Key), append(ev.assignees, t.Assignee)
		}
	}
	return nil
}

// snoozeLinkExpiry is when a snooze link made at now stops working: SnoozeLinkTTL after
// the end of the day, so a retried send on the same day carries the very same link
// (the provider would refuse a changed message under the same idempotency key).
func snoozeLinkExpiry(now time.Time) time.Time {
	return now.UTC().Truncate(24 * time.Hour).Add(24*time.Hour + auth.SnoozeLinkTTL)
}

// digestStaleAfter and digestGoLiveWithin decide which onboardings a CSM's morning
// digest names, besides those with overdue or blocked tasks or a health below On Track.
const (
	digestStaleAfter   = 7 * 24 * time.Hour
	digestGoLiveWithin = 7 * 24 * time.Hour
)

// loadDigest reads the staff member a digest goes to and the onboardings that need
// them: overdue or blocked tasks, health below On Track, a quiet customer, or a go-live
// this week.
func (ev *event) loadDigest(ctx context.Context, st *store.Store) error {
	u, err := st.StaffUser(ctx, ev.workspace.ID, ev.in.StaffID)
	if err != nil {
		return err
	}
	ev.csm = &u
	now := time.Now()
	rows, err := st.CSMDigest(ctx, ev.workspace.ID, u.ID, now)
	if err != nil {
		return err
	}
	for _, r := range rows {
		var notes []string
		if r.LastCustomerActivity != nil && now.Sub(*r.LastCustomerActivity) >= digestStaleAfter {
			notes = append(notes, fmt.Sprintf("customer quiet for %d days", int(now.Sub(*r.LastCustomerActivity).Hours()/24)))
		}
		if r.TargetGoLive != nil && r.TargetGoLive.Sub(now) < digestGoLiveWithin && !r.TargetGoLive.Before(now.AddDate(0, 0, -1)) {
			notes = append(notes, "goes live "+r.TargetGoLive.Format("Mon 2 Jan"))
		}
		if r.Overdue == 0 && r.Blocked == 0 && r.Health == onboarding.HealthOnTrack && len(notes) == 0 {
			continue
		}
		ev.digest = append(ev.digest, notify.OnboardingLine{AccountName: r.AccountName, Health: r.Health.Label(),
			Progress: r.Progress, Overdue: r.Overdue, Blocked: r.Blocked, Note: strings.Join(notes, " · "),
			URL: ev.cfg.BaseURL + "/staff/onboardings/" + r.OnboardingID})
	}

	return nil
}

// reminder emails each of the account's contacts the reminder's tasks still open that
// are theirs: those assigned to them and those assigned to nobody (or to a contact no
// longer on the account). When none is left, nothing goes.
func (ev *event) reminder() []delivery {
	if len(ev.tasks) == 0 {
		return nil
	}
	expires := snoozeLinkExpiry(time.Now())
	var out []delivery
	for _, d := range ev.toContacts("Open your portal", ev.cfg.BaseURL+"/portal") {
		var lines []notify.TaskLine
		var keys []string
		for i, line := range ev.tasks {
			if ev.reminds(ev.assignees[i], d.to.contactID) {
				lines, keys = append(lines, line), append(keys, ev.taskKeys[i])
			}
		}
		tasks := remindedOf(ev.contactByID(d.to.contactID), lines)
		if len(tasks) == 0 {
			continue
		}
		d.msg.Tasks = tasks
		d.msg.SnoozeURL = auth.SnoozeLink(ev.cfg.BaseURL, ev.cfg.Secret, auth.Snooze{OnboardingID: ev.onboarding.ID,
			Tasks: keys, Days: int(onboarding.SnoozeFor / (24 * time.Hour)), Expires: expires})
		out = append(out, d)
	}
	return out
}

// reminds reports whether a customer task assigned to assignee is the contact's to hear
// of. A task assigned to nobody (or to someone who left the account) is the team's: the
// contacts in the account's time zone hear of it. A contact with a zone of their own is
// reminded of their own tasks in their own mornings, one email a day, and so not of the
// team's too; unless nobody is left in the account's zone, when everyone is.
func (ev *event) reminds(assignee, contactID string) bool {
	kind, id := onboarding.AssigneeKind(assignee)
	if kind == "contact" && ev.contactByID(id).ID != "" {
		return id == contactID
	}
	return !ev.ownZone(ev.contactByID(contactID)) || ev.nobodyInAccountZone()
}

// ownZone reports whether a contact keeps a time zone other than the account's.
func (ev *event) ownZone(c store.Contact) bool {
	return c.Timezone != "" && c.Timezone != ev.account.Timezone
}

// nobodyInAccountZone reports whether every contact of the account keeps a zone of their own.
func (ev *event) nobodyInAccountZone() bool {
	for _, c := range ev.contacts {
		if !ev.ownZone(c) {
			return false
		}
	}
	return true
}

// loadAssignedStaff reads the staff members a vendor reminder's tasks are assigned to.
// One who left the workspace is skipped: their tasks go to the CSM.
func (ev *event) loadAssignedStaff(ctx context.Context, st *store.Store) error {
	if ev.in.Kind != notify.KindVendorReminder {
		return nil
	}
	for _, a := range ev.assignees {
		kind, id := onboarding.AssigneeKind(a)
		if kind != "staff" || ev.staff[id].ID != "" {
			continue
		}
		u, err := st.StaffUser(ctx, ev.workspace.ID, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if ev.staff == nil {
			ev.staff = map[string]store.StaffUser{}
		}
		ev.staff[id] = u
	}
	return nil
}

// vendorReminder nudges whoever does the vendor's tasks that are still open: the staff
// member each is assigned to, else the account's CSM; each of them gets one message
// with their own tasks.
func (ev *event) vendorReminder() []delivery {
	byStaff := map[string][]notify.TaskLine{}
	var order []string
	for i, line := range ev.tasks {
		to := "" // the CSM: unassigned, assigned to the CSM, or to someone who left
		if kind, id := onboarding.AssigneeKind(ev.assignees[i]); kind == "staff" && ev.staff[id].ID != "" &&
			(ev.csm == nil || id != ev.csm.ID) {
			to = id
		}
		if _, seen := byStaff[to]; !seen {
			order = append(order, to)
		}
		byStaff[to] = append(byStaff[to], line)
	}
	var out []delivery
	for _, id := range order {
		var ds []delivery
		if id == "" {
			ds = ev.toCSM()
		} else {
			ds = []delivery{ev.toStaff(ev.staff[id], "")}
		}
		for _, d := range ds {
			d.msg.Tasks = byStaff[id]
			if ev.cfg.SlackAppToken != "" { // buttons only where something answers them
				d.msg.ActionRef = ev.workspace.ID + "/" + ev.onboarding.ID
			}
			out = append(out, d)
		}
	}
	return out
}

// remindedOf is what a contact's preference lets a reminder tell them of: every task,
// only the overdue ones, or none.
func remindedOf(c store.Contact, tasks []notify.TaskLine) []notify.TaskLine {
	switch c.ReminderEmails {
	case store.ReminderEmailsNone:
		return nil
	case store.ReminderEmailsOverdue:
		var overdue []notify.TaskLine
		for _, t := range tasks {
			if t.Overdue {
				overdue = append(overdue, t)
			}
		}
		return overdue
	}
	return tasks
}

func (ev *event) signInLink() []delivery {
	if ev.contact == nil {
		return nil
	}
	purpose, label := store.LinkSignIn, "Sign in"
	if ev.in.Kind == notify.KindInvite {
		purpose, label = store.LinkInvite, "Open your onboarding portal"
	}
	d := ev.email(contactRecipient(*ev.contact))
	d.linkPurpose, d.msg.LinkLabel, d.msg.LinkExpiry = purpose, label, ttlWords(ev.workspace, purpose)
	return []delivery{d}
}

// contactByID is the account's contact with the id (zero when not one of them).
func (ev *event) contactByID(id string) store.Contact {
	for _, c := range ev.contacts {
		if c.ID == id {
			return c
		}
	}
	return store.Contact{}
}

// toContacts emails every contact of the account.
func (ev *event) toContacts(label, link string) []delivery {
	var out []delivery
	for _, c := range ev.contacts {
		d := ev.email(contactRecipient(c))
		d.msg.Link, d.msg.LinkLabel = link, label
		out = append(out, d)
	}
	return out
}

// toCSM nudges the account's CSM in Slack (in the account's channel when it has one),
// falling back to email; an account without a CSM has nobody to nudge.
func (ev *event) toCSM() []delivery {
	if ev.csm == nil {
		return nil
	}
	return []delivery{ev.toStaff(*ev.csm, ev.account.SlackChannel)}
}

// toStaff nudges one staff member in Slack (in channel, else directly), falling back to
// email.
func (ev *event) toStaff(u store.StaffUser, channel string) delivery {
	to := recipient{id: "staff:" + u.ID, name: u.Name, email: u.Email}
	d := delivery{key: ev.in.Key + "/" + to.id + "/" + store.ChannelSlack, channel: store.ChannelSlack, to: to,
		msg: ev.message(to), slackChannel: channel}
	if ev.onboarding != nil {
		d.msg.Link, d.msg.LinkLabel = ev.cfg.BaseURL+"/staff/onboardings/"+ev.onboarding.ID, "Open in Onboard"
		d.msg.WorkflowURL = ev.cfg.WorkflowURL(ev.onboarding.WorkflowID)
	} else {
		d.msg.Link, d.msg.LinkLabel = ev.cfg.BaseURL+"/staff", "Open the dashboard"
	}
	d.msg.Onboardings = ev.digest
	return d
}

func (ev *event) email(to recipient) delivery {
	return delivery{key: ev.in.Key + "/" + to.id + "/" + store.ChannelEmail, channel: store.ChannelEmail, to: to, msg: ev.message(to)}
}

func contactRecipient(c store.Contact) recipient {
	r := recipient{id: "contact:" + c.ID, name: c.Name, email: c.Email, contactID: c.ID}
	if c.EmailStatus != store.EmailOK {
		r.suppressed = c.EmailStatus
	}
	return r
}

// message is what every message of the event says, addressed to one person.
func (ev *event) message(to recipient) notify.Message {
	return notify.Message{Kind: ev.in.Kind, RecipientName: firstName(to.name), AccountName: ev.account.Name,
		Reason: ev.in.Reason, Brand: notify.Brand{Name: ev.workspace.Name, AccentColor: ev.workspace.AccentColor,
			LogoURL: ev.workspace.LogoURL}}
}

// record is the notification log row of a delivery.
func (ev *event) record(d delivery, subject string) store.Notification {
	n := store.Notification{WorkspaceID: ev.workspace.ID, Key: d.key, Channel: d.channel,
		Template: string(d.msg.Kind), Recipient: d.to.email, Subject: subject}
	if ev.account.ID != "" {
		n.AccountID = &ev.account.ID
	}
	if d.channel == store.ChannelSlack && d.slackChannel != "" {
		n.Recipient = "#" + d.slackChannel
	}
	if ev.onboarding != nil {
		n.OnboardingID = &ev.onboarding.ID
	}
	return n
}

// from is the sender: the workspace's own address, else the server's default.
func (ev *event) from(cfg config.Config) string {
	if ev.workspace.EmailFrom != "" {
		return ev.workspace.EmailFrom
	}
	return cfg.EmailFrom
}

// firstName greets people the way a person would: "Hi Dana".
func firstName(name string) string {
	for i, r := range name {
		if r == ' ' {
			return name[:i]
		}
	}
	return name
}

// Webhook event types.
const (
	WebhookWentLive  = "onboarding.went_live"
	WebhookCompleted = "onboarding.completed"
	WebhookCancelled = "onboarding.cancelled"
	WebhookTest      = "webhook.test"
)

// WebhookEvents lists the event types an endpoint can ask for, in the order pages offer them.
var WebhookEvents = []string{WebhookWentLive, WebhookCompleted, WebhookCancelled}

// webhookEvent is the webhook event type the notification is, if it is one.
func (ev *event) webhookEvent() string {
	switch ev.in.Kind {
	case notify.KindGoLive:
		return WebhookWentLive
	case notify.KindWebhook:
		return ev.in.Event
	}
	return ""
}

// webhooks are the event's deliveries to the workspace's endpoints that want it.
func (ev *event) webhooks() []delivery {
	var out []delivery
	for i := range ev.endpoints {
		e := &ev.endpoints[i]
		to := recipient{id: "webhook:" + e.ID, email: e.URL}
		out = append(out, delivery{key: ev.in.Key + "/" + to.id + "/" + store.ChannelWebhook, channel: store.ChannelWebhook,
			to: to, msg: notify.Message{Kind: ev.in.Kind}, endpoint: e})
	}
	return out
}

// webhookPayload is a delivery's body: the Standard Webhooks shape, with the onboarding
// as it stands when the event is delivered.
type webhookPayload struct {
	Type      string         `json:"type"`
	Timestamp time.Time      `json:"timestamp"`
	Data      webhookSubject `json:"data"`
}

type webhookSubject struct {
	WorkspaceID string             `json:"workspace_id"`
	Onboarding  *webhookOnboarding `json:"onboarding,omitempty"`
	// Reason says why, for a cancellation.
	Reason string `json:"reason,omitempty"`
}

type webhookOnboarding struct {
	ID             string     `json:"id"`
	AccountID      string     `json:"account_id"`
	AccountName    string     `json:"account_name"`
	ExternalID     *string    `json:"account_external_id"`
	Plan           string     `json:"plan"`
	Status         string     `json:"status"`
	Health         string     `json:"health"`
	Progress       int        `json:"progress"`
	StartDate      string     `json:"start_date"`
	TargetGoLive   *string    `json:"target_go_live"`
	ForecastGoLive *string    `json:"forecast_go_live"`
	WentLiveAt     *time.Time `json:"went_live_at"`
	URL            string     `json:"url"`
}

// webhookBody is the body of the event's deliveries, as of at (when it was first tried).
func (ev *event) webhookBody(at time.Time) ([]byte, error) {
	p := webhookPayload{Type: ev.webhookEvent(), Timestamp: at.UTC().Truncate(time.Second),
		Data: webhookSubject{WorkspaceID: ev.workspace.ID}}
	if p.Type == WebhookCancelled {
		p.Data.Reason = ev.in.Reason
	}
	if o := ev.onboarding; o != nil {
		day := func(t *time.Time) *string {
			if t == nil {
				return nil
			}
			s := t.Format(time.DateOnly)
			return &s
		}
		p.Data.Onboarding = &webhookOnboarding{ID: o.ID, AccountID: o.AccountID, AccountName: ev.account.Name,
			ExternalID: ev.account.ExternalID, Plan: o.PlanKey, Status: string(o.Status), Health: string(o.Health),
			Progress: o.Progress, StartDate: o.StartDate.Format(time.DateOnly), TargetGoLive: day(o.TargetGoLive),
			ForecastGoLive: day(o.ForecastGoLive), WentLiveAt: o.WentLiveAt, URL: ev.cfg.BaseURL + "/staff/onboardings/" + o.ID}
	}
	return json.Marshal(p)
}
