package api

import (
	"context"
	"encoding/json"
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
	if err := decodeJSON(c, &body); err != nil {
		_ = c.Error(err)
		return
	}
	switch {
	case body.TargetGoLive != nil && body.StartDate != nil:
		_ = c.Error(badRequest("give target_go_live or start_date, one at a time"))
	case body.StartDate != nil:
		s.apiReschedule(c, "", "start_date", body.StartDate)
	default:
		s.apiReschedule(c, "", "target_go_live", body.TargetGoLive)
	}
}

// apiPatchTask changes a task: its due date (PATCH {"due_date"}) or who it is assigned
// to ({"assignee": id, or null to unassign}), one at a time.
func (s *Server) apiPatchTask(c *gin.Context) {
	key := c.Param("key")
	if !taskKeyPattern.MatchString(key) {
		_ = c.Error(notFound("task"))
		return
	}
	var body struct {
		DueDate  *string         `json:"due_date"`
		Assignee json.RawMessage `json:"assignee"`
	}
	if err := decodeJSON(c, &body); err != nil {
		_ = c.Error(err)
		return
	}
	switch {
	case body.Assignee != nil && body.DueDate != nil:
		_ = c.Error(badRequest("give due_date or assignee, one at a time"))
	case body.Assignee != nil:
		s.apiAssignTask(c, key, body.Assignee)
	case body.DueDate == nil:
		_ = c.Error(badRequest("give due_date (a date such as 2026-03-31) or assignee (an id, or null)"))
	default:
		s.apiReschedule(c, key, "due_date", body.DueDate)
	}
}

// apiReschedule sends the reschedule Update for the date field name of a PATCH: one
// path for both routes.
func (s *Server) apiReschedule(c *gin.Context, taskKey, name string, v *string) {
	if v == nil {
		_ = c.Error(badRequest("%s: required, a date such as 2026-03-31", name))
		return
	}
	day, err := input.Date(name, *v)
	if err != nil {
		_ = c.Error(err)
		return
	}
	s.apiChange(c, func(ctx context.Context, o store.Onboarding) error {
		_, err := s.engine.Reschedule(ctx, o, onboarding.Reschedule{RequestID: uuid.NewString(), TaskKey: taskKey,
			StartDate: name == "start_date", Day: day, Actor: c.GetString(ctxActor), TimeZone: o.AccountTimezone})
		return err
	})
}

// staffReschedule is the staff page's date forms: the target go-live (no task) or a
// task's due date.
func (s *Server) staffReschedule(c *gin.Context) {
	key := c.Param("key")
	if key != "" && !taskKeyPattern.MatchString(key) {
		_ = c.Error(notFound("task"))
		return
	}
	s.staffChange(c, func(d store.OnboardingDetail, actor, rid string) (func(context.Context) error, string, error) {
		raw, err := formText(c, "date", 10)
		var day time.Time
		if err == nil {
			day, err = input.Date("date", raw)
		}
		r := onboarding.Reschedule{RequestID: "staff:" + rid + ":reschedule:" + key, TaskKey: key, Day: day, Actor: actor,
			TimeZone: d.AccountTimezone}
		anchor := ""
		if key != "" {
			anchor = "#task-" + key
		}
		return func(ctx context.Context) error { _, err := s.engine.Reschedule(ctx, d.Onboarding, r); return err }, anchor, err
	})
}
