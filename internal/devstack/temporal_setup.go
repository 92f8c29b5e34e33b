package devstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	enums "go.temporal.io/api/enums/v1"
	namespacepb "go.temporal.io/api/namespace/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"
)

// setup waits for the frontend, then applies the namespace's retention and
// registers the search attributes.
func (t *Temporal) setup(ctx context.Context, o TemporalOptions) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	c, err := t.waitFrontend(ctx, o.Namespace)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := ensureRetention(ctx, c, o.Namespace, o.Retention); err != nil {
		return err
	}
	return ensureSearchAttributes(ctx, c, o.Namespace, o.SearchAttributes)
}

// waitFrontend dials the frontend until it answers DescribeNamespace.
func (t *Temporal) waitFrontend(ctx context.Context, namespace string) (client.Client, error) {
	var lastErr error
	for {
		c, err := client.DialContext(ctx, client.Options{
			HostPort:  t.address,
			Namespace: namespace,
			Logger:    sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler)),
		})
		if err == nil {
			_, err = c.WorkflowService().DescribeNamespace(ctx,
				&workflowservice.DescribeNamespaceRequest{Namespace: namespace})
			if err == nil {
				return c, nil
			}
			c.Close()
		}
		lastErr = err
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("frontend %s not answering: %w (last error: %v)", t.address, ctx.Err(), lastErr)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ensureRetention sets the namespace's retention to want unless it has it
// already (a namespace created on a new SQLite file elsewhere gets 24h).
func ensureRetention(ctx context.Context, c client.Client, namespace string, want time.Duration) error {
	desc, err := c.WorkflowService().DescribeNamespace(ctx,
		&workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("describe namespace %q: %w", namespace, err)
	}
	if desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration() == want {
		return nil
	}
	_, err = c.WorkflowService().UpdateNamespace(ctx, &workflowservice.UpdateNamespaceRequest{
		Namespace: namespace,
		Config:    &namespacepb.NamespaceConfig{WorkflowExecutionRetentionTtl: durationpb.New(want)},
	})
	if err != nil {
		return fmt.Errorf("set retention of namespace %q to %s: %w", namespace, want, err)
	}
	return nil
}

// ensureSearchAttributes registers the attributes the namespace lacks. An
// attribute that exists with another type is an error.
func ensureSearchAttributes(ctx context.Context, c client.Client, namespace string,
	want map[string]enums.IndexedValueType) error {
	if len(want) == 0 {
		return nil
	}
	list, err := c.OperatorService().ListSearchAttributes(ctx,
		&operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return fmt.Errorf("list search attributes: %w", err)
	}
	have := list.GetCustomAttributes()
	missing := map[string]enums.IndexedValueType{}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		got, ok := have[name]
		if !ok {
			missing[name] = want[name]
		} else if got != want[name] {
			return fmt.Errorf("search attribute %s exists with type %s, want %s", name, got, want[name])
		}
	}
	if len(missing) == 0 {
		return nil
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        namespace,
		SearchAttributes: missing,
	})
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("add search attributes %v: %w", slices.Sorted(maps.Keys(missing)), err)
	}
	return nil
}
