package api

import (
	"strconv"
	"testing"
	"time"
)

func TestRateLimiterBurstThenRefill(t *testing.T) {
	l := newRateLimiter(60, 3) // one a second, bursts of three
	t0 := time.Now()
	for i := 0; i < 3; i++ {
		if !l.allowAt("a", t0) {
			t.Fatalf("attempt %d refused within the burst", i)
		}
	}
	if l.allowAt("a", t0) {
		t.Fatal("fourth attempt allowed")
	}
	if !l.allowAt("b", t0) {
		t.Fatal("another address is limited too")
	}
	if !l.allowAt("a", t0.Add(2*time.Second)) {
		t.Fatal("no refill after two seconds")
	}
}

func TestRateLimiterEvictsWithoutForgivingEveryone(t *testing.T) {
	l := newRateLimiter(10, 2)
	t0 := time.Now()
	for i := 0; len(l.keys) < maxBuckets; i++ {
		l.allowAt("flood-"+strconv.Itoa(i), t0)
	}
	l.allowAt("attacker", t0.Add(time.Second))
	l.allowAt("attacker", t0.Add(time.Second))
	l.allowAt("one-more", t0.Add(time.Second)) // triggers eviction
	if len(l.keys) >= maxBuckets {
		t.Fatalf("%d buckets after eviction", len(l.keys))
	}
	if l.allowAt("attacker", t0.Add(time.Second)) {
		t.Fatal("eviction forgave the address that was limited most recently")
	}
}
