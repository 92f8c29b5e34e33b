package plans

import (
	"slices"
	"strings"
)

// checkDependencies reports dependencies on unknown tasks, on the task itself and
// listed twice, then every dependency cycle among the rest.
func (r *planReader) checkDependencies() {
	edges := make(map[string][]item, len(r.refs))
	for _, t := range r.refs {
		var seen []string
		for _, dep := range t.deps {
			switch _, known := r.tasks[dep.value]; {
			case dep.value == t.key:
				r.add(dep.node.Line, "task", t.key, "depends on itself")
			case slices.Contains(seen, dep.value):
				r.add(dep.node.Line, "task", t.key, "lists dependency %q twice", dep.value)
			case !known:
				r.add(dep.node.Line, "task", t.key, "depends on unknown task %q", dep.value)
			default:
				edges[t.key] = append(edges[t.key], dep)
			}
			seen = append(seen, dep.value)
		}
	}
	c := cycleFinder{edges: edges, state: map[string]int{}}
	for _, t := range r.refs {
		c.visit(t.key)
	}
	for _, cyc := range c.cycles {
		r.add(cyc.line, "task", cyc.path[0], "dependency cycle: %s", strings.Join(cyc.path, " -> "))
	}
}

// DFS states of a task in cycleFinder.
const (
	unvisited = iota
	onPath
	done
)

// cycleFinder finds dependency cycles by depth-first search: an edge back to a task
// on the current path closes a cycle. Each edge is followed once, so each cycle is
// reported once, in dependency order ("a -> b" means a depends on b).
type cycleFinder struct {
	edges  map[string][]item // task key -> its valid dependencies
	state  map[string]int
	path   []string // tasks on the current DFS path
	via    []item   // via[i] is the edge from path[i] to path[i+1]
	cycles []cycle
}

// cycle is one dependency cycle, first task repeated at the end, and the line of
// the first task's dependency entry that starts it.
type cycle struct {
	path []string
	line int
}

// visit searches from task key.
func (c *cycleFinder) visit(key string) {
	if c.state[key] != unvisited {
		return
	}
	c.state[key] = onPath
	c.path = append(c.path, key)
	for _, dep := range c.edges[key] {
		switch c.state[dep.value] {
		case unvisited:
			c.via = append(c.via, dep)
			c.visit(dep.value)
			c.via = c.via[:len(c.via)-1]
		case onPath:
			c.record(dep.value)
		}
	}
	c.path = c.path[:len(c.path)-1]
	c.state[key] = done
}

// record saves the cycle from start (on the current path) to the path's end and
// back to start.
func (c *cycleFinder) record(start string) {
	i := len(c.path) - 1
	for c.path[i] != start {
		i--
	}
	p := append(append([]string(nil), c.path[i:]...), start)
	c.cycles = append(c.cycles, cycle{path: p, line: c.via[i].node.Line})
}
