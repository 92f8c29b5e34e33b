package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Outbound webhooks follow the Standard Webhooks scheme (the one Svix and Resend use): a
// delivery carries webhook-id, webhook-timestamp and webhook-signature headers, the last
// "v1,<base64 HMAC-SHA256 of id.timestamp.body>" keyed with the endpoint's secret, so
// receivers can verify it with any Standard Webhooks library.

// WebhookSecretPrefix starts every endpoint secret.
const WebhookSecretPrefix = "whsec_"

// NewWebhookSecret returns a new endpoint secret: "whsec_" and 32 random bytes in base64.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return WebhookSecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// SignWebhook returns the webhook-signature header of a delivery.
func SignWebhook(secret, id string, at time.Time, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, WebhookSecretPrefix))
	if err != nil {
		return "", fmt.Errorf("notify: webhook secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	fmt.Fprintf(mac, "%s.%d.", id, at.Unix())
	mac.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// WebhookDelivery is one event posted to one endpoint.
type WebhookDelivery struct {
	URL, Secret string
	// ID names the event at this endpoint; a retry carries the same one, so the
	// receiver can drop a delivery it has had.
	ID   string
	Body []byte
}

// Webhooks posts deliveries.
type Webhooks struct {
	// Client replaces the default one (tests).
	Client *http.Client
	// AllowPrivate lets deliveries connect to loopback, private and link-local addresses;
	// without it such a connection is refused for good, whatever name led to it.
	AllowPrivate bool
}

// ErrPrivateAddress refuses a delivery to an address that is not public.
var ErrPrivateAddress = errors.New("the address is not a public one (set ONBOARD_WEBHOOK_PRIVATE_NETWORKS=true to allow private networks)")

// PublicAddress reports whether ip may be connected to without AllowPrivate.
func PublicAddress(ip net.IP) bool {
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast()
}

// client is the HTTP client deliveries use: no proxy from the environment, no redirects,
// and, unless private networks are allowed, a dialer that connects to public addresses only
// (checked on the address actually dialled, so a name that resolves to an inner address,
// or starts to, is refused too).
func (w Webhooks) client() *http.Client {
	if w.Client != nil {
		return w.Client
	}
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	if !w.AllowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if ip := net.ParseIP(host); err != nil || ip == nil || !PublicAddress(ip) {
				return ErrPrivateAddress
			}
			return nil
		}
	}
	return &http.Client{CheckRedirect: noRedirects,
		Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second, DisableKeepAlives: true}}
}

// webhookTimeout bounds one delivery: a receiver should answer at once and work later.
const webhookTimeout = 10 * time.Second

// Post delivers one event and returns the receiver's status code. Any 2xx is delivered;
// 410 Gone says the endpoint wants nothing more (a permanent SendError); anything else,
// or no answer, is an error worth a retry (after the receiver's Retry-After, if given).
func (w Webhooks) Post(ctx context.Context, d WebhookDelivery) (int, error) {
	now := time.Now()
	sig, err := SignWebhook(d.Secret, d.ID, now, d.Body)
	if err != nil {
		return 0, &SendError{Permanent: true, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return 0, &SendError{Permanent: true, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Onboard-Webhooks/1")
	req.Header.Set("webhook-id", d.ID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	resp, err := w.client().Do(req)
	if errors.Is(err, ErrPrivateAddress) {
		return 0, &SendError{Permanent: true, Err: fmt.Errorf("webhook %s: %w", d.URL, ErrPrivateAddress)}
	}
	if err != nil {
		return 0, &SendError{Err: fmt.Errorf("webhook %s: %w", d.URL, err)}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return resp.StatusCode, nil
	case resp.StatusCode == http.StatusGone:
		return resp.StatusCode, &SendError{Permanent: true, Err: fmt.Errorf("webhook %s: 410 Gone", d.URL)}
	}
	wait := time.Duration(0)
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		wait = time.Duration(min(s, 3600)) * time.Second
	}
	return resp.StatusCode, &SendError{RetryAfter: wait, Err: fmt.Errorf("webhook %s: answered %s", d.URL, resp.Status)}
}

// noRedirects keeps a delivery at the address the workspace gave: a redirect is an answer
// (not 2xx), not a new destination.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
