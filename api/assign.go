package api

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// assignment checks who a task is given to and makes the Update's request: a customer
// task goes to one of the account's contacts (not archived), a vendor task to a staff
// member who can work on onboardings; an empty id gives it back to everyone on its side.
// The API, the staff page and a contact's new time zone all come through here.
func (s *Server) assignment(ctx context.Context, d store.OnboardingDetail, key, id, actor, requestID string) (onboarding.Assignment, error) {
	r := onboarding.Assignment{RequestID: requestID, TaskKey: key, Actor: actor}
	task, ok := d.Task(key)
	if !ok {
		return r, notFound("task")
	}
	if id == "" {
		return r, nil
	}
	uid, ok := input.ID(id)
	if task.Owner == onboarding.OwnerCustomer {
		var ct store.Contact
		var err error
		if ok {
			ct, err = s.store.Contact(ctx, d.WorkspaceID, uid)
		}
		switch {
		case !ok || errors.Is(err, store.ErrNotFound) || (err == nil && ct.AccountID != d.AccountID):
			return r, input.Refuse("assignee", "%s is the customer's: assign it to a contact of %s (no such contact: %s)",
				input.Quote(task.Title), d.AccountName, input.Quote(id))
		case err != nil:
			return r, err
		case ct.ArchivedAt != nil:
			return r, input.Refuse("assignee", "%s is archived: restore them before giving them tasks", ct.Name)
		}
		r.Assignee, r.TimeZone = onboarding.AssigneeContact+ct.ID, ct.Timezone
		return r, nil
	}
	var u store.StaffUser
	var err error
	if ok {
		u, err = s.store.StaffUser(ctx, d.WorkspaceID, uid)
	}
	switch {
	case !ok || errors.Is(err, store.ErrNotFound):
		return r, input.Refuse("assignee", "%s is the vendor's: assign it to a staff member (no such staff member: %s)",
			input.Quote(task.Title), input.Quote(id))
	case err != nil:
		return r, err
	case !u.CanChange():
		return r, input.Refuse("assignee", "%s is a %s and cannot work on tasks", u.Name, u.Role)
	}
	r.Assignee = onboarding.AssigneeStaff + u.ID
	return r, nil
}

// apiAssignTask is PATCH /onboardings/{id}/tasks/{key} with {"assignee": id or null}.
func (s *Server) apiAssignTask(c *gin.Context, key string, raw json.RawMessage) {
	var id string
	if string(raw) != "null" {
		if err := json.Unmarshal(raw, &id); err != nil {
			_ = c.Error(input.Refuse("assignee", "the id of a contact (customer tasks) or staff member (vendor tasks), or null to unassign"))
			return
		}
		if id == "" {
			_ = c.Error(input.Refuse("assignee", "give an id, or null to unassign"))
			return
		}
	}
	s.apiChange(c, func(ctx context.Context, o store.Onboarding) error {
		d, err := s.store.OnboardingDetail(ctx, o.WorkspaceID, o.ID)
		if err != nil {
			return err
		}
		r, err := s.assignment(ctx, d, key, id, c.GetString(ctxActor), uuid.NewString())
		if err != nil {
			return err
		}
		_, err = s.engine.Assign(ctx, o, r)
		return err
	})
}

// staffAssignTask is the staff page's "Assigned to" form on a task.
func (s *Server) staffAssignTask(c *gin.Context) {
	key := c.Param("key")
	if !taskKeyPattern.MatchString(key) {
		_ = c.Error(notFound("task"))
		return
	}
	s.staffChange(c, func(d store.OnboardingDetail, actor, rid string) (func(context.Context) error, string, error) {
		r, err := s.assignment(c.Request.Context(), d, key, c.PostForm("assignee"), actor, "staff:"+rid+":assign:"+key)
		var refused *input.Error
		if err != nil && !errors.As(err, &refused) { // not the form's fault: the error page says what
			return func(context.Context) error { return err }, "", nil
		}
		return func(ctx context.Context) error { _, err := s.engine.Assign(ctx, d.Onboarding, r); return err }, "#task-" + key, err
	})
}

// followContactTimeZone moves the reminders of a contact's open assigned tasks to their
// new time zone, in the background so the request that changed it answers at once. Each
// task's Update is retried (with its own request id, so it applies once) for up to
// followZoneFor while Temporal or the workers are away; one still not reached then keeps
// the old zone until it is assigned again, which is logged. actor is who changed the zone.
func (s *Server) followContactTimeZone(ctx context.Context, ct store.Contact, actor string) {
	ctx = context.WithoutCancel(ctx)
	go func() {
		ctx, cancel := context.WithTimeout(ctx, followZoneFor)
		defer cancel()
		tasks, err := s.store.AssignedOpenTasks(ctx, ct.WorkspaceID, ct.AccountID, onboarding.AssigneeContact+ct.ID)
		if err != nil {
			s.log.Error("reading a contact's assigned tasks", "contact_id", ct.ID, "error", err)
			return
		}
		for _, t := range tasks {
			r := onboarding.Assignment{RequestID: uuid.NewString(), TaskKey: t.Key, Assignee: onboarding.AssigneeContact + ct.ID,
				TimeZone: ct.Timezone, Actor: actor}
			if err := s.assignUntilAnswered(ctx, ct.WorkspaceID, t.OnboardingID, r); err != nil {
				s.log.Warn("a task's reminders keep the contact's old time zone", "contact_id", ct.ID,
					"onboarding_id", t.OnboardingID, "task", t.Key, "error", err)
			}
		}
	}()
}

// assignUntilAnswered sends an assignment, again after a growing wait while Temporal or
// the workers are away, until it is answered or ctx ends. A refusal (the task was done
// or the onboarding closed meanwhile) is an answer: there is nothing left to follow.
func (s *Server) assignUntilAnswered(ctx context.Context, workspaceID, onboardingID string, r onboarding.Assignment) error {
	for wait := time.Second; ; wait = min(2*wait, time.Minute) {
		o, err := s.store.Onboarding(ctx, workspaceID, onboardingID)
		if err == nil {
			_, err = s.engine.Assign(ctx, o, r)
		}
		var refused *onboarding.TransitionError
		if err == nil || errors.As(err, &refused) {
			return nil
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return err
		}
	}
}

// followZoneFor is how long a contact's new time zone is retried towards their tasks.
const followZoneFor = 10 * time.Minute
