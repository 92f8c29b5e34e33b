package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// KeyedOptions configure a keyed load: the load the fault suite runs while it kills
// processes, where what matters is not speed but that every action is accounted for.
type KeyedOptions struct {
	// URLs are the base URLs of one or more api processes of the same stack; each user
	// spreads its attempts over them, so a retry after one died goes to another.
	URLs []string
	// APIKey authenticates the calls.
	APIKey string
	// AccountID is the account the users' onboardings are created for.
	AccountID string
	// Plan is the plan template of those onboardings.
	Plan string
	// Users is the number of simulated users, each working through its own onboardings.
	Users int
	// Run prefixes every Idempotency-Key, so runs against the same stack do not collide.
	Run string
	// GiveUpAfter is how long an action is retried (with its key) before it is recorded
	// unanswered.
	GiveUpAfter time.Duration
	// DoubleEvery makes every DoubleEvery-th action a double click: the same request with
	// the same key sent twice at once, to two api processes when there are two. 0: never.
	DoubleEvery int
}

// KeyedAction is one action of a keyed load and what became of it.
type KeyedAction struct {
	// Key is the Idempotency-Key every attempt of the action carried.
	Key string
	// OnboardingID is the onboarding acted on, or the one created (when known).
	OnboardingID string
	// Task is the task completed; "" for the creation of an onboarding.
	Task string
	// Status is the definitive answer (the last attempt's; for a double click, the first
	// request's, else the second's), 0 when none came before GiveUpAfter. Attempts counts
	// the requests sent, the double click's included.
	Status   int
	Attempts int
	// Double is true for a double click; DoubleStatus is its second request's answer.
	Double       bool
	DoubleStatus int
	// Sent and Answered bound the action, retries included.
	Sent, Answered time.Time
	// Trail lists every attempt and its answer (the double click's after the first's).
	Trail []string
}

// Accepted reports whether the stack accepted the action: 200 or 201 (done and shown),
// or 202 (queued, to be applied when a worker takes it).
func (a KeyedAction) Accepted() bool {
	return a.Status == http.StatusOK || a.Status == http.StatusCreated || a.Status == http.StatusAccepted
}

// retryPause is the wait between attempts of an unanswered action.
const retryPause = 200 * time.Millisecond

// RunKeyed runs the keyed load until stop is closed: each user creates an onboarding
// and completes its tasks in dependency order, every request with an Idempotency-Key,
// retrying an action with the same key (on another api when there are several) for as
// long as the answer says nothing definitive: no answer, a 5xx, a 429 or
// idempotency_key_in_use. After stop, actions in flight are still retried to their
// answer; ctx ends everything. It returns every action in the order they were sent.
func RunKeyed(ctx context.Context, o KeyedOptions, stop <-chan struct{}) []KeyedAction {
	clients := make([]*apiClient, len(o.URLs))
	for i, u := range o.URLs {
		clients[i] = newAPIClient(u, o.APIKey, 2*o.Users)
		defer clients[i].close()
	}
	l := &keyedLedger{}
	var wg sync.WaitGroup
	for u := range o.Users {
		ku := &keyedUser{o: o, clients: clients, ledger: l, id: u}
		wg.Go(func() { ku.run(ctx, stop) })
	}
	wg.Wait()
	return l.all()
}

// keyedLedger keeps every action of a keyed load; it is safe for concurrent use.
type keyedLedger struct {
	mu      sync.Mutex
	actions []*KeyedAction
}

func (l *keyedLedger) add(a *KeyedAction) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.actions = append(l.actions, a)
}

func (l *keyedLedger) all() []KeyedAction {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]KeyedAction, len(l.actions))
	for i, a := range l.actions {
		out[i] = *a
	}
	return out
}

// keyedUser is one user of a keyed load.
type keyedUser struct {
	o       KeyedOptions
	clients []*apiClient
	ledger  *keyedLedger
	id, n   int
	cur     *walk
}

func (u *keyedUser) run(ctx context.Context, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		if u.cur == nil {
			u.create(ctx)
			continue
		}
		task, ok := u.cur.next()
		if !ok {
			u.cur = nil
			continue
		}
		a := u.send(ctx, u.cur.id, task, fmt.Sprintf("/api/v1/onboardings/%s/tasks/%s/complete", url.PathEscape(u.cur.id), url.PathEscape(task)), nil)
		switch {
		case a.Accepted():
			u.cur.markDone(task)
		case a.Status == 0:
			return // the stack did not come back within GiveUpAfter
		default: // refused: read the onboarding as it is now
			u.reload(ctx)
		}
	}
}

// create starts the user's next onboarding.
func (u *keyedUser) create(ctx context.Context) {
	body := map[string]string{"account_id": u.o.AccountID, "plan": u.o.Plan}
	a := u.send(ctx, "", "", "/api/v1/onboardings", body)
	if a.Status != http.StatusCreated {
		if ctx.Err() == nil {
			time.Sleep(retryPause) // a refusal is not retried with its key; the next create has a new one
		}
		return
	}
	u.cur = &walk{id: a.OnboardingID}
	u.reload(ctx)
}

// reload reads the current onboarding's tasks again (until an answer comes).
func (u *keyedUser) reload(ctx context.Context) {
	id := u.cur.id
	for i := 0; ctx.Err() == nil; i++ {
		doc, err := u.clients[(u.id+i)%len(u.clients)].onboarding(ctx, id)
		if err == nil {
			u.cur = newWalk(doc)
			return
		}
		sleepCtx(ctx, retryPause)
	}
}

// send makes one keyed action, retrying it until a definitive answer or GiveUpAfter.
func (u *keyedUser) send(ctx context.Context, onboardingID, task, path string, body any) KeyedAction {
	u.n++
	a := &KeyedAction{Key: fmt.Sprintf("%s-u%d-%d", u.o.Run, u.id, u.n), OnboardingID: onboardingID, Task: task, Sent: time.Now()}
	u.ledger.add(a)
	var res keyedAnswer
	if u.o.DoubleEvery > 0 && u.n%u.o.DoubleEvery == 0 {
		a.Double = true
		var second keyedAnswer
		var wg sync.WaitGroup
		wg.Go(func() { second = u.attempt(ctx, 1, path, body, a.Key, a.Sent) })
		res = u.attempt(ctx, 0, path, body, a.Key, a.Sent)
		wg.Wait()
		a.DoubleStatus, a.Attempts, a.Trail = second.status, second.attempts, second.trail
	} else {
		res = u.attempt(ctx, 0, path, body, a.Key, a.Sent)
	}
	a.Status, a.Attempts, a.Answered = res.status, a.Attempts+res.attempts, time.Now()
	a.Trail = append(res.trail, a.Trail...)
	if a.Status == 0 && a.DoubleStatus != 0 { // the double click's second request got the answer
		a.Status = a.DoubleStatus
	}
	if task == "" && res.id != "" {
		a.OnboardingID = res.id
	}
	return *a
}

type keyedAnswer struct {
	status, attempts int
	id               string
	trail            []string
}

// trailEntry describes one attempt: when (since the action was sent), to which api, and
// what came back.
func trailEntry(sent time.Time, api, status int, body []byte, err error) string {
	at := time.Since(sent).Round(time.Millisecond)
	if err != nil {
		return fmt.Sprintf("+%s api %d: no answer (%v)", at, api+1, err)
	}
	return fmt.Sprintf("+%s api %d: %s", at, api+1, describe(status, body))
}

// attempt sends a request until its answer is definitive, starting at api number first.
func (u *keyedUser) attempt(ctx context.Context, first int, path string, body any, key string, sent time.Time) keyedAnswer {
	var out keyedAnswer
	for i := u.id + first; ctx.Err() == nil && time.Since(sent) < u.o.GiveUpAfter; i++ {
		out.attempts++
		status, b, err := u.clients[i%len(u.clients)].call(ctx, http.MethodPost, path, body, key)
		out.trail = append(out.trail, trailEntry(sent, i%len(u.clients), status, b, err))
		if err == nil && definitive(status, b) {
			out.status = status
			var doc struct {
				ID string `json:"id"`
			}
			if json.Unmarshal(b, &doc) == nil {
				out.id = doc.ID
			}
			return out
		}
		sleepCtx(ctx, retryPause)
	}
	return out
}

// definitive reports whether an answer settles an action: anything but a 5xx, a 429 or
// a 409 saying the key's first request is still being handled.
func definitive(status int, body []byte) bool {
	if status >= 500 || status == http.StatusTooManyRequests {
		return false
	}
	if status == http.StatusConflict {
		var e struct {
			Error struct{ Code string } `json:"error"`
		}
		return json.Unmarshal(body, &e) != nil || e.Error.Code != "idempotency_key_in_use"
	}
	return true
}

func sleepCtx(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
