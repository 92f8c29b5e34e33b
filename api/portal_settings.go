package api

import (
	"errors"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/store"
)

type portalSettingsPage struct {
	Contact store.Contact
	Session store.Session
	Choices []reminderChoice
	Saved   bool
	// ZoneSaved says the time zone was just saved; AccountZone is the one used without it.
	ZoneSaved   bool
	AccountZone string
	// ZoneProblem says why the time zone typed was refused.
	ZoneProblem string
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
	s.renderPortalSettings(c, http.StatusOK, contact, "")
}

// renderPortalSettings shows the Settings page, with a refusal of the time zone typed
// (kept in the field) when there is one.
func (s *Server) renderPortalSettings(c *gin.Context, status int, contact store.Contact, problem string) {
	se := c.MustGet(ctxSession).(store.Session)
	zone := "UTC"
	if a, err := s.store.Account(c.Request.Context(), contact.WorkspaceID, contact.AccountID); err == nil {
		zone = a.Timezone
	}
	s.pages.render(c, status, "portal/settings", view{Title: "Settings", CSRF: se.CSRFToken, User: contact.Name,
		Data: portalSettingsPage{Contact: contact, Session: se, Choices: reminderChoices, Saved: c.Query("saved") == "1",
			ZoneSaved: c.Query("saved") == "zone", AccountZone: zone, ZoneProblem: problem}})
}

// portalSaveTimeZone records the contact's own time zone ("" for the company's); the
// reminders of their assigned tasks follow it.
func (s *Server) portalSaveTimeZone(c *gin.Context) {
	ctx := c.Request.Context()
	contact := c.MustGet(ctxContact).(store.Contact)
	zone, err := contactTimezone(c.PostForm("timezone"))
	if err != nil {
		var ie *input.Error
		if errors.As(err, &ie) {
			contact.Timezone = c.PostForm("timezone")
			s.renderPortalSettings(c, http.StatusBadRequest, contact, ie.Error())
			return
		}
		_ = c.Error(err)
		return
	}
	if zone != contact.Timezone {
		updated, err := s.store.SetContactTimezone(ctx, contact.WorkspaceID, contact.ID, zone)
		if err != nil {
			_ = c.Error(err)
			return
		}
		s.followContactTimeZone(ctx, updated, "contact:"+contact.ID)
	}
	c.Redirect(http.StatusSeeOther, "/portal/settings?saved=zone#time-zone")
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
