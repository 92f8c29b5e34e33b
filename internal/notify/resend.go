package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/resend/resend-go/v2"
)

// Resend sends email through Resend's API.
type Resend struct {
	client *resend.Client
}

// NewResend returns a sender with the given API key; baseURL, when not empty, replaces
// Resend's API address (a compatible server, or a test double).
func NewResend(apiKey, baseURL string) (*Resend, error) {
	hc := &http.Client{Timeout: 30 * time.Second, Transport: statusTransport{http.DefaultTransport}}
	c := resend.NewCustomClient(hc, apiKey)
	if baseURL != "" {
		// Paths are resolved against the base, so it must end in a slash to keep its own path.
		u, err := url.Parse(strings.TrimRight(baseURL, "/") + "/")
		if err != nil {
			return nil, fmt.Errorf("notify: RESEND_BASE_URL: %w", err)
		}
		c.BaseURL = u
	}
	return &Resend{client: c}, nil
}

// Provider implements EmailSender.
func (r *Resend) Provider() string { return "resend" }

// Send implements EmailSender. The idempotency key goes in the Idempotency-Key header:
// Resend delivers a repeated key once, within a day, and answers with the first id.
func (r *Resend) Send(ctx context.Context, e Email) (string, error) {
	req := &resend.SendEmailRequest{From: e.From, To: []string{e.To}, Subject: e.Subject, Html: e.HTML, Text: e.Text}
	for name, value := range e.Tags {
		req.Tags = append(req.Tags, resend.Tag{Name: name, Value: tagValue(value)})
	}
	status := new(int)
	res, err := r.client.Emails.SendWithOptions(context.WithValue(ctx, statusKey{}, status), req,
		&resend.SendEmailOptions{IdempotencyKey: e.Key})
	if err != nil {
		return "", classifyResend(err, *status)
	}
	return res.Id, nil
}

// classifyResend tells a refusal for good (a 4xx other than 409 and 429: an invalid
// address, an unverified sender) from a failure worth retrying (429, 409 for a request
// with the same key still in flight, 5xx, no answer).
func classifyResend(err error, status int) error {
	var limited *resend.RateLimitError
	if errors.As(err, &limited) {
		wait, _ := strconv.Atoi(strings.TrimSpace(limited.RetryAfter))
		return &SendError{RetryAfter: time.Duration(wait) * time.Second, Err: err}
	}
	permanent := status >= 400 && status < 500 && status != http.StatusConflict && status != http.StatusTooManyRequests &&
		status != http.StatusRequestTimeout
	return &SendError{Permanent: permanent, Err: fmt.Errorf("resend (status %d): %w", status, err)}
}

// tagValue keeps to the characters Resend allows in a tag: ASCII letters, digits, _ and -.
func tagValue(v string) string {
	return strings.Map(func(r rune) rune {
		if r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, v)
}

type statusKey struct{}

// statusTransport records the HTTP status of a request whose context carries a place for
// it: resend-go reports most errors as bare strings, without the status.
type statusTransport struct{ base http.RoundTripper }

func (t statusTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	res, err := t.base.RoundTrip(r)
	if p, ok := r.Context().Value(statusKey{}).(*int); ok && res != nil {
		*p = res.StatusCode
	}
	return res, err
}
