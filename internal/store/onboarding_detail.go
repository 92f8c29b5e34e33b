package store

import (
	"context"
	"fmt"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// OnboardingDetail is one onboarding with its phases and tasks, each in plan order.
type OnboardingDetail struct {
	Onboarding
	Phases []OnboardingPhase
	Tasks  []OnboardingTask
}

// Task returns the task with the given key.
func (d OnboardingDetail) Task(key string) (OnboardingTask, bool) {
	for _, t := range d.Tasks {
		if t.Key == key {
			return t, true
		}
	}
	return OnboardingTask{}, false
}

// TasksWhere returns the tasks that keep accepts, in plan order.
func (d OnboardingDetail) TasksWhere(keep func(OnboardingTask) bool) []OnboardingTask {
	var out []OnboardingTask
	for _, t := range d.Tasks {
		if keep(t) {
			out = append(out, t)
		}
	}
	return out
}

// OnboardingDetail returns one onboarding of a workspace with its phases and tasks.
func (s *Store) OnboardingDetail(ctx context.Context, workspaceID, id string) (OnboardingDetail, error) {
	o, err := s.Onboarding(ctx, workspaceID, id)
	if err != nil {
		return OnboardingDetail{}, err
	}
	list, err := s.OnboardingDetails(ctx, []Onboarding{o})
	if err != nil {
		return OnboardingDetail{}, err
	}
	return list[0], nil
}

// OnboardingDetails adds the phases and tasks to onboardings already read (from a
// workspace-scoped lookup or list), in two queries however many there are.
func (s *Store) OnboardingDetails(ctx context.Context, list []Onboarding) ([]OnboardingDetail, error) {
	out := make([]OnboardingDetail, len(list))
	if len(list) == 0 {
		return out, nil
	}
	ids, index := make([]string, len(list)), make(map[string]int, len(list))
	for i, o := range list {
		out[i].Onboarding, ids[i], index[o.ID] = o, o.ID, i
	}
	phases, err := s.phasesOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	tasks, err := s.tasksOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range phases {
		d := &out[index[p.OnboardingID]]
		d.Phases = append(d.Phases, p)
	}
	for _, t := range tasks {
		d := &out[index[t.OnboardingID]]
		d.Tasks = append(d.Tasks, t)
	}
	for i := range out {
		out[i].annotateWaits()
	}
	return out, nil
}

// Wait is what a task waits for, as pages say it: another task of the onboarding.
type Wait struct {
	Key, Title string
	// Visible says the customer may see the task's name.
	Visible bool
	// Done says the task waited for is done (a blocked task may be unblocked now).
	Done bool
}

// annotateWaits fills in each task's BlockedByTask (the task it was blocked by) and
// WaitingOn (a dependency that is blocked: the task cannot move until it is unblocked).
func (d *OnboardingDetail) annotateWaits() {
	byKey := make(map[string]*OnboardingTask, len(d.Tasks))
	for i := range d.Tasks {
		byKey[d.Tasks[i].Key] = &d.Tasks[i]
	}
	for i := range d.Tasks {
		t := &d.Tasks[i]
		if by, ok := byKey[t.BlockedBy]; ok && t.Status == onboarding.TaskBlocked {
			t.BlockedByTask = &Wait{Key: by.Key, Title: by.Title, Visible: by.CustomerVisible, Done: by.Status.Done()}
		}
		if t.Status.Done() || t.Status == onboarding.TaskBlocked {
			continue
		}
		for _, dep := range t.DependsOn {
			if d, ok := byKey[dep]; ok && d.Status == onboarding.TaskBlocked {
				t.WaitingOn = &Wait{Key: d.Key, Title: d.Title, Visible: d.CustomerVisible}
				break
			}
		}
	}
}

// OnboardingDetailByID returns an onboarding with its phases and tasks whatever its
// workspace: only for a caller whose authority names the onboarding itself (a signed link).
func (s *Store) OnboardingDetailByID(ctx context.Context, id string) (OnboardingDetail, error) {
	var o Onboarding
	if err := s.db.GetContext(ctx, &o, onboardingSelect+` WHERE o.id = $1`, id); err != nil {
		return OnboardingDetail{}, fmt.Errorf("store: onboarding: %w", notFound(err))
	}
	list, err := s.OnboardingDetails(ctx, []Onboarding{o})
	if err != nil {
		return OnboardingDetail{}, err
	}
	return list[0], nil
}

// WaitableFor lists the open tasks the task key may be blocked by: not itself, not done,
// and none that waits on it already (through dependencies or blocks), which would be a
// wait that never ends (onboarding.WaitsOn).
func (d OnboardingDetail) WaitableFor(key string) []OnboardingTask {
	byKey := make(map[string]OnboardingTask, len(d.Tasks))
	for _, t := range d.Tasks {
		byKey[t.Key] = t
	}
	edges := func(k string) []string {
		t := byKey[k]
		out := append([]string(nil), t.DependsOn...)
		if t.BlockedBy != "" {
			out = append(out, t.BlockedBy)
		}
		return out
	}
	var out []OnboardingTask
	for _, t := range d.Tasks {
		if t.Key != key && !t.Status.Done() && !onboarding.WaitsOn(edges, t.Key, key) {
			out = append(out, t)
		}
	}
	return out
}
