package devstack

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"go.temporal.io/server/common/log/tag"
	"go.temporal.io/server/service/history/workflow/update"
)

func TestRetriedUpdateAbortIsNotAnError(t *testing.T) {
	var buf bytes.Buffer
	l := newServerLogger(slog.New(slog.NewTextHandler(&buf, nil)), slog.LevelWarn)
	l.Error("service failures", tag.Operation("UpdateWorkflowExecution"), tag.Error(update.AbortedByServerErr))
	if buf.Len() != 0 {
		t.Fatalf("a retried update abort was logged: %s", buf.String())
	}
	l.Error("service failures", tag.Operation("UpdateWorkflowExecution"), tag.Error(errors.New("disk full")))
	if !strings.Contains(buf.String(), "level=ERROR") || !strings.Contains(buf.String(), "disk full") {
		t.Fatalf("another service failure was not logged as an error: %q", buf.String())
	}
}
