// Package slackapp answers the buttons of Onboard's Slack messages through Socket Mode, so
// no public URL is needed: "Mark done" on a vendor task and "Snooze 2 days" become the
// same Temporal Updates the dashboard sends, on behalf of the staff user whose email the
// Slack user has, checked against their role. "Open" buttons are links; their clicks are
// acknowledged and nothing else.
package slackapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

// SnoozeFor is how long "Snooze 2 days" puts reminders off.
const SnoozeFor = 48 * time.Hour

// maxInFlight bounds the clicks handled at once; more wait their turn.
const maxInFlight = 16

// Listener holds the Socket Mode connection and acts on button clicks.
type Listener struct {
	// AppToken is the Slack app's app-level token (xapp-…, connections:write).
	AppToken string
	// BotToken is the server's bot token, for workspaces without their own.
	BotToken string
	// APIURL replaces Slack's API address (tests, a proxy); empty is Slack's.
	APIURL string
	Store  *store.Store
	Engine *engine.Engine
	Log    *slog.Logger
	// HTTP posts the replies to Slack's response URLs.
	HTTP *http.Client
}

// Run connects and answers clicks until ctx ends, reconnecting when Slack asks to or the
// connection drops.
func (l *Listener) Run(ctx context.Context) error {
	opts := []slack.Option{slack.OptionAppLevelToken(l.AppToken)}
	if l.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(withSlash(l.APIURL)))
	}
	client := socketmode.New(slack.New("", opts...))
	if l.HTTP == nil {
		l.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(ctx) }()
	slots := make(chan struct{}, maxInFlight)
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-client.Events:
			switch evt.Type {
			case socketmode.EventTypeConnected:
				l.Log.Info("slack: socket mode connected")
			case socketmode.EventTypeInvalidAuth:
				l.Log.Error("slack: SLACK_APP_TOKEN was refused; buttons in Slack do nothing until it is fixed")
			case socketmode.EventTypeConnectionError:
				l.Log.Warn("slack: socket mode connection failed; retrying", "error", evt.Data)
			case socketmode.EventTypeInteractive:
				if evt.Request != nil {
					if err := client.Ack(*evt.Request); err != nil {
						l.Log.Warn("slack: acknowledging a click failed", "error", err)
					}
				}
				cb, ok := evt.Data.(slack.InteractionCallback)
				if !ok || cb.Type != slack.InteractionTypeBlockActions {
					continue
				}
				select {
				case slots <- struct{}{}:
				case <-ctx.Done():
					return nil
				}
				go func() {
					defer func() { <-slots }()
					l.handle(ctx, cb)
				}()
			}
		}
	}
}

// handle acts on each Onboard button of a click and tells the user what came of it.
func (l *Listener) handle(ctx context.Context, cb slack.InteractionCallback) {
	for _, a := range cb.ActionCallback.BlockActions {
		if a == nil {
			continue
		}
		reply, err := l.act(ctx, cb, *a)
		switch {
		case errors.Is(err, errNotOurs):
			continue
		case err != nil:
			reply = "Nothing was changed: " + err.Error()
		}
		l.reply(ctx, cb.ResponseURL, reply)
	}
}

var errNotOurs = errors.New("not an Onboard action")

// refusal is a reason a click was not acted on, said to the user.
type refusal struct{ msg string }

func (r *refusal) Error() string { return r.msg }

func refuse(format string, args ...any) error { return &refusal{fmt.Sprintf(format, args...)} }

// act carries out one button: who clicked is found by email among the workspace's staff,
// and must be allowed to change onboardings.
func (l *Listener) act(ctx context.Context, cb slack.InteractionCallback, a slack.BlockAction) (string, error) {
	kind, ok := "", false
	switch {
	case a.ActionID == notify.ActionSnooze:
		kind, ok = "snooze", true
	case strings.HasPrefix(a.ActionID, notify.ActionComplete+":"):
		kind, ok = "complete", true
	}
	if !ok {
		return "", errNotOurs
	}
	wsID, obID, tasks, err := parseValue(a.Value)
	if err != nil {
		return "", err
	}
	ws, err := l.Store.Workspace(ctx, wsID)
	if err != nil {
		return "", l.lookupError(err, "the workspace this message came from no longer exists")
	}
	u, err := l.staffUser(ctx, ws, cb.User.ID)
	if err != nil {
		return "", err
	}
	if !u.CanChange() {
		return "", refuse("your role in %s (%s) can look at onboardings but not change them", ws.Name, u.Role)
	}
	o, err := l.Store.Onboarding(ctx, ws.ID, obID)
	if err != nil {
		return "", l.lookupError(err, "this onboarding is not one of "+ws.Name+"'s")
	}
	rid := "slack:" + cb.User.ID + ":" + a.ActionTs + ":" + a.ActionID
	actor := "staff:" + u.ID
	if kind == "snooze" {
		r := onboarding.SnoozeRequest{RequestID: rid, Tasks: tasks, Until: time.Now().Add(SnoozeFor), Actor: actor,
			ActorSide: onboarding.OwnerVendor}
		if _, err := l.Engine.Snooze(ctx, o, r); err != nil {
			return "", l.actionError(err)
		}
		return fmt.Sprintf("Snoozed: no reminder about %s for 2 days.", plural(len(tasks), "this task", "these tasks")), nil
	}
	if len(tasks) != 1 {
		return "", refuse("this button names no single task")
	}
	r := onboarding.TaskAction{RequestID: rid, TaskKey: tasks[0], Action: onboarding.ActionComplete, Actor: actor,
		ActorSide: onboarding.OwnerVendor}
	out, err := l.Engine.Act(ctx, o, r)
	if err != nil {
		return "", l.actionError(err)
	}
	if out.Queued {
		return "Marked done; " + o.AccountName + "'s onboarding will show it in a moment.", nil
	}
	return "Marked done in " + o.AccountName + "'s onboarding.", nil
}

// staffUser finds the staff user behind a Slack user: Slack is asked, with the
// workspace's token, for the Slack user's email (a user of another Slack workspace is
// unknown to that token), which must be a staff user's of this workspace.
func (l *Listener) staffUser(ctx context.Context, ws store.Workspace, slackUserID string) (store.StaffUser, error) {
	token := ws.SlackBotToken
	if token == "" {
		token = l.BotToken
	}
	if token == "" {
		return store.StaffUser{}, refuse("%s has no Slack bot token to check who you are", ws.Name)
	}
	opts := []slack.Option{slack.OptionHTTPClient(l.HTTP)}
	if l.APIURL != "" {
		opts = append(opts, slack.OptionAPIURL(withSlash(l.APIURL)))
	}
	su, err := slack.New(token, opts...).GetUserInfoContext(ctx, slackUserID)
	if err != nil {
		l.Log.Warn("slack: looking up a user failed", "workspace_id", ws.ID, "error", err)
		return store.StaffUser{}, refuse("Slack could not say who you are (%v)", err)
	}
	email, err := input.Email("email", strings.ToLower(su.Profile.Email))
	if err != nil {
		return store.StaffUser{}, refuse("your Slack profile shows no email address Onboard can match")
	}
	u, err := l.Store.StaffUserByEmail(ctx, email)
	if err == nil && u.WorkspaceID != ws.ID {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.StaffUser{}, l.lookupError(err, "no staff user of "+ws.Name+" has your email address ("+email+")")
	}
	return u, nil
}

// lookupError says notFound for a row that is not there, and a passing failure for
// anything else.
func (l *Listener) lookupError(err error, notFound string) error {
	if errors.Is(err, store.ErrNotFound) {
		return refuse("%s", notFound)
	}
	l.Log.Error("slack: reading from the store failed", "error", err)
	return refuse("Onboard could not be reached; try again in a minute")
}

// actionError says a refusal (a task already done, a paused onboarding) as the domain
// put it, and anything else as a passing failure.
func (l *Listener) actionError(err error) error {
	var te *onboarding.TransitionError
	var ie *input.Error
	switch {
	case errors.As(err, &te):
		return refuse("%s", te.Message)
	case errors.As(err, &ie):
		return refuse("%s", ie.Error())
	}
	l.Log.Error("slack: acting on a click failed", "error", err)
	return refuse("Onboard could not be reached; try again in a minute")
}

// parseValue reads a button's value: "<workspace id>/<onboarding id>/<key>[,<key>…]".
func parseValue(v string) (ws, ob string, tasks []string, err error) {
	parts := strings.Split(v, "/")
	if len(parts) == 3 {
		var okWS, okOB bool
		ws, okWS = input.ID(parts[0])
		ob, okOB = input.ID(parts[1])
		tasks = strings.Split(parts[2], ",")
		if okWS && okOB && parts[2] != "" && len(tasks) <= 200 {
			return ws, ob, tasks, nil
		}
	}
	return "", "", nil, refuse("this button is not one of Onboard's")
}

// reply tells the user who clicked, and only them, what came of it.
func (l *Listener) reply(ctx context.Context, responseURL, text string) {
	if responseURL == "" || (l.APIURL == "" && !strings.HasPrefix(responseURL, "https://hooks.slack.com/")) {
		return // against Slack itself, replies go to Slack's hooks and nowhere else
	}
	msg := &slack.WebhookMessage{Text: text, ResponseType: slack.ResponseTypeEphemeral, ReplaceOriginal: false}
	if err := slack.PostWebhookCustomHTTPContext(ctx, responseURL, l.HTTP, msg); err != nil {
		l.Log.Warn("slack: replying to a click failed", "error", err)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func withSlash(u string) string {
	if !strings.HasSuffix(u, "/") {
		return u + "/"
	}
	return u
}
