package bench

// walk is a simulated user's way through one onboarding: its tasks in plan order with
// their dependencies, and which are done.
type walk struct {
	id    string
	tasks []taskNode
	done  map[string]bool
	// open marks tasks that can still be completed (pending or in progress).
	open map[string]bool
}

type taskNode struct {
	key  string
	deps []string
}

// newWalk reads an onboarding's tasks; completed and skipped ones count as done,
// blocked ones are never picked.
func newWalk(o onboardingDoc) *walk {
	w := &walk{id: o.ID, done: map[string]bool{}, open: map[string]bool{}}
	for _, ph := range o.Phases {
		for _, t := range ph.Tasks {
			w.tasks = append(w.tasks, taskNode{key: t.Key, deps: t.DependsOn})
			switch t.Status {
			case "completed", "skipped":
				w.done[t.Key] = true
			case "pending", "in_progress":
				w.open[t.Key] = true
			}
		}
	}
	return w
}

// next returns the first open task in plan order whose dependencies are all done.
func (w *walk) next() (string, bool) {
	for _, t := range w.tasks {
		if w.open[t.key] && w.ready(t) {
			return t.key, true
		}
	}
	return "", false
}

func (w *walk) ready(t taskNode) bool {
	for _, d := range t.deps {
		if !w.done[d] {
			return false
		}
	}
	return true
}

// markDone records that a task was completed.
func (w *walk) markDone(key string) {
	w.done[key] = true
	delete(w.open, key)
}
