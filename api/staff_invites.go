package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/activities"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/store"
)

type invitePage struct {
	Onboarding store.Onboarding
	Contact    store.Contact
	Resend     bool
	RequestID  string
	// Days is how long the invite link lasts (a workspace setting).
	Days int
}

// onboardingContact loads the onboarding of the route and one of its account's contacts.
func (s *Server) onboardingContact(c *gin.Context) (store.Onboarding, store.Contact, bool) {
	ctx := c.Request.Context()
	o, err := s.store.Onboarding(ctx, workspaceID(c), c.Param("id"))
	if err != nil {
		_ = c.Error(notFoundAs(err, "onboarding"))
		return o, store.Contact{}, false
	}
	ct, err := s.store.Contact(ctx, workspaceID(c), c.Param("contact_id"))
	if err == nil && ct.AccountID != o.AccountID {
		err = store.ErrNotFound
	}
	if err != nil {
		_ = c.Error(notFoundAs(err, "contact"))
		return o, ct, false
	}
	return o, ct, true
}

// staffInvitePage asks to confirm an invite, showing who it goes to, as staff expect before
// an email leaves in their name.
func (s *Server) staffInvitePage(c *gin.Context) {
	o, ct, ok := s.onboardingContact(c)
	if !ok {
		return
	}
	ws, err := s.store.Workspace(c.Request.Context(), o.WorkspaceID)
	if err != nil {
		_ = c.Error(err)
		return
	}
	u := c.MustGet(ctxStaff).(store.StaffUser)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, http.StatusOK, "staff/invite", view{Title: "Invite " + ct.Name, CSRF: se.CSRFToken, User: u.Name,
		Data: invitePage{Onboarding: o, Contact: ct, Resend: c.Query("resend") == "1", RequestID: newRequestID(), Days: ws.InviteDays}})
}

// staffInvite sends the invite (through the same Notify workflow as the API's): the email's
// button signs the contact in, and it replaces any earlier invite link.
func (s *Server) staffInvite(c *gin.Context) {
	o, ct, ok := s.onboardingContact(c)
	if !ok {
		return
	}
	if err := s.invitable(c.Request.Context(), ct); err != nil {
		_ = c.Error(err)
		return
	}
	rid, err := formText(c, "request_id", 100)
	if err != nil || len(rid) < 16 {
		_ = c.Error(badRequest("this page is out of date: go back, reload it and try again"))
		return
	}
	in := activities.NotifyInput{Key: "invite:" + ct.ID + ":" + rid, Kind: notify.KindInvite, WorkspaceID: ct.WorkspaceID, ContactID: ct.ID}
	if err := s.engine.Notify(c.Request.Context(), in); err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/onboardings/"+o.ID+"?invited="+ct.ID+"#contacts")
}
