package api

import (
	"context"

	"github.com/gin-gonic/gin"

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
		rid, err := requestID(c, "onboarding:"+string(action))
		if err != nil {
			_ = c.Error(err)
			return
		}
		s.apiChange(c, func(ctx context.Context, o store.Onboarding) error {
			_, err := s.engine.Lifecycle(ctx, o, onboarding.LifecycleRequest{RequestID: rid, Action: action, Reason: reason,
				Actor: c.GetString(ctxActor), TimeZone: o.AccountTimezone})
			return err
		})
	}
}

// staffLifecycle is the dashboard's pause, resume and cancel: the same Update as the
// API's.
func (s *Server) staffLifecycle(action onboarding.LifecycleAction) gin.HandlerFunc {
	return func(c *gin.Context) {
		s.staffChange(c, func(d store.OnboardingDetail, actor, rid string) (func(context.Context) error, string, error) {
			reason, err := formText(c, "reason", onboarding.MaxReasonLength)
			r := onboarding.LifecycleRequest{RequestID: "staff:" + rid + ":onboarding:" + string(action), Action: action,
				Reason: reason, Actor: actor, TimeZone: d.AccountTimezone}
			return func(ctx context.Context) error { _, err := s.engine.Lifecycle(ctx, d.Onboarding, r); return err }, "", err
		})
	}
}
