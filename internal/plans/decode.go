package plans

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// parser collects the errors of one file while its YAML tree is read.
//
// The tree is read node by node instead of being decoded into tagged structs with
// yaml.v3's Decoder.KnownFields: that decoder drops a list item it cannot decode
// (so items no longer line up with their nodes), skips a whole mapping that has a
// repeated key, and words its errors in Go type names. Reading the nodes gives
// every error its exact line and the key of the item it is in, and a field the
// reader never asks for is reported as unknown, which is what KnownFields does.
type parser struct {
	file       string
	errs       []*Error
	unreported int // errors found past maxErrors
}

// add records one error at line (the enclosing item's line when line is 0). Past
// maxErrors it only counts it. key is clipped: an invalid key can be any length.
func (p *parser) add(line int, kind, key, format string, args ...any) {
	if p.room() == 0 {
		p.unreported++
		return
	}
	p.errs = append(p.errs, errorf(p.file, line, kind, clip(key, maxQuoted), format, args...))
}

// room returns how many more errors add will record.
func (p *parser) room() int { return maxErrors - len(p.errs) }

// report returns the errors sorted by line, ending with a note of how many went
// unreported, if any.
func (p *parser) report() []*Error {
	sortByLine(p.errs)
	if p.unreported > 0 {
		p.errs = append(p.errs, errorf(p.file, 0, "", "", "too many errors: %d more not reported", p.unreported))
	}
	return p.errs
}

// doc reads one YAML mapping (the plan, a phase, a task or a field). It remembers
// which fields its reader asked for, so that finish can report every other field as
// unknown: the reader's calls are the one list of known fields.
type doc struct {
	p      *parser
	node   *yaml.Node            // the mapping
	kind   string                // "plan", "phase", "task" or "field"
	key    string                // the item's key once read, for error context
	values map[string]*yaml.Node // field name -> value node (first occurrence)
	names  []*yaml.Node          // field name nodes in file order, first occurrences
	nameOf map[string]*yaml.Node // field name -> its name node (first occurrence)
	dups   []*yaml.Node          // field name nodes seen a second time
	read   []string              // field names the reader asked for, in order
}

// newDoc starts reading n as a mapping of kind's fields; it reports and returns
// false when n is something else.
func (p *parser) newDoc(n *yaml.Node, kind string) (*doc, bool) {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		p.add(n.Line, kind, "", "want a mapping of %s fields, got %s", kind, describe(n))
		return nil, false
	}
	d := &doc{p: p, node: n, kind: kind, values: map[string]*yaml.Node{}, nameOf: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, value := deref(n.Content[i]), n.Content[i+1]
		if name.Kind != yaml.ScalarNode {
			p.add(name.Line, kind, "", "field names must be plain text, got %s", describe(name))
			continue
		}
		if _, seen := d.values[name.Value]; seen {
			d.dups = append(d.dups, name)
			continue
		}
		d.values[name.Value] = value
		d.names = append(d.names, name)
		d.nameOf[name.Value] = name
	}
	return d, true
}

// finish reports fields set twice and fields the reader never asked for.
func (d *doc) finish() {
	for _, name := range d.dups {
		d.errorf(name, "field %q is set twice (first on line %d)", clip(name.Value, maxQuoted), d.nameLine(name.Value))
	}
	for _, name := range d.names {
		if !slices.Contains(d.read, name.Value) {
			d.errorf(name, "unknown field %q (known fields: %s)", clip(name.Value, maxQuoted), strings.Join(d.read, ", "))
		}
	}
}

// nameLine returns the line where field name was first set.
func (d *doc) nameLine(name string) int {
	if n := d.at(name); n != nil {
		return n.Line
	}
	return d.node.Line
}

// at returns the node of field name's name, where errors about the field as a
// whole are reported, or nil when the field is absent. It is a map lookup, not a
// scan of names: finish calls it once per repeated field.
func (d *doc) at(name string) *yaml.Node {
	return d.nameOf[name]
}

// errorf reports a problem at node n, or at the mapping itself when n is nil.
func (d *doc) errorf(n *yaml.Node, format string, args ...any) {
	line := d.node.Line
	if n != nil {
		line = n.Line
	}
	d.p.add(line, d.kind, d.key, format, args...)
}

// get marks name as a known field and returns its value node, or nil when the
// field is absent or null.
func (d *doc) get(name string) *yaml.Node {
	if !slices.Contains(d.read, name) {
		d.read = append(d.read, name)
	}
	n, ok := d.values[name]
	if !ok {
		return nil
	}
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	return n
}

// text reads a text field, trimmed; a required one must be present and not blank.
func (d *doc) text(name string, required bool) string {
	n := d.get(name)
	if n == nil {
		if required {
			d.errorf(nil, "%s is required", name)
		}
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.errorf(d.at(name), "%s: want text, got %s", name, describe(n))
		return ""
	}
	s := strings.TrimSpace(n.Value)
	if s == "" && required {
		d.errorf(d.at(name), "%s must not be blank", name)
	}
	return s
}

// integer reads a whole-number field; ok is false when it is absent or invalid.
// The value must be a YAML integer: yaml.v3 would also decode a float such as 1.5
// into an int, silently dropping the fraction.
func (d *doc) integer(name string) (v int, ok bool) {
	n := d.get(name)
	if n == nil {
		return 0, false
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&v) != nil {
		d.errorf(d.at(name), "%s: want a whole number, got %s", name, describe(n))
		return 0, false
	}
	return v, true
}

// boolean reads a true/false field, def when absent or invalid.
func (d *doc) boolean(name string, def bool) bool {
	n := d.get(name)
	if n == nil {
		return def
	}
	var v bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&v) != nil {
		d.errorf(d.at(name), "%s: want true or false, got %s", name, describe(n))
		return def
	}
	return v
}

// list reads a list field: its item nodes, nil when absent, null or not a list.
func (d *doc) list(name string) []*yaml.Node {
	n := d.get(name)
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(d.at(name), "%s: want a list, got %s", name, describe(n))
		return nil
	}
	return n.Content
}

// item is one entry of a list of text, with its node for error lines.
type item struct {
	value string
	node  *yaml.Node
}

// texts reads a list of text entries; blank or non-text entries are reported and
// left out.
func (d *doc) texts(name string) []item {
	var out []item
	for _, n := range d.list(name) {
		n = deref(n)
		if n.Kind != yaml.ScalarNode || strings.TrimSpace(n.Value) == "" {
			d.errorf(n, "%s: want non-blank text entries, got %s", name, describe(n))
			continue
		}
		out = append(out, item{strings.TrimSpace(n.Value), n})
	}
	return out
}

// oneOf reads a field whose value must be one of allowed. When the field is absent
// it returns def, or reports it as required when def is empty. ok is false when the
// value is missing or invalid.
func oneOf[T ~string](d *doc, name string, allowed []T, def T) (v T, ok bool) {
	s := d.text(name, def == "")
	if s == "" {
		return def, def != ""
	}
	if !slices.Contains(allowed, T(s)) {
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		d.errorf(d.at(name), "invalid %s %q: want one of %s", name, clip(s, maxQuoted), strings.Join(names, ", "))
		return def, false
	}
	return T(s), true
}

// deref follows YAML aliases to the node they name.
func deref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// describe names what a node holds, for "want X, got Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "nothing"
		}
		return strconv.Quote(clip(n.Value, 40))
	}
	return fmt.Sprintf("YAML node kind %d", n.Kind)
}
