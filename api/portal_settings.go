package api

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/store"
)

type portalSettingsPage struct {
	Contact store.Contact
	Session store.Session
	Choices []reminderChoice
	Saved   bool
}

// reminderChoice is one of the reminder-email preferences, as the page offers it.
type reminderChoice struct {
	Value, Label, Help string
}

var reminderChoices = []reminderChoice{
	{store.ReminderEmailsAll, "Every reminder", "When a task becomes yours, before it is due, on the day and when it is late: at most one email a day."},
	{store.ReminderEmailsOverdue, "Only when something is late", "Just the tasks past their due date."},
	{store.ReminderEmailsNone, "No reminder emails", "Your onboarding team is still told when a task stays overdue."},
}

// portalSettings shows the contact's profile and their sign-in: when this session
// started and a way to sign out on every device.
func (s *Server) portalSettings(c *gin.Context) {
	contact := c.MustGet(ctxContact).(store.Contact)
	se := c.MustGet(ctxSession).(store.Session)
	s.pages.render(c, http.StatusOK, "portal/settings", view{Title: "Settings", CSRF: se.CSRFToken, User: contact.Name,
		Data: portalSettingsPage{Contact: contact, Session: se, Choices: reminderChoices, Saved: c.Query("saved") == "1"}})
}

// portalSaveSettings records which reminder emails the contact wants.
func (s *Server) portalSaveSettings(c *gin.Context) {
	contact := c.MustGet(ctxContact).(store.Contact)
	choice := c.PostForm("reminder_emails")
	if !slices.Contains(store.ReminderEmailChoices, choice) {
		_ = c.Error(badRequest("reminder_emails: choose one of the options"))
		return
	}
	if _, err := s.store.SetReminderEmails(c.Request.Context(), contact.WorkspaceID, contact.ID, choice); err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/portal/settings?saved=1")
}
