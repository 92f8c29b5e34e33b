package bench

import (
	"testing"
	"time"
)

func ms(values ...int) []time.Duration {
	out := make([]time.Duration, len(values))
	for i, v := range values {
		out[i] = time.Duration(v) * time.Millisecond
	}
	return out
}

func seq(n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = time.Duration(i+1) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"no samples", nil, 50, 0},
		{"one sample p50", ms(7), 50, 7 * time.Millisecond},
		{"one sample p99", ms(7), 99, 7 * time.Millisecond},
		{"two samples p50 is the lower", ms(1, 2), 50, 1 * time.Millisecond},
		{"two samples p51 is the upper", ms(1, 2), 51, 2 * time.Millisecond},
		{"1..100 p50", seq(100), 50, 50 * time.Millisecond},
		{"1..100 p99", seq(100), 99, 99 * time.Millisecond},
		{"1..100 p100", seq(100), 100, 100 * time.Millisecond},
		{"1..10 p99 is the max", seq(10), 99, 10 * time.Millisecond},
		{"1..1000 p99", seq(1000), 99, 990 * time.Millisecond},
		{"p0 clamps to the min", seq(10), 0, 1 * time.Millisecond},
		{"over 100 clamps to the max", seq(10), 150, 10 * time.Millisecond},
		{"repeated values", ms(5, 5, 5, 9), 50, 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(%v, %v) = %v, want %v", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name      string
		latencies []time.Duration
		elapsed   time.Duration
		want      Summary
	}{
		{"empty", nil, time.Second, Summary{Errors: 1, Queued: 2}},
		{"unsorted input", ms(30, 10, 20, 40), 2 * time.Second,
			Summary{N: 4, P50: 20 * time.Millisecond, P99: 40 * time.Millisecond, Max: 40 * time.Millisecond, Rate: 2, Errors: 1, Queued: 2}},
		{"no elapsed leaves rate 0", ms(3), 0,
			Summary{N: 1, P50: 3 * time.Millisecond, P99: 3 * time.Millisecond, Max: 3 * time.Millisecond, Errors: 1, Queued: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tt.latencies...)
			if got := Summarize(tt.latencies, 1, 2, tt.elapsed); got != tt.want {
				t.Errorf("Summarize = %+v, want %+v", got, tt.want)
			}
			for i := range in {
				if in[i] != tt.latencies[i] {
					t.Fatalf("Summarize reordered its input")
				}
			}
		})
	}
}

func TestRecorder(t *testing.T) {
	var a, b recorder
	a.add(outcome{kind: kindOK}, 10*time.Millisecond)
	a.add(outcome{kind: kindQueued}, time.Second)
	b.add(fail("first"), time.Second)
	b.add(fail("second"), time.Second)
	b.add(outcome{kind: kindOK}, 20*time.Millisecond)
	a.merge(&b)
	got := a.summary(time.Second)
	want := Summary{N: 2, P50: 10 * time.Millisecond, P99: 20 * time.Millisecond, Max: 20 * time.Millisecond,
		Rate: 2, Errors: 2, Queued: 1, FirstError: "first"}
	if got != want {
		t.Errorf("summary = %+v, want %+v", got, want)
	}
}

func TestRecorderAddFailures(t *testing.T) {
	var r recorder
	r.addFailures(3, "behind")
	r.add(fail("later"), 0)
	if s := r.summary(0); s.Errors != 4 || s.FirstError != "behind" {
		t.Errorf("summary = %+v, want 4 errors, first \"behind\"", s)
	}
}
