package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// formView is a form task's form on its page.
type formView struct {
	Fields []fieldView
	// Editable is false once the task is done: the answers are shown, read only.
	Editable  bool
	Submitted bool
	Saved     bool // a draft was just saved
}

// fieldView is one field with its answer and, after a failed submit, what is wrong.
type fieldView struct {
	onboarding.Field
	Value   string
	Problem string
}

// formFields returns the fields of a form task, from the exact plan the onboarding
// started with.
func (s *Server) formFields(c *gin.Context, d store.OnboardingDetail, t store.OnboardingTask) ([]onboarding.Field, error) {
	tpl, err := s.store.PlanTemplate(c.Request.Context(), d.PlanTemplateID)
	if err != nil {
		return nil, err
	}
	plan, err := tpl.Decode()
	if err != nil {
		return nil, err
	}
	task, _, _ := plan.Task(t.Key)
	return task.Fields, nil
}

// keptForm is the form with the answers kept for it.
func (s *Server) keptForm(c *gin.Context, d store.OnboardingDetail, t store.OnboardingTask) (*formView, error) {
	fields, err := s.formFields(c, d, t)
	if err != nil {
		return nil, err
	}
	kept, err := s.store.FormAnswersOf(c.Request.Context(), d.WorkspaceID, d.ID, t.Key)
	if err != nil {
		return nil, err
	}
	return newFormView(t, fields, kept.Answers, nil, kept.Status == store.FormSubmitted), nil
}

func newFormView(t store.OnboardingTask, fields []onboarding.Field, answers, problems map[string]string, submitted bool) *formView {
	f := &formView{Editable: t.Owner == onboarding.OwnerCustomer && !t.Status.Done(), Submitted: submitted}
	for _, field := range fields {
		f.Fields = append(f.Fields, fieldView{Field: field, Value: answers[field.Key], Problem: problems[field.Key]})
	}
	return f
}

// portalForm saves a form task's answers as a draft, or submits them: the answers are
// checked and kept in Postgres first, then the task is completed with the same Update as
// every task action. A form that does not pass comes back with the answers kept and what
// is wrong next to each field.
func (s *Server) portalForm(c *gin.Context) {
	d, t, ok := s.contactTask(c)
	if !ok {
		return
	}
	fields, err := s.formFields(c, d, t)
	if err != nil {
		_ = c.Error(err)
		return
	}
	if t.Type != onboarding.TypeForm || t.Owner != onboarding.OwnerCustomer || t.Status.Done() {
		if s.sameSubmit(c, d, t) { // a double click on Submit: the first one did it
			c.Redirect(http.StatusSeeOther, "/portal/onboardings/"+d.ID+"/tasks/"+t.Key)
			return
		}
		s.renderTask(c, http.StatusConflict, d, t, "This form cannot be changed now: it was submitted, or it is not yours to fill in.", "")
		return
	}
	raw := map[string]string{}
	for _, f := range fields {
		raw[f.Key] = c.PostForm("f:" + f.Key)
	}
	draft := c.PostForm("intent") == "draft"
	answers, problems := onboarding.CheckAnswers(fields, raw, draft)
	if len(problems) > 0 {
		s.renderTaskWith(c, http.StatusBadRequest, d, t, "Some answers need another look.", "", newFormView(t, fields, raw, problems, false))
		return
	}
	contact := c.MustGet(ctxContact).(store.Contact)
	kept := store.FormAnswers{OnboardingID: d.ID, TaskKey: t.Key, WorkspaceID: d.WorkspaceID, Answers: answers,
		Status: store.FormDraft, UpdatedBy: "contact:" + contact.ID}
	if err := s.store.SaveFormAnswers(c.Request.Context(), kept); err != nil {
		_ = c.Error(err)
		return
	}
	if draft {
		view := newFormView(t, fields, answers, nil, false)
		view.Saved = true
		s.renderTaskWith(c, http.StatusOK, d, t, "", "", view)
		return
	}
	s.submitForm(c, d, t, fields, kept)
}

// submitForm completes the form task with its kept answers and marks them submitted.
func (s *Server) submitForm(c *gin.Context, d store.OnboardingDetail, t store.OnboardingTask, fields []onboarding.Field, kept store.FormAnswers) {
	rid, err := formText(c, "request_id", 100)
	if err != nil || len(rid) < 16 {
		s.renderTaskWith(c, http.StatusBadRequest, d, t, "This page is out of date: reload it and submit again.", "",
			newFormView(t, fields, kept.Answers, nil, false))
		return
	}
	a := onboarding.TaskAction{RequestID: "portal:" + rid, TaskKey: t.Key, Action: onboarding.ActionComplete,
		Actor: kept.UpdatedBy, ActorSide: onboarding.OwnerCustomer}
	_, err = s.engine.Act(c.Request.Context(), d.Onboarding, a)
	var refused *onboarding.TransitionError
	if errors.As(err, &refused) {
		s.renderTaskWith(c, classify(err).Status, d, t, refused.Message+" Your answers are saved as a draft.", "",
			newFormView(t, fields, kept.Answers, nil, false))
		return
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	kept.Status, kept.RequestID = store.FormSubmitted, rid
	if err := s.store.SaveFormAnswers(c.Request.Context(), kept); err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/portal/onboardings/"+d.ID+"/tasks/"+t.Key)
}

// sameSubmit reports whether the post repeats the request that submitted the form.
func (s *Server) sameSubmit(c *gin.Context, d store.OnboardingDetail, t store.OnboardingTask) bool {
	kept, err := s.store.FormAnswersOf(c.Request.Context(), d.WorkspaceID, d.ID, t.Key)
	rid := c.PostForm("request_id")
	return err == nil && kept.Status == store.FormSubmitted && rid != "" && kept.RequestID == rid
}
