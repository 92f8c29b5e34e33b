// Package onboarding is the pure, deterministic domain core of Onboard: the plan model,
// task and phase transitions, dependency gating, progress, health and due dates.
//
// It imports neither Temporal nor SQL, so the workflow, the API and the tests share one
// definition of what an onboarding is and how it may change.
package onboarding

// Owner says which side of the relationship does a task.
type Owner string

// Owners of a task.
const (
	OwnerCustomer Owner = "customer"
	OwnerVendor   Owner = "vendor"
)

// Label returns the side as people read it: "Customer".
func (o Owner) Label() string { return ownerLabels[o] }

var ownerLabels = map[Owner]string{OwnerCustomer: "Customer", OwnerVendor: "Vendor"}

// IsCustomer reports whether the customer's side does the task.
func (o Owner) IsCustomer() bool { return o == OwnerCustomer }

// TaskType classifies what a task asks for.
type TaskType string

// Task types.
const (
	TypeForm          TaskType = "form"
	TypeDocument      TaskType = "document"
	TypeReview        TaskType = "review"
	TypeMeeting       TaskType = "meeting"
	TypeConfiguration TaskType = "configuration"
	TypeIntegration   TaskType = "integration"
	TypeTraining      TaskType = "training"
	TypeCustom        TaskType = "custom"
)

// TaskTypes lists every valid task type.
var TaskTypes = []TaskType{TypeForm, TypeDocument, TypeReview, TypeMeeting, TypeConfiguration, TypeIntegration, TypeTraining, TypeCustom}

// DueFrom names the moment a task's due offset counts from.
type DueFrom string

// Anchors for due offsets.
const (
	DueFromStart DueFrom = "start" // the onboarding's start date
	DueFromPhase DueFrom = "phase" // the planned start of the task's phase
)

// FieldType is the kind of input a form field takes.
type FieldType string

// Form field types.
const (
	FieldText     FieldType = "text"
	FieldTextarea FieldType = "textarea"
	FieldEmail    FieldType = "email"
	FieldURL      FieldType = "url"
	FieldNumber   FieldType = "number"
	FieldDate     FieldType = "date"
	FieldSelect   FieldType = "select"
	FieldCheckbox FieldType = "checkbox"
)

// FieldTypes lists every valid form field type.
var FieldTypes = []FieldType{FieldText, FieldTextarea, FieldEmail, FieldURL, FieldNumber, FieldDate, FieldSelect, FieldCheckbox}

// Field is one input of a form task.
type Field struct {
	Key      string    `json:"key"`
	Label    string    `json:"label"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required,omitempty"`
	Options  []string  `json:"options,omitempty"`
	Help     string    `json:"help,omitempty"`
}

// Task is one unit of work in a plan.
type Task struct {
	Key         string   `json:"key"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Owner       Owner    `json:"owner"`
	Type        TaskType `json:"type"`
	DependsOn   []string `json:"depends_on,omitempty"`
	// DueOffsetDays counts from DueFrom, in business days unless CalendarDays is set.
	DueOffsetDays   int     `json:"due_offset_days"`
	DueFrom         DueFrom `json:"due_from"`
	CalendarDays    bool    `json:"calendar_days,omitempty"`
	Required        bool    `json:"required"`
	CustomerVisible bool    `json:"customer_visible"`
	Fields          []Field `json:"fields,omitempty"`
	// Reminders overrides the plan's reminder policy for this task.
	Reminders *ReminderOverride `json:"reminders,omitempty"`
}

// Phase is an ordered group of tasks.
type Phase struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// StartOffsetDays is the planned start of the phase, in business days from the
	// onboarding start; tasks with DueFrom "phase" count from it.
	StartOffsetDays int    `json:"start_offset_days"`
	Tasks           []Task `json:"tasks"`
}

// Plan is a versioned plan template: the phases and tasks an onboarding follows.
type Plan struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Version     int    `json:"version"`
	// HypercareDays is how long the onboarding stays live, after go-live, before it can
	// complete: the customer's first weeks in production, with their check-in tasks.
	HypercareDays int `json:"hypercare_days,omitempty"`
	// Reminders overrides the default reminder policy for the plan's tasks.
	Reminders *ReminderOverride `json:"reminders,omitempty"`
	Phases    []Phase           `json:"phases"`
}

// TaskCount returns the number of tasks in the plan.
func (p Plan) TaskCount() int {
	n := 0
	for _, ph := range p.Phases {
		n += len(ph.Tasks)
	}
	return n
}

// Task returns the task with the given key and the key of its phase.
func (p Plan) Task(key string) (Task, string, bool) {
	for _, ph := range p.Phases {
		for _, t := range ph.Tasks {
			if t.Key == key {
				return t, ph.Key, true
			}
		}
	}
	return Task{}, "", false
}
