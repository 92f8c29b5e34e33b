package plans

import (
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Limits that keep the work and the error output of one parse bounded whatever a
// file holds. Plan templates are small (the largest shipped one is 20 KB and 1,130
// YAML nodes), so they sit far above any real plan.
const (
	// maxSourceBytes caps the size of a template file, 12 times the largest shipped
	// one. yaml.v3 builds the whole node tree before maxNodes can be checked, at
	// up to 2 µs and 220 bytes per byte of input (a flow mapping of "a,"s).
	maxSourceBytes = 256 << 10
	// maxNodes caps the YAML nodes of a file, an alias counting as every node it
	// repeats. yaml.v3 keeps an alias as a pointer to its anchor's node, and the
	// reader follows it, so without the cap a few hundred bytes of nested aliases
	// (a "billion laughs") would have the reader visit billions of nodes.
	maxNodes = 100_000
	// maxErrors caps the problems reported for one file; past it the rest are
	// counted, not kept, as a damaged or hostile file can have one per node.
	maxErrors = 100
	// maxQuoted caps how much of a key or value from the file an error quotes, so
	// that errors stay readable and their size does not grow with the file's.
	maxQuoted = 80
	// maxCycleShown caps the tasks of a dependency cycle an error lists.
	maxCycleShown = 8
)

// checkSize rejects a file larger than maxSourceBytes before it is parsed.
func checkSize(file string, src []byte) *Error {
	if len(src) > maxSourceBytes {
		return errorf(file, 0, "", "", "file is %d bytes; a plan template may have at most %d", len(src), maxSourceBytes)
	}
	return nil
}

// checkExpansion rejects a tree with more than maxNodes nodes once its aliases are
// expanded, and an alias that refers to a node it is inside of (which expands
// forever). It gives up counting at the cap, so its own work is bounded too.
func checkExpansion(file string, root *yaml.Node) *Error {
	e := &expansion{open: map[*yaml.Node]bool{}}
	switch loop := e.walk(root); {
	case loop != nil:
		return errorf(file, loop.Line, "", "", "alias *%s refers to a node that contains it", clip(loop.Value, maxQuoted))
	case e.count > maxNodes:
		return errorf(file, 0, "", "", "too many YAML nodes: a plan template may have at most %d, counting each alias as the nodes it repeats", maxNodes)
	}
	return nil
}

// expansion counts the nodes of a tree with its aliases expanded.
type expansion struct {
	count int
	open  map[*yaml.Node]bool // anchored nodes on the current path
}

// walk counts n and everything under it, following aliases. It stops once the
// count passes maxNodes, and at an alias to a node on the current path, which it
// returns.
func (e *expansion) walk(n *yaml.Node) (loop *yaml.Node) {
	e.count++
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		if e.open[n.Alias] {
			return n
		}
		n = n.Alias
	}
	if n.Anchor != "" {
		e.open[n] = true
		defer delete(e.open, n)
	}
	for _, c := range n.Content {
		if e.count > maxNodes {
			return nil
		}
		if loop := e.walk(c); loop != nil {
			return loop
		}
	}
	return nil
}

// clip shortens s to at most n bytes, cutting on a rune boundary and marking the
// cut with "...".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("...")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
