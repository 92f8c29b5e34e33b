package plans

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Error is one problem found in a plan template file. Parse and Load return every
// problem they find (up to maxErrors per file, then a note of how many more), each
// as an *Error, joined with errors.Join; Errors takes them apart again.
type Error struct {
	File string // path of the file, as given to Parse or as found by Load
	Line int    // 1-based line of the offending YAML node; 0 when unknown
	// Kind says what Key names: "plan", "phase", "task" or "field".
	Kind string
	// Key is the key of the plan, phase, task or field the problem is about; empty
	// when the problem is about the file itself or the item has no key.
	Key     string
	Message string // what is wrong, without the location
}

// Error formats the problem as `file:line: kind "key": message`, leaving out the
// line when it is unknown and the kind and key when there is none.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	b.WriteString(": ")
	if e.Key != "" {
		if e.Kind != "" {
			b.WriteString(e.Kind + " ")
		}
		b.WriteString(strconv.Quote(e.Key) + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Errors returns every *Error inside err, in order. err may be a single *Error or
// any tree of errors built with errors.Join or fmt.Errorf("%w").
func Errors(err error) []*Error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*Error); ok {
		return []*Error{e}
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		var out []*Error
		for _, inner := range u.Unwrap() {
			out = append(out, Errors(inner)...)
		}
		return out
	case interface{ Unwrap() error }:
		return Errors(u.Unwrap())
	}
	return nil
}

// join joins one file's errors, in the order given, into one error; it returns
// nil for none.
func join(errs []*Error) error {
	list := make([]error, len(errs))
	for i, e := range errs {
		list[i] = e
	}
	return errors.Join(list...)
}

// sortByLine sorts one file's errors by line, keeping discovery order within a line.
func sortByLine(errs []*Error) {
	slices.SortStableFunc(errs, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
}

// yamlLine matches the location yaml.v3 puts in its syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns a yaml.v3 parse error into an *Error with its line.
func syntaxError(file string, err error) *Error {
	msg := err.Error()
	line := 0
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	return &Error{File: file, Line: line, Message: "invalid YAML: " + msg}
}

// errorf builds an *Error with a formatted message.
func errorf(file string, line int, kind, key, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Kind: kind, Key: key, Message: fmt.Sprintf(format, args...)}
}
