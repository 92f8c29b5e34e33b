package worker

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/workflows"
)

// DigestHour is the local hour, on weekdays, at which CSMs get their digest.
const DigestHour = 8

// EnsureDigestSchedules makes sure every workspace has its CSM digest Schedule: at
// DigestHour on weekdays in the workspace's time zone, starting workflows.CSMDigest.
// It runs on every start and is idempotent: an existing schedule is brought up to date
// (a changed time zone, a new task queue) rather than duplicated.
func EnsureDigestSchedules(ctx context.Context, c client.Client, st *store.Store, taskQueue string, log *slog.Logger) error {
	list, err := st.Workspaces(ctx)
	if err != nil {
		return err
	}
	for _, ws := range list {
		if err := EnsureDigestSchedule(ctx, c, ws, taskQueue); err != nil {
			return fmt.Errorf("digest schedule of workspace %s: %w", ws.Slug, err)
		}
	}
	log.Debug("digest schedules ensured", "workspaces", len(list))
	return nil
}

// EnsureDigestSchedule creates or updates one workspace's digest Schedule.
func EnsureDigestSchedule(ctx context.Context, c client.Client, ws store.Workspace, taskQueue string) error {
	sc := c.ScheduleClient()
	spec := client.ScheduleSpec{
		Calendars: []client.ScheduleCalendarSpec{{
			Second: []client.ScheduleRange{{Start: 0}}, Minute: []client.ScheduleRange{{Start: 0}},
			Hour:      []client.ScheduleRange{{Start: DigestHour}},
			DayOfWeek: []client.ScheduleRange{{Start: 1, End: 5}},
			Comment:   "weekday mornings",
		}},
		TimeZoneName: ws.Timezone,
	}
	action := &client.ScheduleWorkflowAction{ID: workflows.DigestScheduleID(ws.ID), Workflow: workflows.CSMDigest,
		Args: []any{workflows.CSMDigestInput{WorkspaceID: ws.ID}}, TaskQueue: taskQueue}
	id := workflows.DigestScheduleID(ws.ID)
	_, err := sc.Create(ctx, client.ScheduleOptions{ID: id, Spec: spec, Action: action,
		Overlap: enums.SCHEDULE_OVERLAP_POLICY_SKIP, Note: "CSM morning digest of " + ws.Name})
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return err
	}
	return sc.GetHandle(ctx, id).Update(ctx, client.ScheduleUpdateOptions{
		DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
			s := in.Description.Schedule
			s.Spec, s.Action = &spec, action
			return &client.ScheduleUpdate{Schedule: &s}, nil
		},
	})
}
