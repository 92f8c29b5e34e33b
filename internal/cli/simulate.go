package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/onboard-oss/onboard/internal/config"
	"github.com/onboard-oss/onboard/internal/plans"
	"github.com/onboard-oss/onboard/internal/simulate"
	"github.com/onboard-oss/onboard/templates"
)

// runSimulate runs a plan through the real workflow with skipped time and prints the
// timeline; the work is in package simulate. It needs no database or Temporal server.
func runSimulate(ctx context.Context, _ config.Config, _ *slog.Logger, args []string, stdout io.Writer) error {
	in, err := parseSimulateFlags(args, stdout, time.Now())
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	res, err := simulate.Run(ctx, in)
	if err != nil {
		return err
	}
	simulate.Print(stdout, res)
	return nil
}

func parseSimulateFlags(args []string, out io.Writer, now time.Time) (simulate.Input, error) {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(out)
	plan := fs.String("plan", "", "plan template key (required), e.g. standard-saas")
	start := fs.String("start", "", "first day, YYYY-MM-DD (default: today); pin it for the same output every run")
	pace := fs.String("pace", "typical", "how quickly people act: slow, typical or fast")
	seed := fs.Uint64("seed", 1, "seed of the customer and vendor model")
	zone := fs.String("timezone", "UTC", "the account's IANA time zone")
	days := fs.Int("days", 365, "stop after this many days if not completed")
	contactZone := fs.String("contact-zone", "", "add a contact in this IANA time zone, assigned every other customer task")
	fs.Usage = func() {
		fmt.Fprintln(out, "Usage: onboard simulate --plan KEY [--start YYYY-MM-DD] [--pace slow|typical|fast] [--seed N] [--timezone ZONE] [--contact-zone ZONE]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return simulate.Input{}, err
	}
	if fs.NArg() > 0 {
		return simulate.Input{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	catalog, err := plans.LoadCatalog(templates.FS, "plans")
	if err != nil {
		return simulate.Input{}, err
	}
	t, ok := catalog.Template(*plan)
	if !ok {
		return simulate.Input{}, fmt.Errorf("--plan: no plan %q; the plans are %s", *plan, catalog.Keys())
	}
	if !slices.Contains(simulate.Paces, simulate.Pace(*pace)) {
		return simulate.Input{}, fmt.Errorf("--pace: %q is not slow, typical or fast", *pace)
	}
	if *days < 1 || *days > 3650 {
		return simulate.Input{}, fmt.Errorf("--days: %d is not between 1 and 3650", *days)
	}
	in := simulate.Input{Plan: t.Plan, TimeZone: *zone, Pace: simulate.Pace(*pace), Seed: *seed,
		Horizon: time.Duration(*days) * 24 * time.Hour}
	loc, err := time.LoadLocation(*zone)
	if err != nil || *zone == "Local" {
		return simulate.Input{}, fmt.Errorf("--timezone: %q is not an IANA time zone such as Europe/Paris", *zone)
	}
	if *contactZone != "" {
		if _, err := time.LoadLocation(*contactZone); err != nil || *contactZone == "Local" {
			return simulate.Input{}, fmt.Errorf("--contact-zone: %q is not an IANA time zone such as Asia/Tokyo", *contactZone)
		}
		in.ContactZone = *contactZone
	}
	in.Start = now.In(loc)
	if *start != "" {
		if in.Start, err = time.ParseInLocation(time.DateOnly, *start, loc); err != nil {
			return simulate.Input{}, fmt.Errorf("--start: %q is not a date like 2026-03-02", *start)
		}
	}
	return in, nil
}
