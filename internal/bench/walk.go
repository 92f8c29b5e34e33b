package bench

import "github.com/onboard-oss/onboard/internal/onboarding"

// walk is a simulated user's way through one onboarding: its plan and task statuses as
// the API showed them, moved forward with the domain core's own rules as tasks complete.
type walk struct {
	id    string
	state onboarding.State
}

// newWalk reads an onboarding's tasks, in plan order with their dependencies.
func newWalk(o onboardingDoc) *walk {
	w := &walk{id: o.ID, state: onboarding.State{Status: onboarding.StatusActive}}
	phase := onboarding.Phase{}
	for _, ph := range o.Phases {
		for _, t := range ph.Tasks {
			phase.Tasks = append(phase.Tasks, onboarding.Task{Key: t.Key, DependsOn: t.DependsOn})
			w.state.Tasks = append(w.state.Tasks, onboarding.TaskState{Key: t.Key, Status: onboarding.TaskStatus(t.Status)})
		}
	}
	w.state.Plan.Phases = []onboarding.Phase{phase}
	return w
}

// next returns the first task in plan order that can be completed now.
func (w *walk) next() (string, bool) {
	for _, t := range w.state.Tasks {
		if w.state.Validate(complete(t.Key)) == nil {
			return t.Key, true
		}
	}
	return "", false
}

// markDone records that a task was completed.
func (w *walk) markDone(key string) {
	_, _ = w.state.Apply(complete(key), w.state.StartDate)
}

func complete(key string) onboarding.TaskAction {
	return onboarding.TaskAction{TaskKey: key, Action: onboarding.ActionComplete}
}
