// Package worker registers Onboard's workflows and activities with a Temporal worker,
// registers the custom search attributes, and runs the worker.
package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

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
	r.RegisterActivity(acts)
}

// EnsureSearchAttributes registers the onboarding search attributes in namespace,
// tolerating ones that already exist. On servers that refuse it (Temporal Cloud
// registers attributes in its console) it logs a warning instead of failing.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string, log *slog.Logger) error {
	op := c.OperatorService()
	have, err := op.ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("worker: list search attributes: %w", err)
	}
	missing := workflows.SearchAttributeTypes()
	for name := range have.GetCustomAttributes() {
		delete(missing, name)
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
		log.Warn("cannot register search attributes; register them on the server", "error", err)
		return nil
	}
	return fmt.Errorf("worker: add search attributes: %w", err)
}
