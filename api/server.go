// Package api is Onboard's web layer: the Gin router, middleware, the customer portal
// and staff dashboard pages (portal_*.go, staff_*.go), and the JSON API v1 (apiv1_*.go).
package api

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/metrics"
	"github.com/onboard-oss/onboard/internal/store"
)

// Server holds the dependencies of every handler.
type Server struct {
	cfg     config.Config
	store   *store.Store
	engine  *engine.Engine
	log     *slog.Logger
	metrics *metrics.Registry
	pages   *pages
	limiter *rateLimiter
	// addressLimiter limits sign-in links per email address.
	addressLimiter *rateLimiter
	// crossOrigin refuses cross-origin form posts (see sameOrigin).
	crossOrigin *http.CrossOriginProtection
	// live hands read-model changes to open pages' event streams.
	live *hub
	// closing is closed when the HTTP server shuts down, ending the event streams that
	// would otherwise keep it waiting.
	closing   chan struct{}
	closeOnce sync.Once
}

// New builds a Server, parsing every page template; a template error stops start-up.
func New(cfg config.Config, st *store.Store, eng *engine.Engine, reg *metrics.Registry, log *slog.Logger) (*Server, error) {
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	return &Server{cfg: cfg, store: st, engine: eng, log: log, metrics: reg, pages: p, limiter: newRateLimiter(10, 20),
		addressLimiter: newRateLimiter(1, 3),
		crossOrigin:    http.NewCrossOriginProtection(), live: newHub(), closing: make(chan struct{})}, nil
}

// Handler returns the HTTP handler serving every route.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	// Only configured proxies may set the client address (rate limits key on it).
	_ = r.SetTrustedProxies(s.cfg.TrustedProxies) // validated by config.Load
	s.routes(r)
	return r
}

// HTTPServer returns the server for Handler, with every timeout set: a client must send
// its whole request within ONBOARD_HTTP_READ_TIMEOUT (its headers within ten seconds), an
// answer must be written within a minute, and an idle connection is closed after two.
func (s *Server) HTTPServer() *http.Server {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: min(10*time.Second, s.cfg.HTTPReadTimeout),
		ReadTimeout: s.cfg.HTTPReadTimeout, WriteTimeout: time.Minute, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	srv.RegisterOnShutdown(func() { s.closeOnce.Do(func() { close(s.closing) }) })
	return srv
}
