package worker_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	enums "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/onboard-oss/onboard/internal/devstack"
	"github.com/onboard-oss/onboard/worker"
	"github.com/onboard-oss/onboard/workflows"
)

// newServer starts an embedded Temporal server of the test's own, so registering
// attributes cannot disturb other tests, and returns a client of it.
func newServer(t *testing.T) client.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	quiet := slog.New(slog.DiscardHandler)
	tm, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{UIPort: -1, Logger: quiet})
	if err != nil {
		t.Fatalf("StartTemporal: %v", err)
	}
	t.Cleanup(tm.Stop)
	c, err := client.Dial(client.Options{HostPort: tm.Address(), Logger: sdklog.NewStructuredLogger(quiet)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func addAttributes(t *testing.T, c client.Client, attrs map[string]enums.IndexedValueType) {
	t.Helper()
	_, err := c.OperatorService().AddSearchAttributes(context.Background(),
		&operatorservice.AddSearchAttributesRequest{Namespace: "default", SearchAttributes: attrs})
	if err != nil {
		t.Fatalf("AddSearchAttributes: %v", err)
	}
}

func TestEnsureSearchAttributes(t *testing.T) {
	t.Parallel()
	c := newServer(t)
	ctx := context.Background()
	for range 2 { // the second start finds them all and changes nothing
		if err := worker.EnsureSearchAttributes(ctx, c, "default", slog.New(slog.DiscardHandler)); err != nil {
			t.Fatalf("EnsureSearchAttributes: %v", err)
		}
	}
	list, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	for name, typ := range workflows.SearchAttributeTypes() {
		if got, ok := list.GetCustomAttributes()[name]; !ok || got != typ {
			t.Errorf("search attribute %s = %v (present %v), want %v", name, got, ok, typ)
		}
	}
}

func TestEnsureSearchAttributesRefusesAWrongType(t *testing.T) {
	t.Parallel()
	c := newServer(t)
	addAttributes(t, c, map[string]enums.IndexedValueType{"ProgressPercent": enums.INDEXED_VALUE_TYPE_KEYWORD})
	err := worker.EnsureSearchAttributes(context.Background(), c, "default", slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "ProgressPercent exists with type") {
		t.Fatalf("err = %v, want one naming ProgressPercent's type", err)
	}
}

func TestEnsureSearchAttributesWithoutASlotLeft(t *testing.T) {
	t.Parallel()
	c := newServer(t)
	// The SQLite schema has 3 Int slots; ProgressPercent needs one more.
	addAttributes(t, c, map[string]enums.IndexedValueType{"A": enums.INDEXED_VALUE_TYPE_INT,
		"B": enums.INDEXED_VALUE_TYPE_INT, "C": enums.INDEXED_VALUE_TYPE_INT})
	err := worker.EnsureSearchAttributes(context.Background(), c, "default", slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "ProgressPercent") {
		t.Fatalf("err = %v, want one naming ProgressPercent", err)
	}
	t.Logf("the server says: %v", err)
}
