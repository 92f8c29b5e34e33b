package plans

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/templates"
)

// want is one expected *Error (File is checked separately).
type want struct {
	line      int
	kind, key string
	msg       string
}

// header is a one-phase plan up to its task list; tk's first task lands on line 8.
const header = "key: p\nname: P\nversion: 1\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n"

// tk renders one task for header: its first line becomes "      - <first>" and
// every other line is indented under it.
func tk(first string, rest ...string) string {
	var b strings.Builder
	b.WriteString("      - " + first + "\n")
	for _, l := range rest {
		b.WriteString("        " + l + "\n")
	}
	return b.String()
}

// ok is a valid task with the given key, for cases that need a neighbour.
func ok(key string, rest ...string) string {
	return tk("key: "+key, append([]string{"title: " + key, "owner: vendor", "type: custom"}, rest...)...)
}

func TestLoadShippedPlans(t *testing.T) {
	for name, fsys := range map[string]fs.FS{"dir": os.DirFS("../../templates"), "embed": templates.FS} {
		got, err := Load(fsys, "plans")
		if err != nil {
			t.Fatalf("%s: Load: %v", name, err)
		}
		keys := []string{}
		for _, tpl := range got {
			keys = append(keys, tpl.Plan.Key)
		}
		if !slices.Equal(keys, []string{"enterprise", "standard-saas"}) {
			t.Fatalf("%s: plan keys = %v, want [enterprise standard-saas] in that order", name, keys)
		}
	}
}

func TestShippedPlanShapes(t *testing.T) {
	tpls, err := Load(os.DirFS("../../templates"), "plans")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file              string
		key               string
		phases            []string
		minTasks, maxTask int
		minDays, maxDays  int
	}{
		{"plans/enterprise.yaml", "enterprise",
			[]string{"kickoff", "security-compliance", "configuration", "data-integrations", "pilot", "rollout", "hypercare"},
			38, 45, 60, 90},
		{"plans/standard-saas.yaml", "standard-saas",
			[]string{"kickoff", "configuration", "data-integrations", "training", "go-live"},
			23, 28, 30, 45},
	}
	for i, c := range cases {
		tpl := tpls[i]
		if tpl.File != c.file || tpl.Plan.Key != c.key {
			t.Fatalf("template %d = %s (%s), want %s (%s)", i, tpl.File, tpl.Plan.Key, c.file, c.key)
		}
		var phases []string
		for _, ph := range tpl.Plan.Phases {
			phases = append(phases, ph.Key)
		}
		if !slices.Equal(phases, c.phases) {
			t.Errorf("%s: phases = %v, want %v", c.key, phases, c.phases)
		}
		if n := tpl.Plan.TaskCount(); n < c.minTasks || n > c.maxTask {
			t.Errorf("%s: %d tasks, want %d to %d", c.key, n, c.minTasks, c.maxTask)
		}
		if last := lastDueDay(tpl.Plan); last < c.minDays || last > c.maxDays {
			t.Errorf("%s: last business-day due offset %d, want %d to %d", c.key, last, c.minDays, c.maxDays)
		}
		checkSource(t, tpl)
		checkMix(t, tpl.Plan)
		checkDueOrder(t, tpl.Plan)
	}
}

// checkSource checks that a template keeps its exact file bytes and their checksum.
func checkSource(t *testing.T, tpl Template) {
	t.Helper()
	src, err := os.ReadFile("../../templates/" + tpl.File)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(src)
	if string(tpl.Source) != string(src) || tpl.Checksum != hex.EncodeToString(sum[:]) {
		t.Errorf("%s: Source or Checksum does not match the file", tpl.File)
	}
	if !strings.HasPrefix(string(src), "# ") {
		t.Errorf("%s: want a comment header explaining the format", tpl.File)
	}
}

// checkMix checks that a realistic plan uses what the model offers: both owners,
// form tasks with fields (a select among them), dependencies, optional tasks and
// vendor-internal tasks.
func checkMix(t *testing.T, p onboarding.Plan) {
	t.Helper()
	count := map[string]int{}
	for _, ph := range p.Phases {
		for _, task := range ph.Tasks {
			count["owner "+string(task.Owner)]++
			count["deps"] += min(len(task.DependsOn), 1)
			if !task.Required {
				count["optional"]++
			}
			if !task.CustomerVisible {
				count["hidden"]++
			}
			if task.Type == onboarding.TypeForm && len(task.Fields) > 0 {
				count["forms"]++
			}
			for _, f := range task.Fields {
				count["field "+string(f.Type)]++
			}
		}
	}
	for _, k := range []string{"owner customer", "owner vendor", "optional", "hidden", "field select"} {
		if count[k] == 0 {
			t.Errorf("%s: no %s tasks or fields", p.Key, k)
		}
	}
	if count["forms"] < 2 || count["deps"] < p.TaskCount()/2 {
		t.Errorf("%s: %d form tasks and %d tasks with dependencies; want at least 2 and half", p.Key, count["forms"], count["deps"])
	}
}

// dueDay is a task's due offset in business days from the onboarding start.
func dueDay(ph onboarding.Phase, task onboarding.Task) int {
	if task.DueFrom == onboarding.DueFromPhase {
		return ph.StartOffsetDays + task.DueOffsetDays
	}
	return task.DueOffsetDays
}

// lastDueDay is the latest business-day due offset in the plan.
func lastDueDay(p onboarding.Plan) int {
	last := 0
	for _, ph := range p.Phases {
		for _, task := range ph.Tasks {
			if !task.CalendarDays {
				last = max(last, dueDay(ph, task))
			}
		}
	}
	return last
}

// checkDueOrder checks that no task is due before a task it depends on and that
// phases start in order.
func checkDueOrder(t *testing.T, p onboarding.Plan) {
	t.Helper()
	due := map[string]int{}
	prevStart := 0
	for _, ph := range p.Phases {
		if ph.StartOffsetDays < prevStart {
			t.Errorf("%s: phase %s starts before the phase above it", p.Key, ph.Key)
		}
		prevStart = ph.StartOffsetDays
		for _, task := range ph.Tasks {
			due[task.Key] = dueDay(ph, task)
		}
	}
	for _, ph := range p.Phases {
		for _, task := range ph.Tasks {
			for _, dep := range task.DependsOn {
				if !task.CalendarDays && due[dep] > due[task.Key] {
					t.Errorf("%s: %s (day %d) is due before its dependency %s (day %d)", p.Key, task.Key, due[task.Key], dep, due[dep])
				}
			}
		}
	}
}

func TestParseDefaultsAndValues(t *testing.T) {
	src := header +
		ok("a") +
		tk("key: b",
			"title: '  Intake  '",
			"owner: customer",
			"type: form",
			"depends_on: &deps [a]",
			"due_offset_days: 3",
			"due_from: phase",
			"calendar_days: true",
			"required: false",
			"fields:",
			"  - key: size",
			"    label: Size",
			"    type: select",
			"    required: true",
			"    options: [S, M]",
			"    help: Pick one") +
		ok("c", "depends_on: *deps", "customer_visible: false")
	tpl, err := Parse("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	a, _, _ := tpl.Plan.Task("a")
	if a.DueFrom != onboarding.DueFromStart || !a.Required || !a.CustomerVisible || a.CalendarDays || a.DueOffsetDays != 0 {
		t.Errorf("defaults not applied: %+v", a)
	}
	b, phase, _ := tpl.Plan.Task("b")
	wantB := onboarding.Task{
		Key: "b", Title: "Intake", Owner: onboarding.OwnerCustomer, Type: onboarding.TypeForm,
		DependsOn: []string{"a"}, DueOffsetDays: 3, DueFrom: onboarding.DueFromPhase, CalendarDays: true,
		Required: false, CustomerVisible: true,
		Fields: []onboarding.Field{{Key: "size", Label: "Size", Type: onboarding.FieldSelect, Required: true, Options: []string{"S", "M"}, Help: "Pick one"}},
	}
	if phase != "ph" || !reflect.DeepEqual(b, wantB) {
		t.Errorf("task b = %+v in %s\nwant %+v in ph", b, phase, wantB)
	}
	c, _, _ := tpl.Plan.Task("c")
	if !slices.Equal(c.DependsOn, []string{"a"}) || c.CustomerVisible {
		t.Errorf("task c = %+v, want depends_on [a] through the alias, hidden", c)
	}
	if tpl.Plan.Version != 1 || tpl.File != "x.yaml" || string(tpl.Source) != src {
		t.Errorf("template = %+v", tpl)
	}
}

// badCases holds one case per kind of error, each listing every error expected.
var badCases = []struct {
	name string
	src  string
	want []want
}{
	// The file as YAML.
	{"syntax error", "key: p\nname: P\n  version: 1\n",
		[]want{{3, "", "", "invalid YAML: mapping values are not allowed in this context"}}},
	{"tab indentation", "key: p\n\tname: P\n",
		[]want{{2, "", "", "invalid YAML: found a tab character that violates indentation"}}},
	{"empty file", "# nothing here\n",
		[]want{{0, "", "", "file is empty: a plan template needs key, name, version and phases"}}},
	{"two documents", header + ok("a") + "---\nkey: q\n",
		[]want{{12, "", "", "file holds more than one YAML document: one plan per file"}}},
	{"alias inside the node it names", "phases: &p [{key: x, name: X, tasks: *p}]\n",
		[]want{{1, "", "", "alias *p refers to a node that contains it"}}},
	{"root is a list", "- key: p\n",
		[]want{{1, "plan", "", "want a mapping of plan fields, got a list"}}},
	{"task is text", header + "      - just a title\n",
		[]want{{8, "task", "", `want a mapping of task fields, got "just a title"`}}},

	// Unknown and repeated fields.
	{"unknown plan field", "key: p\nname: P\nversion: 1\nowner: me\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n" + ok("a"),
		[]want{{4, "plan", "p", `unknown field "owner" (known fields: key, name, description, version, hypercare_days, reminders, phases)`}}},
	{"hypercare out of range", "key: p\nname: P\nversion: 1\nhypercare_days: 400\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n" + ok("a"),
		[]want{{4, "plan", "p", `hypercare_days must be between 0 and 180, got 400`}}},
	{"hypercare not a whole number", "key: p\nname: P\nversion: 1\nhypercare_days: 1.5\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n" + ok("a"),
		[]want{{4, "plan", "p", `hypercare_days: want a whole number, got "1.5"`}}},
	{"reminders out of range", header + ok("a", "reminders:", "  before_days: 40", "  overdue_every_days: 0", "  overdue_cap: 2", "  nag: true"),
		[]want{{13, "task", "a", `before_days must be between 0 and 30, got 40`},
			{14, "task", "a", `overdue_every_days must be between 1 and 30, got 0`},
			{16, "task", "a", `unknown field "nag" (known fields: before_days, overdue_every_days, overdue_cap)`}}},
	{"unknown phase field", "key: p\nname: P\nversion: 1\nphases:\n  - key: ph\n    name: Ph\n    start: 3\n    tasks:\n" + ok("a"),
		[]want{{7, "phase", "ph", `unknown field "start" (known fields: key, name, description, start_offset_days, tasks)`}}},
	{"unknown task field", header + ok("a", "dependencies: [b]"),
		[]want{{12, "task", "a", `unknown field "dependencies" (known fields: key, title, description, owner, type, depends_on, due_offset_days, due_from, calendar_days, required, customer_visible, reminders, fields)`}}},
	{"unknown field in a form field", header + tk("key: a", "title: A", "owner: customer", "type: form", "fields:", "  - key: f", "    label: F", "    type: text", "    placeholder: x"),
		[]want{{16, "field", "f", `unknown field "placeholder" (known fields: key, label, type, required, options, help)`}}},
	{"field set twice", header + ok("a", "title: Again"),
		[]want{{12, "task", "a", `field "title" is set twice (first on line 9)`}}},

	// Values of the wrong type.
	{"wrong value types", "key: p\nname: P\nversion: one\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n" +
		tk("key: a", "title: [A]", "owner: vendor", "type: custom", "due_offset_days: soon", "required: maybe", "depends_on: kickoff"),
		[]want{
			{3, "plan", "p", `version: want a whole number, got "one"`},
			{9, "task", "a", "title: want text, got a list"},
			{12, "task", "a", `due_offset_days: want a whole number, got "soon"`},
			{13, "task", "a", `required: want true or false, got "maybe"`},
			{14, "task", "a", `depends_on: want a list, got "kickoff"`},
		}},

	{"fractional numbers", "key: p\nname: P\nversion: 1.5\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n" + ok("a", "due_offset_days: 2.0"),
		[]want{
			{3, "plan", "p", `version: want a whole number, got "1.5"`},
			{12, "task", "a", `due_offset_days: want a whole number, got "2.0"`},
		}},

	// Missing required fields.
	{"plan fields missing", "description: nothing else\n",
		[]want{
			{1, "plan", "", "key is required"}, {1, "plan", "", "name is required"},
			{1, "plan", "", "version is required"}, {1, "plan", "", "phases is required"},
		}},
	{"blank plan name", "key: p\nname: '  '\nversion: 1\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n" + ok("a"),
		[]want{{2, "plan", "p", "name must not be blank"}}},
	{"version below 1", "key: p\nname: P\nversion: 0\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n" + ok("a"),
		[]want{{3, "plan", "p", "version must be at least 1, got 0"}}},
	{"no phases", "key: p\nname: P\nversion: 1\nphases: []\n",
		[]want{{4, "plan", "p", "a plan needs at least one phase"}}},
	{"phase fields missing", "key: p\nname: P\nversion: 1\nphases:\n  - description: x\n",
		[]want{{5, "phase", "", "key is required"}, {5, "phase", "", "name is required"}, {5, "phase", "", "tasks is required"}}},
	{"phase without tasks", "key: p\nname: P\nversion: 1\nphases:\n  - key: ph\n    name: Ph\n    tasks: []\n",
		[]want{{7, "phase", "ph", "a phase needs at least one task"}}},
	{"task fields missing", header + tk("description: x"),
		[]want{{8, "task", "", "key is required"}, {8, "task", "", "title is required"}, {8, "task", "", "owner is required"}, {8, "task", "", "type is required"}}},
	{"form field fields missing", header + tk("key: a", "title: A", "owner: customer", "type: form", "fields:", "  - help: x"),
		[]want{{13, "field", "", "key is required"}, {13, "field", "", "label is required"}, {13, "field", "", "type is required"}}},

	// Keys.
	{"invalid key", header + ok("Kick Off"),
		[]want{{8, "task", "Kick Off", `invalid key: use lowercase letters, digits, "-" and "_", starting with a letter or digit, at most 64 characters`}}},
	{"key starting with a dash", "key: -p\nname: P\nversion: 1\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n" + ok("a"),
		[]want{{1, "plan", "-p", `invalid key: use lowercase letters, digits, "-" and "_", starting with a letter or digit, at most 64 characters`}}},
	{"key too long", header + ok(strings.Repeat("k", 65)),
		[]want{{8, "task", strings.Repeat("k", 65), `invalid key: use lowercase letters, digits, "-" and "_", starting with a letter or digit, at most 64 characters`}}},
	{"duplicate phase key", header + ok("a") + "  - key: ph\n    name: Again\n    tasks:\n" + ok("b"),
		[]want{{12, "phase", "ph", "duplicate phase key (first defined on line 5)"}}},
	{"duplicate task key across phases", header + ok("a") + "  - key: ph2\n    name: Two\n    tasks:\n" + ok("a"),
		[]want{{15, "task", "a", "duplicate task key (first defined on line 8)"}}},
	{"duplicate field key", header + tk("key: a", "title: A", "owner: customer", "type: form", "fields:",
		"  - {key: f, label: F, type: text}", "  - {key: f, label: G, type: email}"),
		[]want{{14, "field", "f", "duplicate field key (first defined on line 13)"}}},

	// Enumerations.
	{"invalid owner", header + tk("key: a", "title: A", "owner: client", "type: custom"),
		[]want{{10, "task", "a", `invalid owner "client": want one of customer, vendor`}}},
	{"invalid task type", header + tk("key: a", "title: A", "owner: vendor", "type: call"),
		[]want{{11, "task", "a", `invalid type "call": want one of form, document, review, meeting, configuration, integration, training, custom`}}},
	{"invalid due_from", header + ok("a", "due_from: end"),
		[]want{{12, "task", "a", `invalid due_from "end": want one of start, phase`}}},
	{"invalid field type", header + tk("key: a", "title: A", "owner: customer", "type: form", "fields:", "  - {key: f, label: F, type: phone}"),
		[]want{{13, "field", "f", `invalid type "phone": want one of text, textarea, email, url, number, date, select, checkbox`}}},

	// Dependencies.
	{"unknown dependency", header + ok("a", "depends_on: [foo]"),
		[]want{{12, "task", "a", `depends on unknown task "foo"`}}},
	{"self dependency", header + ok("a", "depends_on: [a]"),
		[]want{{12, "task", "a", "depends on itself"}}},
	{"duplicate dependency", header + ok("a") + ok("b", "depends_on:", "  - a", "  - a"),
		[]want{{18, "task", "b", `lists dependency "a" twice`}}},
	{"blank dependency", header + ok("a", "depends_on: ['']"),
		[]want{{12, "task", "a", `depends_on: want non-blank text entries, got ""`}}},
	{"dependency cycle", header + ok("a", "depends_on: [b]") + ok("b", "depends_on: [c]") + ok("c", "depends_on: [a]") + ok("d", "depends_on: [a]"),
		[]want{{12, "task", "a", "dependency cycle: a -> b -> c -> a"}}},
	{"two dependency cycles", header + ok("a", "depends_on: [b]") + ok("b", "depends_on: [a]") +
		ok("c", "depends_on: [d]") + ok("d", "depends_on: [c]"),
		[]want{{12, "task", "a", "dependency cycle: a -> b -> a"}, {22, "task", "c", "dependency cycle: c -> d -> c"}}},
	{"long dependency cycle", header + longCycle(10),
		[]want{{12, "task", "t0", "dependency cycle: t0 -> t1 -> t2 -> t3 -> t4 -> t5 -> t6 -> t7 -> ... (2 more) -> t0"}}},

	// Long values are quoted clipped.
	{"long unknown field", header + ok("a", strings.Repeat("x", 100)+": 1"),
		[]want{{12, "task", "a", `unknown field "` + strings.Repeat("x", 77) + `..." (known fields: key, title, description, owner, type, depends_on, due_offset_days, due_from, calendar_days, required, customer_visible, reminders, fields)`}}},
	{"long invalid key", header + ok(strings.Repeat("é", 50)),
		[]want{{8, "task", strings.Repeat("é", 38) + "...", `invalid key: use lowercase letters, digits, "-" and "_", starting with a letter or digit, at most 64 characters`}}},

	// Offsets.
	{"negative due offset", header + ok("a", "due_offset_days: -1"),
		[]want{{12, "task", "a", "due_offset_days must be between 0 and 730, got -1"}}},
	{"due offset over 730", header + ok("a", "due_offset_days: 731"),
		[]want{{12, "task", "a", "due_offset_days must be between 0 and 730, got 731"}}},
	{"negative phase start", "key: p\nname: P\nversion: 1\nphases:\n  - key: ph\n    name: Ph\n    start_offset_days: -5\n    tasks:\n" + ok("a"),
		[]want{{7, "phase", "ph", "start_offset_days must be between 0 and 730, got -5"}}},
	{"phase start over 730", "key: p\nname: P\nversion: 1\nphases:\n  - key: ph\n    name: Ph\n    start_offset_days: 1000\n    tasks:\n" + ok("a"),
		[]want{{7, "phase", "ph", "start_offset_days must be between 0 and 730, got 1000"}}},

	// Forms.
	{"form without fields", header + tk("key: a", "title: A", "owner: customer", "type: form"),
		[]want{{8, "task", "a", "a form task needs at least one field"}}},
	{"form with empty field list", header + tk("key: a", "title: A", "owner: customer", "type: form", "fields: []"),
		[]want{{12, "task", "a", "a form task needs at least one field"}}},
	{"fields on a non-form task", header + ok("a", "fields:", "  - {key: f, label: F, type: text}"),
		[]want{{12, "task", "a", `fields are only allowed on form tasks (type is "custom")`}}},
	{"select without options", header + tk("key: a", "title: A", "owner: customer", "type: form", "fields:", "  - {key: f, label: F, type: select}"),
		[]want{{13, "field", "f", "a select field needs at least one option"}}},
	{"options on a text field", header + tk("key: a", "title: A", "owner: customer", "type: form", "fields:", "  - {key: f, label: F, type: text, options: [x]}"),
		[]want{{13, "field", "f", `options are only allowed on select fields (type is "text")`}}},
	{"duplicate option", header + tk("key: a", "title: A", "owner: customer", "type: form", "fields:", "  - {key: f, label: F, type: select, options: [x, y, x]}"),
		[]want{{13, "field", "f", `option "x" is listed twice`}}},

	// Visibility.
	{"hidden customer task", header + tk("key: a", "title: A", "owner: customer", "type: custom", "customer_visible: false"),
		[]want{{12, "task", "a", "a customer task must be visible to the customer (customer_visible: false is for vendor tasks)"}}},

	// Everything at once: every error is reported, in line order.
	{"several errors", "key: Bad\nname: P\nversion: 0\nextra: 1\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n" +
		tk("key: a", "title: A", "owner: someone", "type: form", "depends_on: [b, ghost]", "due_offset_days: -2") +
		tk("key: b", "title: B", "owner: vendor", "type: review", "depends_on: [a]") +
		tk("key: a", "owner: vendor", "type: custom"),
		[]want{
			{1, "plan", "Bad", `invalid key: use lowercase letters, digits, "-" and "_", starting with a letter or digit, at most 64 characters`},
			{3, "plan", "Bad", "version must be at least 1, got 0"},
			{4, "plan", "Bad", `unknown field "extra" (known fields: key, name, description, version, hypercare_days, reminders, phases)`},
			{9, "task", "a", "a form task needs at least one field"},
			{11, "task", "a", `invalid owner "someone": want one of customer, vendor`},
			{13, "task", "a", `depends on unknown task "ghost"`},
			{13, "task", "a", "dependency cycle: a -> b -> a"},
			{14, "task", "a", "due_offset_days must be between 0 and 730, got -2"},
			{20, "task", "a", "duplicate task key (first defined on line 9)"},
			{20, "task", "a", "title is required"},
		}},
}

func TestParseErrors(t *testing.T) {
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			tpl, err := Parse("plans/bad.yaml", []byte(c.src))
			if err == nil {
				t.Fatalf("no error; plan %+v", tpl.Plan)
			}
			if tpl.Plan.Key != "" || tpl.Source != nil {
				t.Errorf("want a zero Template on error, got %+v", tpl)
			}
			var got []want
			for _, e := range Errors(err) {
				if e.File != "plans/bad.yaml" {
					t.Errorf("error %q names file %q", e, e.File)
				}
				got = append(got, want{e.Line, e.Kind, e.Key, e.Message})
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", fmtWants(got), fmtWants(c.want))
			}
		})
	}
}

// longCycle renders n tasks t0 to t(n-1) for header, each depending on the next
// and the last on t0.
func longCycle(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(ok(fmt.Sprintf("t%d", i), fmt.Sprintf("depends_on: [t%d]", (i+1)%n)))
	}
	return b.String()
}

// fmtWants prints errors one per line for a readable diff.
func fmtWants(ws []want) string {
	var b strings.Builder
	for _, w := range ws {
		e := &Error{File: "f", Line: w.line, Kind: w.kind, Key: w.key, Message: w.msg}
		b.WriteString("  " + e.Error() + "\n")
	}
	return b.String()
}

func TestErrorString(t *testing.T) {
	cases := []struct {
		err  Error
		want string
	}{
		{Error{File: "plans/x.yaml", Line: 12, Kind: "task", Key: "kickoff-call", Message: `depends on unknown task "foo"`},
			`plans/x.yaml:12: task "kickoff-call": depends on unknown task "foo"`},
		{Error{File: "plans/x.yaml", Line: 3, Kind: "plan", Message: "key is required"}, "plans/x.yaml:3: key is required"},
		{Error{File: "plans/x.yaml", Message: "file is empty"}, "plans/x.yaml: file is empty"},
		{Error{File: "x.yaml", Line: 1, Key: "k", Message: "m"}, `x.yaml:1: "k": m`},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("Error() = %q, want %q", got, c.want)
		}
	}
	joined := errors.Join(&cases[0].err, errors.New("other"), fmt.Errorf("wrapped: %w", errors.Join(&cases[1].err)))
	if got := Errors(joined); len(got) != 2 || got[0] != &cases[0].err || got[1] != &cases[1].err {
		t.Errorf("Errors(joined) = %v", got)
	}
	if Errors(nil) != nil {
		t.Error("Errors(nil) != nil")
	}
}

// valid is a minimal valid plan with the given key.
func valid(key string) string {
	return "key: " + key + "\nname: P\nversion: 1\nphases:\n  - key: ph\n    name: Ph\n    tasks:\n" + ok("a")
}

func TestLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"plans/zeta.yaml":        {Data: []byte(valid("zeta"))},
		"plans/alpha.yml":        {Data: []byte(valid("alpha"))},
		"plans/README.md":        {Data: []byte("not: [yaml")},
		"plans/notes.txt":        {Data: []byte("key: notes")},
		"plans/old/ignored.yaml": {Data: []byte("not: [yaml")},
		"other/x.yaml":           {Data: []byte("not: [yaml")},
	}
	got, err := Load(fsys, "plans")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Plan.Key != "alpha" || got[1].Plan.Key != "zeta" || got[0].File != "plans/alpha.yml" {
		t.Fatalf("Load = %+v, want alpha (plans/alpha.yml) then zeta", got)
	}
	if _, err := Load(fsys, "missing"); err == nil {
		t.Error("Load of a missing directory: no error")
	}
	empty, err := Load(fstest.MapFS{"plans/a.txt": {}}, "plans")
	if err != nil || len(empty) != 0 {
		t.Errorf("Load of a folder without templates = %v, %v; want none and no error", empty, err)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"duplicate plan key", map[string]string{"plans/a.yaml": valid("same"), "plans/b.yaml": valid("same")},
			[]string{`plans/b.yaml:1: plan "same": duplicate plan key: plans/a.yaml declares it too`}},
		{"errors of every file", map[string]string{
			"plans/a.yaml": valid("a") + "        due_offset_days: -1\n",
			"plans/b.yml":  "key: b\n",
			"plans/c.yaml": valid("c"),
		}, []string{
			`plans/a.yaml:12: task "a": due_offset_days must be between 0 and 730, got -1`,
			`plans/b.yml:1: plan "b": name is required`,
			`plans/b.yml:1: plan "b": version is required`,
			`plans/b.yml:1: plan "b": phases is required`,
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for name, src := range c.files {
				fsys[name] = &fstest.MapFile{Data: []byte(src)}
			}
			tpls, err := Load(fsys, "plans")
			if tpls != nil {
				t.Errorf("Load returned templates with an error: %v", tpls)
			}
			var got []string
			for _, e := range Errors(err) {
				got = append(got, e.Error())
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("errors:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}
