package plans

import (
	"fmt"
	"strings"
	"testing"
	"time"
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
	start := time.Now()
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
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("alias bombs took %v", d)
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

// TestParseWorkStaysLinear parses files that stay within every limit but made
// some check cost the square of their size: each would take seconds to minutes,
// or build hundreds of megabytes of errors, if it still did.
func TestParseWorkStaysLinear(t *testing.T) {
	cases := map[string]string{
		"repeated option":       header + tk("key: a", "title: A", "owner: customer", "type: form", "fields:", "  - {key: f, label: F, type: select, options: "+flowList(90000, "o%d", 1)+"}"),
		"distinct unknown deps": header + ok("a", "depends_on: "+flowList(60000, "d%d", 60000)),
		"repeated field names":  repeatedFields(24000),
		"many cycles":           header + chainBackToAll(7000),
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse("plans/x.yaml", []byte(src))
			if err == nil {
				t.Fatal("no error")
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
			if n := len(err.Error()); n > maxErrorText {
				t.Errorf("%d bytes of errors", n)
			}
		})
	}
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
