package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onboard-oss/onboard/activities"
)

// NotifyWorkflowID is the workflow ID of a notification event sent on its own (an invite,
// a sign-in link): starting the same event twice sends it once.
func NotifyWorkflowID(key string) string { return "notify:" + key }

// Notify delivers one notification event that no onboarding workflow sends: an invite, a
// sign-in link, a bounce reported to the CSM. It is a workflow rather than a send from the
// web request so that the message survives an api restart and is retried until the
// provider takes it.
func Notify(ctx workflow.Context, in activities.NotifyInput) error {
	return workflow.ExecuteActivity(withNotifyOptions(ctx, in), acts.Notify, in).Get(ctx, nil)
}

// withNotifyOptions retries a send with backoff for up to 23 hours: long enough to ride
// out a provider outage, and short of the 24 hours Resend remembers an idempotency key, so
// a late retry can still not send twice. A refusal for good is recorded by the activity
// and not retried.
func withNotifyOptions(ctx workflow.Context, in activities.NotifyInput) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		ScheduleToCloseTimeout: 23 * time.Hour,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval: 2 * time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute,
		},
		Summary: "notify: " + string(in.Kind),
	})
}
