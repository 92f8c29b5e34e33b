package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/store"
)

type portalOverview struct {
	Contact     store.Contact
	Onboardings []portalOnboarding
}

type portalOnboarding struct {
	Onboarding store.Onboarding
	Phases     []portalPhase
	NextSteps  []store.OnboardingTask
}

type portalPhase struct {
	Phase store.OnboardingPhase
	Tasks []store.OnboardingTask
}

// portalOverview shows a contact their account's onboardings: progress, phases, the
// tasks they can see and what is theirs to do next.
func (s *Server) portalOverview(c *gin.Context) {
	contact := c.MustGet(ctxContact).(store.Contact)
	list, err := s.store.OnboardingsForAccount(c.Request.Context(), contact.WorkspaceID, contact.AccountID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	data := portalOverview{Contact: contact}
	for _, o := range list {
		po, err := s.portalOnboarding(c, o)
		if err != nil {
			_ = c.Error(err)
			return
		}
		data.Onboardings = append(data.Onboardings, po)
	}
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, http.StatusOK, "portal/overview", view{Title: "Your onboarding", CSRF: se.CSRFToken, User: contact.Name, Data: data})
}

func (s *Server) portalOnboarding(c *gin.Context, o store.Onboarding) (portalOnboarding, error) {
	phases, err := s.store.OnboardingPhases(c.Request.Context(), o.ID)
	if err != nil {
		return portalOnboarding{}, err
	}
	tasks, err := s.store.OnboardingTasks(c.Request.Context(), o.ID)
	if err != nil {
		return portalOnboarding{}, err
	}
	done := map[string]bool{}
	for _, t := range tasks {
		done[t.Key] = t.Status == "completed" || t.Status == "skipped"
	}
	po := portalOnboarding{Onboarding: o,
		Phases: byPhase(phases, tasks, func(t store.OnboardingTask) bool { return t.CustomerVisible })}
	for _, t := range tasks {
		if t.CustomerVisible && t.Owner == "customer" && !done[t.Key] && ready(t, done) {
			po.NextSteps = append(po.NextSteps, t)
		}
	}
	return po, nil
}

func ready(t store.OnboardingTask, done map[string]bool) bool {
	for _, d := range t.DependsOn {
		if !done[d] {
			return false
		}
	}
	return true
}

// byPhase groups the tasks that keep accepts under their phases, in plan order.
func byPhase(phases []store.OnboardingPhase, tasks []store.OnboardingTask, keep func(store.OnboardingTask) bool) []portalPhase {
	out := make([]portalPhase, 0, len(phases))
	for _, p := range phases {
		pp := portalPhase{Phase: p}
		for _, t := range tasks {
			if t.PhaseKey == p.Key && keep(t) {
				pp.Tasks = append(pp.Tasks, t)
			}
		}
		out = append(out, pp)
	}
	return out
}
