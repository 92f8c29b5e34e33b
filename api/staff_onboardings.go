package api

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/store"
)

type staffList struct {
	Onboardings []store.Onboarding
	Status      string
	Statuses    []string
}

// staffOnboardings lists the workspace's onboardings, optionally by status.
func (s *Server) staffOnboardings(c *gin.Context) {
	status := c.Query("status")
	if status != "" && !validStatus(status) {
		status = ""
	}
	list, err := s.store.Onboardings(c.Request.Context(), workspaceID(c), store.OnboardingFilter{Status: status})
	if err != nil {
		_ = c.Error(err)
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, http.StatusOK, "staff/onboardings", view{Title: "Onboardings", CSRF: se.CSRFToken, User: u.Name,
		Data: staffList{Onboardings: list, Status: status, Statuses: []string{"active", "paused", "live", "completed", "cancelled"}}})
}

type staffDetail struct {
	Onboarding store.Onboarding
	Phases     []portalPhase
	// WorkflowURL opens the onboarding's workflow in the Temporal Web UI, when configured.
	WorkflowURL string
}

// staffOnboarding shows one onboarding with every task, including internal ones.
func (s *Server) staffOnboarding(c *gin.Context) {
	o, err := s.store.Onboarding(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	phases, err := s.store.OnboardingPhases(c.Request.Context(), o.ID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	tasks, err := s.store.OnboardingTasks(c.Request.Context(), o.ID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	data := staffDetail{Onboarding: o, Phases: byPhase(phases, tasks, func(store.OnboardingTask) bool { return true })}
	if s.cfg.TemporalUIURL != "" {
		data.WorkflowURL = s.cfg.TemporalUIURL + "/namespaces/" + url.PathEscape(s.cfg.TemporalNamespace) +
			"/workflows/" + url.PathEscape(o.WorkflowID)
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, http.StatusOK, "staff/onboarding", view{Title: o.AccountName, CSRF: se.CSRFToken, User: u.Name, Data: data})
}
