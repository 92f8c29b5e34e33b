package bench

import (
	"context"
	"time"
)

// taskUser is a simulated staff user completing its onboarding's tasks in dependency
// order through the JSON API, and starting a new onboarding when it runs out.
type taskUser struct {
	api       *apiClient
	accountID string
	plan      string
	runID     string
	// creations records every onboarding this user creates (shared by all users).
	creations *recorder
	cur       *walk
	// started counts onboardings created by this user.
	started int
}

// act completes the next task. It is the measured action: the API answers 200 only
// after the read model shows the change, so its latency is "click to saved and visible".
func (u *taskUser) act(ctx context.Context) outcome {
	key, ok := u.nextTask()
	if !ok {
		// prepare could not start an onboarding; try again here, on the clock.
		if err := u.renew(ctx); err != nil {
			return fail("no onboarding to act on: " + err.Error())
		}
		if key, ok = u.nextTask(); !ok {
			return fail("new onboarding " + u.cur.id + " has no task to complete")
		}
	}
	o := u.api.complete(ctx, u.cur.id, key, u.runID+"-"+u.cur.id+"-"+key)
	if o.kind == kindOK {
		u.cur.markDone(key)
	} else {
		// A queued or failed action leaves this onboarding's state uncertain: move on.
		u.cur = nil
	}
	return o
}

// prepare starts a new onboarding when the current one has no task left.
func (u *taskUser) prepare(ctx context.Context) {
	if _, ok := u.nextTask(); !ok && ctx.Err() == nil {
		_ = u.renew(ctx) // recorded in creations; act retries
	}
}

func (u *taskUser) nextTask() (string, bool) {
	if u.cur == nil {
		return "", false
	}
	return u.cur.next()
}

// renew creates an onboarding (measured in creations) and reads its tasks once.
func (u *taskUser) renew(ctx context.Context) error {
	u.cur = nil
	began := time.Now()
	id, err := u.api.createOnboarding(ctx, u.accountID, u.plan)
	if err != nil {
		u.creations.add(fail(err.Error()), 0)
		return err
	}
	u.creations.add(outcome{kind: kindOK}, time.Since(began))
	u.started++
	doc, err := u.api.onboarding(ctx, id)
	if err != nil {
		return err
	}
	u.cur = newWalk(doc)
	return nil
}
