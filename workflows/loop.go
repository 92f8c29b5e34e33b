package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// run is the scheduler loop: apply queued signals, sleep until the next moment health
// can change or a message arrives, recompute, repeat until the onboarding is done.
func (w *onboardingWorkflow) run(ctx workflow.Context) (OnboardingResult, error) {
	if err := workflow.UpsertTypedSearchAttributes(ctx, SearchAttributes(&w.state)...); err != nil {
		workflow.GetLogger(ctx).Warn("upsert search attributes failed", "error", err)
	}
	for !w.state.Terminal() {
		w.drainSignals(ctx)
		if w.state.Terminal() {
			break
		}
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			return w.continueAsNew(ctx)
		}
		if err := w.sleep(ctx); err != nil {
			return OnboardingResult{}, err
		}
		w.refreshHealth(ctx)
	}
	// Let in-flight updates answer before the run closes.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return OnboardingResult{}, err
	}
	return OnboardingResult{Status: w.state.Status, Version: w.state.Version, WentLiveAt: w.state.WentLiveAt}, nil
}

// sleep waits for the next wake-up, a state change by an update, a signal, or a
// continue-as-new suggestion, whichever comes first.
func (w *onboardingWorkflow) sleep(ctx workflow.Context) error {
	seen := w.state.Version
	wake := func() bool {
		return w.state.Version != seen || w.signals.Len() > 0 || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
	}
	next, why := w.state.NextWakeUp(workflow.Now(ctx))
	if next.IsZero() {
		return workflow.Await(ctx, wake)
	}
	// An own timer, cancelled when a message wakes the loop first: AwaitWithOptions
	// leaves its timer pending (the SDK's cancel-on-condition flag is off by default),
	// so every action would leave a stale timer behind to fire later.
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	timer := workflow.NewTimerWithOptions(timerCtx, max(next.Sub(workflow.Now(ctx)), time.Second),
		workflow.TimerOptions{Summary: why})
	return workflow.Await(ctx, func() bool { return timer.IsReady() || wake() })
}

// drainSignals applies task actions that arrived as signals (the API's fallback when
// no worker answered an update). An invalid one is logged and dropped: it was already
// answered 202, and the audit log shows it never took effect.
func (w *onboardingWorkflow) drainSignals(ctx workflow.Context) {
	for {
		var a onboarding.TaskAction
		if !w.signals.ReceiveAsync(&a) {
			return
		}
		if _, err := w.apply(ctx, a); err != nil {
			workflow.GetLogger(ctx).Warn("queued task action rejected", "task", a.TaskKey,
				"action", a.Action, "request_id", a.RequestID, "error", err)
		}
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
// and every queued signal is applied, so nothing in flight is lost.
func (w *onboardingWorkflow) continueAsNew(ctx workflow.Context) (OnboardingResult, error) {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return OnboardingResult{}, err
	}
	w.drainSignals(ctx)
	return OnboardingResult{}, workflow.NewContinueAsNewError(ctx, Onboarding, OnboardingInput{State: w.state})
}
