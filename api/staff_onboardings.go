package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

type staffList struct {
	Onboardings []store.Onboarding
	Status      onboarding.Status
	Statuses    []onboarding.Status
}

// staffOnboardings lists the workspace's onboardings, optionally by status; an unknown
// status shows them all.
func (s *Server) staffOnboardings(c *gin.Context) {
	status, _ := onboarding.ParseStatus(c.Query("status"))
	list, err := s.store.Onboardings(c.Request.Context(), workspaceID(c), store.OnboardingFilter{Status: status})
	if err != nil {
		_ = c.Error(err)
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, http.StatusOK, "staff/onboardings", view{Title: "Onboardings", CSRF: se.CSRFToken, User: u.Name,
		Data: staffList{Onboardings: list, Status: status, Statuses: onboarding.Statuses}})
}

type staffDetail struct {
	Onboarding store.Onboarding
	Phases     []phaseView
	// Loc is the account's time zone, in which due days are shown.
	Loc *time.Location
	// WorkflowURL opens the onboarding's workflow in the Temporal Web UI, when configured.
	WorkflowURL string
	// Messages are the notifications about the onboarding and its account, newest first.
	Messages []store.Notification
}

// messagesShown is how many notifications the onboarding page lists.
const messagesShown = 100

// staffOnboarding shows one onboarding with every task, including internal ones.
func (s *Server) staffOnboarding(c *gin.Context) {
	d, err := s.store.OnboardingDetail(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	messages, err := s.store.Notifications(c.Request.Context(), workspaceID(c), d.Onboarding, messagesShown)
	if err != nil {
		_ = c.Error(err)
		return
	}
	data := staffDetail{Onboarding: d.Onboarding, Loc: accountLocation(d.AccountTimezone),
		Phases: phaseViews(d, func(store.OnboardingTask) bool { return true }), WorkflowURL: s.cfg.WorkflowURL(d.WorkflowID),
		Messages: messages}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, http.StatusOK, "staff/onboarding", view{Title: d.AccountName, CSRF: se.CSRFToken, User: u.Name, Data: data})
}
