package notifytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/slack-go/slack/slacktest"
)

// SlackToken is the bot token the fake Slack accepts; RevokedSlackToken it refuses as
// revoked.
const (
	SlackToken        = "xoxb-test-token"
	RevokedSlackToken = "xoxb-revoked-token"
)

// SlackPost is a message the fake Slack accepted.
type SlackPost struct {
	Channel  string
	Text     string
	Blocks   string // the blocks' JSON
	Metadata struct {
		EventType    string         `json:"event_type"`
		EventPayload map[string]any `json:"event_payload"`
	}
	TS string
}

// Slack is slack-go's slacktest server with handlers that record what is posted and
// answer users.lookupByEmail, conversations.open and conversations.history from it.
type Slack struct {
	*slacktest.Server
	mu     sync.Mutex
	users  map[string]string // email -> user id
	posts  []SlackPost
	faults []func(w http.ResponseWriter, accepted bool) bool
}

// NewSlack starts a fake Slack knowing the users (email: id), stopped when the test ends.
// Its APIURL goes in SLACK_API_URL.
func NewSlack(t testing.TB, users map[string]string) *Slack {
	s := &Slack{users: users}
	s.Server = slacktest.NewTestServer(func(c slacktest.Customize) {
		c.Handle("/users.lookupByEmail", s.lookupByEmail)
		c.Handle("/conversations.open", s.open)
		c.Handle("/chat.postMessage", s.postMessage)
		c.Handle("/conversations.history", s.history)
	})
	s.Start()
	t.Cleanup(s.Stop)
	return s
}

// Posts returns the messages posted.
func (s *Slack) Posts() []SlackPost {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]SlackPost(nil), s.posts...)
}

// FailNext answers the next call to chat.postMessage with HTTP 429 and Retry-After.
func (s *Slack) FailNext(retryAfter int) {
	s.fault(func(w http.ResponseWriter, accepted bool) bool {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		w.WriteHeader(http.StatusTooManyRequests)
		return true
	})
}

// LoseNextAnswer posts the next message and then drops the connection without answering.
func (s *Slack) LoseNextAnswer() {
	s.fault(func(w http.ResponseWriter, accepted bool) bool {
		if !accepted {
			return false
		}
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
		}
		return true
	})
}

func (s *Slack) fault(f func(http.ResponseWriter, bool) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// authorized answers a call whose token is not the test token, as Slack does.
func authorized(w http.ResponseWriter, r *http.Request) bool {
	_ = r.ParseForm()
	switch r.FormValue("token") {
	case SlackToken:
		return true
	case RevokedSlackToken:
		answer(w, map[string]any{"ok": false, "error": "token_revoked"})
	default:
		answer(w, map[string]any{"ok": false, "error": "invalid_auth"})
	}
	return false
}

func answer(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Slack) lookupByEmail(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r) {
		return
	}
	id, ok := s.users[r.FormValue("email")]
	if !ok {
		answer(w, map[string]any{"ok": false, "error": "users_not_found"})
		return
	}
	answer(w, map[string]any{"ok": true, "user": map[string]any{"id": id, "name": id}})
}

func (s *Slack) open(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r) {
		return
	}
	answer(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + r.FormValue("users")}})
}

func (s *Slack) postMessage(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r) {
		return
	}
	s.mu.Lock()
	var fault func(http.ResponseWriter, bool) bool
	if len(s.faults) > 0 {
		fault, s.faults = s.faults[0], s.faults[1:]
	}
	if fault != nil && fault(w, false) {
		s.mu.Unlock()
		return
	}
	p := SlackPost{Channel: r.FormValue("channel"), Text: r.FormValue("text"), Blocks: r.FormValue("blocks"),
		TS: fmt.Sprintf("1700000000.%06d", len(s.posts)+1)}
	_ = json.Unmarshal([]byte(r.FormValue("metadata")), &p.Metadata)
	s.posts = append(s.posts, p)
	s.mu.Unlock()
	if fault != nil && fault(w, true) {
		return
	}
	answer(w, map[string]any{"ok": true, "channel": p.Channel, "ts": p.TS})
}

func (s *Slack) history(w http.ResponseWriter, r *http.Request) {
	if !authorized(w, r) {
		return
	}
	var msgs []map[string]any
	for _, p := range s.Posts() {
		if p.Channel == r.FormValue("channel") {
			m := map[string]any{"type": "message", "text": p.Text, "ts": p.TS}
			if r.FormValue("include_all_metadata") == "1" {
				m["metadata"] = p.Metadata
			}
			msgs = append(msgs, m)
		}
	}
	answer(w, map[string]any{"ok": true, "messages": msgs, "has_more": false})
}
