package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/onboarding"
	"github.com/onboard-oss/onboard/internal/slackapp"
	"github.com/onboard-oss/onboard/internal/store"
	"github.com/onboard-oss/onboard/internal/testenv"
	"github.com/onboard-oss/onboard/workflows"
)

// socketSlack is a local Slack for Socket Mode: apps.connections.open hands out its
// WebSocket, which says hello and then carries the envelopes a test sends; users.info
// knows the users a test names; /respond records the replies sent to response URLs.
type socketSlack struct {
	t        *testing.T
	srv      *httptest.Server
	users    map[string]string // Slack user id -> email
	send     chan string
	mu       sync.Mutex
	acks     []string
	replies  []string
	appToken string
}

func newSocketSlack(t *testing.T, users map[string]string) *socketSlack {
	s := &socketSlack{t: t, users: users, send: make(chan string, 10)}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/apps.connections.open":
			s.mu.Lock()
			s.appToken = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			s.mu.Unlock()
			fmt.Fprintf(w, `{"ok":true,"url":%q}`, "ws"+strings.TrimPrefix(s.srv.URL, "http")+"/socket")
		case "/socket":
			conn, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer conn.Close()
			_ = conn.WriteMessage(websocket.TextMessage, []byte(`{"type":"hello","num_connections":1,"connection_info":{"app_id":"A1"}}`))
			go func() {
				for {
					_, msg, err := conn.ReadMessage()
					if err != nil {
						return
					}
					var ack struct {
						EnvelopeID string `json:"envelope_id"`
					}
					_ = json.Unmarshal(msg, &ack)
					s.mu.Lock()
					s.acks = append(s.acks, ack.EnvelopeID)
					s.mu.Unlock()
				}
			}()
			for {
				select {
				case env := <-s.send:
					if err := conn.WriteMessage(websocket.TextMessage, []byte(env)); err != nil {
						return
					}
				case <-r.Context().Done():
					return
				}
			}
		case "/auth.test":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"ok":true,"team":"Vendor","team_id":"T1","user":"onboard","user_id":"UB"}`)
		case "/users.info":
			_ = r.ParseForm()
			id := r.Form.Get("user")
			w.Header().Set("Content-Type", "application/json")
			if u, ok := s.users[id]; ok {
				// "email" or "email|team|flag": a user of another team, or a guest.
				email, rest, _ := strings.Cut(u, "|")
				team, flag, _ := strings.Cut(rest, "|")
				fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"team_id":%q,"is_restricted":%t,"profile":{"email":%q}}}`,
					id, orT1(team), flag == "guest", email)
				return
			}
			fmt.Fprint(w, `{"ok":false,"error":"user_not_found"}`)
		case "/respond":
			var m struct {
				Text         string `json:"text"`
				ResponseType string `json:"response_type"`
			}
			_ = json.NewDecoder(r.Body).Decode(&m)
			if m.ResponseType != "ephemeral" {
				t.Errorf("a reply to a click is %q, want ephemeral", m.ResponseType)
			}
			s.mu.Lock()
			s.replies = append(s.replies, m.Text)
			s.mu.Unlock()
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// click sends a button click as Slack would and returns the reply the user saw.
func (s *socketSlack) click(envelope, user, actionID, value string) string {
	s.t.Helper()
	s.mu.Lock()
	n := len(s.replies)
	s.mu.Unlock()
	payload := map[string]any{"type": "block_actions", "user": map[string]any{"id": user}, "team": map[string]any{"id": "T1"},
		"trigger_id": "trig-" + envelope, "response_url": s.srv.URL + "/respond",
		"actions": []map[string]any{{"type": "button", "action_id": actionID, "block_id": "b", "value": value,
			"action_ts": "1764669600." + envelope}}}
	b, _ := json.Marshal(map[string]any{"envelope_id": envelope, "type": "interactive", "accepts_response_payload": false,
		"payload": payload})
	s.send <- string(b)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		if len(s.replies) > n {
			r := s.replies[n]
			s.mu.Unlock()
			return r
		}
		s.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	s.t.Fatalf("no reply to the click %s", envelope)
	return ""
}

func (s *socketSlack) acked(envelope string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.acks {
		if a == envelope {
			return true
		}
	}
	return false
}

func TestSlackButtonsBecomeUpdates(t *testing.T) {
	h := newHarness(t)
	tn := h.newTenant("acme")
	other := h.newTenant("globex")
	ctx := context.Background()
	for email, role := range map[string]string{"casey@vendor.example": "csm", "vic@vendor.example": "viewer"} {
		if _, err := h.store.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: tn.workspace.ID, Email: email, Name: email, Role: role}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.store.CreateStaffUser(ctx, store.StaffUser{WorkspaceID: other.workspace.ID, Email: "gus@globex.example",
		Name: "Gus", Role: "admin"}); err != nil {
		t.Fatal(err)
	}
	slack := newSocketSlack(t, map[string]string{"U1": "Casey@Vendor.example", "U2": "vic@vendor.example",
		"U3": "stranger@elsewhere.example", "U4": "gus@globex.example",
		"U5": "casey@vendor.example|T2", "U6": "casey@vendor.example||guest"})
	id := h.createOnboarding(tn, "standard-saas")["id"].(string)
	otherID := h.createOnboarding(other, "standard-saas")["id"].(string)

	lctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	l := &slackapp.Listener{AppToken: "xapp-1-test", BotToken: "xoxb-server", APIURL: slack.srv.URL, Store: h.store,
		Engine: h.engine, Log: testenv.Logger()}
	go func() { done <- l.Run(lctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("listener: %v", err)
		}
	})

	ref := tn.workspace.ID + "/" + id
	complete := notify.ActionComplete + ":welcome-pack"
	// A CSM marks their task done from Slack; Slack's user is matched by email.
	if r := slack.click("e1", "U1", complete, ref+"/welcome-pack"); !strings.Contains(r, "Marked done in acme Customer") {
		t.Fatalf("reply: %q", r)
	}
	if !slack.acked("e1") || slack.appToken != "xapp-1-test" {
		t.Errorf("envelope not acknowledged (%v) or connected with %q", slack.acks, slack.appToken)
	}
	got := h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
	if task(got, "welcome-pack")["status"] != "completed" {
		t.Fatalf("welcome-pack is %v", task(got, "welcome-pack")["status"])
	}
	// Slack delivers the same envelope again: counted once, answered the same.
	if r := slack.click("e1", "U1", complete, ref+"/welcome-pack"); !strings.Contains(r, "Marked done") {
		t.Errorf("redelivered click: %q", r)
	}
	// Done already, by a new click: the domain's refusal.
	if r := slack.click("e2", "U1", complete, ref+"/welcome-pack"); !strings.Contains(r, "Nothing was changed: cannot complete") {
		t.Errorf("completing twice: %q", r)
	}

	// Who may not: a viewer, a Slack user who is nobody's staff, another workspace's admin
	// (their own Slack user, but the button names this workspace), a tampered button.
	for _, tc := range []struct {
		user, action, value, want string
	}{
		{"U2", complete, ref + "/internal-handoff", "your role in acme (viewer) can look at onboardings but not change them"},
		{"U3", complete, ref + "/internal-handoff", "no staff user of acme has your email address"},
		{"U9", complete, ref + "/internal-handoff", "Slack could not say who you are"},
		{"U4", complete, ref + "/internal-handoff", "no staff user of acme has your email address"},
		{"U5", complete, ref + "/internal-handoff", "only members of acme's own Slack workspace"},
		{"U6", complete, ref + "/internal-handoff", "only members of acme's own Slack workspace"},
		{"U1", complete, tn.workspace.ID + "/" + otherID + "/internal-handoff", "this onboarding is not one of acme's"},
		{"U1", complete, "not/a/button", "not one of Onboard's"},
		{"U1", complete, ref + "/", "not one of Onboard's"},
		{"U1", complete, ref + "/no-such-task", "Nothing was changed"},
	} {
		if r := slack.click(fmt.Sprintf("x-%s-%d", tc.user, len(tc.value)), tc.user, tc.action, tc.value); !strings.Contains(r, tc.want) {
			t.Errorf("%s clicking %s: %q, want %q", tc.user, tc.value, r, tc.want)
		}
	}
	got = h.call("GET", "/api/v1/onboardings/"+id, tn.key, nil).expect(t, 200).body
	if task(got, "internal-handoff")["status"] != "pending" {
		t.Errorf("a refused click changed internal-handoff: %v", task(got, "internal-handoff")["status"])
	}
	gotOther := h.call("GET", "/api/v1/onboardings/"+otherID, other.key, nil).expect(t, 200).body
	if task(gotOther, "internal-handoff")["status"] != "pending" {
		t.Error("another workspace's onboarding was changed from Slack")
	}

	// Snooze puts off the reminders of the message's tasks for two days.
	if r := slack.click("e3", "U1", notify.ActionSnooze, ref+"/internal-handoff,kickoff-call"); !strings.Contains(r, "Snoozed") {
		t.Fatalf("snooze reply: %q", r)
	}
	res, err := h.temporal.QueryWorkflow(ctx, workflows.WorkflowID(id), "", workflows.QueryState)
	if err != nil {
		t.Fatal(err)
	}
	var st onboarding.State
	if err := res.Get(&st); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"internal-handoff", "kickoff-call"} {
		ts, _ := st.Task(key)
		if d := time.Until(ts.SnoozedUntil); d < 47*time.Hour || d > 49*time.Hour {
			t.Errorf("%s snoozed until %v", key, ts.SnoozedUntil)
		}
	}
	if r := slack.click("e5", "U1", notify.ActionSnooze, ref+"/welcome-pack"); !strings.Contains(r, "nothing to snooze") {
		t.Errorf("snoozing a done task: %q", r)
	}
	// A link button ("Open") is acknowledged and otherwise ignored.
	b, _ := json.Marshal(map[string]any{"envelope_id": "e4", "type": "interactive", "payload": map[string]any{
		"type": "block_actions", "user": map[string]any{"id": "U1"}, "response_url": slack.srv.URL + "/respond",
		"actions": []map[string]any{{"type": "button", "action_id": "open", "value": "open"}}}})
	slack.send <- string(b)
	for deadline := time.Now().Add(5 * time.Second); !slack.acked("e4") && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !slack.acked("e4") {
		t.Error("a link click was not acknowledged")
	}
}

// An app-level token Slack refuses stops the listener with an error naming it, instead
// of retrying for ever.
func TestSlackListenerGivesUpOnARefusedAppToken(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"ok":false,"error":"invalid_auth"}`)
	}))
	t.Cleanup(srv.Close)
	l := &slackapp.Listener{AppToken: "xapp-1-revoked", APIURL: srv.URL, Log: testenv.Logger()}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := l.Run(ctx); err == nil || ctx.Err() != nil {
		t.Fatalf("Run with a refused app token: %v (context: %v)", err, ctx.Err())
	}
}

func orT1(team string) string {
	if team == "" {
		return "T1"
	}
	return team
}
