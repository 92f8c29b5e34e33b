package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// apiPatchOnboarding moves an onboarding's target go-live or its start date: PATCH
// {"target_go_live"} or {"start_date"} (one at a time; a new start date computes every
// open task's due date again). It answers 200 with the onboarding once its workflow and
// read model show the change.
func (s *Server) apiPatchOnboarding(c *gin.Context) {
	var body struct {
		TargetGoLive *string `json:"target_go_live"`
		StartDate    *string `json:"start_date"`
	}
	s.apiReschedule(c, &body, "", func() (*string, string, error) {
		switch {
		case body.TargetGoLive != nil && body.StartDate != nil:
			return nil, "", badRequest("give target_go_live or start_date, one at a time")
		case body.StartDate != nil:
			return body.StartDate, "start_date", nil
		}
		return body.TargetGoLive, "target_go_live", nil
	})
}

// apiPatchTask changes a task's due date: PATCH {"due_date"}.
func (s *Server) apiPatchTask(c *gin.Context) {
	if !taskKeyPattern.MatchString(c.Param("key")) {
		_ = c.Error(notFound("task"))
		return
	}
	var body struct {
		DueDate *string `json:"due_date"`
	}
	s.apiReschedule(c, &body, c.Param("key"), func() (*string, string, error) { return body.DueDate, "due_date", nil })
}

// apiReschedule reads the body into dst, takes the date field from it and sends the
// reschedule Update: one path for both PATCH routes.
func (s *Server) apiReschedule(c *gin.Context, dst any, taskKey string, field func() (*string, string, error)) {
	if err := decodeJSON(c, dst); err != nil {
		_ = c.Error(err)
		return
	}
	v, name, err := field()
	if err != nil {
		_ = c.Error(err)
		return
	}
	if v == nil {
		_ = c.Error(badRequest("%s: required, a date such as 2026-03-31", name))
		return
	}
	day, err := input.Date(name, *v)
	if err != nil {
		_ = c.Error(err)
		return
	}
	o, err := s.store.Onboarding(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	r := onboarding.Reschedule{RequestID: uuid.NewString(), TaskKey: taskKey, StartDate: name == "start_date", Day: day,
		Actor: c.GetString(ctxActor), TimeZone: o.AccountTimezone}
	if _, err := s.engine.Reschedule(c.Request.Context(), o, r); err != nil {
		_ = c.Error(err)
		return
	}
	if o, err = s.store.Onboarding(c.Request.Context(), workspaceID(c), o.ID); err != nil {
		_ = c.Error(err)
		return
	}
	s.respondOnboarding(c, http.StatusOK, o)
}

// staffReschedule is the staff page's date forms: the target go-live (no task) or a
// task's due date. A refusal comes back on the page with its reason.
func (s *Server) staffReschedule(c *gin.Context) {
	ctx := c.Request.Context()
	d, err := s.store.OnboardingDetail(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	key := c.Param("key")
	if key != "" && !taskKeyPattern.MatchString(key) {
		_ = c.Error(notFound("task"))
		return
	}
	raw, err := formText(c, "date", 10)
	var day time.Time
	if err == nil {
		day, err = input.Date("date", raw)
	}
	if err != nil {
		s.renderStaffDetail(c, http.StatusBadRequest, d, err.Error())
		return
	}
	rid, err := formText(c, "request_id", 100)
	if err != nil || len(rid) < 16 {
		s.renderStaffDetail(c, http.StatusBadRequest, d, "This page is out of date: reload it and try again.")
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	r := onboarding.Reschedule{RequestID: "staff:" + rid + ":reschedule:" + key, TaskKey: key, Day: day, Actor: "staff:" + u.ID,
		TimeZone: d.AccountTimezone}
	_, err = s.engine.Reschedule(ctx, d.Onboarding, r)
	var refused *onboarding.TransitionError
	if errors.As(err, &refused) {
		if d, err = s.store.OnboardingDetail(ctx, workspaceID(c), d.ID); err == nil {
			s.renderStaffDetail(c, classify(refused).Status, d, refused.Message)
			return
		}
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	anchor := ""
	if key != "" {
		anchor = "#task-" + key
	}
	c.Redirect(http.StatusSeeOther, "/staff/onboardings/"+d.ID+anchor)
}
