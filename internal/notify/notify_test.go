package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onboard-oss/onboard/internal/notify"
	"github.com/onboard-oss/onboard/internal/notify/notifytest"
	"github.com/onboard-oss/onboard/templates"
)

func parse(t *testing.T) *notify.Templates {
	t.Helper()
	tpls, err := notify.ParseTemplates(templates.FS, "email")
	if err != nil {
		t.Fatal(err)
	}
	return tpls
}

func TestEveryKindRenders(t *testing.T) {
	tpls := parse(t)
	tasks := []notify.TaskLine{{Title: "Security questionnaire", Due: "Tue 9 Dec 2026", URL: "https://x.example/t/1"},
		{Title: "SSO", Due: "Mon 1 Dec 2026", Overdue: true, Blocked: "waiting for IT"}}
	for _, k := range notify.Kinds {
		t.Run(string(k), func(t *testing.T) {
			m := notify.Message{Kind: k, Brand: notify.Brand{Name: "Northwind <Software>", AccentColor: "#112233"},
				RecipientName: "Dana", AccountName: "Acme & Co", Link: "https://onboard.example/portal?a=1&b=2",
				LinkLabel: "Open", LinkExpiry: "14 days", Tasks: tasks, Reason: "the security questionnaire is 9 days overdue",
				Onboardings: []notify.OnboardingLine{{AccountName: "Acme & Co", Health: "At Risk", Progress: 40, Overdue: 2}},
				WorkflowURL: "https://temporal.example/w/1"}
			r, err := tpls.Render(m)
			if err != nil {
				t.Fatal(err)
			}
			if r.Subject == "" || strings.ContainsAny(r.Subject, "\r\n") || strings.Contains(r.Subject, "&amp;") {
				t.Errorf("subject %q: want one unescaped line", r.Subject)
			}
			for _, want := range []string{"Northwind &lt;Software&gt;", "#112233", "Hi Dana", "https://onboard.example/portal?a=1&amp;b=2"} {
				if !strings.Contains(r.HTML, want) {
					t.Errorf("HTML lacks %q", want)
				}
			}
			if strings.Contains(r.HTML, "<Software>") || strings.Contains(r.HTML, "Acme & Co") {
				t.Error("HTML does not escape the names")
			}
			for _, want := range []string{"Hi Dana,", "Northwind <Software>", "https://onboard.example/portal?a=1&b=2"} {
				if !strings.Contains(r.Text, want) {
					t.Errorf("text lacks %q:\n%s", want, r.Text)
				}
			}
			if strings.Contains(r.Text, "<p") || strings.Contains(r.Text, "&amp;") || strings.Contains(r.Text, "\n\n\n") {
				t.Errorf("text part holds markup or blank runs:\n%s", r.Text)
			}
		})
	}
	if _, err := tpls.Render(notify.Message{Kind: "nope"}); err == nil {
		t.Error("an unknown kind rendered")
	}
}

func TestResendSends(t *testing.T) {
	srv := notifytest.NewResend(t)
	r, err := notify.NewResend(notifytest.ResendAPIKey, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	e := notify.Email{Key: "go-live:1/contact:2/email", From: "Northwind <hello@northwind.example>", To: "dana@acme.example",
		Subject: "Acme is live", HTML: "<p>live</p>", Text: "live\n", Tags: map[string]string{"kind": "go_live"}}
	id, err := r.Send(context.Background(), e)
	if err != nil || id == "" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	again, err := r.Send(context.Background(), e)
	if err != nil || again != id {
		t.Fatalf("resend with the same key = %q, %v; want the first id %q", again, err, id)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 || srv.Requests() != 2 {
		t.Fatalf("%d messages from %d requests, want 1 from 2", len(msgs), srv.Requests())
	}
	m := msgs[0]
	if m.IdempotencyKey != e.Key || m.From != e.From || len(m.To) != 1 || m.To[0] != e.To || m.Subject != e.Subject ||
		m.HTML != e.HTML || m.Text != e.Text || len(m.Tags) != 1 || m.Tags[0].Value != "go_live" {
		t.Errorf("the server got %+v", m)
	}
}

func TestResendErrors(t *testing.T) {
	srv := notifytest.NewResend(t)
	r, _ := notify.NewResend(notifytest.ResendAPIKey, srv.URL+"/")
	send := func(to string) error {
		_, err := r.Send(context.Background(), notify.Email{Key: "k-" + to, From: "a@b.example", To: to, Subject: "s", Text: "t"})
		return err
	}
	srv.FailNext(http.StatusTooManyRequests, "7")
	err := send("a@x.example")
	if err == nil || notify.IsPermanent(err) || notify.RetryDelay(err) != 7*time.Second {
		t.Errorf("429: %v (permanent %v, wait %s); want a retry after 7s", err, notify.IsPermanent(err), notify.RetryDelay(err))
	}
	srv.FailNext(http.StatusInternalServerError, "")
	if err := send("b@x.example"); err == nil || notify.IsPermanent(err) {
		t.Errorf("500: %v; want a retryable error", err)
	}
	if err := send("nobody@nowhere.invalid"); err == nil || !notify.IsPermanent(err) {
		t.Errorf("an invalid address: %v; want a permanent error", err)
	}
	bad, _ := notify.NewResend("re_wrong", srv.URL)
	if _, err := bad.Send(context.Background(), notify.Email{Key: "k", From: "a@b.example", To: "c@d.example", Subject: "s", Text: "t"}); !notify.IsPermanent(err) {
		t.Errorf("a wrong API key: %v; want a permanent error", err)
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("failed sends were kept: %+v", srv.Messages())
	}
}

func slackPost(key string) notify.SlackPost {
	text, blocks := notify.SlackMessage(notify.Message{Kind: notify.KindEscalation, AccountName: "Acme <Corp>",
		Reason: "a blocker is 3 days old", Link: "https://onboard.example/staff/onboardings/1",
		WorkflowURL: "https://temporal.example/w/1"}, "Needs you: Acme <Corp>")
	return notify.SlackPost{Token: notifytest.SlackToken, Key: key, UserEmail: "casey@northwind.example", Text: text, Blocks: blocks}
}

func TestSlackDirectMessage(t *testing.T) {
	srv := notifytest.NewSlack(t, map[string]string{"casey@northwind.example": "U1"})
	s := notify.NewSlack(srv.GetAPIURL())
	ref, err := s.Post(context.Background(), slackPost("esc-1"))
	if err != nil || ref != "DU1/1700000000.000001" {
		t.Fatalf("Post = %q, %v", ref, err)
	}
	posts := srv.Posts()
	if len(posts) != 1 {
		t.Fatalf("%d posts, want 1", len(posts))
	}
	p := posts[0]
	if p.Channel != "DU1" || p.Metadata.EventPayload["key"] != "esc-1" || !strings.Contains(p.Text, "Acme &lt;Corp&gt;") {
		t.Errorf("post = %+v", p)
	}
	for _, want := range []string{`"type":"section"`, "Acme &lt;Corp&gt; needs you", `"url":"https://onboard.example/staff/onboardings/1"`,
		`"url":"https://temporal.example/w/1"`} {
		if !strings.Contains(strings.ReplaceAll(p.Blocks, `\u0026`, "&"), want) {
			t.Errorf("blocks lack %s: %s", want, p.Blocks)
		}
	}
}

func TestSlackRetryFindsWhatWasPosted(t *testing.T) {
	srv := notifytest.NewSlack(t, map[string]string{"casey@northwind.example": "U1"})
	s := notify.NewSlack(srv.GetAPIURL())
	srv.LoseNextAnswer()
	first := time.Now()
	if _, err := s.Post(context.Background(), slackPost("esc-2")); err == nil || notify.IsPermanent(err) {
		t.Fatalf("a lost answer: %v; want a retryable error", err)
	}
	retry := slackPost("esc-2")
	retry.Since = first
	ref, err := s.Post(context.Background(), retry)
	if err != nil || !strings.HasPrefix(ref, "DU1/") {
		t.Fatalf("retry = %q, %v", ref, err)
	}
	if n := len(srv.Posts()); n != 1 {
		t.Fatalf("%d posts after a retry, want 1", n)
	}
}

func TestSlackErrors(t *testing.T) {
	srv := notifytest.NewSlack(t, map[string]string{"casey@northwind.example": "U1"})
	s := notify.NewSlack(srv.GetAPIURL())
	revoked := slackPost("e1")
	revoked.Token = notifytest.RevokedSlackToken
	if _, err := s.Post(context.Background(), revoked); !notify.IsTokenError(err) || !notify.IsPermanent(err) {
		t.Errorf("a revoked token: %v; want a permanent token error", err)
	}
	if _, err := s.Post(context.Background(), notify.SlackPost{Key: "e0"}); !notify.IsTokenError(err) {
		t.Errorf("no token: %v; want a token error", err)
	}
	stranger := slackPost("e2")
	stranger.UserEmail = "nobody@northwind.example"
	if _, err := s.Post(context.Background(), stranger); !notify.IsPermanent(err) || notify.IsTokenError(err) {
		t.Errorf("an email without a Slack user: %v; want a permanent error", err)
	}
	srv.FailNext(3)
	if _, err := s.Post(context.Background(), slackPost("e3")); notify.IsPermanent(err) || notify.RetryDelay(err) != 3*time.Second {
		t.Errorf("429: %v; want a retry after 3s", err)
	}
	if n := len(srv.Posts()); n != 0 {
		t.Errorf("%d posts from failed sends", n)
	}
}

func TestVerifyResendWebhook(t *testing.T) {
	body := notifytest.ResendEvent(notify.EventBounced, "re_1", "dana@acme.example")
	now := time.Now()
	h := notifytest.SignResendWebhook(notifytest.ResendWebhookSecret, "msg_1", now, body)
	ev, err := notify.VerifyResendWebhook(notifytest.ResendWebhookSecret, h, body)
	if err != nil || ev.ID != "msg_1" || ev.Type != notify.EventBounced || ev.EmailID != "re_1" ||
		len(ev.To) != 1 || ev.To[0] != "dana@acme.example" || ev.Bounce != "Permanent" {
		t.Fatalf("event = %+v, %v", ev, err)
	}
	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-2] = ' '
	other := notifytest.SignResendWebhook("whsec_"+"b3RoZXItc2VjcmV0LW9mLWF0LWxlYXN0LTMyLWJ5dGVz", "msg_1", now, body)
	stale := notifytest.SignResendWebhook(notifytest.ResendWebhookSecret, "msg_1", now.Add(-10*time.Minute), body)
	for name, c := range map[string]struct {
		h    http.Header
		body []byte
	}{"tampered body": {h, tampered}, "another secret": {other, body}, "ten minutes old": {stale, body}, "no headers": {http.Header{}, body}} {
		if _, err := notify.VerifyResendWebhook(notifytest.ResendWebhookSecret, c.h, c.body); err == nil {
			t.Errorf("%s: verified", name)
		}
	}
}

// A vendor reminder with an ActionRef gives each task a section, "Mark done" on those
// that can be completed now, and "Snooze 2 days" for them all; past 20 tasks the rest
// share a section, so a message stays within Slack's 50 blocks.
func TestSlackVendorReminderButtons(t *testing.T) {
	m := notify.Message{Kind: notify.KindVendorReminder, AccountName: "Acme", ActionRef: "ws/ob",
		Link: "https://onboard.example/staff/onboardings/ob", Tasks: []notify.TaskLine{
			{Title: "Send the <welcome> pack", Key: "welcome-pack", Completable: true, Due: "Mon 2 Mar 2026"},
			{Title: "Kickoff", Key: "kickoff", Blocked: "waiting"},
		}}
	_, blocks := notify.SlackMessage(m, "Your tasks")
	raw, _ := json.Marshal(blocks)
	s := string(raw)
	for _, want := range []string{`"action_id":"onboard_complete:welcome-pack","value":"ws/ob/welcome-pack"`,
		`"action_id":"onboard_snooze","value":"ws/ob/welcome-pack,kickoff"`, `Send the \u0026lt;welcome\u0026gt; pack`} {
		if !strings.Contains(s, want) {
			t.Errorf("blocks lack %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, "onboard_complete:kickoff") {
		t.Error("a blocked task offers Mark done")
	}
	for i := range 40 {
		m.Tasks = append(m.Tasks, notify.TaskLine{Title: fmt.Sprintf("Task %d", i), Key: fmt.Sprintf("t%d", i), Completable: true})
	}
	if _, blocks = notify.SlackMessage(m, "Your tasks"); len(blocks) > 50 || len(blocks) < 20 {
		t.Errorf("%d blocks for 42 tasks", len(blocks))
	}
	// Without an ActionRef (email, digests) there are no buttons that change anything.
	m.ActionRef = ""
	_, blocks = notify.SlackMessage(m, "Your tasks")
	if raw, _ := json.Marshal(blocks); strings.Contains(string(raw), "onboard_") {
		t.Error("buttons without an ActionRef")
	}
}

func TestSlackSnoozeValueFitsSlacksLimit(t *testing.T) {
	m := notify.Message{Kind: notify.KindVendorReminder, ActionRef: strings.Repeat("w", 36) + "/" + strings.Repeat("o", 36)}
	for i := range 200 {
		m.Tasks = append(m.Tasks, notify.TaskLine{Title: "T", Key: fmt.Sprintf("%060d", i)})
	}
	_, blocks := notify.SlackMessage(m, "Your tasks")
	raw, _ := json.Marshal(blocks)
	var parsed []map[string]any
	_ = json.Unmarshal(raw, &parsed)
	found := false
	for _, b := range parsed {
		for _, e := range asList(b["elements"]) {
			if el, ok := e.(map[string]any); ok && el["action_id"] == notify.ActionSnooze {
				found = true
				if v := el["value"].(string); len(v) > 2000 || strings.HasSuffix(v, ",") {
					t.Errorf("snooze value of %d characters", len(v))
				}
			}
		}
	}
	if !found {
		t.Error("no snooze button")
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
