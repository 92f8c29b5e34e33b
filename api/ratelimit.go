package api

import (
	"sync"
	"time"
)

// rateLimiter is a token bucket per key (client address). It lives in memory, so each
// api process limits on its own; the limit is a brake on guessing, not an accounting.
type rateLimiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per minute
	burst   float64
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the memory a flood of addresses can take.
const maxBuckets = 10000

// evictIdle drops buckets that have refilled completely: forgetting them loses nothing.
// Under a flood where none has, it drops the oldest half rather than everyone's.
func (l *rateLimiter) evictIdle(now time.Time) {
	full := time.Duration(l.burst / l.rate * float64(time.Minute))
	for k, b := range l.buckets {
		if now.Sub(b.last) >= full {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) < maxBuckets {
		return
	}
	cutoff := now
	for _, b := range l.buckets {
		if b.last.Before(cutoff) {
			cutoff = b.last
		}
	}
	mid := cutoff.Add(now.Sub(cutoff) / 2)
	for k, b := range l.buckets {
		if b.last.Before(mid) {
			delete(l.buckets, k)
		}
	}
}

func newRateLimiter(perMinute, burst int) *rateLimiter {
	return &rateLimiter{rate: float64(perMinute), burst: float64(burst), buckets: map[string]*bucket{}}
}

func (l *rateLimiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.evictIdle(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Minutes()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
