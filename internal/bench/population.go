package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"
)

const (
	// probeWorkflowName is the timer probe's registered name.
	probeWorkflowName = "BenchTimerProbe"
	// probes is how many timer probes a population run starts, and probeSpread the
	// window their timers are due in.
	probes      = 200
	probeSpread = time.Minute
	// creators is how many onboardings a population run creates at once.
	creators = 16
	// onboardingsPerAccount spreads a population over accounts as a real portfolio is.
	onboardingsPerAccount = 40
)

// benchTimerProbe sleeps for d and returns how late it woke: the time its workflow task
// ran after the timer fired, less the time the timer was due.
func benchTimerProbe(ctx workflow.Context, d time.Duration) (time.Duration, error) {
	due := workflow.Now(ctx).Add(d)
	if err := workflow.Sleep(ctx, d); err != nil {
		return 0, err
	}
	return workflow.Now(ctx).Sub(due), nil
}

// PopulationResult is what a population run measured.
type PopulationResult struct {
	// N onboardings were asked for, in Accounts accounts; Create times each creation.
	N, Accounts int
	Create      Summary
	// RSS and Heap of the stack's process (from its /metrics): before the population,
	// after creating it and after the load that followed.
	RSSBefore, RSSCreated, RSSAfter    float64
	HeapBefore, HeapCreated, HeapAfter float64
	// DBBefore and DBAfter are the stack's Postgres database sizes in bytes.
	DBBefore, DBAfter int64
	// Lateness is how late the timer probes woke, due over the minute after creation
	// while the load ran.
	Lateness Summary
}

// population creates the onboardings of a population run and starts the timer probes;
// finish collects what the load did to them.
type population struct {
	o      Options
	api    *apiClient
	fleet  *noopFleet
	pool   *pgxpool.Pool
	probes []client.WorkflowRun
	result PopulationResult
}

// startPopulation measures the stack, creates o.Population onboardings across accounts,
// measures it again, and starts the timer probes.
func startPopulation(ctx context.Context, api *apiClient, o Options, runID string, fleet *noopFleet, stdout io.Writer) (*population, error) {
	pool, err := pgxpool.New(ctx, o.DatabaseURL)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to Postgres for the population's size (-database): %w", err)
	}
	p := &population{o: o, api: api, fleet: fleet, pool: pool}
	r := &p.result
	r.N, r.Accounts = o.Population, max(1, o.Population/onboardingsPerAccount)
	r.RSSBefore, r.HeapBefore = p.memory(ctx)
	r.DBBefore = p.dbSize(ctx)
	accounts := make([]string, r.Accounts)
	for i := range accounts {
		if accounts[i], err = api.createAccount(ctx, fmt.Sprintf("Population %s #%d", runID, i+1)); err != nil {
			p.close()
			return nil, fmt.Errorf("population: %w", err)
		}
	}
	fmt.Fprintf(stdout, "creating %d onboardings in %d accounts, %d at a time…\n", r.N, r.Accounts, creators)
	rec := &recorder{}
	next := make(chan int)
	var wg sync.WaitGroup
	began := time.Now()
	for range creators {
		wg.Go(func() {
			for i := range next {
				t := time.Now()
				if _, err := api.createOnboarding(ctx, accounts[i%len(accounts)], o.Plan); err != nil {
					rec.add(fail(err.Error()), 0)
					continue
				}
				rec.add(outcome{kind: kindOK}, time.Since(t))
			}
		})
	}
	for i := 0; i < r.N && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	r.Create = rec.summary(time.Since(began))
	r.RSSCreated, r.HeapCreated = p.memory(ctx)
	r.DBAfter = p.dbSize(ctx)
	if err := p.startProbes(ctx, runID); err != nil {
		p.close()
		return nil, err
	}
	return p, nil
}

// startProbes starts the timer probes, due at random over the next probeSpread.
func (p *population) startProbes(ctx context.Context, runID string) error {
	for i := range probes {
		d := 5*time.Second + time.Duration(rand.Int64N(int64(probeSpread)))
		run, err := p.fleet.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: fmt.Sprintf("bench-probe-%s-%d", runID, i),
			TaskQueue: p.fleet.queue, WorkflowExecutionTimeout: noopLifetime, StaticSummary: "onboard bench timer probe"},
			probeWorkflowName, d)
		if err != nil {
			return fmt.Errorf("start timer probe: %w", err)
		}
		p.probes = append(p.probes, run)
	}
	return nil
}

// finish waits for the probes and measures the stack after the load.
func (p *population) finish(ctx context.Context) PopulationResult {
	defer p.close()
	rec := &recorder{}
	for _, run := range p.probes {
		var late time.Duration
		if err := run.Get(ctx, &late); err != nil {
			rec.add(fail(err.Error()), 0)
			continue
		}
		rec.add(outcome{kind: kindOK}, max(late, 0))
	}
	p.result.Lateness = rec.summary(0)
	p.result.RSSAfter, p.result.HeapAfter = p.memory(ctx)
	return p.result
}

func (p *population) close() { p.pool.Close() }

// memory reads the stack's resident set and live heap from its /metrics (0 when it
// cannot).
func (p *population) memory(ctx context.Context) (rss, heap float64) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.api.base+"/metrics", nil)
	if err != nil {
		return 0, 0
	}
	res, err := p.api.hc.Do(req)
	if err != nil {
		return 0, 0
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		switch name {
		case "process_resident_memory_bytes":
			rss, _ = strconv.ParseFloat(value, 64)
		case "go_memstats_heap_alloc_bytes":
			heap, _ = strconv.ParseFloat(value, 64)
		}
	}
	return rss, heap
}

// dbSize is the stack's database size in bytes (0 when it cannot be read).
func (p *population) dbSize(ctx context.Context) int64 {
	var n int64
	_ = p.pool.QueryRow(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
	return n
}
