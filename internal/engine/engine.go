// Package engine is where product data meets the workflows: it starts onboardings
// (product rows first, then the workflow) and turns task actions into Temporal Updates,
// falling back to a durable signal when no worker answers in time.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"
	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/plans"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/workflows"
)

// ErrUnavailable means Temporal could not be reached to start or act on an onboarding.
var ErrUnavailable = errors.New("the workflow service is unavailable; try again shortly")

// Engine starts onboardings and applies task actions.
type Engine struct {
	Store    *store.Store
	Temporal client.Client
	// Plans are the templates onboardings start from, already saved to the store.
	Plans *plans.Catalog
	// TaskQueue is the workflows' task queue.
	TaskQueue string
	// UpdateTimeout is how long an action waits for a worker before it is queued as a signal.
	UpdateTimeout time.Duration
	Log           *slog.Logger
	// updates bounds the Updates in flight per workflow (see maxUpdatesPerWorkflow).
	updates updateGate
}

// Ready checks that the database and Temporal answer, each within a few seconds, and
// returns each one's error (nil: it answered).
func (e *Engine) Ready(ctx context.Context) map[string]error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	_, temporalErr := e.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
	return map[string]error{"database": e.Store.Ping(ctx), "temporal": temporalErr}
}

// StartRequest asks for a new onboarding.
type StartRequest struct {
	WorkspaceID  string
	AccountID    string
	PlanKey      string
	StartDate    time.Time // zero: today in the account's time zone
	TargetGoLive time.Time // zero: the plan's last due date
	// RequestKey, when set (from the client's Idempotency-Key), names the onboarding: a
	// start retried with it after an answer was lost (the api process died between
	// storing the onboarding and starting its workflow, say) finishes that same onboarding
	// instead of leaving it half-started and making another.
	RequestKey string
}

// onboardingIDs is the namespace of onboarding ids derived from request keys.
var onboardingIDs = uuid.MustParse("6f0c2d52-8a3e-4d0b-9a51-0c7d54c1e0a2")

// onboardingID is a new onboarding's id: derived from the request key and everything the
// request asks for when there is a key (the same request, the same id), else random.
func (r StartRequest) onboardingID() string {
	if r.RequestKey == "" {
		return uuid.NewString()
	}
	name := strings.Join([]string{r.WorkspaceID, r.RequestKey, r.AccountID, r.PlanKey,
		r.StartDate.Format(time.DateOnly), r.TargetGoLive.Format(time.DateOnly)}, "\x00")
	return uuid.NewSHA1(onboardingIDs, []byte(name)).String()
}

// startTimeout bounds starting an onboarding's workflow (and a notification's).
const startTimeout = 30 * time.Second

// MaxStartDuration is the longest Start, Notify or a retried start may take beyond its
// database work: the workflow start, then, when it failed, the check whether it runs.
const MaxStartDuration = startTimeout + removeTimeout

// removeTimeout bounds removeUnstarted.
const removeTimeout = 10 * time.Second

// Start stores a new onboarding with its initial read model, then starts its workflow.
// A request the domain refuses is an *input.Error. If the workflow cannot be
// started the rows are removed and ErrUnavailable returned. A request with a
// RequestKey whose onboarding is already stored is resumed (see resume).
func (e *Engine) Start(ctx context.Context, req StartRequest) (store.Onboarding, error) {
	st, tpl, err := e.newState(ctx, req)
	if err != nil {
		return store.Onboarding{}, err
	}
	o := newRow(&st, tpl)
	err = e.Store.CreateOnboarding(ctx, o, store.NewSnapshot(&st))
	if err != nil && req.RequestKey != "" && errors.Is(err, store.ErrConflict) {
		return e.resume(ctx, req, &st, o)
	}
	if err != nil {
		return store.Onboarding{}, err
	}
	return e.startStored(ctx, &st, o)
}

// startStored starts the workflow of a stored onboarding and answers it as stored; the
// start is not abandoned half-way because the client went away.
func (e *Engine) startStored(ctx context.Context, st *onboarding.State, o store.Onboarding) (store.Onboarding, error) {
	startCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), startTimeout)
	defer cancel()
	if err := e.startWorkflow(startCtx, st); err != nil {
		e.Log.Error("starting onboarding workflow", "onboarding_id", o.ID, "error", err)
		e.removeUnstarted(o)
		return store.Onboarding{}, ErrUnavailable
	}
	return e.Store.Onboarding(startCtx, o.WorkspaceID, o.ID)
}

// resume answers a start retried with its request key whose onboarding is stored: the
// onboarding as it is when its workflow runs; when it never started (the api died
// between the two steps), the onboarding stored again as this request computes it (the
// plan's current version, today's dates) and started. A key whose onboarding is older
// than the keys' lifetime names a new request, which starts a new onboarding.
func (e *Engine) resume(ctx context.Context, req StartRequest, st *onboarding.State, o store.Onboarding) (store.Onboarding, error) {
	stored, err := e.Store.Onboarding(ctx, req.WorkspaceID, o.ID)
	if err != nil {
		return store.Onboarding{}, err
	}
	if time.Since(stored.CreatedAt) > store.IdempotencyKeyTTL {
		req.RequestKey = ""
		return e.Start(ctx, req)
	}
	startCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), startTimeout)
	defer cancel()
	_, err = e.Temporal.DescribeWorkflowExecution(startCtx, stored.WorkflowID, "")
	if err == nil {
		return stored, nil
	}
	var missing *serviceerror.NotFound
	if !errors.As(err, &missing) || stored.StateVersion != 0 {
		e.Log.Error("resuming a retried onboarding start", "onboarding_id", o.ID, "error", err)
		return store.Onboarding{}, ErrUnavailable
	}
	if err := e.Store.ReplaceUnstartedOnboarding(startCtx, o, store.NewSnapshot(st)); err != nil {
		return store.Onboarding{}, err
	}
	return e.startStored(ctx, st, o)
}

// Preview is the onboarding a request would start, computed and not stored: its tasks
// with their due dates and its target go-live, for a form to show before starting it.
func (e *Engine) Preview(ctx context.Context, req StartRequest) (onboarding.State, error) {
	st, _, err := e.newState(ctx, req)
	return st, err
}

// newState builds a new onboarding's initial state from its account, plan and workspace.
func (e *Engine) newState(ctx context.Context, req StartRequest) (onboarding.State, plans.Template, error) {
	account, err := e.Store.Account(ctx, req.WorkspaceID, req.AccountID)
	if err != nil {
		return onboarding.State{}, plans.Template{}, err
	}
	if account.ArchivedAt != nil {
		return onboarding.State{}, plans.Template{}, input.Refuse("account_id", "%s is archived; restore it to start an onboarding", account.Name)
	}
	tpl, ok := e.Plans.Template(req.PlanKey)
	if !ok {
		return onboarding.State{}, tpl, input.Refuse("plan", "unknown plan %s; available: %s", input.Quote(req.PlanKey), e.Plans.Keys())
	}
	if tpl.StoredID == "" {
		return onboarding.State{}, tpl, fmt.Errorf("engine: plan %s was never saved (plans.Catalog.Save)", tpl.Plan.Key)
	}
	ws, err := e.Store.Workspace(ctx, account.WorkspaceID)
	if err != nil {
		return onboarding.State{}, tpl, err
	}
	st, err := onboarding.New(onboarding.NewInput{
		OnboardingID: req.onboardingID(), WorkspaceID: account.WorkspaceID, AccountID: account.ID, AccountName: account.Name,
		CSMEmail: e.csmEmail(ctx, account), Plan: tpl.Plan, StartDate: req.StartDate, TargetGoLive: req.TargetGoLive,
		TimeZone: account.Timezone, Holidays: ws.Holidays, Reminders: ws.Reminders(), Now: time.Now(),
	})
	return st, tpl, err
}

// newRow is the onboardings row of a new onboarding.
func newRow(st *onboarding.State, tpl plans.Template) store.Onboarding {
	target := st.TargetGoLive
	return store.Onboarding{
		ID: st.OnboardingID, WorkspaceID: st.WorkspaceID, AccountID: st.AccountID, PlanTemplateID: tpl.StoredID,
		PlanKey: tpl.Plan.Key, PlanVersion: tpl.Plan.Version, WorkflowID: workflows.WorkflowID(st.OnboardingID),
		StartDate: st.StartDate, TargetGoLive: &target,
	}
}

// removeUnstarted deletes the rows of an onboarding whose start failed, only when its
// workflow is certainly absent: a start can fail ambiguously after the server took it, and
// then the rows stay and its read model catches up with its first change. When Temporal
// cannot say, the rows stay too (a retry with the request key finishes the start).
func (e *Engine) removeUnstarted(o store.Onboarding) {
	ctx, cancel := context.WithTimeout(context.Background(), removeTimeout)
	defer cancel()
	_, err := e.Temporal.DescribeWorkflowExecution(ctx, o.WorkflowID, "")
	var missing *serviceerror.NotFound
	if !errors.As(err, &missing) {
		if err != nil {
			e.Log.Error("keeping an onboarding whose start failed: Temporal cannot say whether it runs", "onboarding_id", o.ID, "error", err)
		}
		return
	}
	if err := e.Store.DeleteOnboarding(ctx, o.ID); err != nil {
		e.Log.Error("removing onboarding after failed start", "onboarding_id", o.ID, "error", err)
	}
}

func (e *Engine) csmEmail(ctx context.Context, account store.Account) string {
	if account.CSMID == nil {
		return ""
	}
	u, err := e.Store.StaffUser(ctx, account.WorkspaceID, *account.CSMID)
	if err != nil {
		return ""
	}
	return u.Email
}

// Notify sends a notification event that belongs to no onboarding's workflow (an invite,
// a sign-in link) through a workflow of its own, durable from here on. Starting the same
// event (the same key) again is harmless: it is sent once.
func (e *Engine) Notify(ctx context.Context, in activities.NotifyInput) error {
	startCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), startTimeout)
	defer cancel()
	_, err := e.Temporal.ExecuteWorkflow(startCtx, client.StartWorkflowOptions{
		ID:                    workflows.NotifyWorkflowID(in.Key),
		TaskQueue:             e.TaskQueue,
		WorkflowIDReusePolicy: enums.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		StaticSummary:         string(in.Kind),
	}, workflows.Notify, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		e.Log.Error("starting a notification", "key", in.Key, "error", err)
		return ErrUnavailable
	}
	return nil
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
