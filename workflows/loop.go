package workflows

import (
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
)

// run is the scheduler loop: apply queued signals, sleep until the next moment health
// can change or a message arrives, recompute, repeat until the onboarding is done.
func (w *onboardingWorkflow) run(ctx workflow.Context) (OnboardingResult, error) {
	w.upsertSearchAttributes(ctx) // once per run: a run after continue-as-new starts afresh
	w.enableNudging(ctx)
	if !w.state.AutoUnblock && workflow.GetVersion(ctx, changeAutoUnblock, workflow.DefaultVersion, 1) == 1 {
		w.state.AutoUnblock = true
	}
	w.resume(ctx)
	w.refreshHealth(ctx) // an onboarding started with a past start date may be late already
	for !w.state.Terminal() {
		w.drainSignals(ctx)
		w.announce(ctx)
		if w.state.Terminal() {
			break
		}
		w.nudge(ctx)
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return w.continueAsNew(ctx)
		}
		if err := w.sleep(ctx); err != nil {
			return OnboardingResult{}, err
		}
		w.refreshHealth(ctx)
	}
	w.announce(ctx) // the last action may have finished the onboarding
	w.announceClose(ctx)
	// Let in-flight updates answer, and announcements go, before the run closes.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && w.sending == 0 }); err != nil {
		return OnboardingResult{}, err
	}
	res := OnboardingResult{Status: w.state.Status, Version: w.state.Version, WentLiveAt: w.state.WentLiveAt,
		CloseReason: w.state.CloseReason}
	if w.state.Nudging != nil {
		out := w.state.Outcome(workflow.Now(ctx))
		res.RemindersSent, res.Outcome = w.state.Nudging.RemindersSent, &out
	}
	return res, nil
}

// sleep waits for the next wake-up, a state change by an update, a signal, or a
// continue-as-new suggestion, whichever comes first.
//
// The wake-up timer outlives a message that does not bring the next wake-up forward
// (most actions push it later): firing early is harmless, the loop just recomputes,
// while cancelling and restarting a timer on every action would double the history
// and the server's timer writes per action.
func (w *onboardingWorkflow) sleep(ctx workflow.Context) error {
	seen := w.state.Version
	next, why := w.state.NextWakeUp(workflow.Now(ctx))
	switch {
	case next.IsZero():
		w.timer.stop()
	case !w.timer.pending() || next.Before(w.timer.at):
		w.timer.stop()
		w.timer.start(ctx, next, why)
	}
	err := workflow.Await(ctx, func() bool {
		return w.timer.fired() || w.state.Version != seen || w.signals.pending() ||
			workflow.GetInfo(ctx).GetContinueAsNewSuggested()
	})
	if w.timer.fired() {
		w.timer = wakeTimer{}
	}
	return err
}

// wakeTimer is the scheduler loop's one pending timer.
type wakeTimer struct {
	at     time.Time
	future workflow.Future
	cancel workflow.CancelFunc
}

func (t *wakeTimer) start(ctx workflow.Context, at time.Time, summary string) {
	timerCtx, cancel := workflow.WithCancel(ctx)
	d := max(at.Sub(workflow.Now(ctx)), time.Second)
	*t = wakeTimer{at: at, cancel: cancel,
		future: workflow.NewTimerWithOptions(timerCtx, d, workflow.TimerOptions{Summary: summary})}
}

func (t *wakeTimer) pending() bool { return t.future != nil && !t.future.IsReady() }

func (t *wakeTimer) fired() bool { return t.future != nil && t.future.IsReady() }

func (t *wakeTimer) stop() {
	if t.pending() {
		t.cancel()
	}
	*t = wakeTimer{}
}

// drainSignals applies task actions that arrived as signals (the API's fallback when
// no worker answered an update). Its sender was already answered 202, so an invalid
// one is put on record in the audit log rather than dropped in silence.
func (w *onboardingWorkflow) drainSignals(ctx workflow.Context) {
	for {
		a, ok := w.signals.next()
		if !ok {
			return
		}
		if _, err := w.apply(ctx, a); err != nil {
			workflow.GetLogger(ctx).Warn("queued task action rejected", "task", a.TaskKey,
				"action", a.Action, "request_id", a.RequestID, "error", err)
			w.recordRejected(ctx, a, err)
		}
	}
}

func (w *onboardingWorkflow) recordRejected(ctx workflow.Context, a onboarding.TaskAction, cause error) {
	in := activities.RejectedActionInput{WorkspaceID: w.state.WorkspaceID, OnboardingID: w.state.OnboardingID,
		Action: a, Reason: cause.Error(), At: workflow.Now(ctx)}
	if err := w.mu.Lock(ctx); err != nil {
		return
	}
	defer w.mu.Unlock()
	err := workflow.ExecuteLocalActivity(withReadModelOptions(ctx), acts.RecordRejectedAction, in).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Error("recording a rejected action failed", "error", err)
	}
}

func (w *onboardingWorkflow) refreshHealth(ctx workflow.Context) {
	now := workflow.Now(ctx)
	if !w.state.RefreshHealth(now) {
		return
	}
	if err := w.persist(ctx, nil, now); err != nil {
		workflow.GetLogger(ctx).Error("read model write failed", "error", err)
	}
}

// continueAsNew carries the whole state into a fresh run once every handler is done
// and every queued signal is applied, so nothing in flight is lost: applying a signal
// writes the read model, during which new updates may arrive, so repeat until quiet.
func (w *onboardingWorkflow) continueAsNew(ctx workflow.Context) (OnboardingResult, error) {
	for {
		// Notices under way are not waited for: they are in the state the next run resumes.
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return OnboardingResult{}, err
		}
		if !w.signals.pending() {
			break
		}
		w.drainSignals(ctx)
	}
	return OnboardingResult{}, workflow.NewContinueAsNewError(ctx, Onboarding, OnboardingInput{State: w.state})
}

// queuedActions are the signal channels queued task actions arrive on: the legacy name
// and the current one, read in that fixed order so replay always sees the same sequence.
type queuedActions []workflow.ReceiveChannel

func (q queuedActions) pending() bool {
	for _, ch := range q {
		if ch.Len() > 0 {
			return true
		}
	}
	return false
}

func (q queuedActions) next() (onboarding.TaskAction, bool) {
	var a onboarding.TaskAction
	for _, ch := range q {
		if ch.ReceiveAsync(&a) {
			return a, true
		}
	}
	return a, false
}

// changeAnnounceGoLive is the GetVersion change ID under which the workflow tells the
// account's contacts and its CSM that the onboarding went live. A run from before it (no
// marker) does not announce, and marks the go-live as announced, so an onboarding that
// went live before this change is not told of it weeks later.
const changeAnnounceGoLive = "announce-go-live"

// announce tells people of the go-live, once.
func (w *onboardingWorkflow) announce(ctx workflow.Context) {
	if w.state.WentLiveAt.IsZero() || w.state.GoLiveAnnounced {
		return
	}
	w.state.GoLiveAnnounced = true
	if workflow.GetVersion(ctx, changeAnnounceGoLive, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	w.notice(ctx, onboarding.Notice{Key: "go-live:" + w.state.OnboardingID, Kind: string(notify.KindGoLive)})
}

// changeWebhookEvents is the GetVersion change ID under which a finished onboarding
// tells the workspace's webhook endpoints that it completed or was cancelled. Runs from
// before it (no marker) close without.
const changeWebhookEvents = "webhook-events"

// announceClose tells the webhook endpoints how the onboarding ended (its go-live went
// with the go-live notice).
func (w *onboardingWorkflow) announceClose(ctx workflow.Context) {
	if workflow.GetVersion(ctx, changeWebhookEvents, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	event, reason := activities.WebhookCompleted, ""
	if w.state.Status == onboarding.StatusCancelled {
		event, reason = activities.WebhookCancelled, w.state.CloseReason
	}
	w.notice(ctx, onboarding.Notice{Key: "webhook:" + w.state.OnboardingID + ":" + event, Kind: string(notify.KindWebhook),
		Event: event, Reason: reason})
}

// send delivers a notice in the background, so a slow provider holds up neither the
// scheduler loop nor task actions, and forgets it once sent. Until then it stays in the
// state: a continue-as-new carries it to the next run, which sends it again (resume), and
// the last run does not end before it is sent.
func (w *onboardingWorkflow) send(ctx workflow.Context, n onboarding.Notice) {
	in := activities.NotifyInput{Key: n.Key, Kind: notify.Kind(n.Kind), WorkspaceID: w.state.WorkspaceID,
		OnboardingID: w.state.OnboardingID, Reason: n.Reason, Tasks: n.Tasks, Assignees: n.Assignees, Event: n.Event}
	w.sending++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { w.sending-- }()
		if err := workflow.ExecuteActivity(withNotifyOptions(ctx, in), acts.Notify, in).Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("notification not sent", "key", in.Key, "error", err)
		}
		w.state.Notices = slices.DeleteFunc(w.state.Notices, func(p onboarding.Notice) bool { return p.Key == n.Key })
	})
}

// resume sends again the notices an earlier run started and did not see sent.
func (w *onboardingWorkflow) resume(ctx workflow.Context) {
	for _, n := range w.state.Notices {
		w.send(ctx, n)
	}
}

// changeNudging is the GetVersion change ID under which the workflow reminds the customer
// and escalates to the CSM. A run from before it (no marker) never nudges; its
// continue-as-new, or any new onboarding, starts nudging from that moment on.
const changeNudging = "nudge-reminders-escalations"

// enableNudging turns reminders and escalations on for runs of this version onwards.
func (w *onboardingWorkflow) enableNudging(ctx workflow.Context) {
	if workflow.GetVersion(ctx, changeNudging, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		return
	}
	if w.state.TimeZone == "" && w.state.Nudging == nil { // a state from before it kept the account's zone
		var zone string
		in := activities.AccountTimeZoneInput{WorkspaceID: w.state.WorkspaceID, AccountID: w.state.AccountID}
		if err := workflow.ExecuteLocalActivity(withReadModelOptions(ctx), acts.AccountTimeZone, in).Get(ctx, &zone); err != nil {
			workflow.GetLogger(ctx).Warn("account time zone unknown; reminders follow UTC", "error", err)
		}
		w.state.SetTimeZone(zone)
	}
	policy := onboarding.DefaultReminderPolicy()
	if w.state.Nudging == nil && w.state.WorkspacePolicy != nil &&
		workflow.GetVersion(ctx, changeWorkspacePolicy, workflow.DefaultVersion, 1) == 1 {
		policy = w.state.ReminderPolicyAtStart()
	}
	w.state.EnableNudging(policy, workflow.Now(ctx))
}

// changeAutoUnblock is the GetVersion change ID under which a task blocked by another
// is unblocked when that one is done; runs before it (and their replays) leave it blocked.
const changeAutoUnblock = "auto-unblock-when-blocker-done"

// changeWorkspacePolicy is the GetVersion change ID under which reminders follow the
// workspace's policy the onboarding started with; before it (or on a worker that does
// not know the field) they followed the default, and a replay must too.
const changeWorkspacePolicy = "workspace-reminder-policy"

// nudge sends the customer's reminder, the CSM's reminder of the vendor's tasks and the
// CSM's escalations that are due now. The
// state remembers what was sent (a reminder a day, each escalation once), and the
// next wake-up includes the next moment one falls due.
func (w *onboardingWorkflow) nudge(ctx workflow.Context) {
	now := workflow.Now(ctx)
	for _, r := range w.state.DueReminders(now) {
		key := "reminder:" + w.state.OnboardingID + ":" + r.Day
		if r.Zone != "" { // assignees in their own time zone: a reminder of their own that day
			key += ":" + r.Zone
		}
		w.notice(ctx, onboarding.Notice{Key: key, Kind: r.Kind(), Tasks: r.TaskKeys(), Assignees: r.Assignees()})
	}
	if r, ok := w.state.DueVendorReminder(now); ok {
		w.notice(ctx, onboarding.Notice{Key: "vendor-reminder:" + w.state.OnboardingID + ":" + r.Day,
			Kind: string(notify.KindVendorReminder), Tasks: r.TaskKeys(), Assignees: r.Assignees()})
	}
	for _, e := range w.state.DueEscalations(now) {
		w.notice(ctx, onboarding.Notice{Key: "escalation:" + w.state.OnboardingID + ":" + e.Cause,
			Kind: string(notify.KindEscalation), Reason: e.Reason})
	}
}

// notice keeps a notice in the state until it is sent, and sends it.
func (w *onboardingWorkflow) notice(ctx workflow.Context, n onboarding.Notice) {
	w.state.Notices = append(w.state.Notices, n)
	w.send(ctx, n)
}
