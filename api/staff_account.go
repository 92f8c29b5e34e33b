package api

import (
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/store"
)

// accountPageData is a staff member's own account page.
type accountPageData struct {
	Me      store.StaffUser
	Problem error
	Saved   bool
}

// staffMyAccount shows the signed-in staff member's account and the password form.
func (s *Server) staffMyAccount(c *gin.Context) {
	s.renderMyAccount(c, http.StatusOK, accountPageData{Saved: c.Query("saved") == "1"})
}

func (s *Server) renderMyAccount(c *gin.Context, status int, p accountPageData) {
	p.Me = c.MustGet(ctxStaff).(store.StaffUser)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, status, "staff/account_me", view{Title: "Your account", CSRF: se.CSRFToken, User: p.Me.Name, Data: p})
}

// staffChangePassword changes the signed-in staff member's password: the current one,
// then the new one twice. Their other sessions end; this one stays.
func (s *Server) staffChangePassword(c *gin.Context) {
	me := c.MustGet(ctxStaff).(store.StaffUser)
	current, next := c.PostForm("current_password"), c.PostForm("new_password")
	var problem error
	switch n := utf8.RuneCountInString(next); {
	case auth.CheckPassword(me.PasswordHash, current) != nil:
		problem = input.Refuse("current_password", "that is not your current password")
	case n < minStaffPassword || n > 200:
		problem = input.Refuse("new_password", "between %d and 200 characters", minStaffPassword)
	case next != c.PostForm("confirm_password"):
		problem = input.Refuse("confirm_password", "the two new passwords differ")
	}
	if problem != nil {
		s.renderMyAccount(c, http.StatusBadRequest, accountPageData{Problem: problem})
		return
	}
	hash, err := auth.HashPassword(next)
	if err == nil {
		err = s.store.SetStaffPassword(c.Request.Context(), me.WorkspaceID, me.ID, hash, c.MustGet(ctxSession).(store.Session).IDHash)
	}
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/account?saved=1")
}
