package cli

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"

	"github.com/onboard-oss/onboard/internal/bench"
	"github.com/onboard-oss/onboard/internal/config"
)

// runBench load-tests a running stack's task actions against a bare Temporal Update;
// the work is in package bench.
func runBench(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	opts, err := bench.ParseFlags(args, cfg, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	return bench.Run(ctx, opts, log, stdout)
}
