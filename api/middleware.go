package api

import (
	"fmt"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/input"
)

// recoverPanics turns a panic into a logged 500.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "route", c.FullPath(), "panic", p, "stack", string(debug.Stack()))
			c.Abort() // no later handler runs, authenticated or not
			_ = c.Error(fmt.Errorf("panic: %v", p))
			s.writeError(c)
		}
	}()
	c.Next()
}

// observe records each request's route, status and duration.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	s.metrics.ObserveHTTP(c.FullPath(), c.Request.Method, c.Writer.Status(), time.Since(start))
	if c.Writer.Status() >= 500 {
		// The route, not the path: a path can hold a sign-in token.
		s.log.Warn("http", "method", c.Request.Method, "route", c.FullPath(), "status", c.Writer.Status(), "duration", time.Since(start))
	}
}

// contentSecurityPolicy is what pages may load: only the app's own script file (no inline
// script) and connections back to it (its event streams), styles from the page itself
// (the stylesheet is inline, and progress bars set their width), images from here or over
// https (a workspace's logo), forms posting only back here, and no framing.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	if s.cfg.SecureCookies { // served over TLS: browsers should never come back over plain http
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	c.Next()
}

// canonicalIDs rewrites every id path parameter (:id, :contact_id, ...) to its canonical
// form (input.ID), so an
// upper-case id finds the same row as a lower-case one, and answers 404 for anything that
// is not an id before a handler or the database sees it.
func (s *Server) canonicalIDs(c *gin.Context) {
	for i, p := range c.Params {
		if p.Key != "id" && !strings.HasSuffix(p.Key, "_id") {
			continue
		}
		id, ok := input.ID(p.Value)
		if !ok {
			abort(c, &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found: " + input.Quote(p.Value) + " is not an id"})
			return
		}
		c.Params[i].Value = id
	}
	c.Next()
}

// loopbackOnly answers only clients on this machine: the dev outbox holds working sign-in
// links, and `onboard dev` may listen on every interface.
func (s *Server) loopbackOnly(c *gin.Context) {
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		abort(c, notFound("page"))
		return
	}
	c.Next()
}

// limitBody caps request bodies; reading past the cap fails with a 413.
func (s *Server) limitBody(c *gin.Context) {
	if c.Request.ContentLength > s.cfg.MaxBodyBytes {
		_ = c.Error(&http.MaxBytesError{Limit: s.cfg.MaxBodyBytes})
		c.Abort()
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.MaxBodyBytes)
	c.Next()
}

// limit rate-limits sign-in attempts per client address.
func (s *Server) limit(c *gin.Context) {
	if !s.limiter.allow(c.ClientIP()) {
		c.Header("Retry-After", "60")
		_ = c.Error(&Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "too many attempts; wait a minute and try again"})
		c.Abort()
		return
	}
	c.Next()
}

func (s *Server) healthz(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) }

// readyz answers whether this process can serve: the status of each service it needs.
// Why one is down goes to the log, not to the unauthenticated caller.
func (s *Server) readyz(c *gin.Context) {
	status := s.engine.Ready(c.Request.Context())
	body, code := gin.H{"status": "ready"}, http.StatusOK
	for name, err := range status {
		body[name] = "ok"
		if err != nil {
			s.log.Warn("not ready", "service", name, "error", err)
			body[name], body["status"], code = "unavailable", "unavailable", http.StatusServiceUnavailable
		}
	}
	if code != http.StatusOK {
		c.Header("Retry-After", strconv.Itoa(outageRetryAfter))
	}
	c.JSON(code, body)
}
