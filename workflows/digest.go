package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/notify"
)

// DigestScheduleID is the Temporal Schedule that starts a workspace's CSM digest each
// weekday morning.
func DigestScheduleID(workspaceID string) string { return "csm-digest:" + workspaceID }

// CSMDigestInput names the workspace whose CSMs get their morning digest.
type CSMDigestInput struct {
	WorkspaceID string `json:"workspace_id"`
}

// CSMDigest sends each CSM of a workspace one digest of the onboardings that need them
// today. The day (in the workspace's time zone) is part of each message's key, so a
// schedule that fires twice, or a retried run, sends one digest a day.
func CSMDigest(ctx workflow.Context, in CSMDigestInput) error {
	var plan activities.DigestPlan
	planCtx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second, ScheduleToCloseTimeout: time.Hour,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: 2 * time.Second, MaximumInterval: time.Minute},
	})
	if err := workflow.ExecuteActivity(planCtx, acts.PlanCSMDigest, in.WorkspaceID).Get(ctx, &plan); err != nil {
		return err
	}
	var sends []workflow.Future
	for _, staffID := range plan.StaffIDs {
		n := activities.NotifyInput{Key: "csm-digest:" + staffID + ":" + plan.Day, Kind: notify.KindCSMDigest,
			WorkspaceID: in.WorkspaceID, StaffID: staffID}
		sends = append(sends, workflow.ExecuteActivity(withNotifyOptions(ctx, n), acts.Notify, n))
	}
	var failed error
	for _, f := range sends {
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("digest not sent", "error", err)
			failed = err
		}
	}
	return failed
}
