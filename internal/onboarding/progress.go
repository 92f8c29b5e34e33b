package onboarding

// Progress counts finished tasks: completed and skipped over all counted tasks.
type Progress struct {
	Done  int `json:"done"`
	Total int `json:"total"`
}

// Percent returns progress as a whole number from 0 to 100. It reaches 100 only when
// every counted task is done; an empty set counts as 0.
func (p Progress) Percent() int {
	if p.Total == 0 {
		return 0
	}
	return p.Done * 100 / p.Total
}

// Audience chooses which tasks count.
type Audience int

// Audiences: staff count every task, customers only what they can see.
const (
	AllTasks Audience = iota
	CustomerVisible
)

func (a Audience) counts(t Task) bool { return a == AllTasks || t.CustomerVisible }

// PhaseSummary is one phase's derived status and progress.
type PhaseSummary struct {
	Key      string      `json:"key"`
	Name     string      `json:"name"`
	Status   PhaseStatus `json:"status"`
	Progress Progress    `json:"progress"`
}

// Progress returns overall progress for an audience.
func (s *State) Progress(a Audience) Progress {
	var p Progress
	for _, ph := range s.Phases(a) {
		p.Done += ph.Progress.Done
		p.Total += ph.Progress.Total
	}
	return p
}

// Phases summarises each phase, in plan order, counting the audience's tasks.
// A phase is Not Started while every task is pending, Completed when every task is done.
func (s *State) Phases(a Audience) []PhaseSummary {
	out := make([]PhaseSummary, 0, len(s.Plan.Phases))
	for _, ph := range s.Plan.Phases {
		sum := PhaseSummary{Key: ph.Key, Name: ph.Name, Status: PhaseNotStarted}
		touched := false
		for _, t := range ph.Tasks {
			if !a.counts(t) {
				continue
			}
			ts, _ := s.Task(t.Key)
			sum.Progress.Total++
			if ts.Status.Done() {
				sum.Progress.Done++
			}
			touched = touched || ts.Status != TaskPending
		}
		switch {
		case sum.Progress.Total > 0 && sum.Progress.Done == sum.Progress.Total:
			sum.Status = PhaseCompleted
		case touched:
			sum.Status = PhaseInProgress
		}
		out = append(out, sum)
	}
	return out
}
