package api

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/metrics"
)

// The routes that get the longer idempotency lease (they start a workflow) are routes the
// router serves: renaming one must not quietly give it the short lease.
func TestWorkflowStartingRoutesAreRoutes(t *testing.T) {
	s, err := New(config.Config{}, nil, nil, metrics.New(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, r := range s.Handler().(*gin.Engine).Routes() {
		if r.Method == http.MethodPost {
			served[r.Path] = true
		}
	}
	for path := range startsWorkflow {
		if !served[path] {
			t.Errorf("startsWorkflow names %s, which is no POST route", path)
		}
	}
}
