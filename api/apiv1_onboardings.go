package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

func (s *Server) apiPlans(c *gin.Context) {
	out := []planJSON{}
	for _, t := range s.engine.Plans.Templates() {
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
	f := store.OnboardingFilter{AccountID: c.Query("account_id")}
	if q := c.Query("status"); q != "" {
		status, ok := onboarding.ParseStatus(q)
		if !ok {
			_ = c.Error(badRequest("status: want one of %s", statusNames()))
			return
		}
		f.Status = status
	}
	list, err := s.store.Onboardings(c.Request.Context(), workspaceID(c), f)
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := make([]onboardingJSON, 0, len(list))
	for _, o := range list {
		out = append(out, newOnboardingJSON(store.OnboardingDetail{Onboarding: o}))
	}
	c.JSON(http.StatusOK, out)
}

// statusNames lists the onboarding statuses for a message: "active, paused, ...".
func statusNames() string {
	names := make([]string, len(onboarding.Statuses))
	for i, st := range onboarding.Statuses {
		names[i] = string(st)
	}
	return strings.Join(names, ", ")
}

func (s *Server) apiOnboarding(c *gin.Context) {
	d, err := s.store.OnboardingDetail(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	c.JSON(http.StatusOK, newOnboardingJSON(d))
}

// respondOnboarding answers with the onboarding, its phases and tasks.
func (s *Server) respondOnboarding(c *gin.Context, status int, o store.Onboarding) {
	list, err := s.store.OnboardingDetails(c.Request.Context(), []store.Onboarding{o})
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(status, newOnboardingJSON(list[0]))
}
