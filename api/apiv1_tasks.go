package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

type taskActionRequest struct {
	Reason    *string `json:"reason"`
	BlockedBy *string `json:"blocked_by"`
}

// apiTaskAction applies start, complete, skip, block, unblock or reopen to a task.
// It answers 200 with the updated onboarding, or 202 when the action was queued
// because no worker answered in time.
func (s *Server) apiTaskAction(c *gin.Context) {
	action, ok := onboarding.ParseAction(c.Param("action"))
	if !ok {
		_ = c.Error(&Error{Status: http.StatusNotFound, Code: "not_found",
			Message: fmt.Sprintf("unknown action %q: want start, complete, skip, block, unblock or reopen", c.Param("action"))})
		return
	}
	if !taskKeyPattern.MatchString(c.Param("key")) { // it becomes part of the Update's id
		_ = c.Error(&Error{Status: http.StatusNotFound, Code: "not_found", Message: "there is no task " + input.Quote(c.Param("key")) + " in this onboarding"})
		return
	}
	body, err := readActionBody(c)
	if err != nil {
		_ = c.Error(err)
		return
	}
	o, err := s.store.Onboarding(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	rid, err := requestID(c, c.Param("key")+":"+string(action))
	if err != nil {
		_ = c.Error(err)
		return
	}
	a := onboarding.TaskAction{
		RequestID: rid, TaskKey: c.Param("key"), Action: action,
		Reason: body.reason, BlockedBy: body.blockedBy, Actor: c.GetString(ctxActor), ActorSide: onboarding.OwnerVendor,
	}
	out, err := s.engine.Act(c.Request.Context(), o, a)
	if err != nil {
		_ = c.Error(err)
		return
	}
	if out.Queued {
		c.JSON(http.StatusAccepted, gin.H{"status": "queued", "request_id": a.RequestID,
			"message": "no worker answered in time; the action is queued and will be applied when one returns"})
		return
	}
	o, err = s.store.Onboarding(c.Request.Context(), workspaceID(c), o.ID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	s.respondOnboarding(c, http.StatusOK, o)
}

// taskKeyPattern is what a task key can look like (plan templates allow no other).
var taskKeyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// actionBody is a task action's optional body: {"reason", "blocked_by"}.
type actionBody struct{ reason, blockedBy string }

// readActionBody reads the optional body; an empty body is fine.
func readActionBody(c *gin.Context) (actionBody, error) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return actionBody{}, err
	}
	var req taskActionRequest
	if err := input.DecodeJSON(body, &req); err != nil {
		return actionBody{}, err
	}
	var out actionBody
	if req.Reason != nil {
		out.reason = *req.Reason
	}
	if req.BlockedBy != nil {
		out.blockedBy = *req.BlockedBy
	}
	return out, nil
}

// readReason reads the optional body {"reason": "..."} of a change that takes nothing else.
func readReason(c *gin.Context) (string, error) {
	body, err := readActionBody(c)
	if err == nil && body.blockedBy != "" {
		err = input.Refuse("blocked_by", "only a task can be blocked by another")
	}
	return body.reason, err
}

// requestID makes a change idempotent: the client's Idempotency-Key (scoped, e.g. to a
// task and action, so reusing a key for another action is not mistaken for a repeat),
// or a fresh ID.
func requestID(c *gin.Context, scope string) (string, error) {
	key, err := idempotencyKey(c)
	if err != nil || key == "" {
		return uuid.NewString(), err
	}
	return "idem:" + keyDigest(key) + ":" + scope, nil
}

// apiChange sends a change to one onboarding of the workspace (404 outside it) and
// answers 200 with the onboarding as the read model then shows it: the one path of the
// API's changes that are answered now or not at all.
func (s *Server) apiChange(c *gin.Context, send func(ctx context.Context, o store.Onboarding) error) {
	ctx := c.Request.Context()
	o, err := s.store.Onboarding(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	if err := send(ctx, o); err != nil {
		_ = c.Error(err)
		return
	}
	if o, err = s.store.Onboarding(ctx, workspaceID(c), o.ID); err != nil {
		_ = c.Error(err)
		return
	}
	s.respondOnboarding(c, http.StatusOK, o)
}
