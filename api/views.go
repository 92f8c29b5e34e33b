package api

import (
	"time"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// planJSON is a plan template as GET /api/v1/plans shows it.
type planJSON struct {
	Key         string          `json:"key"`
	Name        string          `json:"name"`
	Version     int             `json:"version"`
	Description string          `json:"description"`
	TaskCount   int             `json:"task_count"`
	Phases      []planPhaseJSON `json:"phases"`
}

type planPhaseJSON struct {
	Key   string            `json:"key"`
	Name  string            `json:"name"`
	Tasks []onboarding.Task `json:"tasks"`
}

func newPlanJSON(p onboarding.Plan) planJSON {
	out := planJSON{Key: p.Key, Name: p.Name, Version: p.Version, Description: p.Description, TaskCount: p.TaskCount()}
	for _, ph := range p.Phases {
		out.Phases = append(out.Phases, planPhaseJSON{Key: ph.Key, Name: ph.Name, Tasks: ph.Tasks})
	}
	return out
}

// onboardingJSON is the API's view of an onboarding; lists leave Phases out.
type onboardingJSON struct {
	ID           string  `json:"id"`
	AccountID    string  `json:"account_id"`
	AccountName  string  `json:"account_name"`
	Plan         string  `json:"plan"`
	PlanVersion  int     `json:"plan_version"`
	Status       string  `json:"status"`
	Health       string  `json:"health"`
	HealthLabel  string  `json:"health_label"`
	Progress     int     `json:"progress"`
	TasksDone    int     `json:"tasks_done"`
	TasksTotal   int     `json:"tasks_total"`
	StartDate    string  `json:"start_date"`
	TargetGoLive *string `json:"target_go_live"`
	// ForecastGoLive is the workflow's projected go-live day (null before it projects one).
	ForecastGoLive *string     `json:"forecast_go_live"`
	WentLiveAt     *time.Time  `json:"went_live_at"`
	WorkflowID     string      `json:"workflow_id"`
	Version        int64       `json:"version"`
	CreatedAt      time.Time   `json:"created_at"`
	UpdatedAt      time.Time   `json:"updated_at"`
	Phases         []phaseJSON `json:"phases,omitempty"`
}

type phaseJSON struct {
	Key      string     `json:"key"`
	Name     string     `json:"name"`
	Status   string     `json:"status"`
	Progress int        `json:"progress"`
	Tasks    []taskJSON `json:"tasks"`
}

type taskJSON struct {
	Key           string        `json:"key"`
	Title         string        `json:"title"`
	Owner         string        `json:"owner"`
	Type          string        `json:"type"`
	Status        string        `json:"status"`
	DependsOn     []string      `json:"depends_on"`
	DueAt         *time.Time    `json:"due_at"`
	Assignee      *assigneeJSON `json:"assignee"`
	Required      bool          `json:"required"`
	NextStep      bool          `json:"next_step"`
	Overdue       bool          `json:"overdue"`
	BlockedReason string        `json:"blocked_reason,omitempty"`
	// BlockedBy is the task this one was blocked by; WaitingOn a dependency that is blocked.
	BlockedBy   string     `json:"blocked_by,omitempty"`
	WaitingOn   string     `json:"waiting_on,omitempty"`
	CompletedAt *time.Time `json:"completed_at,omitempty"`
}

// newOnboardingJSON shows an onboarding; its phases and tasks when d holds them.
func newOnboardingJSON(d store.OnboardingDetail) onboardingJSON {
	o := d.Onboarding
	out := onboardingJSON{
		ID: o.ID, AccountID: o.AccountID, AccountName: o.AccountName, Plan: o.PlanKey, PlanVersion: o.PlanVersion,
		Status: string(o.Status), Health: string(o.Health), HealthLabel: o.Health.Label(), Progress: o.Progress, TasksDone: o.TasksDone, TasksTotal: o.TasksTotal,
		StartDate: o.StartDate.Format(time.DateOnly), WentLiveAt: o.WentLiveAt, WorkflowID: o.WorkflowID,
		Version: o.StateVersion, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt,
	}
	if o.TargetGoLive != nil {
		d := o.TargetGoLive.Format(time.DateOnly)
		out.TargetGoLive = &d
	}
	if o.ForecastGoLive != nil {
		d := o.ForecastGoLive.Format(time.DateOnly)
		out.ForecastGoLive = &d
	}
	byPhase := map[string][]taskJSON{}
	now := time.Now()
	for _, t := range d.Tasks {
		byPhase[t.PhaseKey] = append(byPhase[t.PhaseKey], newTaskJSON(t, now))
	}
	for _, p := range d.Phases {
		out.Phases = append(out.Phases, phaseJSON{Key: p.Key, Name: p.Name, Status: string(p.Status), Progress: p.Progress,
			Tasks: orEmpty(byPhase[p.Key])})
	}
	return out
}

func newTaskJSON(t store.OnboardingTask, now time.Time) taskJSON {
	out := taskJSON{Key: t.Key, Title: t.Title, Owner: string(t.Owner), Type: string(t.Type), Status: string(t.Status),
		DependsOn: orEmpty([]string(t.DependsOn)), DueAt: t.DueAt, Required: t.Required, NextStep: t.NextStep,
		Overdue:       t.DueAt != nil && onboarding.Overdue(t.Status, *t.DueAt, now),
		BlockedReason: t.BlockedReason, BlockedBy: t.BlockedBy, CompletedAt: t.CompletedAt}
	if t.WaitingOn != nil {
		out.WaitingOn = t.WaitingOn.Key
	}
	if kind, id := onboarding.AssigneeKind(t.Assignee); kind != "" {
		out.Assignee = &assigneeJSON{Type: kind, ID: id, Name: t.AssigneeName}
	}
	return out
}

// assigneeJSON is who a task is assigned to: a contact (customer tasks) or a staff
// member (vendor tasks).
type assigneeJSON struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Name string `json:"name"`
}
