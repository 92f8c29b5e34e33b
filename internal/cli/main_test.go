package cli

import (
	"os"
	"testing"
)

// childEnv makes this test binary run as the onboard command itself (see TestMain): the
// fault suite starts, kills and restarts real onboard processes without building one.
const childEnv = "ONBOARD_TEST_RUN_AS_ONBOARD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(Run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
