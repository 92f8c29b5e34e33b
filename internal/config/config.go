// Package config reads Onboard's configuration from the environment into one Config
// value, validates it and fails fast with a message that names the variable at fault.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is every setting the onboard binary reads. It is a value passed down, never a global.
type Config struct {
	// HTTPAddr is where the api listens (ONBOARD_HTTP_ADDR).
	HTTPAddr string
	// BaseURL is the public URL of the web app, used in links (ONBOARD_BASE_URL).
	BaseURL string
	// DatabaseURL is the Postgres URL (DATABASE_URL). Empty in dev means "start a local cluster".
	DatabaseURL string
	// TemporalAddress is host:port of the Temporal frontend (TEMPORAL_ADDRESS). Empty in dev
	// means "start an embedded server".
	TemporalAddress string
	// TemporalNamespace is the Temporal namespace (TEMPORAL_NAMESPACE).
	TemporalNamespace string
	// Temporal says how to reach a Temporal cluster that wants TLS, a client certificate
	// or an API key (Temporal Cloud, or a secured self-hosted cluster).
	Temporal TemporalConnection
	// TaskQueue is the Temporal task queue of the onboarding workflows (ONBOARD_TASK_QUEUE).
	TaskQueue string
	// DataDir holds the dev stack's local data (ONBOARD_DATA_DIR).
	DataDir string
	// DevPGPort, DevTemporalPort and DevUIPort are the dev stack's ports.
	DevPGPort       int
	DevTemporalPort int
	DevUIPort       int
	// DevAPIKey, when set, is the API key `onboard dev` creates for the demo workspace.
	DevAPIKey string
	// UpdateTimeout is how long a task action waits for a worker before it is queued
	// as a signal and answered 202 (ONBOARD_UPDATE_TIMEOUT).
	UpdateTimeout time.Duration
	// SecureCookies marks session cookies Secure; on outside dev (ONBOARD_SECURE_COOKIES).
	SecureCookies bool
	// LogLevel is debug, info, warn or error (ONBOARD_LOG_LEVEL).
	LogLevel string
	// MaxBodyBytes caps request bodies on the JSON API (ONBOARD_MAX_BODY_BYTES).
	MaxBodyBytes int64
	// HTTPReadTimeout is how long a client may take to send a whole request, headers and
	// body (ONBOARD_HTTP_READ_TIMEOUT): a client trickling bytes is cut off after it.
	HTTPReadTimeout time.Duration
	// TrustedProxies are the addresses or CIDRs of reverse proxies whose X-Forwarded-For
	// is believed (ONBOARD_TRUSTED_PROXIES, comma-separated); none by default, so a
	// client cannot pick its own address to dodge the sign-in rate limit.
	TrustedProxies []string
	// TemporalUIURL is the Temporal Web UI's base URL, for links from the staff pages to
	// an onboarding's workflow (ONBOARD_TEMPORAL_UI_URL); `dev` sets it to its own UI.
	TemporalUIURL string
	// WorkerMetricsAddr is where `onboard worker` serves /metrics and /healthz
	// (ONBOARD_WORKER_METRICS_ADDR); "off" serves nothing.
	WorkerMetricsAddr string
	// StickyCacheSize is how many workflows a worker process keeps in memory between their
	// tasks (ONBOARD_STICKY_CACHE_SIZE): enough for every onboarding acted on at once, each
	// about 60 KB. Beyond it a workflow is replayed from its history when it next wakes.
	StickyCacheSize int
	// Dev is true under `onboard dev`: the dev-only routes (the mail outbox) exist.
	Dev bool
	// WebhookPrivateNetworks lets webhook endpoints be on this machine or a private
	// network, and on plain http:// (ONBOARD_WEBHOOK_PRIVATE_NETWORKS; on under `dev`).
	// Off, a delivery connects only to public addresses, whatever a name resolves to.
	WebhookPrivateNetworks bool
	// PprofAddr serves Go's profiler (net/http/pprof) on host:port when set
	// (ONBOARD_PPROF_ADDR), e.g. 127.0.0.1:6060; off by default. Keep it on loopback.
	PprofAddr string
	// Secret is the server secret sign-in links are derived from (ONBOARD_SECRET, at least
	// 32 characters); api and worker need it, `dev` keeps a generated one in its data dir.
	Secret string
	// EmailFrom is the sender of email for workspaces without their own (ONBOARD_EMAIL_FROM).
	EmailFrom string
	// ResendAPIKey sends email through Resend (RESEND_API_KEY); without it email goes to
	// the outbox, shown at /dev/mail under `dev`.
	ResendAPIKey string
	// ResendBaseURL overrides Resend's API address (RESEND_BASE_URL).
	ResendBaseURL string
	// ResendWebhookSecret verifies Resend's delivery webhooks (RESEND_WEBHOOK_SECRET, whsec_…);
	// without it POST /webhooks/resend answers 404.
	ResendWebhookSecret string
	// SlackBotToken nudges CSMs in Slack (SLACK_BOT_TOKEN) for workspaces without their own
	// token; without either, CSMs get email.
	SlackBotToken string
	// SlackAPIURL overrides Slack's API address (SLACK_API_URL).
	SlackAPIURL string
	// SlackAppToken (SLACK_APP_TOKEN, xapp-…) connects the api process to Slack through
	// Socket Mode, so the buttons of Slack messages work without a public URL.
	SlackAppToken string
}

// Env names every variable Load reads; docker-compose and the README use the same names.
var Env = []string{
	"ONBOARD_HTTP_ADDR", "ONBOARD_BASE_URL", "DATABASE_URL", "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE",
	"TEMPORAL_TLS", "TEMPORAL_API_KEY", "TEMPORAL_TLS_CERT", "TEMPORAL_TLS_KEY", "TEMPORAL_TLS_CA", "TEMPORAL_TLS_SERVER_NAME", "ONBOARD_PPROF_ADDR",
	"ONBOARD_TASK_QUEUE", "ONBOARD_DATA_DIR", "ONBOARD_DEV_PG_PORT", "ONBOARD_DEV_TEMPORAL_PORT",
	"ONBOARD_DEV_UI_PORT", "ONBOARD_DEV_API_KEY", "ONBOARD_UPDATE_TIMEOUT", "ONBOARD_SECURE_COOKIES",
	"ONBOARD_LOG_LEVEL", "ONBOARD_MAX_BODY_BYTES", "ONBOARD_HTTP_READ_TIMEOUT", "ONBOARD_STICKY_CACHE_SIZE", "ONBOARD_TRUSTED_PROXIES", "ONBOARD_WORKER_METRICS_ADDR",
	"ONBOARD_TEMPORAL_UI_URL", "ONBOARD_SECRET", "ONBOARD_EMAIL_FROM", "RESEND_API_KEY", "RESEND_BASE_URL",
	"RESEND_WEBHOOK_SECRET", "SLACK_BOT_TOKEN", "SLACK_API_URL", "SLACK_APP_TOKEN", "ONBOARD_WEBHOOK_PRIVATE_NETWORKS",
}

// Load reads the process environment over the production defaults and validates the result.
func Load() (Config, error) {
	return FromLookup(os.LookupEnv)
}

// LoadDev is Load with the defaults of `onboard dev`, which serves plain http on
// localhost: session cookies are not marked Secure unless ONBOARD_SECURE_COOKIES says so.
func LoadDev() (Config, error) {
	return DevFromLookup(os.LookupEnv)
}

// FromLookup is Load with the environment supplied by lookup, for tests.
func FromLookup(lookup func(string) (string, bool)) (Config, error) {
	return load(lookup, false)
}

// DevFromLookup is LoadDev with the environment supplied by lookup, for tests.
func DevFromLookup(lookup func(string) (string, bool)) (Config, error) {
	return load(lookup, true)
}

func load(lookup func(string) (string, bool), dev bool) (Config, error) {
	r := reader{lookup: lookup}
	c := Config{
		HTTPAddr:          r.str("ONBOARD_HTTP_ADDR", ":8080"),
		BaseURL:           strings.TrimRight(r.str("ONBOARD_BASE_URL", ""), "/"),
		DatabaseURL:       r.str("DATABASE_URL", ""),
		TemporalAddress:   r.str("TEMPORAL_ADDRESS", ""),
		TemporalNamespace: r.str("TEMPORAL_NAMESPACE", "default"),
		Temporal: TemporalConnection{
			TLS: r.boolean("TEMPORAL_TLS", false), APIKey: r.str("TEMPORAL_API_KEY", ""),
			CertFile: r.str("TEMPORAL_TLS_CERT", ""), KeyFile: r.str("TEMPORAL_TLS_KEY", ""),
			CAFile: r.str("TEMPORAL_TLS_CA", ""), ServerName: r.str("TEMPORAL_TLS_SERVER_NAME", ""),
		},
		TaskQueue:              r.str("ONBOARD_TASK_QUEUE", "onboarding"),
		DataDir:                r.str("ONBOARD_DATA_DIR", ".data"),
		DevPGPort:              r.port("ONBOARD_DEV_PG_PORT", 5433),
		DevTemporalPort:        r.port("ONBOARD_DEV_TEMPORAL_PORT", 7233),
		DevUIPort:              r.port("ONBOARD_DEV_UI_PORT", 8233),
		DevAPIKey:              r.str("ONBOARD_DEV_API_KEY", ""),
		UpdateTimeout:          r.duration("ONBOARD_UPDATE_TIMEOUT", 5*time.Second),
		SecureCookies:          r.boolean("ONBOARD_SECURE_COOKIES", !dev),
		LogLevel:               strings.ToLower(r.str("ONBOARD_LOG_LEVEL", "info")),
		MaxBodyBytes:           int64(r.integer("ONBOARD_MAX_BODY_BYTES", 1<<20)),
		HTTPReadTimeout:        r.duration("ONBOARD_HTTP_READ_TIMEOUT", 30*time.Second),
		StickyCacheSize:        r.integer("ONBOARD_STICKY_CACHE_SIZE", stickyDefault(dev)),
		TrustedProxies:         r.list("ONBOARD_TRUSTED_PROXIES"),
		WorkerMetricsAddr:      r.str("ONBOARD_WORKER_METRICS_ADDR", ":9091"),
		TemporalUIURL:          strings.TrimRight(r.str("ONBOARD_TEMPORAL_UI_URL", ""), "/"),
		Dev:                    dev,
		WebhookPrivateNetworks: r.boolean("ONBOARD_WEBHOOK_PRIVATE_NETWORKS", dev),
		Secret:                 r.str("ONBOARD_SECRET", ""),
		PprofAddr:              r.str("ONBOARD_PPROF_ADDR", ""),
		EmailFrom:              r.str("ONBOARD_EMAIL_FROM", "Onboard <onboard@localhost>"),
		ResendAPIKey:           r.str("RESEND_API_KEY", ""),
		ResendBaseURL:          r.str("RESEND_BASE_URL", ""),
		ResendWebhookSecret:    r.str("RESEND_WEBHOOK_SECRET", ""),
		SlackBotToken:          r.str("SLACK_BOT_TOKEN", ""),
		SlackAPIURL:            r.str("SLACK_API_URL", ""),
		SlackAppToken:          r.str("SLACK_APP_TOKEN", ""),
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + localHost(c.HTTPAddr)
	}
	r.check(validAddr(c.HTTPAddr), "ONBOARD_HTTP_ADDR", "want host:port, e.g. :8080")
	r.check(oneOf(c.LogLevel, "debug", "info", "warn", "error"), "ONBOARD_LOG_LEVEL", "want debug, info, warn or error")
	r.check(strings.HasPrefix(c.BaseURL, "http://") || strings.HasPrefix(c.BaseURL, "https://"), "ONBOARD_BASE_URL", "want an http:// or https:// URL")
	r.check(c.UpdateTimeout > 0, "ONBOARD_UPDATE_TIMEOUT", "want a positive duration such as 5s")
	r.check(c.MaxBodyBytes >= 1024, "ONBOARD_MAX_BODY_BYTES", "want at least 1024")
	r.check(c.StickyCacheSize >= 16, "ONBOARD_STICKY_CACHE_SIZE", "want at least 16 (and at least as many onboardings as are acted on at once)")
	r.check(c.HTTPReadTimeout >= 100*time.Millisecond, "ONBOARD_HTTP_READ_TIMEOUT", "want a duration of at least 100ms, such as 30s")
	r.check(c.DevAPIKey == "" || len(c.DevAPIKey) >= 16, "ONBOARD_DEV_API_KEY", "want at least 16 characters")
	r.check(c.TemporalUIURL == "" || strings.HasPrefix(c.TemporalUIURL, "http://") || strings.HasPrefix(c.TemporalUIURL, "https://"),
		"ONBOARD_TEMPORAL_UI_URL", "want an http:// or https:// URL")
	r.check(c.WorkerMetricsAddr == "off" || validAddr(c.WorkerMetricsAddr), "ONBOARD_WORKER_METRICS_ADDR", "want host:port, e.g. :9091, or off")
	r.check(c.PprofAddr == "" || validAddr(c.PprofAddr), "ONBOARD_PPROF_ADDR", "want host:port, e.g. 127.0.0.1:6060")
	r.check(c.Secret == "" || len(c.Secret) >= 32, "ONBOARD_SECRET", "want at least 32 characters (e.g. openssl rand -base64 32)")
	_, fromErr := mail.ParseAddress(c.EmailFrom)
	r.check(fromErr == nil, "ONBOARD_EMAIL_FROM", "want an address such as \"Onboard <onboard@example.com>\"")
	r.check(c.ResendBaseURL == "" || isHTTPURL(c.ResendBaseURL), "RESEND_BASE_URL", "want an http:// or https:// URL")
	r.check(c.SlackAPIURL == "" || isHTTPURL(c.SlackAPIURL), "SLACK_API_URL", "want an http:// or https:// URL")
	r.check(c.SlackAppToken == "" || strings.HasPrefix(c.SlackAppToken, "xapp-"), "SLACK_APP_TOKEN",
		"want the Slack app's app-level token (connections:write), starting xapp-")
	r.check(c.ResendWebhookSecret == "" || strings.HasPrefix(c.ResendWebhookSecret, "whsec_"), "RESEND_WEBHOOK_SECRET",
		"want the signing secret Resend shows for the webhook, starting whsec_")
	r.check((c.Temporal.CertFile == "") == (c.Temporal.KeyFile == ""), "TEMPORAL_TLS_CERT",
		"want both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY (the client certificate and its key), or neither")
	if c.Temporal.secured() {
		if _, err := c.Temporal.TLSConfig(); err != nil {
			r.fail("TEMPORAL_TLS", "%v", err)
		}
	}
	for _, p := range c.TrustedProxies {
		r.check(validProxy(p), "ONBOARD_TRUSTED_PROXIES", fmt.Sprintf("%q is not an IP address or CIDR", p))
	}
	return c, errors.Join(r.errs...)
}

// WorkflowURL returns the address of a workflow in the Temporal Web UI, or "" when no UI
// is configured.
func (c Config) WorkflowURL(workflowID string) string {
	if c.TemporalUIURL == "" {
		return ""
	}
	return c.TemporalUIURL + "/namespaces/" + url.PathEscape(c.TemporalNamespace) + "/workflows/" + url.PathEscape(workflowID)
}

// stickyDefault is the sticky cache size: a laptop's dev stack keeps fewer workflows in
// memory than a worker process of its own.
func stickyDefault(dev bool) int {
	if dev {
		return 256
	}
	return 1000
}

// RequireSecret checks that a process that signs or derives tokens has ONBOARD_SECRET.
func (c Config) RequireSecret() error {
	if c.Secret == "" {
		return errors.New("config: ONBOARD_SECRET is not set: set it to a random string of at least 32 characters, the same for every api and worker (only `onboard dev` makes its own)")
	}
	return nil
}

// RequireExternal checks that the production processes (api, worker, migrate) have the
// external services they need, since only `dev` starts its own.
func (c Config) RequireExternal(database, temporal bool) error {
	var errs []error
	if database && c.DatabaseURL == "" {
		errs = append(errs, errors.New("config: DATABASE_URL is not set (only `onboard dev` starts its own Postgres)"))
	}
	if temporal && c.TemporalAddress == "" {
		errs = append(errs, errors.New("config: TEMPORAL_ADDRESS is not set (only `onboard dev` starts its own Temporal server)"))
	}
	return errors.Join(errs...)
}

type reader struct {
	lookup func(string) (string, bool)
	errs   []error
}

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v)
	}
	return def
}

func (r *reader) list(name string) []string {
	var out []string
	for _, v := range strings.Split(r.str(name, ""), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (r *reader) integer(name string, def int) int {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.fail(name, "%q is not a whole number", v)
		return def
	}
	return n
}

func (r *reader) port(name string, def int) int {
	n := r.integer(name, def)
	if n < 1 || n > 65535 {
		r.fail(name, "%d is not a port (1-65535)", n)
	}
	return n
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.fail(name, "%q is not a duration such as 5s or 1m", v)
		return def
	}
	return d
}

func (r *reader) boolean(name string, def bool) bool {
	v := r.str(name, "")
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.fail(name, "%q is not true or false", v)
		return def
	}
	return b
}

func (r *reader) check(ok bool, name, want string) {
	if !ok {
		r.fail(name, "%s", want)
	}
}

func (r *reader) fail(name, format string, args ...any) {
	r.errs = append(r.errs, fmt.Errorf("config: %s: %s", name, fmt.Sprintf(format, args...)))
}

func validAddr(addr string) bool {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}

func isHTTPURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

func validProxy(p string) bool {
	if _, _, err := net.ParseCIDR(p); err == nil {
		return true
	}
	return net.ParseIP(p) != nil
}

func localHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func oneOf(v string, options ...string) bool {
	for _, o := range options {
		if v == o {
			return true
		}
	}
	return false
}
