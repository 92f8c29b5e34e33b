package engine

import (
	"context"
	"errors"
	"sync"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/workflows"
)

// Outcome says what became of a task action.
type Outcome struct {
	// Queued is true when no worker answered in time and the action was sent as a
	// signal: it will be applied when a worker is back.
	Queued bool
	// Applied is false for a repeat of an earlier request ID.
	Applied bool
}

// Act sends a task action to an onboarding's workflow as an Update and waits until the
// read model shows it. If no worker answers within UpdateTimeout, the same action goes
// as a signal (durable without a worker; the request ID makes a repeat harmless).
// A rejected action returns *onboarding.TransitionError.
func (e *Engine) Act(ctx context.Context, o store.Onboarding, a onboarding.TaskAction) (Outcome, error) {
	updCtx, cancel := context.WithTimeout(ctx, e.UpdateTimeout)
	defer cancel()
	leave, err := e.updates.enter(updCtx, o.WorkflowID)
	if err != nil {
		return e.queue(ctx, o, a, err)
	}
	defer leave()
	var res workflows.TaskActionResult
	handle, err := e.Temporal.UpdateWorkflow(updCtx, client.UpdateWorkflowOptions{
		WorkflowID: o.WorkflowID, UpdateID: a.RequestID, UpdateName: workflows.UpdateTaskAction,
		Args: []any{a}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(updCtx, &res)
	}
	if err == nil {
		return Outcome{Applied: res.Applied}, nil
	}
	if rejected := transitionError(err); rejected != nil {
		return Outcome{}, rejected
	}
	if updCtx.Err() == nil && ctx.Err() == nil && !isTransient(err) {
		e.Log.Error("task action update failed", "workflow_id", o.WorkflowID, "error", err)
		return Outcome{}, ErrUnavailable
	}
	return e.queue(ctx, o, a, err)
}

func (e *Engine) queue(ctx context.Context, o store.Onboarding, a onboarding.TaskAction, cause error) (Outcome, error) {
	sigCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.UpdateTimeout)
	defer cancel()
	if err := e.Temporal.SignalWorkflow(sigCtx, o.WorkflowID, "", workflows.SignalTaskAction, a); err != nil {
		if rejected := transitionError(err); rejected != nil {
			return Outcome{}, rejected
		}
		e.Log.Error("task action signal failed", "workflow_id", o.WorkflowID, "update_error", cause, "error", err)
		return Outcome{}, ErrUnavailable
	}
	e.Log.Warn("no worker answered in time; task action queued as a signal", "workflow_id", o.WorkflowID,
		"request_id", a.RequestID, "update_error", cause)
	return Outcome{Queued: true, Applied: true}, nil
}

// transitionError recognises a validator rejection or a closed workflow; any other
// application error (a failed write, say) is not the caller's fault and stays an error.
func transitionError(err error) *onboarding.TransitionError {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && onboarding.IsTransitionCode(app.Type()) {
		return &onboarding.TransitionError{Code: app.Type(), Message: app.Message()}
	}
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return &onboarding.TransitionError{Code: onboarding.CodeOnboardingClosed, Message: "the onboarding is closed and takes no more task actions"}
	}
	return nil
}

func isTransient(err error) bool {
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	var canceled *serviceerror.Canceled
	return errors.As(err, &unavailable) || errors.As(err, &deadline) || errors.As(err, &canceled) ||
		errors.Is(err, context.DeadlineExceeded)
}

// maxUpdatesPerWorkflow bounds this process's Updates in flight on one workflow, below
// the server's limit (history.maxInFlightUpdates: 10, also on Temporal Cloud). Past that
// limit the server refuses the Update with ResourceExhausted and, in server v1.32, the
// refusal clears the workflow's cached context: every other Update in flight on it is
// aborted ("workflow update was aborted", retried internally) and the speculative
// workflow task under way is lost. One workflow applies its Updates one at a time
// anyway, so waiting here costs nothing in throughput.
const maxUpdatesPerWorkflow = 8

// updateGate lets at most maxUpdatesPerWorkflow Updates per workflow through at once.
// The zero value is ready to use.
type updateGate struct {
	mu    sync.Mutex
	slots map[string]*gateSlot
}

type gateSlot struct {
	sem   chan struct{}
	users int
}

// enter waits for a slot on workflowID; it returns ctx's error if none frees up in time.
func (g *updateGate) enter(ctx context.Context, workflowID string) (leave func(), err error) {
	g.mu.Lock()
	if g.slots == nil {
		g.slots = map[string]*gateSlot{}
	}
	s := g.slots[workflowID]
	if s == nil {
		s = &gateSlot{sem: make(chan struct{}, maxUpdatesPerWorkflow)}
		g.slots[workflowID] = s
	}
	s.users++
	g.mu.Unlock()
	done := func() {
		g.mu.Lock()
		if s.users--; s.users == 0 {
			delete(g.slots, workflowID)
		}
		g.mu.Unlock()
	}
	select {
	case s.sem <- struct{}{}:
		return func() { <-s.sem; done() }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}

// Lifecycle pauses, resumes or cancels an onboarding through its workflow's Update and
// returns once the read model shows it. Unlike a task action it is not queued when no
// worker answers: a pause that lands hours later is not what anyone asked for, so the
// caller hears ErrUnavailable and can try again. A refusal returns
// *onboarding.TransitionError.
func (e *Engine) Lifecycle(ctx context.Context, o store.Onboarding, r onboarding.LifecycleRequest) (Outcome, error) {
	return e.update(ctx, o, workflows.UpdateLifecycle, r.RequestID, r)
}

// Snooze puts off the customer's reminders about some tasks, like Lifecycle.
func (e *Engine) Snooze(ctx context.Context, o store.Onboarding, r onboarding.SnoozeRequest) (Outcome, error) {
	return e.update(ctx, o, workflows.UpdateSnooze, r.RequestID, r)
}

// Reschedule moves the target go-live or a task's due date, like Lifecycle.
func (e *Engine) Reschedule(ctx context.Context, o store.Onboarding, r onboarding.Reschedule) (Outcome, error) {
	return e.update(ctx, o, workflows.UpdateReschedule, r.RequestID, r)
}

// Assign gives a task to a contact or staff member (or back to everyone), like Lifecycle.
func (e *Engine) Assign(ctx context.Context, o store.Onboarding, r onboarding.Assignment) (Outcome, error) {
	return e.update(ctx, o, workflows.UpdateAssign, r.RequestID, r)
}

// update sends one Update that is answered now or not at all (no signal fallback).
func (e *Engine) update(ctx context.Context, o store.Onboarding, name, id string, arg any) (Outcome, error) {
	updCtx, cancel := context.WithTimeout(ctx, e.UpdateTimeout)
	defer cancel()
	leave, err := e.updates.enter(updCtx, o.WorkflowID)
	if err != nil {
		return Outcome{}, ErrUnavailable
	}
	defer leave()
	var res workflows.TaskActionResult
	handle, err := e.Temporal.UpdateWorkflow(updCtx, client.UpdateWorkflowOptions{
		WorkflowID: o.WorkflowID, UpdateID: id, UpdateName: name,
		Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(updCtx, &res)
	}
	if err == nil {
		return Outcome{Applied: res.Applied}, nil
	}
	if rejected := transitionError(err); rejected != nil {
		return Outcome{}, rejected
	}
	e.Log.Error("update failed", "workflow_id", o.WorkflowID, "update", name, "error", err)
	return Outcome{}, ErrUnavailable
}
