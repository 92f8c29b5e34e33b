package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// maxComment bounds a comment's length in characters.
const maxComment = 2000

// addComment checks and stores a comment on a task of the onboarding: one path for the
// portal, the staff page and the API. A contact may comment only on a task they can see.
func (s *Server) addComment(ctx context.Context, d store.OnboardingDetail, key, raw string, c store.TaskComment) (store.TaskComment, error) {
	if task, ok := d.Task(key); !ok || (c.AuthorSide == onboarding.OwnerCustomer && !task.CustomerVisible) {
		return c, notFound("task")
	}
	body, err := input.Text("body", raw)
	if err == nil {
		body = strings.TrimSpace(body)
		if body == "" {
			err = input.Refuse("body", "write something")
		} else {
			err = maxLength("body", body, maxComment)
		}
	}
	if err != nil {
		return c, err
	}
	c.OnboardingID, c.TaskKey, c.Body = d.ID, key, body
	created, err := s.store.AddTaskComment(ctx, d.WorkspaceID, c)
	if errors.Is(err, store.ErrConflict) {
		return c, &Error{Status: http.StatusConflict, Code: "conflict", Message: "this task has too many comments already"}
	}
	return created, err
}

// commentsByTask groups an onboarding's comments by task.
func commentsByTask(list []store.TaskComment) map[string][]store.TaskComment {
	out := map[string][]store.TaskComment{}
	for _, c := range list {
		out[c.TaskKey] = append(out[c.TaskKey], c)
	}
	return out
}

// apiTaskComments lists a task's comments, oldest first.
func (s *Server) apiTaskComments(c *gin.Context) {
	d, err := s.store.OnboardingDetail(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	if _, ok := d.Task(c.Param("key")); !ok {
		_ = c.Error(notFound("task"))
		return
	}
	list, err := s.store.TaskComments(c.Request.Context(), d.WorkspaceID, d.ID, c.Param("key"))
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, orEmpty(list))
}

// apiAddTaskComment adds a comment as the vendor ({"body"}; the author is the API key's
// integration) and answers 201.
func (s *Server) apiAddTaskComment(c *gin.Context) {
	var body struct {
		Body string `json:"body"`
	}
	if err := decodeJSON(c, &body); err != nil {
		_ = c.Error(err)
		return
	}
	d, err := s.store.OnboardingDetail(c.Request.Context(), workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	created, err := s.addComment(c.Request.Context(), d, c.Param("key"), body.Body,
		store.TaskComment{AuthorName: "Integration", AuthorSide: onboarding.OwnerVendor})
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusCreated, created)
}

// portalAddComment posts a contact's comment from the task page.
func (s *Server) portalAddComment(c *gin.Context) {
	d, t, ok := s.contactTask(c)
	if !ok {
		return
	}
	contact := c.MustGet(ctxContact).(store.Contact)
	_, err := s.addComment(c.Request.Context(), d, t.Key, c.PostForm("body"),
		store.TaskComment{ContactID: &contact.ID, AuthorName: contact.Name, AuthorSide: onboarding.OwnerCustomer})
	var refused *input.Error
	switch {
	case errors.As(err, &refused):
		s.renderTask(c, http.StatusBadRequest, d, t, refused.Error(), "")
	case err != nil:
		_ = c.Error(err)
	default:
		c.Redirect(http.StatusSeeOther, "/portal/onboardings/"+d.ID+"/tasks/"+t.Key+"#comments")
	}
}

// staffAddComment posts a staff member's comment from the onboarding page.
func (s *Server) staffAddComment(c *gin.Context) {
	ctx := c.Request.Context()
	d, err := s.store.OnboardingDetail(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	key := c.Param("key")
	_, err = s.addComment(ctx, d, key, c.PostForm("body"),
		store.TaskComment{StaffUserID: &u.ID, AuthorName: u.Name, AuthorSide: onboarding.OwnerVendor})
	var refused *input.Error
	switch {
	case errors.As(err, &refused):
		s.renderStaffDetail(c, http.StatusBadRequest, d, "Comment not added: "+refused.Error())
	case err != nil:
		_ = c.Error(err)
	default:
		c.Redirect(http.StatusSeeOther, "/staff/onboardings/"+d.ID+"#task-"+key)
	}
}
