package onboarding

import (
	"reflect"
	"testing"
)

func TestProgressPercent(t *testing.T) {
	tests := []struct {
		p    Progress
		want int
	}{
		{Progress{0, 0}, 0},
		{Progress{0, 3}, 0},
		{Progress{1, 3}, 33},
		{Progress{2, 3}, 66},
		{Progress{3, 3}, 100},
		{Progress{1, 2}, 50},
		{Progress{1, 200}, 0},
		{Progress{199, 200}, 99},
		{Progress{999, 1000}, 99},
		{Progress{1000, 1000}, 100},
	}
	for _, tt := range tests {
		if got := tt.p.Percent(); got != tt.want {
			t.Errorf("%+v.Percent() = %d, want %d", tt.p, got, tt.want)
		}
	}
	// 100 only when every task is done.
	for total := 1; total <= 300; total++ {
		for done := 0; done <= total; done++ {
			got := Progress{done, total}.Percent()
			if (got == 100) != (done == total) {
				t.Fatalf("Progress{%d, %d}.Percent() = %d", done, total, got)
			}
			if got < 0 || got > 100 {
				t.Fatalf("Progress{%d, %d}.Percent() = %d out of range", done, total, got)
			}
		}
	}
}

// phaseRow is one phase's expected status and progress.
type phaseRow struct {
	status      PhaseStatus
	done, total int
}

func TestProgressAndPhases(t *testing.T) {
	// testPlan: kickoff {welcome_call, company_profile}; setup {sso_config, data_import (hidden),
	// brand_assets}; launch {training}.
	tests := []struct {
		name        string
		statuses    map[string]TaskStatus
		all         Progress
		customer    Progress
		allPhases   []phaseRow
		custPhases  []phaseRow
		allPercent  int
		custPercent int
	}{
		{
			name: "nothing started",
			all:  Progress{0, 6}, customer: Progress{0, 5},
			allPhases:  []phaseRow{{PhaseNotStarted, 0, 2}, {PhaseNotStarted, 0, 3}, {PhaseNotStarted, 0, 1}},
			custPhases: []phaseRow{{PhaseNotStarted, 0, 2}, {PhaseNotStarted, 0, 2}, {PhaseNotStarted, 0, 1}},
		},
		{
			name:     "one task in progress",
			statuses: map[string]TaskStatus{"welcome_call": TaskInProgress},
			all:      Progress{0, 6}, customer: Progress{0, 5},
			allPhases:  []phaseRow{{PhaseInProgress, 0, 2}, {PhaseNotStarted, 0, 3}, {PhaseNotStarted, 0, 1}},
			custPhases: []phaseRow{{PhaseInProgress, 0, 2}, {PhaseNotStarted, 0, 2}, {PhaseNotStarted, 0, 1}},
		},
		{
			name:     "a blocked task starts its phase",
			statuses: map[string]TaskStatus{"training": TaskBlocked},
			all:      Progress{0, 6}, customer: Progress{0, 5},
			allPhases:  []phaseRow{{PhaseNotStarted, 0, 2}, {PhaseNotStarted, 0, 3}, {PhaseInProgress, 0, 1}},
			custPhases: []phaseRow{{PhaseNotStarted, 0, 2}, {PhaseNotStarted, 0, 2}, {PhaseInProgress, 0, 1}},
		},
		{
			name:     "first phase completed, with a skip",
			statuses: map[string]TaskStatus{"welcome_call": TaskSkipped, "company_profile": TaskCompleted},
			all:      Progress{2, 6}, customer: Progress{2, 5}, allPercent: 33, custPercent: 40,
			allPhases:  []phaseRow{{PhaseCompleted, 2, 2}, {PhaseNotStarted, 0, 3}, {PhaseNotStarted, 0, 1}},
			custPhases: []phaseRow{{PhaseCompleted, 2, 2}, {PhaseNotStarted, 0, 2}, {PhaseNotStarted, 0, 1}},
		},
		{
			name:     "hidden task done: staff see progress, customers do not",
			statuses: map[string]TaskStatus{"data_import": TaskCompleted},
			all:      Progress{1, 6}, customer: Progress{0, 5}, allPercent: 16, custPercent: 0,
			allPhases:  []phaseRow{{PhaseNotStarted, 0, 2}, {PhaseInProgress, 1, 3}, {PhaseNotStarted, 0, 1}},
			custPhases: []phaseRow{{PhaseNotStarted, 0, 2}, {PhaseNotStarted, 0, 2}, {PhaseNotStarted, 0, 1}},
		},
		{
			name: "only the hidden task left: phase completed for customers",
			statuses: map[string]TaskStatus{"sso_config": TaskCompleted, "brand_assets": TaskSkipped,
				"data_import": TaskInProgress},
			all: Progress{2, 6}, customer: Progress{2, 5}, allPercent: 33, custPercent: 40,
			allPhases:  []phaseRow{{PhaseNotStarted, 0, 2}, {PhaseInProgress, 2, 3}, {PhaseNotStarted, 0, 1}},
			custPhases: []phaseRow{{PhaseNotStarted, 0, 2}, {PhaseCompleted, 2, 2}, {PhaseNotStarted, 0, 1}},
		},
		{
			name: "all but one done",
			statuses: map[string]TaskStatus{"welcome_call": TaskCompleted, "company_profile": TaskCompleted,
				"sso_config": TaskCompleted, "data_import": TaskCompleted, "brand_assets": TaskCompleted},
			all: Progress{5, 6}, customer: Progress{4, 5}, allPercent: 83, custPercent: 80,
			allPhases:  []phaseRow{{PhaseCompleted, 2, 2}, {PhaseCompleted, 3, 3}, {PhaseNotStarted, 0, 1}},
			custPhases: []phaseRow{{PhaseCompleted, 2, 2}, {PhaseCompleted, 2, 2}, {PhaseNotStarted, 0, 1}},
		},
		{
			name: "everything done",
			statuses: map[string]TaskStatus{"welcome_call": TaskCompleted, "company_profile": TaskCompleted,
				"sso_config": TaskSkipped, "data_import": TaskCompleted, "brand_assets": TaskSkipped,
				"training": TaskCompleted},
			all: Progress{6, 6}, customer: Progress{5, 5}, allPercent: 100, custPercent: 100,
			allPhases:  []phaseRow{{PhaseCompleted, 2, 2}, {PhaseCompleted, 3, 3}, {PhaseCompleted, 1, 1}},
			custPhases: []phaseRow{{PhaseCompleted, 2, 2}, {PhaseCompleted, 2, 2}, {PhaseCompleted, 1, 1}},
		},
		{
			name: "a reopened task is in progress again",
			statuses: map[string]TaskStatus{"welcome_call": TaskInProgress, "company_profile": TaskCompleted,
				"training": TaskPending},
			all: Progress{1, 6}, customer: Progress{1, 5}, allPercent: 16, custPercent: 20,
			allPhases:  []phaseRow{{PhaseInProgress, 1, 2}, {PhaseNotStarted, 0, 3}, {PhaseNotStarted, 0, 1}},
			custPhases: []phaseRow{{PhaseInProgress, 1, 2}, {PhaseNotStarted, 0, 2}, {PhaseNotStarted, 0, 1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestState(t)
			for key, st := range tt.statuses {
				setStatus(t, &s, key, st)
			}
			before := cloneState(s)

			if got := s.Progress(AllTasks); got != tt.all {
				t.Errorf("Progress(AllTasks) = %+v, want %+v", got, tt.all)
			}
			if got := s.Progress(CustomerVisible); got != tt.customer {
				t.Errorf("Progress(CustomerVisible) = %+v, want %+v", got, tt.customer)
			}
			if got := s.Progress(AllTasks).Percent(); got != tt.allPercent {
				t.Errorf("AllTasks percent = %d, want %d", got, tt.allPercent)
			}
			if got := s.Progress(CustomerVisible).Percent(); got != tt.custPercent {
				t.Errorf("CustomerVisible percent = %d, want %d", got, tt.custPercent)
			}
			checkPhases(t, "AllTasks", s.Phases(AllTasks), tt.allPhases)
			checkPhases(t, "CustomerVisible", s.Phases(CustomerVisible), tt.custPhases)
			if !reflect.DeepEqual(s, before) {
				t.Errorf("progress mutated the state")
			}
		})
	}
}

func checkPhases(t *testing.T, audience string, got []PhaseSummary, want []phaseRow) {
	t.Helper()
	keys := []string{"kickoff", "setup", "launch"}
	names := []string{"Kickoff", "Setup", "Launch"}
	if len(got) != len(want) {
		t.Fatalf("%s: %d phases, want %d", audience, len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Key != keys[i] || g.Name != names[i] {
			t.Errorf("%s phase %d = %s (%s), want %s (%s)", audience, i, g.Key, g.Name, keys[i], names[i])
		}
		if g.Status != w.status || g.Progress != (Progress{w.done, w.total}) {
			t.Errorf("%s phase %s = %s %d/%d, want %s %d/%d", audience, g.Key,
				g.Status, g.Progress.Done, g.Progress.Total, w.status, w.done, w.total)
		}
	}
}

func TestProgressEdgeCases(t *testing.T) {
	t.Run("empty plan", func(t *testing.T) {
		s := mustNew(t, NewInput{Plan: Plan{Key: "empty"}, StartDate: testStart, Now: testNow})
		if p := s.Progress(AllTasks); p != (Progress{}) || p.Percent() != 0 {
			t.Fatalf("Progress = %+v (%d%%)", p, p.Percent())
		}
		if ph := s.Phases(AllTasks); ph == nil || len(ph) != 0 {
			t.Fatalf("Phases = %#v, want an empty, non-nil slice", ph)
		}
	})

	t.Run("phase with no tasks is not started", func(t *testing.T) {
		p := Plan{Phases: []Phase{{Key: "empty", Name: "Empty"}}}
		s := mustNew(t, NewInput{Plan: p, StartDate: testStart, Now: testNow})
		got := s.Phases(AllTasks)
		if len(got) != 1 || got[0].Status != PhaseNotStarted || got[0].Progress != (Progress{}) {
			t.Fatalf("Phases = %+v", got)
		}
	})

	t.Run("phase whose tasks are all hidden, for customers", func(t *testing.T) {
		p := Plan{Phases: []Phase{{Key: "internal", Name: "Internal", Tasks: []Task{
			{Key: "a", Owner: OwnerVendor, CustomerVisible: false},
			{Key: "b", Owner: OwnerVendor, CustomerVisible: false},
		}}}}
		s := mustNew(t, NewInput{Plan: p, StartDate: testStart, Now: testNow})
		setStatus(t, &s, "a", TaskCompleted)
		setStatus(t, &s, "b", TaskCompleted)
		got := s.Phases(CustomerVisible)
		// Customers count nothing here: the phase stays Not Started with 0/0.
		if len(got) != 1 || got[0].Status != PhaseNotStarted || got[0].Progress != (Progress{}) {
			t.Fatalf("customer Phases = %+v", got)
		}
		if all := s.Phases(AllTasks); all[0].Status != PhaseCompleted {
			t.Fatalf("staff Phases = %+v", all)
		}
	})
}
