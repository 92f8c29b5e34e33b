package plans

import (
	"regexp"

	"gopkg.in/yaml.v3"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// Limits on keys and offsets.
const (
	maxKeyLen     = 64
	maxOffsetDays = 730
)

// keyPattern is what every plan, phase, task and field key must look like.
var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

var (
	owners   = []onboarding.Owner{onboarding.OwnerCustomer, onboarding.OwnerVendor}
	dueFroms = []onboarding.DueFrom{onboarding.DueFromStart, onboarding.DueFromPhase}
)

// planReader reads one file's tree into a Plan, remembering what the cross-item
// checks need: where each phase and task key was first defined and every task's
// dependencies.
type planReader struct {
	*parser
	keyLine int            // line of the plan's key, for duplicate-plan errors
	phases  map[string]int // phase key -> line first defined
	tasks   map[string]int // task key -> line first defined
	refs    []taskRef      // every keyed task in file order, for the dependency checks
}

// taskRef is a task's key and its dependencies with their nodes.
type taskRef struct {
	key  string
	deps []item
}

// plan reads the root mapping.
func (r *planReader) plan(root *yaml.Node) onboarding.Plan {
	d, ok := r.newDoc(root, "plan")
	if !ok {
		return onboarding.Plan{}
	}
	var pl onboarding.Plan
	pl.Key, r.keyLine = readKey(d)
	pl.Name = d.text("name", true)
	pl.Description = d.text("description", false)
	pl.Version = readVersion(d)
	pl.HypercareDays = readHypercare(d)
	pl.Reminders = r.reminders(d)
	phases := nonEmpty(d, "phases", "a plan needs at least one phase")
	for _, n := range phases {
		if ph, ok := r.phase(n); ok {
			pl.Phases = append(pl.Phases, ph)
		}
	}
	d.finish()
	r.checkDependencies()
	return pl
}

// phase reads one phase and its tasks.
func (r *planReader) phase(n *yaml.Node) (onboarding.Phase, bool) {
	d, ok := r.newDoc(n, "phase")
	if !ok {
		return onboarding.Phase{}, false
	}
	var ph onboarding.Phase
	ph.Key, _ = readKey(d)
	unique(d, ph.Key, r.phases)
	ph.Name = d.text("name", true)
	ph.Description = d.text("description", false)
	ph.StartOffsetDays = readOffset(d, "start_offset_days")
	tasks := nonEmpty(d, "tasks", "a phase needs at least one task")
	for _, tn := range tasks {
		if t, ok := r.task(tn); ok {
			ph.Tasks = append(ph.Tasks, t)
		}
	}
	d.finish()
	return ph, true
}

// task reads one task, its schedule and its form fields.
func (r *planReader) task(n *yaml.Node) (onboarding.Task, bool) {
	d, ok := r.newDoc(n, "task")
	if !ok {
		return onboarding.Task{}, false
	}
	var t onboarding.Task
	t.Key, _ = readKey(d)
	first := unique(d, t.Key, r.tasks)
	t.Title = d.text("title", true)
	t.Description = d.text("description", false)
	owner, ownerOK := oneOf(d, "owner", owners, "")
	t.Owner = owner
	typ, typeOK := oneOf(d, "type", onboarding.TaskTypes, "")
	t.Type = typ
	deps := d.texts("depends_on")
	for _, dep := range deps {
		t.DependsOn = append(t.DependsOn, dep.value)
	}
	if first {
		r.refs = append(r.refs, taskRef{key: t.Key, deps: deps})
	}
	readSchedule(d, &t)
	t.Reminders = r.reminders(d)
	t.Fields = r.fields(d, typ, typeOK)
	if ownerOK {
		checkVisibility(d, t)
	}
	d.finish()
	return t, true
}

// readSchedule reads a task's due offset, anchor and day kind, and the go-live and
// visibility flags (both true unless set).
func readSchedule(d *doc, t *onboarding.Task) {
	t.DueOffsetDays = readOffset(d, "due_offset_days")
	t.DueFrom, _ = oneOf(d, "due_from", dueFroms, onboarding.DueFromStart)
	t.CalendarDays = d.boolean("calendar_days", false)
	t.Required = d.boolean("required", true)
	t.CustomerVisible = d.boolean("customer_visible", true)
}

// checkVisibility rejects a customer task hidden from the customer: nobody could
// do it.
func checkVisibility(d *doc, t onboarding.Task) {
	if t.Owner == onboarding.OwnerCustomer && !t.CustomerVisible {
		d.errorf(d.at("customer_visible"), "a customer task must be visible to the customer (customer_visible: false is for vendor tasks)")
	}
}

// fields reads a task's form fields; only form tasks have them, and a form task
// needs at least one. typeOK is false when the task's type is missing or invalid,
// which skips those two checks.
func (r *planReader) fields(task *doc, typ onboarding.TaskType, typeOK bool) []onboarding.Field {
	nodes := task.list("fields")
	switch {
	case typeOK && typ == onboarding.TypeForm && len(nodes) == 0:
		task.errorf(task.at("fields"), "a form task needs at least one field")
	case typeOK && typ != onboarding.TypeForm && task.get("fields") != nil:
		task.errorf(task.at("fields"), "fields are only allowed on form tasks (type is %q)", typ)
	}
	seen := map[string]int{}
	var out []onboarding.Field
	for _, n := range nodes {
		if f, ok := r.field(n, seen); ok {
			out = append(out, f)
		}
	}
	return out
}

// field reads one form field; seen holds the field keys of its task.
func (r *planReader) field(n *yaml.Node, seen map[string]int) (onboarding.Field, bool) {
	d, ok := r.newDoc(n, "field")
	if !ok {
		return onboarding.Field{}, false
	}
	var f onboarding.Field
	f.Key, _ = readKey(d)
	unique(d, f.Key, seen)
	f.Label = d.text("label", true)
	typ, typeOK := oneOf(d, "type", onboarding.FieldTypes, "")
	f.Type = typ
	f.Required = d.boolean("required", false)
	f.Options = readOptions(d, typ, typeOK)
	f.Help = d.text("help", false)
	d.finish()
	return f, true
}

// readOptions reads a field's options: a select field needs at least one, other
// fields may have none, and no option may be listed twice.
func readOptions(d *doc, typ onboarding.FieldType, typeOK bool) []string {
	items := d.texts("options")
	switch {
	case typeOK && typ == onboarding.FieldSelect && len(items) == 0:
		d.errorf(d.at("options"), "a select field needs at least one option")
	case typeOK && typ != onboarding.FieldSelect && d.get("options") != nil:
		d.errorf(d.at("options"), "options are only allowed on select fields (type is %q)", typ)
	}
	var out []string
	listed := map[string]bool{} // a set: a long list must not cost its length squared
	for _, it := range items {
		if listed[it.value] {
			d.errorf(it.node, "option %q is listed twice", clip(it.value, maxQuoted))
		}
		listed[it.value] = true
		out = append(out, it.value)
	}
	return out
}

// readKey reads and checks an item's key and makes it the context of the item's
// later errors. It returns the key and the line it is on.
func readKey(d *doc) (string, int) {
	key := d.text("key", true)
	if key == "" {
		return "", d.node.Line
	}
	d.key = key
	n := d.at("key")
	if len(key) > maxKeyLen || !keyPattern.MatchString(key) {
		d.errorf(n, "invalid key: use lowercase letters, digits, \"-\" and \"_\", starting with a letter or digit, at most %d characters", maxKeyLen)
	}
	return key, n.Line
}

// unique reports key if it is already in seen (as a duplicate of the same kind of
// item) and otherwise records it. It returns whether this is the first definition.
func unique(d *doc, key string, seen map[string]int) bool {
	if key == "" {
		return false
	}
	if line, dup := seen[key]; dup {
		d.errorf(d.at("key"), "duplicate %s key (first defined on line %d)", d.kind, line)
		return false
	}
	seen[key] = d.at("key").Line
	return true
}

// nonEmpty reads a required list: absent is "name is required", empty is msg.
func nonEmpty(d *doc, name, msg string) []*yaml.Node {
	n := d.get(name)
	items := d.list(name)
	switch {
	case n == nil:
		d.errorf(nil, "%s is required", name)
	case n.Kind == yaml.SequenceNode && len(items) == 0:
		d.errorf(d.at(name), "%s", msg)
	}
	return items
}

// readVersion reads the plan's version, a whole number of at least 1.
func readVersion(d *doc) int {
	v, ok := d.integer("version")
	switch {
	case d.get("version") == nil:
		d.errorf(nil, "version is required")
	case ok && v < 1:
		d.errorf(d.at("version"), "version must be at least 1, got %d", v)
	}
	return v
}

// reminders reads an optional reminders mapping (before_days, overdue_every_days,
// overdue_cap) that overrides the reminder policy for a plan or a task.
func (r *planReader) reminders(parent *doc) *onboarding.ReminderOverride {
	n := parent.get("reminders")
	if n == nil {
		return nil
	}
	d, ok := parent.p.newDoc(n, parent.kind) // errors name the plan or task it belongs to
	if !ok {
		return nil
	}
	d.key = parent.key
	o := &onboarding.ReminderOverride{}
	for _, f := range []struct {
		name     string
		min, max int
		dst      **int
	}{
		{"before_days", 0, onboarding.MaxBeforeDays, &o.BeforeDays},
		{"overdue_every_days", 1, onboarding.MaxOverdueEveryDays, &o.OverdueEveryDays},
		{"overdue_cap", 0, onboarding.MaxOverdueCap, &o.OverdueCap},
	} {
		v, ok := d.integer(f.name)
		switch {
		case !ok:
		case v < f.min || v > f.max:
			d.errorf(d.at(f.name), "%s must be between %d and %d, got %d", f.name, f.min, f.max, v)
		default:
			*f.dst = &v
		}
	}
	d.finish()
	return o
}

// maxHypercareDays bounds a plan's hypercare period.
const maxHypercareDays = 180

// readHypercare reads hypercare_days: absent means none, otherwise 0 to maxHypercareDays.
func readHypercare(d *doc) int {
	v, ok := d.integer("hypercare_days")
	if ok && (v < 0 || v > maxHypercareDays) {
		d.errorf(d.at("hypercare_days"), "hypercare_days must be between 0 and %d, got %d", maxHypercareDays, v)
		return 0
	}
	return v
}

// readOffset reads a day offset: absent means 0, otherwise 0 to maxOffsetDays.
func readOffset(d *doc, name string) int {
	v, ok := d.integer(name)
	if ok && (v < 0 || v > maxOffsetDays) {
		d.errorf(d.at(name), "%s must be between 0 and %d, got %d", name, maxOffsetDays, v)
	}
	return v
}
