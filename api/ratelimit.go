package api

import (
	"sort"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// rateLimiter keeps a token bucket (golang.org/x/time/rate) per key, the client address.
// It lives in memory, so each api process limits on its own; the limit is a brake on
// guessing, not an accounting.
type rateLimiter struct {
	mu    sync.Mutex
	every rate.Limit
	burst int
	keys  map[string]*limiterEntry
}

type limiterEntry struct {
	lim  *rate.Limiter
	seen time.Time
}

// maxBuckets bounds the memory a flood of addresses can take.
const maxBuckets = 10000

func newRateLimiter(perMinute, burst int) *rateLimiter {
	return &rateLimiter{every: rate.Limit(float64(perMinute) / 60), burst: burst, keys: map[string]*limiterEntry{}}
}

func (l *rateLimiter) allow(key string) bool { return l.allowAt(key, time.Now()) }

// allowAt takes a token for key at now, if its bucket has one.
func (l *rateLimiter) allowAt(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= maxBuckets {
			l.evict(now)
		}
		e = &limiterEntry{lim: rate.NewLimiter(l.every, l.burst)}
		l.keys[key] = e
	}
	e.seen = now
	return e.lim.AllowN(now, 1)
}

// evict drops buckets that are full again: forgetting them loses nothing. Under a flood
// where too few are, it drops the half seen longest ago rather than everyone's.
func (l *rateLimiter) evict(now time.Time) {
	for k, e := range l.keys {
		if e.lim.TokensAt(now) >= float64(l.burst) {
			delete(l.keys, k)
		}
	}
	if len(l.keys) < maxBuckets*3/4 {
		return
	}
	type seen struct {
		key string
		at  time.Time
	}
	all := make([]seen, 0, len(l.keys))
	for k, e := range l.keys {
		all = append(all, seen{k, e.seen})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].at.Before(all[j].at) })
	for _, s := range all[:len(all)/2] {
		delete(l.keys, s.key)
	}
}
