package bench

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// fakeActor takes delay per action and counts calls; no network.
type fakeActor struct {
	delay    time.Duration
	acts     atomic.Int64
	prepares atomic.Int64
}

func (f *fakeActor) act(context.Context) outcome {
	f.acts.Add(1)
	time.Sleep(f.delay)
	return outcome{kind: kindOK}
}

func (f *fakeActor) prepare(context.Context) { f.prepares.Add(1) }

func fakes(n int, delay time.Duration) ([]actor, []*fakeActor) {
	as, fs := make([]actor, n), make([]*fakeActor, n)
	for i := range fs {
		fs[i] = &fakeActor{delay: delay}
		as[i] = fs[i]
	}
	return as, fs
}

func TestRunPacedAccountsForEverySlot(t *testing.T) {
	// 4 users at 40/s: one action every 100ms per user, offset by 25ms; 5 slots each in 500ms.
	for _, delay := range []time.Duration{time.Millisecond, 300 * time.Millisecond} {
		actors, _ := fakes(4, delay)
		s := runPaced(context.Background(), actors, 40, 500*time.Millisecond)
		if s.N+s.Errors != 20 {
			t.Errorf("delay %v: %d ok + %d errors, want 20 slots accounted for", delay, s.N, s.Errors)
		}
		if delay > 100*time.Millisecond && s.Errors == 0 {
			t.Errorf("delay %v: a stack slower than the schedule shows no errors: %+v", delay, s)
		}
		if s.N > 0 && s.P50 < delay {
			t.Errorf("delay %v: p50 %v is below the action's own time", delay, s.P50)
		}
	}
}

func TestRunFlatStopsByItself(t *testing.T) {
	actors, fs := fakes(3, 5*time.Millisecond)
	began := time.Now()
	s := runFlat(context.Background(), actors, 200*time.Millisecond)
	if took := time.Since(began); took > 2*time.Second {
		t.Fatalf("flat run took %v for a 200ms duration", took)
	}
	var acts int64
	for _, f := range fs {
		acts += f.acts.Load()
		if f.prepares.Load() < f.acts.Load() {
			t.Errorf("prepare ran %d times for %d actions", f.prepares.Load(), f.acts.Load())
		}
	}
	if s.N == 0 || int64(s.N) != acts || s.Rate <= 0 {
		t.Errorf("summary %+v for %d actions", s, acts)
	}
}

func TestRunStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	actors, _ := fakes(2, time.Millisecond)
	began := time.Now()
	runPaced(ctx, actors, 1, time.Hour)
	runFlat(ctx, actors, time.Hour)
	if took := time.Since(began); took > time.Second {
		t.Fatalf("cancelled runs took %v", took)
	}
}
