package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/engine"
	"github.com/onboard-oss/onboard/internal/input"
	"github.com/onboard-oss/onboard/internal/store"
)

// idempotent makes every JSON API POST safe to retry with an Idempotency-Key header, the
// way payment APIs do: the key is bound to the first request sent with it (method, route,
// ids and body). A retry of that request gets the first answer again (with the header
// Idempotent-Replayed: true) and changes nothing; the same key on a different request is
// refused with 422 idempotency_key_reused; a retry while the first is still being handled
// gets 409 idempotency_key_in_use. An answer that says to try again (a 409 conflict with
// the state of the moment, a 429, a 5xx) is not kept, so the key may be retried.
func (s *Server) idempotent(c *gin.Context) {
	if c.Request.Method != http.MethodPost {
		c.Next()
		return
	}
	key, err := idempotencyKey(c)
	if err != nil || key == "" {
		if err != nil {
			abort(c, err)
			return
		}
		c.Next()
		return
	}
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		abort(c, err)
		return
	}
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	// The answer is kept even when the client hung up meanwhile: that is the retry it is for.
	ws, ctx, fp := workspaceID(c), context.WithoutCancel(c.Request.Context()), fingerprint(c, body)
	claim := newRequestID()
	first, claimed, err := s.claim(c, ws, key, claim, fp)
	if err != nil {
		abort(c, err)
		return
	}
	if !claimed {
		replay(c, first, fp)
		return
	}
	rec := &recorder{ResponseWriter: c.Writer}
	c.Writer = rec
	kept := false
	defer func() { // a panic, too, must not leave the key claimed and unanswered
		if !kept {
			s.releaseKey(ctx, ws, key, claim)
		}
	}()
	c.Next()
	s.writeError(c) // an error a handler recorded is the answer to keep
	if status := rec.Status(); status < 500 && status != http.StatusConflict && status != http.StatusTooManyRequests {
		err := s.store.CompleteIdempotencyKey(ctx, ws, key, claim, status, rec.Header().Get("Content-Type"), rec.body.Bytes())
		if err != nil {
			s.log.Error("keeping the answer to an idempotent request", "key", key, "error", err)
		}
		kept = err == nil
	}
}

// releaseKey frees a key whose request should be tried again.
func (s *Server) releaseKey(ctx context.Context, ws, key, claim string) {
	if err := s.store.ReleaseIdempotencyKey(ctx, ws, key, claim); err != nil {
		s.log.Error("releasing an idempotency key", "key", key, "error", err)
	}
}

// claim claims the key for this request, or returns the first request's record. A retry
// that arrives while the first is still being handled (a double click) waits for its
// answer, as long as an action may take, rather than failing.
func (s *Server) claim(c *gin.Context, ws, key, claim string, fp []byte) (store.IdempotentRequest, bool, error) {
	deadline := time.Now().Add(s.cfg.UpdateTimeout + 2*time.Second)
	for {
		first, claimed, err := s.store.ClaimIdempotencyKey(c.Request.Context(), ws, key, claim, fp, s.idempotencyLease(c))
		if err != nil || claimed || first.Status != nil || !bytes.Equal(first.Fingerprint, fp) || time.Now().After(deadline) {
			return first, claimed, err
		}
		select {
		case <-c.Request.Context().Done():
			return first, false, c.Request.Context().Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// idempotencyLease is how long a claimed key may stay unanswered before a retry of the
// same request may claim it: longer than that request can take once it holds the key,
// and no longer, so that a retry after the api process died mid-request goes through as
// soon as it safely can. A task action or any other change waits for at most an Update
// and then a queued signal, each within UpdateTimeout; the requests that start a workflow
// (startsWorkflow) wait for the start and its clean-up, engine.MaxStartDuration; 12 s more
// cover the database work around them. A retry has the same route as the first request
// (the key is bound to it), so its lease is the first one's.
func (s *Server) idempotencyLease(c *gin.Context) time.Duration {
	longest := 3 * s.cfg.UpdateTimeout
	if startsWorkflow[c.FullPath()] {
		longest = max(longest, engine.MaxStartDuration)
	}
	return longest + 12*time.Second
}

// startsWorkflow are the JSON API's POST routes that start a workflow before answering.
var startsWorkflow = map[string]bool{"/api/v1/onboardings": true, "/api/v1/contacts/:id/invite": true,
	"/api/v1/webhooks/:id/test": true}

// idempotencyKey returns the request's Idempotency-Key header, or "" without one.
func idempotencyKey(c *gin.Context) (string, error) {
	key := strings.TrimSpace(c.GetHeader("Idempotency-Key"))
	if _, err := input.Text("", key); len(key) > 200 || err != nil {
		return "", badRequest("Idempotency-Key header: at most 200 characters of plain text")
	}
	return key, nil
}

// keyDigest stands for a client's Idempotency-Key inside the ids the app derives from it
// (a Temporal update id, a notification's key): the same length whatever the client sent,
// and short enough for every provider.
func keyDigest(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:12])
}

// replay answers a retry with the first request's answer, or says why it cannot.
func replay(c *gin.Context, first store.IdempotentRequest, fp []byte) {
	switch {
	case !bytes.Equal(first.Fingerprint, fp):
		abort(c, &Error{Status: http.StatusUnprocessableEntity, Code: "idempotency_key_reused",
			Message: "Idempotency-Key was already used for a different request; use a new key for a new request"})
	case first.Status == nil:
		abort(c, &Error{Status: http.StatusConflict, Code: "idempotency_key_in_use", RetryAfter: 1,
			Message: "a request with this Idempotency-Key is still being handled; retry in a moment"})
	default:
		c.Header("Idempotent-Replayed", "true")
		c.Data(*first.Status, first.ContentType, first.Response)
		c.Abort()
	}
}

// fingerprint identifies a request: method, route, path parameters (canonical ids) and body.
func fingerprint(c *gin.Context, body []byte) []byte {
	h := sha256.New()
	io.WriteString(h, c.Request.Method+" "+c.FullPath())
	for _, p := range c.Params {
		io.WriteString(h, "\x00"+p.Key+"="+p.Value)
	}
	h.Write([]byte{0})
	h.Write(body)
	return h.Sum(nil)
}

// recorder keeps a copy of the response body it passes on.
type recorder struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) WriteString(s string) (int, error) {
	r.body.WriteString(s)
	return r.ResponseWriter.WriteString(s)
}
