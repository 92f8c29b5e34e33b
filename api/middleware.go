package api

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"
)

// recoverPanics turns a panic into a logged 500.
func (s *Server) recoverPanics(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "path", c.Request.URL.Path, "panic", p, "stack", string(debug.Stack()))
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
		s.log.Warn("http", "method", c.Request.Method, "path", c.Request.URL.Path, "status", c.Writer.Status(), "duration", time.Since(start))
	}
}

// securityHeaders sets the headers every response carries.
func (s *Server) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
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

func (s *Server) readyz(c *gin.Context) {
	if err := s.engine.Ready(c.Request.Context()); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "error": err.Error()})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
