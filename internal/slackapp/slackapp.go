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
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"

	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/store"
)

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

	api      *notify.Slack // Slack's Web API at APIURL
	inFlight sync.WaitGroup
}

// Run keeps a Socket Mode connection and answers clicks until ctx ends. A connection
// that ends is opened again after a pause growing to a minute; an app token Slack refuses
// is reported once and given up on (it changes only with the configuration).
func (l *Listener) Run(ctx context.Context) error {
	l.api = notify.NewSlack(l.APIURL)
	if l.HTTP == nil {
		l.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	wait := time.Second
	for {
		started := time.Now()
		err := l.run(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, errAppToken):
			l.Log.Error("slack: SLACK_APP_TOKEN was refused (invalid_auth); Slack buttons do nothing until it is fixed and the process restarted")
			return err
		}
		if time.Since(started) > time.Minute {
			wait = time.Second
		}
		l.Log.Warn("slack: socket mode connection ended; connecting again", "error", err, "in", wait)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
		wait = min(wait*2, time.Minute)
	}
}

var errAppToken = errors.New("slack: the app-level token was refused")

// run holds one Socket Mode client until it stops.
func (l *Listener) run(ctx context.Context) error {
	client := socketmode.New(l.api.Client("", slack.OptionAppLevelToken(l.AppToken)))
	connCtx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the client when this run gives up on it
	runErr := make(chan error, 1)
	go func() { runErr <- client.RunContext(connCtx) }()
	slots := make(chan struct{}, maxInFlight)
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			if strings.Contains(fmt.Sprint(err), "invalid_auth") || strings.Contains(fmt.Sprint(err), "not_allowed_token_type") {
				return errAppToken
			}
			return fmt.Errorf("slack socket mode: %w", err)
		case evt := <-client.Events:
			switch evt.Type {
			case socketmode.EventTypeConnected:
				l.Log.Info("slack: socket mode connected")
			case socketmode.EventTypeInvalidAuth:
				return errAppToken
			case socketmode.EventTypeConnectionError:
				l.Log.Warn("slack: socket mode connection failed; retrying", "error", evt.Data)
			case socketmode.EventTypeHello, socketmode.EventTypeDisconnect:
			default:
				// Every request is acknowledged at once (Slack redelivers one that is not
				// within 3 seconds); only button clicks are acted on, in the background.
				if evt.Request != nil {
					if err := client.AckCtx(ctx, evt.Request.EnvelopeID, nil); err != nil {
						l.Log.Warn("slack: acknowledging a request failed", "error", err)
					}
				}
				cb, ok := evt.Data.(slack.InteractionCallback)
				if evt.Type != socketmode.EventTypeInteractive || !ok || cb.Type != slack.InteractionTypeBlockActions {
					continue
				}
				l.inFlight.Add(1)
				go func() {
					defer l.inFlight.Done()
					slots <- struct{}{}
					defer func() { <-slots }()
					// A click being handled is finished even when the process is stopping.
					hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout)
					defer cancel()
					l.handle(hctx, cb)
				}()
			}
		}
	}
}

// handleTimeout bounds the handling of one click: the Update, a lookup and the reply.
const handleTimeout = time.Minute

// Wait waits for the clicks being handled to finish (after Run returned).
func (l *Listener) Wait() { l.inFlight.Wait() }

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
	u, err := l.staffUser(ctx, ws, cb.User.ID, cb.Team.ID)
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
		if open, err := l.openTasks(ctx, o, tasks); err != nil {
			return "", err
		} else if len(open) == 0 {
			return "Those tasks are done already: there is nothing to snooze.", nil
		}
		r := onboarding.SnoozeRequest{RequestID: rid, Tasks: tasks, Until: time.Now().Add(onboarding.SnoozeFor), Actor: actor,
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
func (l *Listener) staffUser(ctx context.Context, ws store.Workspace, slackUserID, clickTeam string) (store.StaffUser, error) {
	token := ws.SlackBotToken
	if token == "" {
		token = l.BotToken
	}
	if token == "" {
		return store.StaffUser{}, refuse("%s has no Slack bot token to check who you are", ws.Name)
	}
	api := l.api.Client(token)
	su, err := api.GetUserInfoContext(ctx, slackUserID)
	if err != nil {
		l.Log.Warn("slack: looking up a user failed", "workspace_id", ws.ID, "error", err)
		var refused slack.SlackErrorResponse
		if errors.As(err, &refused) && refused.Err != "user_not_found" {
			return store.StaffUser{}, refuse("%s's Slack bot token is not accepted (%s); an admin can replace it in Onboard's settings",
				ws.Name, refused.Err)
		}
		return store.StaffUser{}, refuse("Slack could not say who you are (%v)", err)
	}
	// Only a full member of the Slack workspace the token belongs to, who clicked in it,
	// speaks for its staff: not a guest, and not someone from a connected organisation
	// (a shared channel) whose profile shows a staff member's address.
	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		return store.StaffUser{}, refuse("Slack could not say which workspace the bot is in (%v)", err)
	}
	if su.TeamID != auth.TeamID || (clickTeam != "" && clickTeam != auth.TeamID) || su.IsStranger ||
		su.IsRestricted || su.IsUltraRestricted || su.Deleted || su.IsBot {
		return store.StaffUser{}, refuse("only members of %s's own Slack workspace can act on its onboardings", ws.Name)
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

// openTasks are those of keys that are not done yet.
func (l *Listener) openTasks(ctx context.Context, o store.Onboarding, keys []string) ([]string, error) {
	d, err := l.Store.OnboardingDetail(ctx, o.WorkspaceID, o.ID)
	if err != nil {
		return nil, l.lookupError(err, "this onboarding is gone")
	}
	var open []string
	for _, t := range d.Tasks {
		if !t.Status.Done() && slices.Contains(keys, t.Key) {
			open = append(open, t.Key)
		}
	}
	return open, nil
}
