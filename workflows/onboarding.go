package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/onboarding"
)

// OnboardingInput starts (or continues as new) an onboarding workflow.
type OnboardingInput struct {
	// State is the whole onboarding: the initial state at start, the carried-over
	// state after continue-as-new.
	State onboarding.State `json:"state"`
}

// OnboardingResult is what a finished onboarding returns.
type OnboardingResult struct {
	Status     onboarding.Status `json:"status"`
	Version    int64             `json:"version"`
	WentLiveAt time.Time         `json:"went_live_at,omitzero"`
	// CloseReason says why a cancelled onboarding was cancelled.
	CloseReason string `json:"close_reason,omitempty"`
	// RemindersSent counts the reminder emails the customer was sent.
	RemindersSent int `json:"reminders_sent,omitempty"`
	// Outcome sums the onboarding up: time to go-live, on time or how late, time blocked.
	Outcome *onboarding.Outcome `json:"outcome,omitempty"`
}

// TaskActionResult answers a task action.
type TaskActionResult struct {
	// Applied is false when the request ID had been applied before.
	Applied bool              `json:"applied"`
	Version int64             `json:"version"`
	Status  onboarding.Status `json:"status"`
}

// Onboarding runs one customer onboarding from start to completion.
func Onboarding(ctx workflow.Context, in OnboardingInput) (OnboardingResult, error) {
	w := &onboardingWorkflow{
		state:   in.State,
		saved:   in.State.Version,
		mu:      workflow.NewMutex(ctx),
		signals: queuedActions{workflow.GetSignalChannel(ctx, legacySignalTaskAction), workflow.GetSignalChannel(ctx, SignalTaskAction)},
	}
	if err := w.register(ctx); err != nil {
		return OnboardingResult{}, err
	}
	return w.run(ctx)
}

type onboardingWorkflow struct {
	state onboarding.State
	// saved is the highest state version the read model is known to hold.
	saved   int64
	mu      workflow.Mutex
	signals queuedActions
	timer   wakeTimer
	// upserted is the search attribute values last upserted in this run.
	upserted *searchValues
	// sending counts notifications under way; the run does not end before they are sent.
	sending int
}

func (w *onboardingWorkflow) register(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryState, func() (onboarding.State, error) { return w.state, nil }); err != nil {
		return err
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateTaskAction, w.handleTaskAction, workflow.UpdateHandlerOptions{
		Validator:   w.validateTaskAction,
		Description: "Start, complete, skip, block, unblock or reopen a task",
	})
	if err != nil {
		return err
	}
	err = workflow.SetUpdateHandlerWithOptions(ctx, UpdateLifecycle, w.handleLifecycle, workflow.UpdateHandlerOptions{
		Validator: func(r onboarding.LifecycleRequest) error {
			return asApplicationError(w.state.ValidateLifecycle(r))
		},
		Description: "Pause, resume or cancel the onboarding",
	})
	if err != nil {
		return err
	}
	err = workflow.SetUpdateHandlerWithOptions(ctx, UpdateSnooze, w.handleSnooze, workflow.UpdateHandlerOptions{
		Validator: func(ctx workflow.Context, r onboarding.SnoozeRequest) error {
			return asApplicationError(w.state.ValidateSnooze(r, workflow.Now(ctx)))
		},
		Description: "Put off the customer's reminders about some tasks",
	})
	if err != nil {
		return err
	}
	err = workflow.SetUpdateHandlerWithOptions(ctx, UpdateReschedule, w.handleReschedule, workflow.UpdateHandlerOptions{
		Validator: func(ctx workflow.Context, r onboarding.Reschedule) error {
			return asApplicationError(w.state.ValidateReschedule(r, workflow.Now(ctx)))
		},
		Description: "Move the target go-live or a task's due date",
	})
	if err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateAssign, w.handleAssign, workflow.UpdateHandlerOptions{
		Validator:   func(r onboarding.Assignment) error { return asApplicationError(w.state.ValidateAssignment(r)) },
		Description: "Assign a task to a contact or staff member, or unassign it",
	})
}

// handleAssign gives a task to someone (or back to everyone on its side); its reminders
// follow the assignee from the next one on.
func (w *onboardingWorkflow) handleAssign(ctx workflow.Context, r onboarding.Assignment) (TaskActionResult, error) {
	return w.change(ctx, func(now time.Time) (bool, error) { return w.state.ApplyAssignment(r, now) },
		activities.SaveReadModelInput{Assignment: &r})
}

// handleLifecycle pauses, resumes or cancels the onboarding and returns once the read
// model shows it. Pausing stops every timer and message until resumed; cancelling ends
// the workflow once in-flight work is done.
func (w *onboardingWorkflow) handleLifecycle(ctx workflow.Context, r onboarding.LifecycleRequest) (TaskActionResult, error) {
	return w.change(ctx, func(now time.Time) (bool, error) { return w.state.ApplyLifecycle(r, now) },
		activities.SaveReadModelInput{Lifecycle: &r})
}

// handleSnooze puts off reminders and returns once the read model shows it; the next
// wake-up moves with it.
func (w *onboardingWorkflow) handleSnooze(ctx workflow.Context, r onboarding.SnoozeRequest) (TaskActionResult, error) {
	return w.change(ctx, func(now time.Time) (bool, error) { return w.state.ApplySnooze(r, now) },
		activities.SaveReadModelInput{Snooze: &r})
}

// handleReschedule moves the target go-live or a task's due date; health, the forecast
// and the next wake-up follow at once.
func (w *onboardingWorkflow) handleReschedule(ctx workflow.Context, r onboarding.Reschedule) (TaskActionResult, error) {
	return w.change(ctx, func(now time.Time) (bool, error) { return w.state.ApplyReschedule(r, now) },
		activities.SaveReadModelInput{Reschedule: &r})
}

// change applies a change to the state (synchronously, so the next validator sees it)
// and answers once the read model shows it; a repeat answers like the original, once its
// write is visible. in says what produced the change, for the audit log.
func (w *onboardingWorkflow) change(ctx workflow.Context, apply func(time.Time) (bool, error), in activities.SaveReadModelInput) (TaskActionResult, error) {
	now := workflow.Now(ctx)
	applied, err := apply(now)
	if err != nil {
		return TaskActionResult{}, asApplicationError(err)
	}
	if applied {
		in.At = now
		err = w.save(ctx, in)
	} else {
		err = workflow.Await(ctx, func() bool { return w.saved >= w.state.Version })
	}
	if err != nil {
		return TaskActionResult{}, err
	}
	return TaskActionResult{Applied: applied, Version: w.state.Version, Status: w.state.Status}, nil
}

// validateTaskAction rejects an invalid action before it is written to history. The
// error's type is the onboarding.TransitionError code, so the API can map it to a status.
func (w *onboardingWorkflow) validateTaskAction(a onboarding.TaskAction) error {
	return asApplicationError(w.state.Validate(a))
}

func (w *onboardingWorkflow) handleTaskAction(ctx workflow.Context, a onboarding.TaskAction) (TaskActionResult, error) {
	applied, err := w.apply(ctx, a)
	if err != nil {
		return TaskActionResult{}, asApplicationError(err)
	}
	if !applied {
		// A repeat: answer once the original's write is visible, like the original.
		_ = workflow.Await(ctx, func() bool { return w.saved >= w.state.Version })
	}
	return TaskActionResult{Applied: applied, Version: w.state.Version, Status: w.state.Status}, nil
}

// apply changes the state (synchronously, so the next validator sees it) and then
// writes the read model; it returns after the write.
func (w *onboardingWorkflow) apply(ctx workflow.Context, a onboarding.TaskAction) (bool, error) {
	now := workflow.Now(ctx)
	applied, err := w.state.Apply(a, now)
	if err != nil || !applied {
		return applied, err
	}
	w.state.RefreshHealth(now)
	return true, w.persist(ctx, &a, now)
}

// persist upserts the search attributes and writes the read model through a local
// activity. The input is taken now, at the version this change produced, and copied:
// a later change must neither relabel this write nor share its slices with the running
// activity. The mutex keeps writes from handlers and the main loop in order.
func (w *onboardingWorkflow) persist(ctx workflow.Context, a *onboarding.TaskAction, at time.Time) error {
	return w.save(ctx, activities.SaveReadModelInput{Action: a, At: at})
}

// save is persist for any cause of change: in says what produced it, and gets the state.
func (w *onboardingWorkflow) save(ctx workflow.Context, in activities.SaveReadModelInput) error {
	w.upsertSearchAttributes(ctx)
	in.State = w.state.Clone()
	if err := w.mu.Lock(ctx); err != nil {
		return err
	}
	defer w.mu.Unlock()
	err := workflow.ExecuteLocalActivity(withReadModelOptions(ctx), acts.SaveReadModel, in).Get(ctx, nil)
	if err != nil {
		return err
	}
	w.saved = max(w.saved, in.State.Version)
	return nil
}

// changeOnlyUpserts is the GetVersion change ID under which search attributes are
// upserted only when a value changed: each upsert is a history event and a visibility
// write, and a start, block or unblock changes none of them. Histories from before it
// (no marker) keep upserting on every change, so they replay unchanged.
const changeOnlyUpserts = "upsert-search-attributes-only-when-changed"

// upsertSearchAttributes keeps the onboarding's search attributes current.
func (w *onboardingWorkflow) upsertSearchAttributes(ctx workflow.Context) {
	v := searchValuesOf(&w.state)
	if workflow.GetVersion(ctx, changeOnlyUpserts, workflow.DefaultVersion, 1) == 1 && w.upserted != nil && *w.upserted == v {
		return
	}
	w.upserted = &v
	if err := workflow.UpsertTypedSearchAttributes(ctx, v.updates()...); err != nil {
		workflow.GetLogger(ctx).Warn("upsert search attributes failed", "error", err)
	}
}

// acts is the nil receiver through which workflows name their activities.
var acts *activities.Activities

// withReadModelOptions lets a read-model write retry for up to ten minutes: the state
// change is already durable, so a database outage delays visibility but loses nothing.
func withReadModelOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		ScheduleToCloseTimeout: 10 * time.Minute,
		StartToCloseTimeout:    10 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 100 * time.Millisecond, BackoffCoefficient: 2, MaximumInterval: 10 * time.Second,
		},
	})
}

func asApplicationError(err error) error {
	var te *onboarding.TransitionError
	if errors.As(err, &te) {
		return temporal.NewNonRetryableApplicationError(te.Message, te.Code, nil)
	}
	return err
}
