package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/onboard-oss/onboard/internal/devstack"
	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/testenv"
	"github.com/onboard-oss/onboard/workflows"
)

// One onboarding lives through many runs: on a server that suggests continue-as-new
// after 60 history events, 120 changes go to it six at a time (so some are in flight
// whenever a run hands over), each retried with its own request ID until answered, as a
// client does after a 503. Every change is applied exactly once, nothing is lost across
// the runs, the read model follows, and no run's history grows past a small bound.
func TestLongLifeAcrossContinueAsNew(t *testing.T) {
	const changes, inFlight, suggestAfter = 120, 6, 60
	address := testenv.TemporalWith(t, devstack.TemporalOptions{SuggestContinueAsNewAfter: suggestAfter})
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	c, st, taskQueue := startRealWorkerOn(t, address)
	state := createOnboarding(t, ctx, st)
	if _, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkflowID(state.OnboardingID), TaskQueue: taskQueue,
		TypedSearchAttributes: workflows.StartSearchAttributes(&state)}, workflows.Onboarding, workflows.OnboardingInput{State: state}); err != nil {
		t.Fatal(err)
	}
	eng := &engine.Engine{Store: st, Temporal: c, TaskQueue: taskQueue, UpdateTimeout: 10 * time.Second, Log: testenv.Logger()}
	o, err := st.Onboarding(ctx, state.WorkspaceID, state.OnboardingID)
	if err != nil {
		t.Fatal(err)
	}
	before := queryState(t, ctx, c, state.OnboardingID)

	// Each change: a snooze of the customer's intake a minute further out (every one
	// changes the state), retried until the workflow answers.
	var wg sync.WaitGroup
	var mu sync.Mutex
	retries := 0
	sem := make(chan struct{}, inFlight)
	for i := range changes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			r := onboarding.SnoozeRequest{RequestID: fmt.Sprintf("long-%03d", i), Tasks: []string{"intake"},
				Until: time.Now().Add(time.Hour + time.Duration(i)*time.Minute), Actor: "contact:jane"}
			for attempt := 0; ; attempt++ {
				_, err := eng.Snooze(ctx, o, r)
				if err == nil {
					return
				}
				if !errors.Is(err, engine.ErrUnavailable) || attempt > 50 || ctx.Err() != nil {
					t.Errorf("change %d: %v", i, err)
					return
				}
				mu.Lock()
				retries++
				mu.Unlock()
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	wg.Wait()

	// A repeat of an answered change changes nothing, however many runs ago it was.
	if out, err := eng.Snooze(ctx, o, onboarding.SnoozeRequest{RequestID: "long-000", Tasks: []string{"intake"},
		Until: time.Now().Add(2 * time.Hour), Actor: "contact:jane"}); err != nil || out.Applied {
		t.Errorf("a repeated change: %+v %v, want not applied", out, err)
	}
	after := queryState(t, ctx, c, state.OnboardingID)
	if got := after.Version - before.Version; got != changes {
		t.Errorf("state moved %d versions for %d changes (lost or doubled)", got, changes)
	}
	if ts, _ := after.Task("intake"); ts.SnoozedUntil.Before(time.Now().Add(time.Hour + (changes-2)*time.Minute)) {
		t.Errorf("intake snoozed until %v: the latest snoozes were lost", ts.SnoozedUntil)
	}
	if after.Nudging == nil {
		t.Error("reminders' book-keeping was lost across the runs")
	}

	// Several runs, each short.
	runs, longest := 0, 0
	it, err := c.ListWorkflow(ctx, listRequest(workflows.WorkflowID(state.OnboardingID)))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range it.Executions {
		runs++
		longest = max(longest, int(e.GetHistoryLength()))
	}
	if runs < 3 {
		t.Errorf("%d runs for %d changes with continue-as-new suggested after %d events", runs, changes, suggestAfter)
	}
	if longest > 3*suggestAfter {
		t.Errorf("the longest run has %d events; continue-as-new is not keeping runs short", longest)
	}
	t.Logf("%d changes in %d runs (longest %d events), %d retries after a hand-over", changes, runs, longest, retries)

	// The read model follows the last run.
	deadline := time.Now().Add(10 * time.Second)
	for {
		row, err := st.Onboarding(ctx, state.WorkspaceID, state.OnboardingID)
		if err == nil && row.StateVersion == after.Version {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("read model at version %d, state at %d", row.StateVersion, after.Version)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func queryState(t *testing.T, ctx context.Context, c client.Client, onboardingID string) onboarding.State {
	t.Helper()
	res, err := c.QueryWorkflow(ctx, workflows.WorkflowID(onboardingID), "", workflows.QueryState)
	if err != nil {
		t.Fatal(err)
	}
	var st onboarding.State
	if err := res.Get(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

// listRequest lists every run of a workflow id.
func listRequest(workflowID string) *workflowservice.ListWorkflowExecutionsRequest {
	return &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", Query: fmt.Sprintf("WorkflowId = %q", workflowID)}
}
