// Command onboard runs Onboard: `onboard dev` for everything on one machine, or
// `onboard api`, `onboard worker` and `onboard migrate` in production.
package main

import (
	"os"

	"github.com/onboard-oss/onboard/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
