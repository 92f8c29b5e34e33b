package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/input"
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
	account, err := required("account_id", r.AccountID, 100)
	if err != nil {
		return req, err
	}
	var ok bool
	if req.AccountID, ok = input.ID(account); !ok {
		return req, badRequest("account_id: %s is not an id", input.Quote(account))
	}
	if r.Plan == nil || *r.Plan == "" {
		return req, badRequest("plan: required (GET /api/v1/plans lists them)")
	}
	req.PlanKey = *r.Plan
	if req.StartDate, err = optionalDate("start_date", r.StartDate); err != nil {
		return req, err
	}
	req.TargetGoLive, err = optionalDate("target_go_live", r.TargetGoLive)
	return req, err
}

// optionalDate parses a date field that may be left out (zero time).
func optionalDate(field string, v *string) (time.Time, error) {
	if v == nil || *v == "" {
		return time.Time{}, nil
	}
	return input.Date(field, *v)
}

func (s *Server) apiCreateOnboarding(c *gin.Context) {
	var body onboardingRequest
	if err := decodeJSON(c, &body); err != nil {
		_ = c.Error(err)
		return
	}
	req, err := body.validate(workspaceID(c))
	if err == nil {
		req.RequestKey, err = idempotencyKey(c)
	}
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
	var f store.OnboardingFilter
	if q := c.Query("account_id"); q != "" {
		id, ok := input.ID(q)
		if !ok {
			_ = c.Error(badRequest("account_id: %s is not an id", input.Quote(q)))
			return
		}
		f.AccountID = id
	}
	if q := c.Query("status"); q != "" {
		status, ok := onboarding.ParseStatus(q)
		if !ok {
			_ = c.Error(badRequest("status: want one of %s", statusNames()))
			return
		}
		f.Status = status
	}
	p, err := readPage(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	f.After, f.Limit = p.after, p.limit+1
	list, err := s.store.Onboardings(c.Request.Context(), workspaceID(c), f)
	if err != nil {
		_ = c.Error(err)
		return
	}
	out := make([]onboardingJSON, 0, len(list))
	for i, o := range list {
		if i == p.limit {
			p.next(c, len(list), store.CursorOf(list[i-1]))
			break
		}
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
