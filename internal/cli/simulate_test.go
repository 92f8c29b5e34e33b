package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestSimulateCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	args := []string{"simulate", "--plan", "standard-saas", "--start", "2026-03-02", "--pace", "fast", "--seed", "2", "--timezone", "Asia/Tokyo"}
	if code := Run(args, &out, &errOut); code != 0 {
		t.Fatalf("simulate: code %d, %s", code, errOut.String())
	}
	for _, want := range []string{`Simulating "Standard SaaS onboarding" v2 from Mon 2 Mar 2026 (Asia/Tokyo), pace fast, seed 2`, "Go-live: "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"simulate"}, `--plan: no plan ""; the plans are`},
		{[]string{"simulate", "--plan", "nope"}, `no plan "nope"`},
		{[]string{"simulate", "--plan", "standard-saas", "--pace", "glacial"}, `--pace: "glacial"`},
		{[]string{"simulate", "--plan", "standard-saas", "--start", "2026-02-30"}, `--start: "2026-02-30" is not a date`},
		{[]string{"simulate", "--plan", "standard-saas", "--timezone", "Mars/Olympus"}, `--timezone: "Mars/Olympus"`},
		{[]string{"simulate", "--plan", "standard-saas", "--days", "0"}, "--days: 0"},
		{[]string{"simulate", "--plan", "standard-saas", "--contact-zone", "Nowhere/Land"}, `--contact-zone: "Nowhere/Land"`},
		{[]string{"simulate", "--plan", "standard-saas", "extra"}, `unexpected argument "extra"`},
		{[]string{"simulate", "--seed", "-1"}, "invalid value"},
	} {
		out.Reset()
		errOut.Reset()
		if code := Run(tc.args, &out, &errOut); code == 0 || !strings.Contains(errOut.String()+out.String(), tc.want) {
			t.Errorf("%v: code %d, %q; want an error saying %q", tc.args, code, errOut.String()+out.String(), tc.want)
		}
	}
}
