// Package workflows defines Onboard's Temporal workflows: one long-lived Onboarding
// workflow per customer onboarding, a thin durable shell around internal/onboarding.
package workflows

import (
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// Message names of the Onboarding workflow.
const (
	// UpdateTaskAction applies a task action and returns once the read model shows it.
	// It is an Update rather than a signal so that an invalid transition is rejected by
	// the validator with a reason, before anything enters the history.
	UpdateTaskAction = "task-action"
	// SignalTaskAction carries the same action when no worker answered the Update in
	// time: a signal is durable without a worker, and the request ID makes it idempotent.
	// Its own name lets ops tell a queued action from an answered one in the history.
	SignalTaskAction = "task-action-queued"
	// legacySignalTaskAction is the name queued actions were signalled under while it
	// was the Update's name too. Workflows still listen on it: a running onboarding may
	// hold such a signal, and an api process of that version may still send one.
	legacySignalTaskAction = "task-action"
	// UpdateLifecycle pauses, resumes or cancels the onboarding.
	UpdateLifecycle = "lifecycle"
	// UpdateSnooze puts off the customer's reminders about some tasks.
	UpdateSnooze = "snooze-reminders"
	// UpdateReschedule moves the target go-live or a task's due date.
	UpdateReschedule = "reschedule"
	// UpdateAssign assigns a task to a contact or staff member, or unassigns it.
	UpdateAssign = "assign-task"
	// QueryState returns the full onboarding.State.
	QueryState = "state"
	// DefaultTaskQueue is the task queue the worker polls unless configured otherwise.
	DefaultTaskQueue = "onboarding"
)

// WorkflowID is the workflow ID of an onboarding.
func WorkflowID(onboardingID string) string { return "onboarding:" + onboardingID }

// Search attributes kept current on every onboarding so ops can filter in the Web UI.
var (
	AttrStatus   = temporal.NewSearchAttributeKeyKeyword("OnboardingStatus")
	AttrHealth   = temporal.NewSearchAttributeKeyKeyword("OnboardingHealth")
	AttrCSMEmail = temporal.NewSearchAttributeKeyKeyword("CsmEmail")
	AttrAccount  = temporal.NewSearchAttributeKeyKeyword("AccountName")
	AttrPlan     = temporal.NewSearchAttributeKeyKeyword("PlanKey")
	AttrGoLive   = temporal.NewSearchAttributeKeyTime("GoLiveTarget")
	AttrProgress = temporal.NewSearchAttributeKeyInt64("ProgressPercent")
)

// SearchAttributeTypes lists the custom search attributes to register with the server.
func SearchAttributeTypes() map[string]enums.IndexedValueType {
	return map[string]enums.IndexedValueType{
		AttrStatus.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD, AttrHealth.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD,
		AttrCSMEmail.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD, AttrAccount.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD,
		AttrPlan.GetName(): enums.INDEXED_VALUE_TYPE_KEYWORD, AttrGoLive.GetName(): enums.INDEXED_VALUE_TYPE_DATETIME,
		AttrProgress.GetName(): enums.INDEXED_VALUE_TYPE_INT,
	}
}

// searchValues are the values of every search attribute for one state. It is a
// comparable value, so the workflow can tell whether anything changed since its last upsert.
type searchValues struct {
	status, health, csmEmail, account, plan string
	goLive                                  int64 // Unix seconds; dates carry no sub-second part
	progress                                int64
}

func searchValuesOf(st *onboarding.State) searchValues {
	return searchValues{status: string(st.Status), health: string(st.Health), csmEmail: st.CSMEmail,
		account: st.AccountName, plan: st.Plan.Key, goLive: st.TargetGoLive.Unix(),
		progress: int64(st.Progress(onboarding.AllTasks).Percent())}
}

func (v searchValues) updates() []temporal.SearchAttributeUpdate {
	return []temporal.SearchAttributeUpdate{
		AttrStatus.ValueSet(v.status),
		AttrHealth.ValueSet(v.health),
		AttrCSMEmail.ValueSet(v.csmEmail),
		AttrAccount.ValueSet(v.account),
		AttrPlan.ValueSet(v.plan),
		AttrGoLive.ValueSet(time.Unix(v.goLive, 0).UTC()),
		AttrProgress.ValueSet(v.progress),
	}
}

// SearchAttributes returns the current values of every search attribute for a state.
func SearchAttributes(st *onboarding.State) []temporal.SearchAttributeUpdate {
	return searchValuesOf(st).updates()
}

// StartSearchAttributes returns the search attributes to set when starting a workflow.
func StartSearchAttributes(st *onboarding.State) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(SearchAttributes(st)...)
}
