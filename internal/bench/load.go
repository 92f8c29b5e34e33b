package bench

import (
	"context"
	"sync"
	"time"
)

// actor is one simulated user: it performs one action per call to act, never two at once.
type actor interface {
	// act performs one measured action.
	act(ctx context.Context) outcome
	// prepare does unmeasured work before the next action, such as starting a new
	// onboarding when the current one has no task left.
	prepare(ctx context.Context)
}

// failurePause keeps a flat-out user from spinning on an error that comes back at once.
const failurePause = 10 * time.Millisecond

// runPaced is an open-loop run: rate actions per second in total, spread evenly over
// the actors, for d. Each action is scheduled at a fixed time and its latency runs from
// that time, so a slow answer that delays the next action is counted against the
// next action too (no coordinated omission). No action starts after d: the ones
// still due then are counted as failed, so a stack that cannot keep up shows errors.
func runPaced(ctx context.Context, actors []actor, rate float64, d time.Duration) Summary {
	interval := max(time.Duration(float64(len(actors))/rate*float64(time.Second)), time.Microsecond)
	return run(ctx, actors, func(ctx context.Context, i int, a actor, start, end time.Time, rec *recorder) {
		offset := time.Duration(float64(interval) * float64(i) / float64(len(actors)))
		at := start.Add(offset)
		for ; at.Before(end) && time.Now().Before(end); at = at.Add(interval) {
			if !sleepUntil(ctx, at) {
				return
			}
			rec.add(a.act(ctx), time.Since(at))
			a.prepare(ctx)
		}
		if at.Before(end) && ctx.Err() == nil {
			missed := int((end.Sub(at)-1)/interval) + 1
			rec.addFailures(missed, "not started before the run ended: the stack fell behind the schedule")
		}
	}, d)
}

// runFlat is a closed-loop run: every actor acts back to back for d.
func runFlat(ctx context.Context, actors []actor, d time.Duration) Summary {
	return run(ctx, actors, func(ctx context.Context, _ int, a actor, _, end time.Time, rec *recorder) {
		for time.Now().Before(end) && ctx.Err() == nil {
			began := time.Now()
			o := a.act(ctx)
			rec.add(o, time.Since(began))
			if o.kind == kindFailed {
				sleepUntil(ctx, time.Now().Add(failurePause))
			}
			a.prepare(ctx)
		}
	}, d)
}

type loop func(ctx context.Context, i int, a actor, start, end time.Time, rec *recorder)

// run runs loop for every actor at once and summarises over the wall time until the
// last one finished.
func run(ctx context.Context, actors []actor, l loop, d time.Duration) Summary {
	for _, a := range actors {
		a.prepare(ctx)
	}
	start := time.Now()
	end := start.Add(d)
	recs := make([]recorder, len(actors))
	var wg sync.WaitGroup
	for i, a := range actors {
		wg.Go(func() { l(ctx, i, a, start, end, &recs[i]) })
	}
	wg.Wait()
	var all recorder
	for i := range recs {
		all.merge(&recs[i])
	}
	return all.summary(time.Since(start))
}

// sleepUntil waits until t; it reports false if ctx ended first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
