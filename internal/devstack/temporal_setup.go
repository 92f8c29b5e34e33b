package devstack

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	namespacepb "go.temporal.io/api/namespace/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"
)

// setup waits for the frontend, then applies the namespace's retention.
func (t *Temporal) setup(ctx context.Context, o TemporalOptions) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	c, err := t.waitFrontend(ctx, o.Namespace)
	if err != nil {
		return err
	}
	defer c.Close()
	return ensureRetention(ctx, c, o.Namespace, o.Retention)
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
