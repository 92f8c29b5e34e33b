package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/store"
)

// staffInput is what a client or the team page says about a new staff member.
type staffInput struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// minStaffPassword is the shortest first password an admin may give a staff member.
const minStaffPassword = 12

// checkRole checks a staff role.
func checkRole(role string) error {
	if !slices.Contains(store.Roles, role) {
		return input.Refuse("role", "%s is not a role: choose %s", input.Quote(role), strings.Join(store.Roles, ", "))
	}
	return nil
}

// addStaff checks and stores a new staff member of the workspace, who signs in with the
// email and the password given (and is asked by the admin to change it): one path for the
// API and the team page.
func (s *Server) addStaff(ctx context.Context, workspaceID string, in staffInput) (store.StaffUser, error) {
	u := store.StaffUser{WorkspaceID: workspaceID, Role: in.Role}
	var err error
	if u.Name, err = required("name", &in.Name, maxName); err != nil {
		return u, err
	}
	email, err := required("email", &in.Email, input.MaxEmailLength)
	if err == nil {
		u.Email, err = input.Email("email", email)
	}
	if err == nil {
		err = checkRole(in.Role)
	}
	if err != nil {
		return u, err
	}
	if n := utf8.RuneCountInString(in.Password); n < minStaffPassword || n > 200 {
		return u, input.Refuse("password", "between %d and 200 characters", minStaffPassword)
	}
	if u.PasswordHash, err = auth.HashPassword(in.Password); err != nil {
		return u, err
	}
	created, err := s.store.CreateStaffUser(ctx, u)
	if err != nil {
		return u, conflictAs(err, "email: someone already signs in to Onboard with this email")
	}
	return created, nil
}

// staffChangeError says a refused team change in the client's terms.
func staffChangeError(err error) error {
	if errors.Is(err, store.ErrLastAdmin) {
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: "the workspace needs at least one admin: make someone else an admin first"}
	}
	return notFoundAs(err, "staff member")
}

func (s *Server) apiStaff(c *gin.Context) {
	list, err := s.store.StaffUsers(c.Request.Context(), workspaceID(c))
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, orEmpty(list))
}

func (s *Server) apiAddStaff(c *gin.Context) {
	var in staffInput
	if err := decodeJSON(c, &in); err != nil {
		_ = c.Error(err)
		return
	}
	u, err := s.addStaff(c.Request.Context(), workspaceID(c), in)
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusCreated, u)
}

// apiPatchStaff changes a staff member's role: PATCH {"role"}.
func (s *Server) apiPatchStaff(c *gin.Context) {
	var body struct {
		Role *string `json:"role"`
	}
	if err := decodeJSON(c, &body); err != nil {
		_ = c.Error(err)
		return
	}
	if body.Role == nil {
		_ = c.Error(badRequest("role: required, one of %s", strings.Join(store.Roles, ", ")))
		return
	}
	if err := checkRole(*body.Role); err != nil {
		_ = c.Error(err)
		return
	}
	u, err := s.store.SetStaffRole(c.Request.Context(), workspaceID(c), c.Param("id"), *body.Role)
	if err != nil {
		_ = c.Error(staffChangeError(err))
		return
	}
	c.JSON(http.StatusOK, u)
}

func (s *Server) apiDeleteStaff(c *gin.Context) {
	if err := s.store.DeleteStaffUser(c.Request.Context(), workspaceID(c), c.Param("id")); err != nil {
		_ = c.Error(staffChangeError(err))
		return
	}
	c.Status(http.StatusNoContent)
}

// teamPage is the staff page of the workspace's team.
type teamPage struct {
	Staff   []store.StaffUser
	Roles   []string
	Me      store.StaffUser
	CanEdit bool
	Form    *formState
	Problem string
	Notice  string
}

func (s *Server) staffTeam(c *gin.Context) {
	notice := map[string]string{"added": "Added. Give them the email and password you chose; they can sign in at once.",
		"saved": "Saved.", "removed": "Removed: their sessions have ended."}[c.Query("done")]
	s.renderTeam(c, http.StatusOK, teamPage{Notice: notice})
}

func (s *Server) renderTeam(c *gin.Context, status int, p teamPage) {
	var err error
	if p.Staff, err = s.store.StaffUsers(c.Request.Context(), workspaceID(c)); err != nil {
		_ = c.Error(err)
		return
	}
	p.Me = c.MustGet(ctxStaff).(store.StaffUser)
	p.Roles, p.CanEdit = store.Roles, p.Me.CanAdminister()
	if p.Form == nil {
		p.Form = &formState{Name: "staff", Values: map[string]string{"role": store.RoleCSM}}
	}
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, status, "staff/team", view{Title: "Team", CSRF: se.CSRFToken, User: p.Me.Name, Data: p})
}

// staffAddStaff adds a staff member from the team page's form.
func (s *Server) staffAddStaff(c *gin.Context) {
	form := readForm(c, "staff", "name", "email", "role")
	in := staffInput{Role: form.Value("role"), Password: c.PostForm("password")}
	var err error
	if in.Name, err = input.Text("name", form.Value("name")); err == nil {
		if in.Email, err = input.Text("email", form.Value("email")); err == nil {
			_, err = s.addStaff(c.Request.Context(), workspaceID(c), in)
		}
	}
	err = conflictField(err, "email", "someone already signs in to Onboard with this email")
	if refused, err := form.refused(err); refused {
		s.renderTeam(c, http.StatusBadRequest, teamPage{Form: form})
		return
	} else if err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/settings/team?done=added")
}

// staffSetRole changes a staff member's role from the team page.
func (s *Server) staffSetRole(c *gin.Context) {
	role := c.PostForm("role")
	err := checkRole(role)
	if err == nil {
		_, err = s.store.SetStaffRole(c.Request.Context(), workspaceID(c), c.Param("id"), role)
	}
	s.teamChanged(c, err, "saved")
}

// staffRemoveStaff removes a staff member (not oneself) from the team page.
func (s *Server) staffRemoveStaff(c *gin.Context) {
	var err error
	if c.Param("id") == c.MustGet(ctxStaff).(store.StaffUser).ID {
		err = input.Refuse("staff", "you cannot remove yourself: ask another admin")
	} else {
		err = s.store.DeleteStaffUser(c.Request.Context(), workspaceID(c), c.Param("id"))
	}
	s.teamChanged(c, err, "removed")
}

// teamChanged answers a team change: the page again with the reason when it was refused
// (400, or 409 for the last admin), 404 for someone not on the team, else back to the page.
func (s *Server) teamChanged(c *gin.Context, err error, done string) {
	var refused *input.Error
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, "/staff/settings/team?done="+done)
	case errors.As(err, &refused):
		s.renderTeam(c, http.StatusBadRequest, teamPage{Problem: refused.Error()})
	case errors.Is(err, store.ErrLastAdmin):
		s.renderTeam(c, http.StatusConflict, teamPage{Problem: staffChangeError(err).Error()})
	default:
		_ = c.Error(staffChangeError(err))
	}
}
