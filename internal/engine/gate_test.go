package engine

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestUpdateGateBoundsPerWorkflowAndForgetsIdleOnes(t *testing.T) {
	var g updateGate
	var in, peak atomic.Int32
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			id := "a"
			if i%2 == 1 {
				id = "b"
			}
			leave, err := g.enter(context.Background(), id)
			if err != nil {
				t.Error(err)
				return
			}
			n := in.Add(1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(5 * time.Millisecond)
			in.Add(-1)
			leave()
		})
	}
	wg.Wait()
	if p := peak.Load(); p > 2*maxUpdatesPerWorkflow {
		t.Fatalf("peak %d in flight over two workflows, want at most %d", p, 2*maxUpdatesPerWorkflow)
	}
	if len(g.slots) != 0 {
		t.Fatalf("%d slots left after every update left", len(g.slots))
	}
}

func TestUpdateGateGivesUpWithTheContext(t *testing.T) {
	var g updateGate
	for range maxUpdatesPerWorkflow {
		if _, err := g.enter(context.Background(), "w"); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.enter(ctx, "w"); err == nil {
		t.Fatal("entered a full gate")
	}
	if g.slots["w"].users != maxUpdatesPerWorkflow {
		t.Fatalf("users %d after a timed-out wait, want %d", g.slots["w"].users, maxUpdatesPerWorkflow)
	}
}
