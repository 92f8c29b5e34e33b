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

// The page budget from DESIGN.md ("Budgets").
const (
	budgetPageP99  = 50 * time.Millisecond
	budgetPageRate = 200.0
	budgetPageBare = 0.5
)

// Report prints the tables, the ratios to the bare baselines and the budget checks.
func Report(w io.Writer, r Result) {
	if r.Population != nil {
		reportPopulation(w, *r.Population)
		fmt.Fprintln(w)
	}
	if r.Options.actions() {
		reportActions(w, r)
	}
	if r.Options.pages() {
		if r.Options.actions() {
			fmt.Fprintln(w)
		}
		reportPages(w, r)
	}
	firstErrors(w, r)
}

func header(w io.Writer) {
	fmt.Fprintf(w, "%-24s %6s %9s %9s %9s %8s %7s %7s\n", "", "n", "p50", "p99", "max", "rate/s", "errors", "queued")
}

func reportActions(w io.Writer, r Result) {
	pace := fmt.Sprintf("@%.4g/s", r.Options.Rate)
	header(w)
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
}

func reportPages(w io.Writer, r Result) {
	pace := fmt.Sprintf("@%.4g/s", r.Options.PageRate)
	header(w)
	row(w, "portal overview "+pace, r.PortalPaced, true)
	row(w, "portal overview flat-out", r.PortalFlat, true)
	row(w, "staff list "+pace, r.StaffPaced, true)
	row(w, "staff list flat-out", r.StaffFlat, true)
	row(w, "bare gin+pgx "+pace, r.BareRowPaced, true)
	row(w, "bare gin+pgx flat-out", r.BareRowFlat, true)
	fmt.Fprintln(w)
	fmt.Fprintf(w, "(%d users per page run; the bare endpoint is served by this process from the stack's Postgres)\n", r.Options.PageUsers)
	fmt.Fprintf(w, "ratio to bare gin+pgx peak: portal overview %s, staff list %s\n",
		ratio(r.PortalFlat.Rate, r.BareRowFlat.Rate, 2), ratio(r.StaffFlat.Rate, r.BareRowFlat.Rate, 2))
	for _, p := range []struct {
		name        string
		paced, flat Summary
	}{{"portal overview", r.PortalPaced, r.PortalFlat}, {"staff list", r.StaffPaced, r.StaffFlat}} {
		fmt.Fprintln(w, verdict(fmt.Sprintf("budget (DESIGN.md: %s p99 ≤ 50ms at 200/s; peak ≥ 0.5× bare gin+pgx)", p.name), []check{
			{p.paced.N > 0 && p.paced.P99 <= budgetPageP99 && p.paced.Errors == 0, fmt.Sprintf("p99 %s (≤ %s)", msec(p.paced.P99), msec(budgetPageP99))},
			{r.BareRowFlat.Rate > 0 && p.flat.Rate >= budgetPageBare*r.BareRowFlat.Rate,
				fmt.Sprintf("peak %.0f/s = %s× bare (≥ %.1f×)", p.flat.Rate, ratio(p.flat.Rate, r.BareRowFlat.Rate, 2), budgetPageBare)},
		}))
	}
	if r.Options.PageRate != budgetPageRate {
		fmt.Fprintf(w, "  note: paced at %.4g/s, not the budget's 200/s\n", r.Options.PageRate)
	}
}

// check is one budget figure and whether it is within.
type check struct {
	within bool
	text   string
}

// verdict is a budget line: every figure, then which are over.
func verdict(title string, checks []check) string {
	var parts, over []string
	for _, c := range checks {
		parts = append(parts, c.text)
		if !c.within {
			over = append(over, c.text)
		}
	}
	v := "within budget"
	if len(over) > 0 {
		v = "OVER budget: " + strings.Join(over, ", ")
	}
	return fmt.Sprintf("%s: %s — %s", title, strings.Join(parts, ", "), v)
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
	line := verdict("budget (DESIGN.md: task action p50 ≤ 25ms, p99 ≤ 100ms at 25/s from 50 users; sustained ≥ 150/s)", []check{
		{r.TaskPaced.N > 0 && r.TaskPaced.P50 <= budgetP50, fmt.Sprintf("p50 %s (≤ %s)", msec(r.TaskPaced.P50), msec(budgetP50))},
		{r.TaskPaced.N > 0 && r.TaskPaced.P99 <= budgetP99, fmt.Sprintf("p99 %s (≤ %s)", msec(r.TaskPaced.P99), msec(budgetP99))},
		{r.TaskFlat.Rate >= budgetRate, fmt.Sprintf("sustained %.1f/s (≥ %.0f/s)", r.TaskFlat.Rate, budgetRate)},
	})
	if r.Options.Users != budgetUsers || r.Options.Rate != budgetPace {
		line += fmt.Sprintf("\n  note: measured at %.4g/s from %d users, not the budget's 25/s from 50 users", r.Options.Rate, r.Options.Users)
	}
	if n := r.TaskPaced.Errors + r.TaskPaced.Queued + r.TaskFlat.Errors + r.TaskFlat.Queued; n > 0 {
		line += fmt.Sprintf("\n  note: %d task actions failed or were queued; they are not in the percentiles", n)
	}
	return line
}

func firstErrors(w io.Writer, r Result) {
	var pop PopulationResult
	if r.Population != nil {
		pop = *r.Population
	}
	for _, e := range []struct {
		name string
		s    Summary
	}{{"population create", pop.Create}, {"timer probe", pop.Lateness}, {"create onboarding", r.Create}, {"task action paced", r.TaskPaced}, {"task action flat-out", r.TaskFlat},
		{"bare update paced", r.BarePaced}, {"bare update flat-out", r.BareFlat},
		{"portal overview paced", r.PortalPaced}, {"portal overview flat-out", r.PortalFlat},
		{"staff list paced", r.StaffPaced}, {"staff list flat-out", r.StaffFlat},
		{"bare gin+pgx paced", r.BareRowPaced}, {"bare gin+pgx flat-out", r.BareRowFlat}} {
		if e.s.FirstError != "" {
			fmt.Fprintf(w, "first error, %s: %s\n", e.name, e.s.FirstError)
		}
	}
}

// The population budget from DESIGN.md ("Budgets") and the timer goal.
const (
	budgetRSS      = 1 << 30
	budgetLateness = 2 * time.Second
)

func reportPopulation(w io.Writer, p PopulationResult) {
	mb := func(b float64) string { return fmt.Sprintf("%.0f MB", b/(1<<20)) }
	fmt.Fprintf(w, "population: %d onboardings in %d accounts created at %.1f/s (p50 %s, p99 %s, %d failed)\n",
		p.Create.N, p.Accounts, p.Create.Rate, msec(p.Create.P50), msec(p.Create.P99), p.Create.Errors)
	fmt.Fprintf(w, "stack process RSS: %s before, %s with them, %s after the load (live heap %s, %s, %s)\n",
		mb(p.RSSBefore), mb(p.RSSCreated), mb(p.RSSAfter), mb(p.HeapBefore), mb(p.HeapCreated), mb(p.HeapAfter))
	fmt.Fprintf(w, "database: %s before, %s with them\n", mb(float64(p.DBBefore)), mb(float64(p.DBAfter)))
	fmt.Fprintf(w, "timer lateness of the stack's Temporal server (%d probe workflows on the bench's own worker, due over the minute after creation, under the load): p50 %s, p99 %s, max %s\n",
		p.Lateness.N, msec(p.Lateness.P50), msec(p.Lateness.P99), msec(p.Lateness.Max))
	fmt.Fprintln(w, verdict("budget (DESIGN.md: 10,000 active onboardings, memory ≤ 1 GiB, of the process behind -url's /metrics: under dev, api, worker and Temporal together; timers ≤ 2 s late)", []check{
		{p.RSSAfter > 0 && p.RSSAfter <= budgetRSS && p.RSSCreated <= budgetRSS, fmt.Sprintf("RSS %s (≤ 1024 MB)", mb(max(p.RSSCreated, p.RSSAfter)))},
		{p.Lateness.N > 0 && p.Lateness.P99 <= budgetLateness, fmt.Sprintf("timer p99 %s (≤ 2000.0ms)", msec(p.Lateness.P99))},
	}))
	if p.N < 10_000 {
		fmt.Fprintf(w, "  note: %d onboardings, not the budget's 10,000\n", p.N)
	}
}
