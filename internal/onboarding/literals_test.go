package onboarding

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestRulesLiveOnlyInTheCore fails when a status, health or owner value is spelled out as
// a string literal outside this package: code elsewhere must use the typed constants and
// their methods (Done, Label, ParseStatus, NextSteps), or the rules drift apart.
// Tests are exempt (they assert on what clients see), and so are SQL migrations (they
// are history, never edited).
func TestRulesLiveOnlyInTheCore(t *testing.T) {
	var values []string
	for _, s := range []TaskStatus{TaskPending, TaskInProgress, TaskCompleted, TaskBlocked, TaskSkipped} {
		values = append(values, string(s))
	}
	for _, s := range []PhaseStatus{PhaseNotStarted, PhaseInProgress, PhaseCompleted} {
		values = append(values, string(s))
	}
	for _, s := range Statuses {
		values = append(values, string(s))
	}
	for _, h := range []Health{HealthOnTrack, HealthAtRisk, HealthOffTrack} {
		values = append(values, string(h))
	}
	values = append(values, string(OwnerCustomer), string(OwnerVendor))
	literal := regexp.MustCompile(`["'](` + strings.Join(values, "|") + `)["']`)
	allowed := map[string]string{
		// Temporal's own name for the embedded cluster, not an onboarding status.
		"internal/devstack/temporal_config.go": `const clusterName = "active"`,
	}

	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "internal/onboarding" || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		goCode := strings.HasSuffix(rel, ".go") && !strings.HasSuffix(rel, "_test.go")
		if !goCode && !strings.HasSuffix(rel, ".html") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(src), "\n") {
			if literal.MatchString(line) && (allowed[rel] == "" || !strings.Contains(line, allowed[rel])) {
				t.Errorf("%s:%d spells out %s: use internal/onboarding's constants and methods\n\t%s",
					rel, i+1, literal.FindString(line), strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
