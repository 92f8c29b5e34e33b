package plans

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// checkPlan checks a parsed plan against the rules in the package doc, written
// out again here instead of calling the validator, so that a validator bug cannot
// vouch for itself. It returns the first rule the plan breaks, or "" when none.
func checkPlan(p onboarding.Plan) string {
	r := &planRules{phases: map[string]bool{}, tasks: map[string]onboarding.Task{}}
	r.plan(p)
	if len(r.broken) > 0 {
		return r.broken[0]
	}
	r.dependencies(p)
	if len(r.broken) > 0 {
		return r.broken[0]
	}
	return ""
}

// planRules collects the rules one plan breaks.
type planRules struct {
	broken []string
	phases map[string]bool            // phase keys seen
	tasks  map[string]onboarding.Task // task keys seen, across phases
}

func (r *planRules) failf(format string, args ...any) {
	r.broken = append(r.broken, fmt.Sprintf(format, args...))
}

func (r *planRules) plan(p onboarding.Plan) {
	r.key("plan", p.Key)
	r.text("plan name", p.Name, true)
	r.text("plan description", p.Description, false)
	if p.Version < 1 {
		r.failf("version %d < 1", p.Version)
	}
	if len(p.Phases) == 0 {
		r.failf("plan has no phases")
	}
	for _, ph := range p.Phases {
		r.phase(ph)
	}
}

func (r *planRules) phase(ph onboarding.Phase) {
	r.key("phase", ph.Key)
	if r.phases[ph.Key] {
		r.failf("phase key %q used twice", ph.Key)
	}
	r.phases[ph.Key] = true
	r.text("phase name", ph.Name, true)
	r.text("phase description", ph.Description, false)
	r.offset("start_offset_days", ph.StartOffsetDays)
	if len(ph.Tasks) == 0 {
		r.failf("phase %q has no tasks", ph.Key)
	}
	for _, t := range ph.Tasks {
		r.task(t)
	}
}

func (r *planRules) task(t onboarding.Task) {
	r.key("task", t.Key)
	if _, dup := r.tasks[t.Key]; dup {
		r.failf("task key %q used twice", t.Key)
	}
	r.tasks[t.Key] = t
	r.text("task title", t.Title, true)
	r.text("task description", t.Description, false)
	if t.Owner != "customer" && t.Owner != "vendor" {
		r.failf("task %q: owner %q", t.Key, t.Owner)
	}
	if !slices.Contains(onboarding.TaskTypes, t.Type) {
		r.failf("task %q: type %q", t.Key, t.Type)
	}
	r.offset("due_offset_days", t.DueOffsetDays)
	if t.DueFrom != "start" && t.DueFrom != "phase" {
		r.failf("task %q: due_from %q", t.Key, t.DueFrom)
	}
	if !t.CustomerVisible && t.Owner != "vendor" {
		r.failf("task %q: hidden from the customer but owned by %q", t.Key, t.Owner)
	}
	if isForm := t.Type == "form"; isForm != (len(t.Fields) > 0) {
		r.failf("task %q: type %q with %d fields (form tasks, and only they, have fields)", t.Key, t.Type, len(t.Fields))
	}
	seen := map[string]bool{}
	for _, f := range t.Fields {
		r.field(f, seen)
	}
}

func (r *planRules) field(f onboarding.Field, seen map[string]bool) {
	r.key("field", f.Key)
	if seen[f.Key] {
		r.failf("field key %q used twice in a task", f.Key)
	}
	seen[f.Key] = true
	r.text("field label", f.Label, true)
	r.text("field help", f.Help, false)
	if !slices.Contains(onboarding.FieldTypes, f.Type) {
		r.failf("field %q: type %q", f.Key, f.Type)
	}
	if isSelect := f.Type == "select"; isSelect != (len(f.Options) > 0) {
		r.failf("field %q: type %q with %d options (select fields, and only they, have options)", f.Key, f.Type, len(f.Options))
	}
	for i, o := range f.Options {
		r.text("option", o, true)
		if slices.Contains(f.Options[:i], o) {
			r.failf("field %q: option %q listed twice", f.Key, o)
		}
	}
}

// dependencies checks that every dependency names another task of the plan, once,
// and that the tasks can be done in some order: Kahn's algorithm, not the
// validator's depth-first search.
func (r *planRules) dependencies(p onboarding.Plan) {
	waiting := map[string]int{}         // task -> dependencies not yet done
	dependents := map[string][]string{} // task -> tasks that depend on it
	for _, t := range planTasks(p) {
		key := t.Key
		for i, dep := range t.DependsOn {
			switch _, known := r.tasks[dep]; {
			case dep == key:
				r.failf("task %q depends on itself", key)
			case !known:
				r.failf("task %q depends on unknown task %q", key, dep)
			case slices.Contains(t.DependsOn[:i], dep):
				r.failf("task %q lists %q twice", key, dep)
			}
			dependents[dep] = append(dependents[dep], key)
		}
		waiting[key] = len(t.DependsOn)
	}
	var ready []string
	for _, t := range planTasks(p) {
		if waiting[t.Key] == 0 {
			ready = append(ready, t.Key)
		}
	}
	done := 0
	for len(ready) > 0 {
		key := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		done++
		for _, d := range dependents[key] {
			if waiting[d]--; waiting[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	if done != len(r.tasks) {
		r.failf("plan %q: %d of %d tasks are in or behind a dependency cycle", p.Key, len(r.tasks)-done, len(r.tasks))
	}
}

// planTasks lists the plan's tasks in file order.
func planTasks(p onboarding.Plan) []onboarding.Task {
	var out []onboarding.Task
	for _, ph := range p.Phases {
		out = append(out, ph.Tasks...)
	}
	return out
}

// key checks a key against ^[a-z0-9][a-z0-9_-]*$ and the 64-character limit,
// byte by byte rather than with the validator's regexp.
func (r *planRules) key(kind, k string) {
	if k == "" || len(k) > 64 {
		r.failf("%s key %q: length %d", kind, k, len(k))
		return
	}
	for i, c := range []byte(k) {
		lowerOrDigit := 'a' <= c && c <= 'z' || '0' <= c && c <= '9'
		if !lowerOrDigit && (i == 0 || c != '-' && c != '_') {
			r.failf("%s key %q: byte %d is %q", kind, k, i, c)
			return
		}
	}
}

// text checks that a text value is trimmed and, when required, not blank.
func (r *planRules) text(what, s string, required bool) {
	if s != strings.TrimSpace(s) {
		r.failf("%s %q is not trimmed", what, s)
	}
	if required && s == "" {
		r.failf("%s is blank", what)
	}
}

// offset checks a day offset is within 0 to 730.
func (r *planRules) offset(what string, days int) {
	if days < 0 || days > 730 {
		r.failf("%s %d outside 0..730", what, days)
	}
}

// TestCheckPlan checks the checker: it passes the shipped plans and catches a
// plan broken in each way it knows.
func TestCheckPlan(t *testing.T) {
	src, err := os.ReadFile("../../templates/plans/standard-saas.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fresh := func() onboarding.Plan {
		tpl, err := Parse("standard-saas.yaml", src)
		if err != nil {
			t.Fatal(err)
		}
		return tpl.Plan
	}
	if msg := checkPlan(fresh()); msg != "" {
		t.Fatalf("shipped plan: %s", msg)
	}
	breaks := map[string]func(p *onboarding.Plan){
		"bad plan key":        func(p *onboarding.Plan) { p.Key = "Standard" },
		"long key":            func(p *onboarding.Plan) { p.Key = strings.Repeat("a", 65) },
		"key starts with -":   func(p *onboarding.Plan) { p.Phases[0].Key = "-x" },
		"untrimmed name":      func(p *onboarding.Plan) { p.Name = " x" },
		"version 0":           func(p *onboarding.Plan) { p.Version = 0 },
		"duplicate phase":     func(p *onboarding.Plan) { p.Phases[1].Key = p.Phases[0].Key },
		"empty phase":         func(p *onboarding.Plan) { p.Phases[0].Tasks = nil },
		"offset over 730":     func(p *onboarding.Plan) { p.Phases[1].StartOffsetDays = 731 },
		"duplicate task":      func(p *onboarding.Plan) { p.Phases[1].Tasks[0].Key = p.Phases[0].Tasks[0].Key },
		"bad owner":           func(p *onboarding.Plan) { p.Phases[0].Tasks[0].Owner = "client" },
		"bad type":            func(p *onboarding.Plan) { p.Phases[0].Tasks[0].Type = "call" },
		"bad due_from":        func(p *onboarding.Plan) { p.Phases[0].Tasks[0].DueFrom = "" },
		"negative due":        func(p *onboarding.Plan) { p.Phases[0].Tasks[0].DueOffsetDays = -1 },
		"hidden customer":     func(p *onboarding.Plan) { findTask(p, "customer").CustomerVisible = false },
		"form without fields": func(p *onboarding.Plan) { findTask(p, "form").Fields = nil },
		"fields on non-form":  func(p *onboarding.Plan) { findTask(p, "form").Type = "custom" },
		"select no options":   func(p *onboarding.Plan) { selectField(p).Options = nil },
		"duplicate option":    func(p *onboarding.Plan) { f := selectField(p); f.Options = append(f.Options, f.Options[0]) },
		"unknown dependency":  func(p *onboarding.Plan) { p.Phases[0].Tasks[0].DependsOn = []string{"ghost"} },
		"self dependency":     func(p *onboarding.Plan) { t := &p.Phases[0].Tasks[0]; t.DependsOn = []string{t.Key} },
		"cycle": func(p *onboarding.Plan) {
			last := p.Phases[len(p.Phases)-1].Tasks
			p.Phases[0].Tasks[0].DependsOn = []string{last[len(last)-1].Key}
		},
	}
	for name, brk := range breaks {
		p := fresh()
		brk(&p)
		if msg := checkPlan(p); msg == "" {
			t.Errorf("%s: not caught", name)
		}
	}
}

// findTask returns the first task of the plan with the given owner or type.
func findTask(p *onboarding.Plan, ownerOrType string) *onboarding.Task {
	for i := range p.Phases {
		for j := range p.Phases[i].Tasks {
			t := &p.Phases[i].Tasks[j]
			if string(t.Owner) == ownerOrType || string(t.Type) == ownerOrType {
				return t
			}
		}
	}
	panic("no " + ownerOrType + " task")
}

// selectField returns the plan's first select field.
func selectField(p *onboarding.Plan) *onboarding.Field {
	for i := range p.Phases {
		for j := range p.Phases[i].Tasks {
			for k, f := range p.Phases[i].Tasks[j].Fields {
				if f.Type == onboarding.FieldSelect {
					return &p.Phases[i].Tasks[j].Fields[k]
				}
			}
		}
	}
	panic("no select field")
}
