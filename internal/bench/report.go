package bench

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// The task-action budget from DESIGN.md ("Budgets").
const (
	budgetP50   = 25 * time.Millisecond
	budgetP99   = 100 * time.Millisecond
	budgetRate  = 150.0
	budgetUsers = 50
	budgetPace  = 25.0
)

// Report prints the table, the ratios to the bare baseline and the budget check.
func Report(w io.Writer, r Result) {
	pace := fmt.Sprintf("@%.4g/s", r.Options.Rate)
	fmt.Fprintf(w, "%-24s %6s %9s %9s %9s %8s %7s %7s\n", "", "n", "p50", "p99", "max", "rate/s", "errors", "queued")
	row(w, "create onboarding", r.Create, false)
	row(w, "task action "+pace, r.TaskPaced, true)
	row(w, "task action flat-out", r.TaskFlat, true)
	row(w, "bare update "+pace, r.BarePaced, true)
	row(w, "bare update flat-out", r.BareFlat, true)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "(n and percentiles over successful actions; paced latency runs from each action's scheduled time)")
	fmt.Fprintf(w, "%d onboardings created (%d users; a user starts a new one when it has completed every task)\n",
		r.Onboardings, r.Options.Users)
	fmt.Fprintf(w, "ratio task action / bare update: p50 x%s, p99 x%s, throughput %s\n",
		ratio(r.TaskPaced.P50.Seconds(), r.BarePaced.P50.Seconds(), 1),
		ratio(r.TaskPaced.P99.Seconds(), r.BarePaced.P99.Seconds(), 1),
		ratio(r.TaskFlat.Rate, r.BareFlat.Rate, 2))
	fmt.Fprintln(w, budgetLine(r))
	firstErrors(w, r)
}

func row(w io.Writer, name string, s Summary, withRate bool) {
	rate := "-"
	if withRate {
		rate = fmt.Sprintf("%.1f", s.Rate)
	}
	fmt.Fprintf(w, "%-24s %6d %9s %9s %9s %8s %7d %7d\n", name, s.N, msec(s.P50), msec(s.P99), msec(s.Max), rate, s.Errors, s.Queued)
}

func msec(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
}

func ratio(a, b float64, decimals int) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.*f", decimals, a/b)
}

// budgetLine compares the task action with its DESIGN.md budget; informational only.
func budgetLine(r Result) string {
	checks := []struct {
		within bool
		text   string
	}{
		{r.TaskPaced.N > 0 && r.TaskPaced.P50 <= budgetP50, fmt.Sprintf("p50 %s (≤ %s)", msec(r.TaskPaced.P50), msec(budgetP50))},
		{r.TaskPaced.N > 0 && r.TaskPaced.P99 <= budgetP99, fmt.Sprintf("p99 %s (≤ %s)", msec(r.TaskPaced.P99), msec(budgetP99))},
		{r.TaskFlat.Rate >= budgetRate, fmt.Sprintf("sustained %.1f/s (≥ %.0f/s)", r.TaskFlat.Rate, budgetRate)},
	}
	var parts, over []string
	for _, c := range checks {
		parts = append(parts, c.text)
		if !c.within {
			over = append(over, c.text)
		}
	}
	verdict := "within budget"
	if len(over) > 0 {
		verdict = "OVER budget: " + strings.Join(over, ", ")
	}
	line := fmt.Sprintf("budget (DESIGN.md: task action p50 ≤ 25ms, p99 ≤ 100ms at 25/s from 50 users; sustained ≥ 150/s): %s — %s",
		strings.Join(parts, ", "), verdict)
	if r.Options.Users != budgetUsers || r.Options.Rate != budgetPace {
		line += fmt.Sprintf("\n  note: measured at %.4g/s from %d users, not the budget's 25/s from 50 users", r.Options.Rate, r.Options.Users)
	}
	if n := r.TaskPaced.Errors + r.TaskPaced.Queued + r.TaskFlat.Errors + r.TaskFlat.Queued; n > 0 {
		line += fmt.Sprintf("\n  note: %d task actions failed or were queued; they are not in the percentiles", n)
	}
	return line
}

func firstErrors(w io.Writer, r Result) {
	for _, e := range []struct {
		name string
		s    Summary
	}{{"create onboarding", r.Create}, {"task action paced", r.TaskPaced}, {"task action flat-out", r.TaskFlat},
		{"bare update paced", r.BarePaced}, {"bare update flat-out", r.BareFlat}} {
		if e.s.FirstError != "" {
			fmt.Fprintf(w, "first error, %s: %s\n", e.name, e.s.FirstError)
		}
	}
}
