package api

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/store"
)

// hub hands read-model changes to the pages open in this process, by topic: an
// onboarding, an account (the portal shows all of its onboardings) or a workspace (the
// staff list). It is only a fan-out: Postgres (LISTEN/NOTIFY) carries the changes
// between processes, and a page that misses one still shows the truth on its next load.
type hub struct {
	mu   sync.Mutex
	subs map[string]map[chan struct{}]struct{}
}

func newHub() *hub { return &hub{subs: map[string]map[chan struct{}]struct{}{}} }

// subscribe returns a channel that receives a signal (at most one waiting) when topic
// changes, and the function that ends the subscription.
func (h *hub) subscribe(topic string) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs[topic] == nil {
		h.subs[topic] = map[chan struct{}]struct{}{}
	}
	h.subs[topic][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[topic], ch)
		if len(h.subs[topic]) == 0 {
			delete(h.subs, topic)
		}
		h.mu.Unlock()
	}
}

// publish signals every subscriber of the change's topics, never waiting for one.
func (h *hub) publish(c store.Change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, topic := range []string{"onboarding:" + c.OnboardingID, "account:" + c.AccountID, "workspace:" + c.WorkspaceID} {
		for ch := range h.subs[topic] {
			select {
			case ch <- struct{}{}:
			default: // one signal waiting is as good as many
			}
		}
	}
}

// Live passes every read-model change any process writes to the pages open here, until
// ctx ends. The binary runs it beside the HTTP server.
func (s *Server) Live(ctx context.Context) {
	s.store.ListenForChanges(ctx, s.log, s.live.publish)
}

// keepAlive is how often an idle event stream sends a comment, so proxies keep it open.
const keepAlive = 25 * time.Second

// streamChanges answers with a server-sent event stream that says "changed" whenever the
// topic changes, until the client goes away.
func (s *Server) streamChanges(c *gin.Context, topic string) {
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Time{}) // a stream outlives the write timeout
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-store")
	c.Header("X-Accel-Buffering", "no")
	changes, stop := s.live.subscribe(topic)
	defer stop()
	ticker := time.NewTicker(keepAlive)
	defer ticker.Stop()
	c.Status(http.StatusOK)
	_, _ = io.WriteString(c.Writer, ": live\n\n")
	c.Writer.Flush()
	for {
		select {
		case <-c.Request.Context().Done():
			return
		case <-s.closing:
			return
		case <-changes:
			_, _ = io.WriteString(c.Writer, "event: changed\ndata: {}\n\n")
		case <-ticker.C:
			_, _ = io.WriteString(c.Writer, ": ping\n\n")
		}
		c.Writer.Flush()
	}
}

// portalEvents streams changes of the contact's account's onboardings.
func (s *Server) portalEvents(c *gin.Context) {
	contact := c.MustGet(ctxContact).(store.Contact)
	s.streamChanges(c, "account:"+contact.AccountID)
}

// staffEvents streams changes of one onboarding of the workspace, or with no id, of all.
func (s *Server) staffEvents(c *gin.Context) {
	if id := c.Param("id"); id != "" {
		if _, err := s.store.Onboarding(c.Request.Context(), workspaceID(c), id); err != nil {
			_ = c.Error(notFoundAs(err, "onboarding"))
			return
		}
		s.streamChanges(c, "onboarding:"+id)
		return
	}
	s.streamChanges(c, "workspace:"+workspaceID(c))
}

// liveScript serves the page script that follows a page's event stream.
func (s *Server) liveScript(c *gin.Context) {
	c.Header("Cache-Control", "public, max-age=300")
	c.Data(http.StatusOK, "text/javascript; charset=utf-8", liveJS)
}
