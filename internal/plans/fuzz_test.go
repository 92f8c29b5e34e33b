package plans

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"
)

// fuzzFile is the name FuzzParse gives Parse: every error must carry it.
const fuzzFile = "plans/fuzz.yaml"

// maxErrorText bounds the text of everything one Parse reports, whatever the
// input: a message quotes at most a clipped value, and there are at most
// maxErrors of them plus the "more not reported" note.
const maxErrorText = (maxErrors + 1) * 1024

// FuzzParse checks, for any bytes, that Parse returns quickly and either a
// zero Template and errors that name the file, or a Template whose plan keeps
// every rule of the format, checked here independently of the validator, with
// the exact source and its checksum; and that parsing twice gives the same.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"standard-saas.yaml", "enterprise.yaml"} {
		src, err := os.ReadFile("../../templates/plans/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, c := range badCases {
		f.Add([]byte(c.src))
	}
	for _, src := range hostileSeeds() {
		f.Add([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		tpl, err := Parse(fuzzFile, src)
		again, errAgain := Parse(fuzzFile, src)
		checkSame(t, tpl, err, again, errAgain)
		checkLoadAgrees(t, src, tpl, err)
		if err != nil {
			checkErrors(t, tpl, err)
			return
		}
		checkTemplate(t, tpl, src)
		if msg := checkPlan(tpl.Plan); msg != "" {
			t.Fatalf("Parse accepted a plan that breaks the format: %s\nplan: %+v", msg, tpl.Plan)
		}
	})
}

// hostileSeeds are small plans, valid and not, and inputs meant to hurt a YAML
// parser: alias bombs, self-containing aliases, deep nesting, huge numbers,
// tabs, NUL bytes, invalid UTF-8 and more than one document.
func hostileSeeds() []string {
	long := strings.Repeat("x", 5000)
	return []string{
		valid("p"),
		header + ok("a") + ok("b", "depends_on: &deps [a]") + ok("c", "depends_on: *deps", "customer_visible: false"),
		header + tk("key: a", "title: A", "owner: customer", "type: form", "fields:",
			"  - {key: f, label: F, type: select, options: [x, y], required: true, help: Pick}"),
		"",
		"---\n",
		"...\n",
		"--- !!null\n",
		"%YAML 1.2\n---\nkey: p\n",
		"phases: &p [{key: x, name: X, tasks: *p}]\n",
		"&a {key: p, name: P, version: 1, phases: [*a]}\n",
		"a: &a [*a]\n",
		"<<: &base {key: p, name: P}\nversion: 1\n",
		aliasBomb(9),
		// Deeper than yaml.v3's nesting limit of 10,000, but short: the fuzzer
		// spends a long time minimizing a large input that finds new coverage.
		strings.Repeat("[", 10001),
		strings.Repeat("{a: ", 100) + "b" + strings.Repeat("}", 100),
		strings.Repeat("- ", 500) + "x\n",
		"key: p\nname: P\nversion: 99999999999999999999999\n",
		"key: p\nname: P\nversion: 1e400\n",
		"key: p\nname: P\nversion: 1.5\n",
		"key: p\nname: P\nversion: .nan\n",
		"key: p\nname: P\nversion: -9223372036854775808\n",
		"key: p\nname: P\nversion: 0x7fffffffffffffff\n",
		header + ok("a", "due_offset_days: 730.9"),
		header + ok("a", "due_offset_days: -1e300"),
		"key: p\n\tname: P\n",
		"key: p\x00\nname: P\n",
		"key: \xff\xfe\nname: P\n",
		"\xef\xbb\xbfkey: p\n",
		"\xff\xfek\x00e\x00y\x00:\x00 \x00p\x00\n\x00",
		valid("p") + "---\n" + valid("q"),
		valid("p") + "...\n",
		"key: " + long + "\n",
		"{" + long + ": 1}\n",
		header + ok("a", "depends_on: ["+long+"]"),
		header + ok("a", "depends_on: [b]") + ok("b", "depends_on: [a]"),
		"key: !!binary aGVsbG8=\nname: !!str 1\nversion: !!int 1\n",
		"key: p\u2028name: P\r\nversion: 1\rphases:\n",
		"? [a]\n: b\n",
	}
}

// aliasBomb builds a "billion laughs" plan: each level is a list of n aliases of
// the level below, so the reader would visit n⁴ select options (and report most
// of them as duplicates) from a few hundred bytes of YAML.
func aliasBomb(n int) string {
	level := func(anchor, value string) string {
		return anchor + ": &" + anchor + " [" + strings.TrimSuffix(strings.Repeat(value+", ", n), ", ") + "]\n"
	}
	return "key: p\nname: P\nversion: 1\n" +
		level("o", "o") +
		"f: &f {key: f, label: F, type: select, options: *o}\n" +
		level("fs", "*f") +
		"t: &t {key: t, title: T, owner: vendor, type: form, fields: *fs}\n" +
		level("ts", "*t") +
		"ph: &ph {key: ph, name: Ph, tasks: *ts}\n" +
		level("phases", "*ph")
}

// checkSame checks that two parses of the same bytes agree.
func checkSame(t *testing.T, a Template, errA error, b Template, errB error) {
	t.Helper()
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("two parses of the same input differ:\n%+v\n%+v", a, b)
	}
	if fmt.Sprint(errA) != fmt.Sprint(errB) {
		t.Fatalf("two parses of the same input report different errors:\n%v\n%v", errA, errB)
	}
}

// checkLoadAgrees checks that Load, given the same bytes as the one file of its
// directory, returns what Parse did.
func checkLoadAgrees(t *testing.T, src []byte, tpl Template, err error) {
	t.Helper()
	tpls, loadErr := Load(fstest.MapFS{fuzzFile: {Data: src}}, path.Dir(fuzzFile))
	if fmt.Sprint(loadErr) != fmt.Sprint(err) {
		t.Fatalf("Load and Parse report different errors:\n%v\n%v", loadErr, err)
	}
	if err == nil && (len(tpls) != 1 || !reflect.DeepEqual(tpls[0], tpl)) {
		t.Fatalf("Load returned %+v, Parse %+v", tpls, tpl)
	}
}

// errorKinds are the values Error.Kind may take.
var errorKinds = []string{"", "plan", "phase", "task", "field"}

// checkErrors checks a failed parse: a zero Template, and an error made only of
// *Errors that name the file, say what is wrong and stay small.
func checkErrors(t *testing.T, tpl Template, err error) {
	t.Helper()
	if !reflect.DeepEqual(tpl, Template{}) {
		t.Fatalf("Parse returned an error and a non-zero Template: %+v", tpl)
	}
	text := err.Error()
	if text == "" {
		t.Fatal("Parse returned an error with no text")
	}
	if len(text) > maxErrorText {
		t.Fatalf("errors run to %d bytes, want at most %d", len(text), maxErrorText)
	}
	errs := Errors(err)
	if len(errs) == 0 || len(errs) > maxErrors+1 {
		t.Fatalf("Parse reported %d *Errors, want 1 to %d: %v", len(errs), maxErrors+1, err)
	}
	lines := make([]string, len(errs))
	for i, e := range errs {
		checkError(t, e)
		lines[i] = e.Error()
	}
	// errors.Join puts one error per line: any other kind of error in the tree
	// would show up here and not in Errors.
	if joined := strings.Join(lines, "\n"); joined != text {
		t.Fatalf("error is not just *Errors:\n%s\nwant:\n%s", text, joined)
	}
}

// checkError checks one *Error.
func checkError(t *testing.T, e *Error) {
	t.Helper()
	switch {
	case e.File != fuzzFile:
		t.Fatalf("error %q names file %q, want %q", e, e.File, fuzzFile)
	case strings.TrimSpace(e.Message) == "":
		t.Fatalf("error %#v has no message", e)
	case e.Line < 0:
		t.Fatalf("error %q has line %d", e, e.Line)
	case !slices.Contains(errorKinds, e.Kind):
		t.Fatalf("error %q has kind %q", e, e.Kind)
	case e.Key != "" && e.Kind == "":
		t.Fatalf("error %q has a key but no kind", e)
	case !utf8.ValidString(e.Error()):
		t.Fatalf("error %q is not valid UTF-8", e)
	}
}

// checkTemplate checks what a successful parse keeps besides the plan.
func checkTemplate(t *testing.T, tpl Template, src []byte) {
	t.Helper()
	sum := sha256.Sum256(src)
	switch {
	case tpl.File != fuzzFile:
		t.Fatalf("File = %q, want %q", tpl.File, fuzzFile)
	case !bytes.Equal(tpl.Source, src):
		t.Fatal("Source differs from the input")
	case len(src) > 0 && &tpl.Source[0] == &src[0]:
		t.Fatal("Source shares memory with the input: a caller reusing its buffer would change the template")
	case tpl.Checksum != hex.EncodeToString(sum[:]):
		t.Fatalf("Checksum = %s, want the hex SHA-256 of the input", tpl.Checksum)
	case tpl.StoredID != "":
		t.Fatalf("StoredID = %q before any Save", tpl.StoredID)
	}
}
