package plans

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseRefusesLargeFile(t *testing.T) {
	src := valid("p") + "# " + strings.Repeat("x", maxSourceBytes) + "\n"
	_, err := Parse("plans/big.yaml", []byte(src))
	want := fmt.Sprintf("plans/big.yaml: file is %d bytes; a plan template may have at most %d", len(src), maxSourceBytes)
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	if _, err := Parse("plans/ok.yaml", []byte(valid("p")+"# "+strings.Repeat("x", maxSourceBytes-len(valid("p"))-3)+"\n")); err != nil {
		t.Errorf("a file of exactly %d bytes: %v", maxSourceBytes, err)
	}
}

func TestParseBoundsAliasExpansion(t *testing.T) {
	// aliasBomb(18) would have the reader visit 18⁴ ≈ 105,000 options.
	_, err := Parse("plans/bomb.yaml", []byte(aliasBomb(18)))
	want := "plans/bomb.yaml: too many YAML nodes: a plan template may have at most 100000, counting each alias as the nodes it repeats"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
	// Below the cap the plan is read, and its thousands of errors are capped.
	_, err = Parse("plans/bomb.yaml", []byte(aliasBomb(12)))
	if n := len(Errors(err)); n != maxErrors+1 {
		t.Errorf("aliasBomb(12): %d errors, want %d and a note", n, maxErrors)
	}
}

func TestParseCapsErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	for i := range maxErrors + 20 {
		b.WriteString(tk(fmt.Sprintf("key: t%d", i), "title: T", "owner: nobody", "type: custom"))
	}
	_, err := Parse("plans/bad.yaml", []byte(b.String()))
	errs := Errors(err)
	if len(errs) != maxErrors+1 {
		t.Fatalf("%d errors, want %d and a note", len(errs), maxErrors)
	}
	if last := errs[maxErrors].Error(); last != "plans/bad.yaml: too many errors: 20 more not reported" {
		t.Errorf("last error = %q", last)
	}
	if first := errs[0].Error(); first != `plans/bad.yaml:10: task "t0": invalid owner "nobody": want one of customer, vendor` {
		t.Errorf("first error = %q", first)
	}
}

// worstCases stay within every limit but made some check cost the square of their size:
// each took seconds to minutes, or built hundreds of megabytes of errors, before the
// checks became linear. BenchmarkParseWorstCases measures them; speed is never a test
// assertion here.
func worstCases() map[string]string {
	return map[string]string{
		"repeated option":       header + tk("key: a", "title: A", "owner: customer", "type: form", "fields:", "  - {key: f, label: F, type: select, options: "+flowList(60000, "o%d", 1)+"}"),
		"distinct unknown deps": header + ok("a", "depends_on: "+flowList(30000, "d%d", 30000)),
		"repeated field names":  repeatedFields(11000),
		"many cycles":           header + chainBackToAll(2500),
	}
}

// TestParseWorstCasesStayBounded checks the worst cases' errors stay within the caps.
func TestParseWorstCasesStayBounded(t *testing.T) {
	for name, src := range worstCases() {
		t.Run(name, func(t *testing.T) {
			if len(src) > maxSourceBytes {
				t.Fatalf("%d bytes: over the size limit, so it tests nothing", len(src))
			}
			_, err := Parse("plans/x.yaml", []byte(src))
			if err == nil {
				t.Fatal("no error")
			}
			if n := len(err.Error()); n > maxErrorText {
				t.Errorf("%d bytes of errors", n)
			}
		})
	}
}

// BenchmarkParseWorstCases: go test ./internal/plans -bench ParseWorstCases. Each case
// runs in well under a second once the checks are linear (seconds to minutes before).
func BenchmarkParseWorstCases(b *testing.B) {
	for name, src := range worstCases() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_, _ = Parse("plans/x.yaml", []byte(src))
			}
		})
	}
	b.Run("alias bomb under the cap", func(b *testing.B) {
		for b.Loop() {
			_, _ = Parse("plans/bomb.yaml", []byte(aliasBomb(12)))
		}
	})
}

// flowList renders [x, x, ...] with n entries, entry i formatted from i%distinct.
func flowList(n int, format string, distinct int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf(format, i%distinct)
	}
	return "[" + strings.Join(items, ", ") + "]"
}

// repeatedFields renders a flow mapping of n distinct fields, then the last of
// them n times more.
func repeatedFields(n int) string {
	pairs := make([]string, 0, 2*n)
	for i := range n {
		pairs = append(pairs, fmt.Sprintf("k%d: 1", i))
	}
	for range n {
		pairs = append(pairs, pairs[n-1])
	}
	return "{" + strings.Join(pairs, ", ") + "}"
}

// chainBackToAll renders n tasks for header, each depending on the next and the
// last on all the others: n-1 cycles, most of them thousands of tasks long.
func chainBackToAll(n int) string {
	var b strings.Builder
	for i := range n - 1 {
		fmt.Fprintf(&b, "      - {key: t%d, title: T, owner: vendor, type: custom, depends_on: [t%d]}\n", i, i+1)
	}
	fmt.Fprintf(&b, "      - {key: t%d, title: T, owner: vendor, type: custom, depends_on: %s}\n", n-1, flowList(n-1, "t%d", n-1))
	return b.String()
}
