package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/store"
)

type portalSettingsPage struct {
	Contact store.Contact
	Session store.Session
}

// portalSettings shows the contact's profile and their sign-in: when this session
// started and a way to sign out on every device.
func (s *Server) portalSettings(c *gin.Context) {
	contact := c.MustGet(ctxContact).(store.Contact)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, http.StatusOK, "portal/settings", view{Title: "Settings", CSRF: se.CSRFToken, User: contact.Name,
		Data: portalSettingsPage{Contact: contact, Session: se}})
}
