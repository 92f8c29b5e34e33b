package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// apiLifecycle pauses, resumes or cancels an onboarding (body {"reason": "..."},
// required to cancel) and answers 200 with the onboarding as it now is. A transition
// the status does not allow is 409; no worker answering in time is 503 (not queued).
func (s *Server) apiLifecycle(action onboarding.LifecycleAction) gin.HandlerFunc {
	return func(c *gin.Context) {
		reason, err := readReason(c)
		if err != nil {
			_ = c.Error(err)
			return
		}
		o, err := s.store.Onboarding(c.Request.Context(), workspaceID(c), c.Param("id"))
		if err != nil {
			_ = c.Error(notFoundAs(err, "onboarding"))
			return
		}
		rid := uuid.NewString()
		if key, err := idempotencyKey(c); err != nil {
			_ = c.Error(err)
			return
		} else if key != "" {
			rid = "idem:" + keyDigest(key) + ":onboarding:" + string(action)
		}
		r := onboarding.LifecycleRequest{RequestID: rid, Action: action, Reason: reason, Actor: c.GetString(ctxActor),
			TimeZone: o.AccountTimezone}
		if _, err := s.engine.Lifecycle(c.Request.Context(), o, r); err != nil {
			_ = c.Error(err)
			return
		}
		if o, err = s.store.Onboarding(c.Request.Context(), workspaceID(c), o.ID); err != nil {
			_ = c.Error(err)
			return
		}
		s.respondOnboarding(c, http.StatusOK, o)
	}
}

// staffLifecycle is the dashboard's pause, resume and cancel: the same Update as the
// API's; a refusal comes back on the page with its reason.
func (s *Server) staffLifecycle(action onboarding.LifecycleAction) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx := c.Request.Context()
		d, err := s.store.OnboardingDetail(ctx, workspaceID(c), c.Param("id"))
		if err != nil {
			_ = c.Error(notFoundAs(err, "onboarding"))
			return
		}
		reason, err := formText(c, "reason", onboarding.MaxReasonLength)
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
		r := onboarding.LifecycleRequest{RequestID: "staff:" + rid + ":onboarding:" + string(action), Action: action,
			Reason: reason, Actor: "staff:" + u.ID, TimeZone: d.AccountTimezone}
		_, err = s.engine.Lifecycle(ctx, d.Onboarding, r)
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
		c.Redirect(http.StatusSeeOther, "/staff/onboardings/"+d.ID)
	}
}
