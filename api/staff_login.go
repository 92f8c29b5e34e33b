package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/store"
)

type loginPage struct {
	Email string
	Error string
}

func (s *Server) staffLoginPage(c *gin.Context) {
	s.pages.render(c, http.StatusOK, "staff/login", view{Title: "Staff sign in", CSRF: s.formCSRF(c), Data: loginPage{}})
}

// staffLogin checks an email and password; a wrong one says so without telling which.
func (s *Server) staffLogin(c *gin.Context) {
	email, err := formText(c, "email", input.MaxEmailLength)
	if err != nil {
		email = "" // not shown back: it was not an address
	}
	u, err := s.store.StaffUserByEmail(c.Request.Context(), email)
	if err != nil {
		u = store.StaffUser{} // unknown email: still spend a bcrypt comparison, so timing says nothing
	}
	if pwErr := auth.CheckPassword(u.PasswordHash, c.PostForm("password")); err == nil {
		err = pwErr
	}
	if err != nil {
		s.pages.render(c, http.StatusUnauthorized, "staff/login", view{Title: "Staff sign in", CSRF: s.formCSRF(c),
			Data: loginPage{Email: email, Error: "Wrong email or password."}})
		return
	}
	id := u.ID
	if err := s.startSession(c, store.Session{WorkspaceID: u.WorkspaceID, StaffUserID: &id}); err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff")
}
