package cli

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/onboard-oss/onboard/internal/config"
)

// runBench is filled in by the bench package.
func runBench(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	return errors.New("bench: not built yet")
}
