package api

import (
	"strconv"
	"testing"
	"time"
)

func TestRateLimiterBurstThenRefill(t *testing.T) {
	l := newRateLimiter(60, 3) // one a second, bursts of three
	for i := 0; i < 3; i++ {
		if !l.allow("a") {
			t.Fatalf("attempt %d refused within the burst", i)
		}
	}
	if l.allow("a") {
		t.Fatal("fourth attempt allowed")
	}
	if !l.allow("b") {
		t.Fatal("another address is limited too")
	}
	l.buckets["a"].last = l.buckets["a"].last.Add(-2 * time.Second)
	if !l.allow("a") {
		t.Fatal("no refill after two seconds")
	}
}

func TestRateLimiterEvictsWithoutForgivingEveryone(t *testing.T) {
	l := newRateLimiter(10, 2)
	l.allow("attacker")
	l.allow("attacker")
	for i := 0; len(l.buckets) < maxBuckets; i++ {
		l.allow("flood-" + strconv.Itoa(i))
	}
	l.allow("one-more") // triggers eviction
	if len(l.buckets) >= maxBuckets {
		t.Fatalf("%d buckets after eviction", len(l.buckets))
	}
	if b, ok := l.buckets["attacker"]; ok && b.tokens >= 1 {
		t.Fatal("eviction refilled a limited address")
	}
}
