// Package worker registers Onboard's workflows and activities with a Temporal worker,
// registers the custom search attributes, and runs the worker.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/workflows"
)

// New returns a worker on taskQueue with every workflow and activity registered.
//
// Every task action is a workflow task, so workflow-task polling is what limits a burst
// of actions: more pollers than the SDK's default of two keep tasks from waiting on the
// server (measured at full load: p99 3.0 s with 8 pollers, 0.97 s with 16).
func New(c client.Client, taskQueue string, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, taskQueue, sdkworker.Options{MaxConcurrentWorkflowTaskPollers: 16})
	Register(w, acts)
	return w
}

// Register adds the workflows and activities to a worker (or a test environment).
func Register(r interface {
	RegisterWorkflow(any)
	RegisterActivity(any)
}, acts *activities.Activities) {
	r.RegisterWorkflow(workflows.Onboarding)
	r.RegisterWorkflow(workflows.Notify)
	r.RegisterWorkflow(workflows.CSMDigest)
	r.RegisterActivity(acts)
}

// EnsureSearchAttributes registers the onboarding search attributes in namespace, on
// every start: attributes passed when a dev server's namespace was created are ignored
// for an existing database, and a new version may add attributes. Existing ones are
// kept; one that exists with another type is an error, since every upsert of it would
// fail. On servers that refuse registration (Temporal Cloud registers attributes in its
// console) it logs a warning instead of failing.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string, log *slog.Logger) error {
	return ensureSearchAttributes(ctx, c, namespace, workflows.SearchAttributeTypes(), log)
}

func ensureSearchAttributes(ctx context.Context, c client.Client, namespace string, want map[string]enums.IndexedValueType, log *slog.Logger) error {
	op := c.OperatorService()
	have, err := op.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("worker: list search attributes: %w", err)
	}
	missing := map[string]enums.IndexedValueType{}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		got, ok := have.GetCustomAttributes()[name]
		switch {
		case !ok:
			missing[name] = want[name]
		case got != want[name]:
			return fmt.Errorf("worker: search attribute %s exists with type %s, want %s", name, got, want[name])
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = op.AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{Namespace: namespace, SearchAttributes: missing})
	var exists *serviceerror.AlreadyExists
	var denied *serviceerror.PermissionDenied
	switch {
	case err == nil, errors.As(err, &exists):
		return nil
	case errors.As(err, &denied):
		log.Warn("cannot register search attributes; register them on the server", "missing", slices.Sorted(maps.Keys(missing)), "error", err)
		return nil
	}
	return fmt.Errorf("worker: add search attributes %v: %w", slices.Sorted(maps.Keys(missing)), err)
}
