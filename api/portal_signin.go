package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/auth"
	"github.com/onboard-oss/onboard/internal/store"
)

type signinPage struct {
	Valid   bool
	Contact string
	Action  string
}

// portalSigninPage shows a Continue button for a magic link. Email security scanners
// open links before people do, so only the POST spends the token.
func (s *Server) portalSigninPage(c *gin.Context) {
	data := signinPage{Action: c.Request.URL.Path}
	link, err := s.store.MagicLink(c.Request.Context(), auth.Hash(c.Param("token")))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		_ = c.Error(err) // an outage, not an expired link
		return
	}
	var b *brand
	if err == nil {
		data.Valid = true
		if ct, err := s.store.Contact(c.Request.Context(), link.WorkspaceID, link.ContactID); err == nil {
			data.Contact = ct.Name
		}
		// The page the invite lands on wears the workspace's branding, as the email did.
		if ws, err := s.store.Workspace(c.Request.Context(), link.WorkspaceID); err == nil {
			b = brandOf(ws)
		}
	}
	status := http.StatusOK
	if !data.Valid {
		status = http.StatusNotFound
	}
	c.Header("Referrer-Policy", "no-referrer")
	s.pages.render(c, status, "portal/signin", view{Title: "Sign in", CSRF: s.formCSRF(c), Data: data, Brand: b})
}

// portalSignin spends the magic link and signs the contact in.
func (s *Server) portalSignin(c *gin.Context) {
	link, err := s.store.SpendMagicLink(c.Request.Context(), auth.Hash(c.Param("token")))
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		_ = c.Error(err)
		return
	}
	if err != nil {
		s.pages.render(c, http.StatusNotFound, "portal/signin", view{Title: "Sign in", CSRF: s.formCSRF(c), Data: signinPage{}})
		return
	}
	contactID := link.ContactID
	if err := s.startSession(c, store.Session{WorkspaceID: link.WorkspaceID, ContactID: &contactID}); err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/portal")
}

func (s *Server) portalSignedOut(c *gin.Context) {
	s.pages.render(c, http.StatusOK, "portal/signed_out", view{Title: "Signed out"})
}
