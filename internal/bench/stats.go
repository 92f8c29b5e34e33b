package bench

import (
	"math"
	"slices"
	"sync"
	"time"
)

// Percentile returns the p-th percentile (0 < p ≤ 100) of sorted by the nearest-rank
// method: the smallest sample such that at least p% of the samples are at or below it.
// It returns 0 for no samples; sorted must be in ascending order.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// Summary is one row of the report.
type Summary struct {
	// N is the number of successful samples the percentiles are taken over.
	N             int
	P50, P99, Max time.Duration
	// Rate is successful actions per second of wall time; 0 when not meaningful.
	Rate float64
	// Errors counts failed attempts, Queued task actions answered 202.
	Errors, Queued int
	// FirstError describes the first failure, for diagnosis.
	FirstError string
}

// Summarize computes a Summary from unsorted latencies of successful samples. elapsed is
// the wall time the samples were taken in; zero leaves Rate at 0.
func Summarize(latencies []time.Duration, errors, queued int, elapsed time.Duration) Summary {
	sorted := slices.Clone(latencies)
	slices.Sort(sorted)
	s := Summary{N: len(sorted), P50: Percentile(sorted, 50), P99: Percentile(sorted, 99),
		Errors: errors, Queued: queued}
	if len(sorted) > 0 {
		s.Max = sorted[len(sorted)-1]
	}
	if elapsed > 0 {
		s.Rate = float64(len(sorted)) / elapsed.Seconds()
	}
	return s
}

// outcome is what became of one attempted action.
type outcome struct {
	// kind is kindOK, kindQueued or kindFailed.
	kind kind
	// detail describes a failure.
	detail string
}

type kind int

const (
	kindOK kind = iota
	kindQueued
	kindFailed
)

func fail(detail string) outcome { return outcome{kind: kindFailed, detail: detail} }

// recorder collects samples; it is safe for concurrent use.
type recorder struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    int
	queued    int
	first     string
}

func (r *recorder) add(o outcome, latency time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch o.kind {
	case kindOK:
		r.latencies = append(r.latencies, latency)
	case kindQueued:
		r.queued++
	default:
		r.errors++
		if r.first == "" {
			r.first = o.detail
		}
	}
}

// addFailures records n failures at once.
func (r *recorder) addFailures(n int, detail string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors += n
	if r.first == "" {
		r.first = detail
	}
}

// merge adds everything other recorded.
func (r *recorder) merge(other *recorder) {
	other.mu.Lock()
	defer other.mu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.latencies = append(r.latencies, other.latencies...)
	r.errors += other.errors
	r.queued += other.queued
	if r.first == "" {
		r.first = other.first
	}
}

func (r *recorder) summary(elapsed time.Duration) Summary {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Summarize(r.latencies, r.errors, r.queued, elapsed)
	s.FirstError = r.first
	return s
}
