// Package notifytest gives tests local stand-ins for the services Onboard notifies
// through, driven by the real clients: a server speaking Resend's email API (keeping one
// message per idempotency key, as Resend does), a Slack Web API built on slack-go's
// slacktest that records what is posted, and Resend's webhook signing.
package notifytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ResendAPIKey is the key the fake Resend accepts.
const ResendAPIKey = "re_test_key"

// ResendMessage is an email the fake Resend accepted.
type ResendMessage struct {
	ID             string
	IdempotencyKey string
	From           string   `json:"from"`
	To             []string `json:"to"`
	Subject        string   `json:"subject"`
	HTML           string   `json:"html"`
	Text           string   `json:"text"`
	Tags           []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"tags"`
}

// Resend is a local server speaking Resend's POST /emails.
type Resend struct {
	*httptest.Server
	t        testing.TB
	mu       sync.Mutex
	messages []ResendMessage
	byKey    map[string]int
	requests int
	faults   []func(w http.ResponseWriter, accepted bool) bool
}

// NewResend starts a fake Resend, stopped when the test ends.
func NewResend(t testing.TB) *Resend {
	r := &Resend{t: t, byKey: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(r.Close)
	return r
}

// Messages returns the distinct emails accepted: one per idempotency key.
func (r *Resend) Messages() []ResendMessage {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ResendMessage(nil), r.messages...)
}

// Requests returns how many send requests arrived, repeats included.
func (r *Resend) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// FailNext answers the next request with status (and a Retry-After header when
// retryAfter is not empty) without accepting it.
func (r *Resend) FailNext(status int, retryAfter string) {
	r.fault(func(w http.ResponseWriter, accepted bool) bool {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"statusCode":%d,"name":"test_failure","message":"failed on purpose (%d)"}`, status, status)
		return true
	})
}

// LoseNextAnswer accepts the next email and then drops the connection without answering:
// the sender cannot tell it was accepted, as when a response is lost on the way.
func (r *Resend) LoseNextAnswer() {
	r.fault(func(w http.ResponseWriter, accepted bool) bool {
		if !accepted {
			return false
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
		return true
	})
}

func (r *Resend) fault(f func(w http.ResponseWriter, accepted bool) bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.faults = append(r.faults, f)
}

func (r *Resend) serve(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if req.Method != http.MethodPost || req.URL.Path != "/emails" {
		http.Error(w, `{"statusCode":404,"name":"not_found","message":"no such route"}`, http.StatusNotFound)
		return
	}
	if req.Header.Get("Authorization") != "Bearer "+ResendAPIKey {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"statusCode":401,"name":"missing_api_key","message":"bad API key"}`)
		return
	}
	var m ResendMessage
	if err := json.NewDecoder(req.Body).Decode(&m); err != nil {
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintf(w, `{"statusCode":422,"name":"validation_error","message":%q}`, err.Error())
		return
	}
	m.IdempotencyKey = req.Header.Get("Idempotency-Key")
	r.mu.Lock()
	r.requests++
	var fault func(http.ResponseWriter, bool) bool
	if len(r.faults) > 0 {
		fault, r.faults = r.faults[0], r.faults[1:]
	}
	if fault != nil && fault(w, false) {
		r.mu.Unlock()
		return
	}
	if err := check(m); err != "" {
		r.mu.Unlock()
		w.WriteHeader(http.StatusUnprocessableEntity)
		fmt.Fprintf(w, `{"statusCode":422,"name":"validation_error","message":%q}`, err)
		return
	}
	id := r.accept(m)
	r.mu.Unlock()
	if fault != nil && fault(w, true) {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":%q}`, id)
}

// accept keeps a message once per idempotency key and returns its id, as Resend does.
func (r *Resend) accept(m ResendMessage) string {
	if i, ok := r.byKey[m.IdempotencyKey]; ok && m.IdempotencyKey != "" {
		return r.messages[i].ID
	}
	m.ID = "re_" + strconv.Itoa(len(r.messages)+1)
	r.messages = append(r.messages, m)
	if m.IdempotencyKey != "" {
		r.byKey[m.IdempotencyKey] = len(r.messages) - 1
	}
	return m.ID
}

// check refuses what Resend refuses: no sender, recipient or subject, an invalid
// recipient address, or neither body part.
func check(m ResendMessage) string {
	switch {
	case m.From == "" || m.Subject == "" || len(m.To) == 0:
		return "from, to and subject are required"
	case m.HTML == "" && m.Text == "":
		return "html or text is required"
	}
	for _, to := range m.To {
		if !strings.Contains(to, "@") || strings.HasSuffix(to, ".invalid") {
			return "invalid `to` address: " + to
		}
	}
	return ""
}

// ResendWebhookSecret is a webhook signing secret for tests.
const ResendWebhookSecret = "whsec_" + "dGVzdC13ZWJob29rLXNpZ25pbmctc2VjcmV0LTMyYnl0ZXM="

// SignResendWebhook returns the headers Resend (through Svix) sends with a webhook body.
func SignResendWebhook(secret, id string, at time.Time, body []byte) http.Header {
	key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%s.%s", id, ts, body)
	h := http.Header{}
	h.Set("svix-id", id)
	h.Set("svix-timestamp", ts)
	h.Set("svix-signature", "v1,"+base64.StdEncoding.EncodeToString(m.Sum(nil)))
	return h
}

// ResendEvent is the body of a Resend delivery webhook about one email.
func ResendEvent(eventType, emailID string, to ...string) []byte {
	b, _ := json.Marshal(map[string]any{"type": eventType, "created_at": time.Now().UTC().Format(time.RFC3339),
		"data": map[string]any{"email_id": emailID, "to": to, "from": "x@example.com", "subject": "s",
			"bounce": map[string]any{"type": "Permanent", "message": "mailbox does not exist"}}})
	return b
}
