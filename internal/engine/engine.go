// Package engine is where product data meets the workflows: it starts onboardings
// (product rows first, then the workflow) and turns task actions into Temporal Updates,
// falling back to a durable signal when no worker answers in time.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/plans"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/workflows"
)

// ErrUnavailable means Temporal could not be reached to start or act on an onboarding.
var ErrUnavailable = errors.New("the workflow service is unavailable; try again shortly")

// InputError is a request the engine cannot act on, naming the field at fault.
type InputError struct{ Field, Message string }

func (e *InputError) Error() string { return e.Field + ": " + e.Message }

// Engine starts onboardings and applies task actions.
type Engine struct {
	Store    *store.Store
	Temporal client.Client
	// TaskQueue is the workflows' task queue.
	TaskQueue string
	// UpdateTimeout is how long an action waits for a worker before it is queued as a signal.
	UpdateTimeout time.Duration
	Log           *slog.Logger
	plans         []plans.Template
}

// New returns an Engine serving the given plan templates.
func New(st *store.Store, tc client.Client, taskQueue string, updateTimeout time.Duration, templates []plans.Template, log *slog.Logger) *Engine {
	return &Engine{Store: st, Temporal: tc, TaskQueue: taskQueue, UpdateTimeout: updateTimeout, Log: log, plans: templates}
}

// Plans returns the plan templates new onboardings can start from, sorted by key.
func (e *Engine) Plans() []plans.Template { return e.plans }

// Plan returns the current template with the given key.
func (e *Engine) Plan(key string) (plans.Template, bool) {
	i := slices.IndexFunc(e.plans, func(t plans.Template) bool { return t.Plan.Key == key })
	if i < 0 {
		return plans.Template{}, false
	}
	return e.plans[i], true
}

func (e *Engine) planKeys() string {
	keys := make([]string, len(e.plans))
	for i, t := range e.plans {
		keys[i] = t.Plan.Key
	}
	return strings.Join(keys, ", ")
}

// Ready checks that the database and Temporal answer.
func (e *Engine) Ready(ctx context.Context) error {
	if err := e.Store.Ping(ctx); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	if _, err := e.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	return nil
}

// StartRequest asks for a new onboarding.
type StartRequest struct {
	WorkspaceID  string
	AccountID    string
	PlanKey      string
	StartDate    time.Time // zero: today in the account's time zone
	TargetGoLive time.Time // zero: the plan's last due date
}

// Start stores a new onboarding with its initial read model, then starts its workflow.
// If the workflow cannot be started the rows are removed and ErrUnavailable returned.
func (e *Engine) Start(ctx context.Context, req StartRequest) (store.Onboarding, error) {
	account, err := e.Store.Account(ctx, req.WorkspaceID, req.AccountID)
	if err != nil {
		return store.Onboarding{}, err
	}
	tpl, ok := e.Plan(req.PlanKey)
	if !ok {
		return store.Onboarding{}, &InputError{"plan", fmt.Sprintf("unknown plan %q; available: %s", req.PlanKey, e.planKeys())}
	}
	st, o, err := e.newOnboarding(ctx, account, tpl, req)
	if err != nil {
		return store.Onboarding{}, err
	}
	if err := e.Store.CreateOnboarding(ctx, o, store.NewSnapshot(&st)); err != nil {
		return store.Onboarding{}, err
	}
	// The start must not be abandoned half-way because the client went away.
	startCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := e.startWorkflow(startCtx, &st); err != nil {
		e.Log.Error("starting onboarding workflow", "onboarding_id", o.ID, "error", err)
		e.removeUnstarted(startCtx, o)
		return store.Onboarding{}, ErrUnavailable
	}
	return e.Store.Onboarding(startCtx, req.WorkspaceID, o.ID)
}

// removeUnstarted deletes the rows of an onboarding whose start failed, unless the
// workflow exists after all (a start can fail ambiguously after the server took it):
// then the rows stay, and its read model catches up with its first change.
func (e *Engine) removeUnstarted(ctx context.Context, o store.Onboarding) {
	if _, err := e.Temporal.DescribeWorkflowExecution(ctx, o.WorkflowID, ""); err == nil {
		return
	}
	if err := e.Store.DeleteOnboarding(ctx, o.ID); err != nil {
		e.Log.Error("removing onboarding after failed start", "onboarding_id", o.ID, "error", err)
	}
}

func (e *Engine) newOnboarding(ctx context.Context, account store.Account, tpl plans.Template, req StartRequest) (onboarding.State, store.Onboarding, error) {
	loc, err := time.LoadLocation(account.Timezone)
	if err != nil {
		loc = time.UTC
	}
	now := time.Now()
	start := req.StartDate
	if start.IsZero() {
		start = now.In(loc)
	}
	start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, time.UTC)
	if !req.TargetGoLive.IsZero() && req.TargetGoLive.Before(start) {
		return onboarding.State{}, store.Onboarding{}, &InputError{"target_go_live", "must not be before start_date"}
	}
	templateID, err := e.Store.EnsurePlanTemplate(ctx, tpl.Plan.Key, tpl.Plan.Version, tpl.Plan.Name, tpl.Checksum, string(tpl.Source), tpl.Plan)
	if err != nil {
		return onboarding.State{}, store.Onboarding{}, err
	}
	id := uuid.NewString()
	st := onboarding.New(onboarding.NewInput{
		OnboardingID: id, WorkspaceID: account.WorkspaceID, AccountID: account.ID, AccountName: account.Name,
		CSMEmail: e.csmEmail(ctx, account), Plan: tpl.Plan, StartDate: start, TargetGoLive: req.TargetGoLive,
		Location: loc, Now: now,
	})
	target := st.TargetGoLive
	o := store.Onboarding{
		ID: id, WorkspaceID: account.WorkspaceID, AccountID: account.ID, PlanTemplateID: templateID,
		PlanKey: tpl.Plan.Key, PlanVersion: tpl.Plan.Version, WorkflowID: workflows.WorkflowID(id),
		StartDate: start, TargetGoLive: &target,
	}
	return st, o, nil
}

func (e *Engine) csmEmail(ctx context.Context, account store.Account) string {
	if account.CSMID == nil {
		return ""
	}
	u, err := e.Store.StaffUser(ctx, *account.CSMID)
	if err != nil {
		return ""
	}
	return u.Email
}

func (e *Engine) startWorkflow(ctx context.Context, st *onboarding.State) error {
	_, err := e.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                    workflows.WorkflowID(st.OnboardingID),
		TaskQueue:             e.TaskQueue,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: workflows.StartSearchAttributes(st),
		StaticSummary:         fmt.Sprintf("%s — %s", st.AccountName, st.Plan.Name),
	}, workflows.Onboarding, workflows.OnboardingInput{State: *st})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil // a retried start of this very onboarding (its id is new)
	}
	return err
}
