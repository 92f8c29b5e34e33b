package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// portalTaskPage is a task as a contact sees it, with what they can do about it now.
type portalTaskPage struct {
	Onboarding store.Onboarding
	Task       store.OnboardingTask
	// ContactID is the signed-in contact's: a task assigned to them says so.
	ContactID string
	// Comments are the task's comments, oldest first; CommentDraft a refused one as typed.
	Comments     []store.TaskComment
	CommentDraft string
	// WaitingOn are the tasks this one waits for that are not done yet.
	WaitingOn []store.OnboardingTask
	// Buttons are what the contact can do now in one click; CanBlock says they may also
	// say they are blocked. Nothing on the vendor's tasks.
	Buttons  []actionButton
	CanBlock bool
	// CanSnooze offers "Remind me in 2 days"; Snoozed says it was just pressed.
	CanSnooze, Snoozed bool
	// RequestID makes the page's buttons idempotent: a double click acts once.
	RequestID string
	Loc       *time.Location
	Error     string
	Reason    string
	// Form is the task's form, for a form task.
	Form *formView
	// OpenSteps are the other visible tasks not done: what the task can be waiting for.
	OpenSteps []store.OnboardingTask
}

// portalTask shows one task the contact can see.
func (s *Server) portalTask(c *gin.Context) {
	d, t, ok := s.contactTask(c)
	if !ok {
		return
	}
	s.renderTask(c, http.StatusOK, d, t, "", "")
}

// contactTask loads the onboarding and task of the route for the signed-in contact: an
// onboarding of another account, or a task hidden from customers, is not found.
func (s *Server) contactTask(c *gin.Context) (store.OnboardingDetail, store.OnboardingTask, bool) {
	contact := c.MustGet(ctxContact).(store.Contact)
	d, err := s.store.OnboardingDetail(c.Request.Context(), contact.WorkspaceID, c.Param("id"))
	if err == nil && d.AccountID != contact.AccountID {
		err = store.ErrNotFound
	}
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return d, store.OnboardingTask{}, false
	}
	if t, ok := d.Task(c.Param("key")); ok && t.CustomerVisible {
		return d, t, true
	}
	_ = c.Error(notFound("task"))
	return d, store.OnboardingTask{}, false
}

func (s *Server) renderTask(c *gin.Context, status int, d store.OnboardingDetail, t store.OnboardingTask, problem, reason string) {
	s.renderTaskWith(c, status, d, t, problem, reason, nil)
}

// renderTaskWith renders the page with a form as it was filled in (answers and problems
// kept), or, without one, with the form's kept answers.
func (s *Server) renderTaskWith(c *gin.Context, status int, d store.OnboardingDetail, t store.OnboardingTask, problem, reason string, form *formView) {
	page := portalTaskPage{Onboarding: d.Onboarding, Task: t, Loc: accountLocation(d.AccountTimezone),
		RequestID: auth.NewToken(), Error: problem, Reason: reason, Form: form, ContactID: c.MustGet(ctxContact).(store.Contact).ID}
	if form == nil && t.Type == onboarding.TypeForm {
		var err error
		if page.Form, err = s.keptForm(c, d, t); err != nil {
			_ = c.Error(err)
			return
		}
	}
	done := map[string]bool{}
	for _, other := range d.Tasks {
		done[other.Key] = other.Status.Done()
	}
	for _, other := range d.WaitableFor(t.Key) {
		if other.CustomerVisible {
			page.OpenSteps = append(page.OpenSteps, other)
		}
	}
	for _, other := range d.Tasks {
		for _, dep := range t.DependsOn {
			if other.Key == dep && !done[dep] {
				if !other.CustomerVisible { // an internal step: say that much, not its name
					other.Title = "a step on our side"
				}
				page.WaitingOn = append(page.WaitingOn, other)
			}
		}
	}
	actions := customerActions(t)
	if !d.Status.TakesTaskActions() {
		actions = nil
	}
	for _, a := range actions {
		if a == onboarding.ActionBlock {
			page.CanBlock = true
		} else {
			page.Buttons = append(page.Buttons, actionButton{Action: a, Label: buttonLabels[a], Primary: a == onboarding.ActionComplete})
		}
	}
	page.CanSnooze, page.Snoozed = canSnooze(t) && d.Status == onboarding.StatusActive, c.Query("snoozed") == "1"
	var err error
	if page.Comments, err = s.store.TaskComments(c.Request.Context(), d.WorkspaceID, d.ID, t.Key); err != nil {
		_ = c.Error(err)
		return
	}
	page.CommentDraft = c.PostForm("body")
	contact := c.MustGet(ctxContact).(store.Contact)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, status, "portal/task", view{Title: t.Title, CSRF: se.CSRFToken, User: contact.Name, Data: page,
		Live: "/portal/events"})
}

// actionButton is one action on the task page.
type actionButton struct {
	Action  onboarding.Action
	Label   string
	Primary bool
}

var buttonLabels = map[onboarding.Action]string{onboarding.ActionStart: "Start", onboarding.ActionComplete: "Mark complete",
	onboarding.ActionUnblock: "It is unblocked"}

// customerActions are what a contact may do with a task now: their own side's tasks only,
// the actions its status allows, those that wait for dependencies only once they are done.
func customerActions(t store.OnboardingTask) []onboarding.Action {
	if t.Owner != onboarding.OwnerCustomer {
		return nil
	}
	var out []onboarding.Action
	for _, a := range onboarding.ActionsFrom(t.Status) {
		formDone := a == onboarding.ActionComplete && t.Type == onboarding.TypeForm // done by submitting the form
		if a.ForCustomers() && !formDone && (!a.NeedsDependencies() || t.NextStep) {
			out = append(out, a)
		}
	}
	return out
}

// portalTaskAction applies a contact's action to their task: the same Temporal Update
// as the API's. The page's request id makes a double click act once; a refused
// transition comes back on the page with why.
func (s *Server) portalTaskAction(c *gin.Context) {
	d, t, ok := s.contactTask(c)
	if !ok {
		return
	}
	action, ok := onboarding.ParseAction(c.Param("action"))
	if !ok || !action.ForCustomers() || t.Owner != onboarding.OwnerCustomer || (action == onboarding.ActionComplete && t.Type == onboarding.TypeForm) {
		s.renderTask(c, http.StatusConflict, d, t, "This is not something you can do here: "+t.Title+" is for "+
			ownerWords(t.Owner)+", a form is completed by submitting it, and completed tasks can only be reopened by your onboarding team.", "")
		return
	}
	reason, err := formText(c, "reason", onboarding.MaxReasonLength)
	if err != nil {
		s.renderTask(c, http.StatusBadRequest, d, t, err.Error(), "")
		return
	}
	rid, err := formText(c, "request_id", 100)
	if err != nil || len(rid) < 16 {
		s.renderTask(c, http.StatusBadRequest, d, t, "This page is out of date: reload it and try again.", reason)
		return
	}
	blockedBy := c.PostForm("blocked_by")
	if action == onboarding.ActionBlock && blockedBy == "" && reason == "" {
		s.renderTask(c, http.StatusBadRequest, d, t, "Say what is in the way, or choose the step you are waiting for.", reason)
		return
	}
	if blockedBy != "" && !visibleTask(d, blockedBy) { // a hidden step is not theirs to name
		s.renderTask(c, http.StatusBadRequest, d, t, "Choose one of the steps listed, or describe what is in the way.", reason)
		return
	}
	contact := c.MustGet(ctxContact).(store.Contact)
	a := onboarding.TaskAction{RequestID: "portal:" + rid, TaskKey: t.Key, Action: action, Reason: reason, BlockedBy: blockedBy,
		Actor: "contact:" + contact.ID, ActorSide: onboarding.OwnerCustomer}
	_, err = s.engine.Act(c.Request.Context(), d.Onboarding, a)
	var refused *onboarding.TransitionError
	if errors.As(err, &refused) {
		d, t, _ = s.contactTask(c) // show the task as it stands now
		s.renderTask(c, classify(err).Status, d, t, refused.Message, reason)
		return
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/portal/onboardings/"+d.ID+"/tasks/"+t.Key)
}

// ownerWords names a side the way the portal speaks to a customer.
func ownerWords(o onboarding.Owner) string {
	if o.IsCustomer() {
		return "your team"
	}
	return "our team"
}

// visibleTask reports whether key is a task of d the customer can see.
func visibleTask(d store.OnboardingDetail, key string) bool {
	for _, t := range d.Tasks {
		if t.Key == key {
			return t.CustomerVisible
		}
	}
	return false
}
