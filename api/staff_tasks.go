package api

import (
	"context"
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// staffTaskView is a task row of the staff page with what the signed-in user can do now.
type staffTaskView struct {
	store.OnboardingTask
	Buttons  []actionButton
	CanBlock bool
	// CanMove offers to change the due date.
	CanMove bool
	// WaitFor are the tasks it can be blocked by.
	WaitFor []store.OnboardingTask
	// Comments are the task's comments, oldest first.
	Comments []store.TaskComment
}

var staffLabels = map[onboarding.Action]string{onboarding.ActionStart: "Start", onboarding.ActionComplete: "Complete",
	onboarding.ActionSkip: "Skip", onboarding.ActionUnblock: "Unblock", onboarding.ActionReopen: "Reopen"}

// staffTaskViews adds to each task the actions its status and dependencies allow, when
// the user may change things. Staff act on either side's tasks (a CSM ticks off what the
// customer emailed in).
func staffTaskViews(tasks []store.OnboardingTask, changer bool) []staffTaskView {
	out := make([]staffTaskView, 0, len(tasks))
	for _, t := range tasks {
		v := staffTaskView{OnboardingTask: t, CanMove: changer && !t.Status.Done()}
		for _, a := range onboarding.ActionsFrom(t.Status) {
			switch {
			case !changer || (a.NeedsDependencies() && !t.NextStep):
			case a == onboarding.ActionBlock:
				v.CanBlock = true
			default:
				v.Buttons = append(v.Buttons, actionButton{Action: a, Label: staffLabels[a], Primary: a == onboarding.ActionComplete})
			}
		}
		out = append(out, v)
	}
	return out
}

// staffTaskAction applies a staff user's action to a task of the workspace: the same
// Update as the API's and the portal's, a double click acting once.
func (s *Server) staffTaskAction(c *gin.Context) {
	action, ok := onboarding.ParseAction(c.Param("action"))
	if !ok {
		_ = c.Error(notFound("action"))
		return
	}
	key := c.Param("key")
	s.staffChange(c, func(d store.OnboardingDetail, actor, rid string) (func(context.Context) error, string, error) {
		reason, err := formText(c, "reason", onboarding.MaxReasonLength)
		blockedBy := c.PostForm("blocked_by")
		if err == nil && blockedBy != "" && !taskKeyPattern.MatchString(blockedBy) {
			err = input.Refuse("blocked_by", "choose a task of this onboarding")
		}
		a := onboarding.TaskAction{RequestID: "staff:" + rid + ":" + key + ":" + string(action), TaskKey: key,
			Action: action, Reason: reason, BlockedBy: blockedBy, Actor: actor, ActorSide: onboarding.OwnerVendor}
		return func(ctx context.Context) error { _, err := s.engine.Act(ctx, d.Onboarding, a); return err }, "#task-" + key, err
	})
}

// staffChange is the one path of the staff page's forms that change an onboarding: it
// reads the onboarding (404 outside the workspace) and the page's request id, lets build
// read the rest of the form (a problem comes back on the page, 400), sends the change,
// and then shows the page again: with the reason when the change was refused, else by
// redirecting to it at anchor.
func (s *Server) staffChange(c *gin.Context, build func(d store.OnboardingDetail, actor, rid string) (send func(context.Context) error, anchor string, err error)) {
	ctx := c.Request.Context()
	d, err := s.store.OnboardingDetail(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	rid, err := formText(c, "request_id", 100)
	if err != nil || len(rid) < 16 {
		s.renderStaffDetail(c, http.StatusBadRequest, d, "This page is out of date: reload it and try again.")
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	send, anchor, err := build(d, "staff:"+u.ID, rid)
	if err != nil {
		s.renderStaffDetail(c, http.StatusBadRequest, d, err.Error())
		return
	}
	err = send(ctx)
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
	c.Redirect(http.StatusSeeOther, "/staff/onboardings/"+d.ID+anchor)
}

// newRequestID is the id a page's buttons carry, so a double click acts once.
func newRequestID() string { return auth.NewToken() }
