package api

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// settingsInput is what an admin may change in workspace settings, in the API's terms.
// The API's PATCH and the settings page both fill one and save it through
// saveWorkspaceSettings, so both accept and refuse the same values.
type settingsInput struct {
	Name           string                      `json:"name"`
	EmailFrom      string                      `json:"email_from"`
	AccentColor    string                      `json:"accent_color"`
	LogoURL        string                      `json:"logo_url"`
	InviteLinkDays int                         `json:"invite_link_days"`
	Reminders      onboarding.ReminderSettings `json:"reminders"`
	Holidays       []string                    `json:"holidays"`
	// SlackBotToken is write-only: nil keeps the token, "" removes it.
	SlackBotToken *string `json:"slack_bot_token,omitempty"`
}

// settingsJSON is the workspace's settings as the API shows them.
type settingsJSON struct {
	ID       string `json:"id"`
	Slug     string `json:"slug"`
	Timezone string `json:"timezone"`
	settingsInput
	Slack slackJSON `json:"slack"`
}

// slackJSON says whether the workspace's CSMs are nudged in Slack, never the token.
type slackJSON struct {
	// TokenSource is "workspace" (its own token), "server" (SLACK_BOT_TOKEN) or "none".
	TokenSource string     `json:"token_source"`
	Status      string     `json:"status"`
	Error       string     `json:"error,omitempty"`
	CheckedAt   *time.Time `json:"checked_at"`
}

func (s *Server) settingsOf(ws store.Workspace) settingsJSON {
	r := onboarding.DefaultReminderSettings()
	if p := ws.Reminders(); p != nil {
		r = *p
	}
	src := "none"
	switch {
	case ws.SlackBotToken != "":
		src = "workspace"
	case s.cfg.SlackBotToken != "":
		src = "server"
	}
	return settingsJSON{ID: ws.ID, Slug: ws.Slug, Timezone: ws.Timezone,
		settingsInput: settingsInput{Name: ws.Name, EmailFrom: ws.EmailFrom, AccentColor: ws.AccentColor, LogoURL: ws.LogoURL,
			InviteLinkDays: ws.InviteDays, Reminders: r, Holidays: orEmpty([]string(ws.Holidays))},
		Slack: slackJSON{TokenSource: src, Status: ws.SlackStatus, Error: ws.SlackError, CheckedAt: ws.SlackCheckedAt}}
}

// apiWorkspace shows the workspace's settings.
func (s *Server) apiWorkspace(c *gin.Context) {
	ws, err := s.store.Workspace(c.Request.Context(), workspaceID(c))
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, s.settingsOf(ws))
}

// apiPatchWorkspace changes some of the workspace's settings: the fields given replace
// the current ones (in "reminders", each setting given replaces its own), the rest stay.
func (s *Server) apiPatchWorkspace(c *gin.Context) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		_ = c.Error(err) // too big: 413
		return
	}
	ws, err := s.saveWorkspaceSettings(c.Request.Context(), workspaceID(c), func(in *settingsInput) error {
		return input.DecodeJSON(body, in)
	})
	if err != nil {
		_ = c.Error(err)
		return
	}
	c.JSON(http.StatusOK, s.settingsOf(ws))
}

// Limits of workspace settings.
const (
	maxWorkspaceName = 100
	maxLogoURL       = 500
	maxSlackToken    = 255
	maxInviteDays    = 90
)

var accentPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// saveWorkspaceSettings changes the workspace's settings as merge says (it gets the
// current ones, locked until saved), checks every setting (an *input.Error names the
// first one refused), asks Slack whether a new bot token works, and saves.
func (s *Server) saveWorkspaceSettings(ctx context.Context, workspaceID string, merge func(*settingsInput) error) (store.Workspace, error) {
	var newToken *string
	checked := false
	ws, err := s.store.EditWorkspace(ctx, workspaceID, func(ws store.Workspace) (store.WorkspaceSettings, error) {
		in := s.settingsOf(ws).settingsInput
		if err := merge(&in); err != nil {
			return store.WorkspaceSettings{}, err
		}
		out, ok, err := s.checkSettings(ctx, in)
		newToken, checked = out.SlackBotToken, ok
		return out, err
	})
	if err == nil && checked { // Slack said yes: working until a send finds otherwise
		if err := s.store.SetSlackStatus(ctx, workspaceID, *newToken, "ok", ""); err == nil {
			now := time.Now()
			ws.SlackStatus, ws.SlackCheckedAt = "ok", &now
		}
	}
	return ws, err
}

// checkSettings checks every setting and asks Slack about a new bot token (checked says
// it was asked and said yes).
func (s *Server) checkSettings(ctx context.Context, in settingsInput) (out store.WorkspaceSettings, checked bool, err error) {
	out = store.WorkspaceSettings{InviteDays: in.InviteLinkDays, Reminders: in.Reminders}
	if out.Name, err = input.Text("name", in.Name); err != nil {
		return out, false, err
	}
	if out.Name == "" || len([]rune(out.Name)) > maxWorkspaceName {
		return out, false, input.Refuse("name", "required, at most %d characters", maxWorkspaceName)
	}
	if out.EmailFrom, err = senderAddress(in.EmailFrom); err != nil {
		return out, false, err
	}
	if !accentPattern.MatchString(in.AccentColor) {
		return out, false, input.Refuse("accent_color", "%s is not a colour such as #3157d5", input.Quote(in.AccentColor))
	}
	out.AccentColor = strings.ToLower(in.AccentColor)
	if out.LogoURL, err = logoURL(in.LogoURL); err != nil {
		return out, false, err
	}
	if in.InviteLinkDays < 1 || in.InviteLinkDays > maxInviteDays {
		return out, false, input.Refuse("invite_link_days", "must be from 1 to %d days", maxInviteDays)
	}
	if err := in.Reminders.Check(); err != nil {
		var ie *input.Error
		if errors.As(err, &ie) {
			ie.Field = "reminders." + ie.Field
		}
		return out, false, err
	}
	if out.Holidays, err = onboarding.WorkspaceHolidays(in.Holidays, time.Now()); err != nil {
		return out, false, err
	}
	if in.SlackBotToken != nil {
		token := strings.TrimSpace(*in.SlackBotToken)
		if checked, err = s.checkSlackToken(ctx, token); err != nil {
			return out, false, err
		}
		out.SlackBotToken = &token
	}
	return out, checked, nil
}

// senderAddress checks a workspace's sender: empty (the server's), or one address with
// or without a display name ("Acme Onboarding <onboarding@acme.com>").
func senderAddress(v string) (string, error) {
	v, err := input.Text("email_from", v)
	if err != nil || v == "" {
		return "", err
	}
	a, perr := mail.ParseAddress(v)
	if perr != nil || len(v) > 2*input.MaxEmailLength {
		return "", input.Refuse("email_from", "%s is not a sender such as Acme <onboarding@acme.com>", input.Quote(v))
	}
	if _, err := input.Email("email_from", strings.ToLower(a.Address)); err != nil {
		return "", err
	}
	return v, nil // as typed: a.String() would quote the name and change what the admin sees
}

// logoURL checks a logo's address: empty, or an https URL (the pages' CSP loads images
// from https only, and so do mail clients worth having).
func logoURL(v string) (string, error) {
	v, err := input.Text("logo_url", v)
	if err != nil || v == "" {
		return "", err
	}
	u, perr := url.Parse(v)
	if perr != nil || u.Scheme != "https" || u.Host == "" || len(v) > maxLogoURL || strings.ContainsAny(v, " \t\r\n") {
		return "", input.Refuse("logo_url", "%s is not an https:// address of at most %d characters", input.Quote(v), maxLogoURL)
	}
	return u.String(), nil
}

// checkSlackToken refuses a bot token Slack does not accept, and reports whether Slack
// was asked. A Slack that cannot be reached does not stop the token being saved
// (unchecked): sending reports on it later.
func (s *Server) checkSlackToken(ctx context.Context, token string) (bool, error) {
	if token == "" {
		return false, nil
	}
	if len(token) > maxSlackToken || !strings.HasPrefix(token, "xoxb-") || strings.ContainsAny(token, " \t\r\n") {
		return false, input.Refuse("slack_bot_token", "is not a Slack bot token (they begin xoxb-)")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, _, err := notify.NewSlack(s.cfg.SlackAPIURL).Check(ctx, token)
	switch {
	case notify.IsTokenError(err):
		return false, input.Refuse("slack_bot_token", "Slack does not accept this token (it answers %s)", notify.SlackErrorCode(err))
	case err != nil:
		s.log.Warn("could not ask Slack about a bot token; saving it unchecked", "error", err)
		return false, nil
	}
	return true, nil
}

// settingsPage is the staff settings page: the form (as typed, when refused), and what
// the signed-in user may do.
type settingsPage struct {
	Settings settingsJSON
	Form     *formState
	Saved    bool
	CanEdit  bool
}

// formValues is the form's fields for a workspace's settings.
func formValues(in settingsInput) map[string]string {
	r := in.Reminders
	v := map[string]string{"name": in.Name, "email_from": in.EmailFrom, "accent_color": in.AccentColor,
		"logo_url": in.LogoURL, "invite_link_days": strconv.Itoa(in.InviteLinkDays),
		"holidays": strings.Join(in.Holidays, "\n")}
	for name, n := range map[string]int{"turn_delay_minutes": r.TurnDelayMinutes, "before_days": r.BeforeDays,
		"overdue_every_days": r.OverdueEveryDays, "overdue_cap": r.OverdueCap, "window_start_hour": r.WindowStartHour,
		"window_end_hour": r.WindowEndHour, "blocked_after_hours": r.BlockedAfterHours, "stale_after_days": r.StaleAfterDays} {
		v[name] = strconv.Itoa(n)
	}
	if r.ShiftOnResume {
		v["shift_on_resume"] = "on"
	}
	return v
}

// settingsFromForm reads the settings form into in, keeping every value as typed.
func settingsFromForm(c *gin.Context, in *settingsInput) (map[string]string, error) {
	vals := map[string]string{}
	for _, f := range []string{"name", "email_from", "accent_color", "logo_url", "invite_link_days", "holidays",
		"turn_delay_minutes", "before_days", "overdue_every_days", "overdue_cap", "window_start_hour",
		"window_end_hour", "blocked_after_hours", "stale_after_days", "shift_on_resume"} {
		vals[f] = c.PostForm(f)
	}
	in.Name, in.EmailFrom, in.AccentColor, in.LogoURL = vals["name"], vals["email_from"], vals["accent_color"], vals["logo_url"]
	in.Holidays = strings.FieldsFunc(vals["holidays"], func(r rune) bool { return r == ',' || r == '\n' || r == '\r' || r == ' ' })
	r := &in.Reminders
	r.ShiftOnResume = vals["shift_on_resume"] != ""
	for _, f := range []struct {
		name string
		dst  *int
	}{{"invite_link_days", &in.InviteLinkDays}, {"turn_delay_minutes", &r.TurnDelayMinutes}, {"before_days", &r.BeforeDays},
		{"overdue_every_days", &r.OverdueEveryDays}, {"overdue_cap", &r.OverdueCap}, {"window_start_hour", &r.WindowStartHour},
		{"window_end_hour", &r.WindowEndHour}, {"blocked_after_hours", &r.BlockedAfterHours},
		{"stale_after_days", &r.StaleAfterDays}} {
		n, err := strconv.Atoi(strings.TrimSpace(vals[f.name]))
		if err != nil {
			return vals, input.Refuse(f.name, "%s is not a whole number", input.Quote(vals[f.name]))
		}
		*f.dst = n
	}
	switch {
	case c.PostForm("slack_remove") != "":
		empty := ""
		in.SlackBotToken = &empty
	case strings.TrimSpace(c.PostForm("slack_bot_token")) != "":
		t := c.PostForm("slack_bot_token")
		in.SlackBotToken = &t
	}
	return vals, nil
}

// staffSettings shows the workspace's settings; only admins can change them.
func (s *Server) staffSettings(c *gin.Context) {
	ws, err := s.store.Workspace(c.Request.Context(), workspaceID(c))
	if err != nil {
		_ = c.Error(err)
		return
	}
	set := s.settingsOf(ws)
	s.renderSettings(c, http.StatusOK, settingsPage{Settings: set, Form: &formState{Name: "settings", Values: formValues(set.settingsInput)},
		Saved: c.Query("saved") == "1"})
}

// staffSaveSettings saves the settings form. A refused value shows the form again with
// everything as typed and the problem next to its field.
func (s *Server) staffSaveSettings(c *gin.Context) {
	ctx := c.Request.Context()
	ws, err := s.store.Workspace(ctx, workspaceID(c))
	if err != nil {
		_ = c.Error(err)
		return
	}
	set := s.settingsOf(ws)
	var vals map[string]string
	_, err = s.saveWorkspaceSettings(ctx, ws.ID, func(in *settingsInput) error {
		var err error
		vals, err = settingsFromForm(c, in)
		return err
	})
	form := &formState{Name: "settings", Values: vals}
	if refused, err := form.refused(err); refused {
		s.renderSettings(c, http.StatusBadRequest, settingsPage{Settings: set, Form: form})
		return
	} else if err != nil {
		_ = c.Error(err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/staff/settings?saved=1")
}

func (s *Server) renderSettings(c *gin.Context, status int, p settingsPage) {
	u := c.MustGet(ctxStaff).(store.StaffUser)
	se := c.MustGet(ctxSession).(store.Session)
	p.CanEdit = u.CanAdminister()
	s.pages.render(c, status, "staff/settings", view{Title: "Workspace settings", CSRF: se.CSRFToken, User: u.Name, Data: p})
}
