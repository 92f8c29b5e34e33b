package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

func (s *Server) apiPlans(c *gin.Context) {
	out := []planJSON{}
	for _, t := range s.engine.Plans() {
		out = append(out, newPlanJSON(t.Plan))
	}
	c.JSON(http.StatusOK, out)
}

type onboardingRequest struct {
	AccountID    *string `json:"account_id"`
	Plan         *string `json:"plan"`
	StartDate    *string `json:"start_date"`
	TargetGoLive *string `json:"target_go_live"`
}

func (r onboardingRequest) validate(ws string) (engine.StartRequest, error) {
	req := engine.StartRequest{WorkspaceID: ws}
	if err := plainFields("account_id", r.AccountID, "plan", r.Plan, "start_date", r.StartDate, "target_go_live", r.TargetGoLive); err != nil {
		return req, err
	}
	if r.AccountID == nil || *r.AccountID == "" {
		return req, badRequest("account_id: required")
	}
	if r.Plan == nil || *r.Plan == "" {
		return req, badRequest("plan: required (GET /api/v1/plans lists them)")
	}
	req.AccountID, req.PlanKey = *r.AccountID, *r.Plan
	var err error
	if req.StartDate, err = parseDate("start_date", r.StartDate); err != nil {
		return req, err
	}
	req.TargetGoLive, err = parseDate("target_go_live", r.TargetGoLive)
	return req, err
}

func parseDate(field string, v *string) (time.Time, error) {
	if v == nil || *v == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, *v)
	if err != nil {
		return time.Time{}, badRequest("%s: %q is not a date in the form 2026-01-31", field, *v)
	}
	return d, nil
}

func (s *Server) apiCreateOnboarding(c *gin.Context) {
	var body onboardingRequest
	if err := decodeJSON(c, &body); err != nil {
		_ = c.Error(err)
		return
	}
	req, err := body.validate(workspaceID(c))
	if err != nil {
		_ = c.Error(err)
		return
	}
	o, err := s.engine.Start(c.Request.Context(), req)
	if err != nil {
		_ = c.Error(notFoundAs(err, "account"))
		return
	}
	s.respondOnboarding(c, http.StatusCreated, o)
}

func (s *Server) apiOnboardings(c *gin.Context) {
	f := store.OnboardingFilter{Status: c.Query("status"), AccountID: c.Query("account_id")}
	if f.Status != "" && !validStatus(f.Status) {
		_ = c.Error(badRequest("status: want one of active, paused, live, completed, cancelled"))
		return
	}
	list, err := s.store.Onboardings(c.Request.Context(), workspaceID(c), f)
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := make([]onboardingJSON, 0, len(list))
	for _, o := range list {
		out = append(out, newOnboardingJSON(o, nil, nil))
	}
	c.JSON(http.StatusOK, out)
}

func validStatus(s string) bool {
	for _, st := range onboarding.Statuses {
		if string(st) == s {
			return true
		}
	}
	return false
}

func (s *Server) apiOnboarding(c *gin.Context) {
	o, err := s.store.Onboarding(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	s.respondOnboarding(c, http.StatusOK, o)
}

// respondOnboarding answers with the onboarding, its phases and tasks.
func (s *Server) respondOnboarding(c *gin.Context, status int, o store.Onboarding) {
	ctx := c.Request.Context()
	phases, err := s.store.OnboardingPhases(ctx, o.ID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	tasks, err := s.store.OnboardingTasks(ctx, o.ID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(status, newOnboardingJSON(o, phases, tasks))
}
