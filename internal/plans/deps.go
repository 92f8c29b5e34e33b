package plans

import (
	"fmt"
	"strings"
)

// checkDependencies reports dependencies on unknown tasks, on the task itself and
// listed twice, then every dependency cycle among the rest.
func (r *planReader) checkDependencies() {
	edges := make(map[string][]item, len(r.refs))
	for _, t := range r.refs {
		seen := map[string]bool{} // a set: a long list must not cost its length squared
		for _, dep := range t.deps {
			switch _, known := r.tasks[dep.value]; {
			case dep.value == t.key:
				r.add(dep.node.Line, "task", t.key, "depends on itself")
			case seen[dep.value]:
				r.add(dep.node.Line, "task", t.key, "lists dependency %q twice", clip(dep.value, maxQuoted))
			case !known:
				r.add(dep.node.Line, "task", t.key, "depends on unknown task %q", clip(dep.value, maxQuoted))
			default:
				edges[t.key] = append(edges[t.key], dep)
			}
			seen[dep.value] = true
		}
	}
	c := cycleFinder{edges: edges, state: map[string]int{}, room: r.room()}
	for _, t := range r.refs {
		c.visit(t.key)
	}
	for _, cyc := range c.cycles {
		r.add(cyc.line, "task", cyc.path[0], "dependency cycle: %s", showCycle(cyc.path))
	}
	r.unreported += c.unrecorded
}

// showCycle lists a cycle's tasks for an error, "a -> b -> a", leaving out the
// middle of a long one: a plan's worth of keys would bury the message.
func showCycle(path []string) string {
	tasks := path[:len(path)-1] // path ends with its first task again
	var shown []string
	for _, key := range tasks[:min(len(tasks), maxCycleShown)] {
		shown = append(shown, clip(key, maxQuoted))
	}
	if more := len(tasks) - maxCycleShown; more > 0 {
		shown = append(shown, fmt.Sprintf("... (%d more)", more))
	}
	shown = append(shown, clip(path[0], maxQuoted))
	return strings.Join(shown, " -> ")
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
	// room caps the cycles recorded, as each copies a path that can be as long as
	// the plan; past it they are only counted in unrecorded.
	room       int
	unrecorded int
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
	if len(c.cycles) >= c.room {
		c.unrecorded++
		return
	}
	i := len(c.path) - 1
	for c.path[i] != start {
		i--
	}
	p := append(append([]string(nil), c.path[i:]...), start)
	c.cycles = append(c.cycles, cycle{path: p, line: c.via[i].node.Line})
}
