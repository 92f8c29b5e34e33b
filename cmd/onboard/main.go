// Package main builds the onboard command, which runs Onboard: `onboard dev` for
// everything on one machine, or `onboard api`, `onboard worker` and `onboard migrate`
// in production. It only hands its arguments to internal/cli.
package main

import (
	"os"
	_ "time/tzdata" // account time zones work on hosts and images without a zoneinfo database

	"github.com/onboard-oss/onboard/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
