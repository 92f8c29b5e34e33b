// Package bench load-tests a running Onboard stack (`onboard bench`, `make bench`).
//
// Simulated staff users complete onboarding tasks in dependency order through the JSON
// API (POST /api/v1/onboardings/{id}/tasks/{key}/complete). The API answers only after
// the workflow has written the read model, so each request's latency is the product's
// "click to saved and visible" time. Two runs are made: paced (open loop, at a fixed
// total rate, latency measured from each action's scheduled time so a stall is not
// hidden) and flat out (each user back to back) for throughput. As a baseline, the same
// two runs are made in the same process against the same Temporal server with a bare
// Update on a no-op workflow served by an in-process worker, and the report compares
// the two with the budgets in DESIGN.md. Every run stops by itself after -duration and
// only the URL and Temporal address given are contacted.
package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onboard-oss/onboard/internal/config"
)

// maxUsers bounds -users so a typo cannot open thousands of connections.
const maxUsers = 2000

// maxPopulation bounds -population.
const maxPopulation = 100_000

// Options are the bench's settings, from flags over config defaults.
type Options struct {
	// URL is the stack's base URL.
	URL string
	// APIKey authenticates the JSON API calls.
	APIKey string
	// TemporalAddress is host:port of the Temporal frontend the stack uses.
	TemporalAddress string
	// Namespace is the Temporal namespace of the baseline workflows.
	Namespace string
	// Temporal is how to connect to it (TLS, API key), as the stack's processes do.
	Temporal config.TemporalConnection
	// Users is the number of simulated users, each with its own onboarding (or workflow).
	Users int
	// Rate is the paced run's total actions per second.
	Rate float64
	// Duration is how long each run lasts.
	Duration time.Duration
	// Plan is the plan template key of the onboardings created.
	Plan string
	// Mode is what is measured: "actions", "pages" or "all".
	Mode string
	// PageRate is the paced page runs' total requests per second; PageUsers the number
	// of users (connections) of every page run.
	PageRate  float64
	PageUsers int
	// StaffEmail and StaffPassword sign the staff list's reader in.
	StaffEmail, StaffPassword string
	// DatabaseURL is the stack's Postgres, which the bare page baseline reads a row from.
	DatabaseURL string
	// Population, when above 0, creates that many onboardings first and measures the
	// stack's memory, database size and timer lateness with them in place.
	Population int
}

func (o Options) actions() bool { return o.Mode != "pages" }
func (o Options) pages() bool   { return o.Mode != "actions" }

// ParseFlags reads the bench's flags from args. Defaults come from cfg: the base URL,
// the dev API key file in the data directory and the dev Temporal port. -h returns
// flag.ErrHelp after printing the usage to output.
func ParseFlags(args []string, cfg config.Config, output io.Writer) (Options, error) {
	fs := flag.NewFlagSet("onboard bench", flag.ContinueOnError)
	fs.SetOutput(output)
	o := Options{Namespace: cfg.TemporalNamespace, Temporal: cfg.Temporal}
	keyFile := filepath.Join(cfg.DataDir, "dev-api-key")
	fs.StringVar(&o.URL, "url", cfg.BaseURL, "base URL of the running stack")
	fs.StringVar(&o.APIKey, "key", "", "API key (default: read "+keyFile+")")
	fs.StringVar(&o.TemporalAddress, "temporal", defaultTemporal(cfg), "Temporal frontend host:port, for the bare-Update baseline")
	fs.IntVar(&o.Users, "users", 50, "simulated users")
	fs.Float64Var(&o.Rate, "rate", 25, "actions per second in total for the paced runs")
	fs.DurationVar(&o.Duration, "duration", 20*time.Second, "length of each run")
	fs.StringVar(&o.Plan, "plan", "standard-saas", "plan template of the onboardings created")
	fs.StringVar(&o.Mode, "mode", "all", "what to measure: actions (task actions against a bare Temporal Update), pages (the portal overview and the staff list against a bare Gin + pgx endpoint) or all")
	fs.Float64Var(&o.PageRate, "page-rate", 200, "requests per second in total for the paced page runs")
	fs.IntVar(&o.PageUsers, "page-users", 64, "users (connections) of each page run")
	fs.StringVar(&o.StaffEmail, "staff-email", "admin@northwind.example", "staff user who reads the staff list")
	fs.StringVar(&o.StaffPassword, "staff-password", "onboard-dev", "that staff user's password")
	fs.StringVar(&o.DatabaseURL, "database", defaultDatabase(cfg), "the stack's Postgres, for the bare page baseline")
	fs.IntVar(&o.Population, "population", 0, "create this many onboardings first (e.g. 10000) and report memory, database size and timer lateness with them live")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	if err := o.validate(); err != nil {
		return o, err
	}
	if o.APIKey == "" {
		b, err := os.ReadFile(keyFile)
		if err != nil {
			return o, fmt.Errorf("no API key: pass -key, or run `onboard dev` (it writes %s): %w", keyFile, err)
		}
		if o.APIKey = strings.TrimSpace(string(b)); o.APIKey == "" {
			return o, fmt.Errorf("no API key: %s is empty; pass -key", keyFile)
		}
	}
	return o, nil
}

func defaultDatabase(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return cfg.DatabaseURL
	}
	return fmt.Sprintf("postgres://onboard@127.0.0.1:%d/onboard?sslmode=disable", cfg.DevPGPort)
}

func defaultTemporal(cfg config.Config) string {
	if cfg.TemporalAddress != "" {
		return cfg.TemporalAddress
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.DevTemporalPort))
}

func (o Options) validate() error {
	switch {
	case !strings.HasPrefix(o.URL, "http://") && !strings.HasPrefix(o.URL, "https://"):
		return fmt.Errorf("-url: want an http:// or https:// URL, got %q", o.URL)
	case o.Users < 1 || o.Users > maxUsers:
		return fmt.Errorf("-users: want 1 to %d, got %d", maxUsers, o.Users)
	case o.Rate <= 0:
		return fmt.Errorf("-rate: want more than 0, got %v", o.Rate)
	case o.Duration <= 0:
		return fmt.Errorf("-duration: want more than 0, got %v", o.Duration)
	case o.Plan == "":
		return errors.New("-plan: required")
	case o.Mode != "all" && o.Mode != "actions" && o.Mode != "pages":
		return fmt.Errorf("-mode: want actions, pages or all, got %q", o.Mode)
	case o.PageRate <= 0:
		return fmt.Errorf("-page-rate: want more than 0, got %v", o.PageRate)
	case o.PageUsers < 1 || o.PageUsers > maxUsers:
		return fmt.Errorf("-page-users: want 1 to %d, got %d", maxUsers, o.PageUsers)
	case o.Population < 0 || o.Population > maxPopulation:
		return fmt.Errorf("-population: want 0 to %d, got %d", maxPopulation, o.Population)
	}
	return nil
}

// Result is everything the report shows.
type Result struct {
	Options Options
	// Create is onboarding creation, during setup and whenever a user starts a new one.
	Create Summary
	// TaskPaced and TaskFlat are task actions through the API; BarePaced and BareFlat
	// the bare Temporal Update baseline.
	TaskPaced, TaskFlat, BarePaced, BareFlat Summary
	// Onboardings counts the onboardings created.
	Onboardings int
	// PortalPaced and PortalFlat read the portal overview, StaffPaced and StaffFlat the
	// staff list, BareRowPaced and BareRowFlat the bare Gin + pgx endpoint.
	PortalPaced, PortalFlat, StaffPaced, StaffFlat, BareRowPaced, BareRowFlat Summary
	// Population is the population run's figures, nil without one.
	Population *PopulationResult
}

// Run sets up, runs the runs Mode asks for and prints the report to stdout. It fails
// only when setup fails; figures over budget are reported, not returned as errors.
func Run(ctx context.Context, o Options, log *slog.Logger, stdout io.Writer) error {
	runID := newRunID()
	api := newAPIClient(o.URL, o.APIKey, o.Users)
	defer api.close()
	fmt.Fprintf(stdout, "onboard bench %s (%s): %d users, paced %.4g actions/s; pages %d users, paced %.4g/s; %s per run, plan %s\n  api %s, temporal %s\n\n",
		runID, o.Mode, o.Users, o.Rate, o.PageUsers, o.PageRate, o.Duration, o.Plan, o.URL, o.TemporalAddress)
	r := Result{Options: o}
	var pop *population
	if o.Population > 0 {
		fleet, err := startNoopFleet(ctx, o, runID+"-probes", 0, log)
		if err != nil {
			return err
		}
		defer fleet.stop()
		if pop, err = startPopulation(ctx, api, o, runID, fleet, stdout); err != nil {
			return err
		}
	}
	if o.actions() {
		if err := runActions(ctx, api, o, runID, log, &r); err != nil {
			return err
		}
	}
	if o.pages() {
		if err := runPages(ctx, api, o, runID, &r); err != nil {
			return err
		}
	}
	if pop != nil {
		res := pop.finish(ctx)
		r.Population = &res
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	Report(stdout, r)
	return nil
}

// runActions measures task actions and the bare Temporal Update.
func runActions(ctx context.Context, api *apiClient, o Options, runID string, log *slog.Logger, r *Result) error {
	creations := &recorder{}
	users, err := setupUsers(ctx, api, o, runID, creations)
	if err != nil {
		return err
	}
	fleet, err := startNoopFleet(ctx, o, runID, o.Users, log)
	if err != nil {
		return err
	}
	defer fleet.stop()
	r.TaskPaced = runPaced(ctx, users, o.Rate, o.Duration)
	r.TaskFlat = runFlat(ctx, users, o.Duration)
	r.BarePaced = runPaced(ctx, fleet.actors(), o.Rate, o.Duration)
	r.BareFlat = runFlat(ctx, fleet.actors(), o.Duration)
	r.Create = creations.summary(0)
	for _, u := range users {
		r.Onboardings += u.(*taskUser).started
	}
	return nil
}

// pageWarmUp is how long each page is read, unmeasured, before its runs.
const pageWarmUp = 2 * time.Second

// runPages measures the portal overview (a contact of an account with one onboarding),
// the staff list and the bare Gin + pgx endpoint, each paced and flat out.
func runPages(ctx context.Context, api *apiClient, o Options, runID string, r *Result) error {
	accountID, err := api.createAccount(ctx, "Bench portal "+runID)
	if err != nil {
		return fmt.Errorf("setup pages: %w", err)
	}
	if _, err := api.createOnboarding(ctx, accountID, o.Plan); err != nil {
		return fmt.Errorf("setup pages: %w", err)
	}
	portal, err := portalSession(ctx, api, accountID, runID)
	if err != nil {
		return fmt.Errorf("setup pages: %w", err)
	}
	staff, err := staffSession(ctx, o.URL, o.StaffEmail, o.StaffPassword)
	if err != nil {
		return fmt.Errorf("setup pages: %w", err)
	}
	bare, err := startBareEndpoint(ctx, o.DatabaseURL, o.PageUsers)
	if err != nil {
		return err
	}
	defer bare.stop()
	base := strings.TrimRight(o.URL, "/")
	for _, m := range []struct {
		users       []actor
		paced, flat *Summary
	}{
		{pageUsers(o.PageUsers, base+"/portal", portal), &r.PortalPaced, &r.PortalFlat},
		{pageUsers(o.PageUsers, base+"/staff", staff), &r.StaffPaced, &r.StaffFlat},
		{pageUsers(o.PageUsers, bare.url, nil), &r.BareRowPaced, &r.BareRowFlat},
	} {
		// Unmeasured: the first requests open the connections and warm the pools.
		runFlat(ctx, m.users, pageWarmUp)
		*m.paced = runPaced(ctx, m.users, o.PageRate, o.Duration)
		*m.flat = runFlat(ctx, m.users, o.Duration)
	}
	return nil
}

// setupUsers creates the account and one onboarding per user, all users at once.
func setupUsers(ctx context.Context, api *apiClient, o Options, runID string, creations *recorder) ([]actor, error) {
	accountID, err := api.createAccount(ctx, "Bench "+runID)
	if err != nil {
		return nil, fmt.Errorf("setup: create the bench account at %s: %w", o.URL, err)
	}
	users := make([]actor, o.Users)
	errs := make([]error, o.Users)
	var wg sync.WaitGroup
	for i := range users {
		u := &taskUser{api: api, accountID: accountID, plan: o.Plan, runID: runID, creations: creations}
		users[i] = u
		wg.Go(func() { errs[i] = u.renew(ctx) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("setup: create onboardings: %w", firstLine(err))
	}
	return users, nil
}

// firstLine keeps one of many joined errors.
func firstLine(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok && len(j.Unwrap()) > 0 {
		if n := len(j.Unwrap()); n > 1 {
			return fmt.Errorf("%w (and %d more)", j.Unwrap()[0], n-1)
		}
		return j.Unwrap()[0]
	}
	return err
}

func newRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
