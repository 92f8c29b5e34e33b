package bench

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/onboard-oss/onboard/internal/config"
)

const (
	// noopWorkflowName is the baseline workflow's registered name.
	noopWorkflowName = "BenchNoop"
	// noopUpdateName is its update, which returns at once.
	noopUpdateName = "noop"
	// noopLifetime bounds how long a baseline workflow can outlive a bench killed
	// before it terminated them.
	noopLifetime = time.Hour
	// updateTimeout bounds one baseline update.
	updateTimeout = 30 * time.Second
)

// benchNoop answers the "noop" update at once and otherwise waits until cancelled or
// terminated, continuing as new when the server suggests it.
func benchNoop(ctx workflow.Context) error {
	if err := workflow.SetUpdateHandler(ctx, noopUpdateName, func(workflow.Context) error { return nil }); err != nil {
		return err
	}
	err := workflow.Await(ctx, func() bool {
		return workflow.GetInfo(ctx).GetContinueAsNewSuggested() && workflow.AllHandlersFinished(ctx)
	})
	if err != nil {
		return err
	}
	return workflow.NewContinueAsNewError(ctx, noopWorkflowName)
}

// noopFleet is the baseline: an in-process worker on its own task queue and one
// benchNoop workflow per simulated user, on the same Temporal server as the stack.
type noopFleet struct {
	client client.Client
	worker worker.Worker
	queue  string
	ids    []string
	log    *slog.Logger
}

// startNoopFleet connects to Temporal, starts the worker and n workflows, and sends
// each one update so a broken baseline fails here rather than in the runs.
func startNoopFleet(ctx context.Context, o Options, runID string, n int, log *slog.Logger) (*noopFleet, error) {
	opts, err := config.Config{TemporalAddress: o.TemporalAddress, TemporalNamespace: o.Namespace, Temporal: o.Temporal}.TemporalClientOptions(log)
	if err != nil {
		return nil, err
	}
	c, err := client.DialContext(ctx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s (-temporal): %w", o.TemporalAddress, err)
	}
	queue := "bench-noop-" + runID
	f := &noopFleet{client: c, log: log, queue: queue}
	f.worker = worker.New(c, queue, worker.Options{})
	f.worker.RegisterWorkflowWithOptions(benchNoop, workflow.RegisterOptions{Name: noopWorkflowName})
	f.worker.RegisterWorkflowWithOptions(benchTimerProbe, workflow.RegisterOptions{Name: probeWorkflowName})
	if err := f.worker.Start(); err != nil {
		f.stop()
		return nil, fmt.Errorf("start the baseline worker: %w", err)
	}
	if err := f.startWorkflows(ctx, queue, n); err != nil {
		f.stop()
		return nil, err
	}
	return f, nil
}

func (f *noopFleet) startWorkflows(ctx context.Context, queue string, n int) error {
	for i := range n {
		id := fmt.Sprintf("%s-%d", queue, i)
		_, err := f.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue,
			WorkflowExecutionTimeout: noopLifetime, StaticSummary: "onboard bench baseline"}, noopWorkflowName)
		if err != nil {
			return fmt.Errorf("start baseline workflow %s: %w", id, err)
		}
		f.ids = append(f.ids, id)
		if o := f.update(ctx, id); o.kind != kindOK {
			return fmt.Errorf("first update of baseline workflow %s: %s", id, o.detail)
		}
	}
	return nil
}

// update sends one noop update and waits for its result.
func (f *noopFleet) update(ctx context.Context, id string) outcome {
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	h, err := f.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: noopUpdateName,
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if err != nil {
		return fail(err.Error())
	}
	return outcome{kind: kindOK}
}

// actors returns one simulated user per workflow.
func (f *noopFleet) actors() []actor {
	out := make([]actor, len(f.ids))
	for i, id := range f.ids {
		out[i] = noopUser{fleet: f, id: id}
	}
	return out
}

// stop terminates the workflows, stops the worker and closes the client.
func (f *noopFleet) stop() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	for _, id := range f.ids {
		if err := f.client.TerminateWorkflow(ctx, id, "", "onboard bench finished"); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		f.log.Warn("terminating baseline workflows", "error", err)
	}
	if f.worker != nil {
		f.worker.Stop()
	}
	f.client.Close()
}

// noopUser updates its own baseline workflow.
type noopUser struct {
	fleet *noopFleet
	id    string
}

func (u noopUser) act(ctx context.Context) outcome { return u.fleet.update(ctx, u.id) }

func (noopUser) prepare(context.Context) {}
