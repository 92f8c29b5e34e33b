// Package plans loads and validates plan templates: the YAML files under
// templates/plans that declare the phases and tasks an onboarding follows.
//
// A template file holds one plan:
//
//	key: standard-saas                  # required; the plan's stable identifier
//	name: Standard SaaS onboarding      # required
//	description: ...                    # optional
//	version: 1                          # required, >= 1; bump it when the plan changes
//	phases:                             # required, at least one, in order
//	  - key: kickoff                    # required, unique in the plan
//	    name: Kickoff                   # required
//	    description: ...                # optional
//	    start_offset_days: 0            # planned start, business days from the onboarding start (0-730, default 0)
//	    tasks:                          # required, at least one, in order
//	      - key: kickoff-call           # required, unique across the whole plan
//	        title: Kickoff call         # required
//	        description: ...            # optional
//	        owner: vendor               # required: customer | vendor
//	        type: meeting               # required: form | document | review | meeting | configuration | integration | training | custom
//	        depends_on: [welcome-pack]  # optional: keys of tasks that must be done first; no cycles
//	        due_offset_days: 3          # 0-730, default 0
//	        due_from: start             # start (default): the onboarding start | phase: the phase's start
//	        calendar_days: false        # default false: the offset counts business days
//	        required: true              # required for go-live; default true
//	        customer_visible: true      # shown in the customer portal; default true; only vendor tasks may be hidden
//	        fields:                     # form tasks only, and at least one there
//	          - key: company_legal_name # required, unique in the task
//	            label: Company legal name # required
//	            type: text              # required: text | textarea | email | url | number | date | select | checkbox
//	            required: true          # default false
//	            options: [a, b]         # select fields only, and at least one there
//	            help: ...               # optional hint shown under the input
//
// Keys match ^[a-z0-9][a-z0-9_-]*$ and are at most 64 characters. Unknown fields are
// errors, so a typo never silently drops a setting.
//
// Parse and Load report every problem they find, not just the first: each is an
// *Error naming the file, the line and the key of the plan, phase, task or field it
// is about, and they come joined with errors.Join (take them apart with Errors).
//
// So that no file can make them slow or their errors huge, a file may have at most
// 256 KiB and 100,000 YAML nodes, an alias counting as the nodes it repeats (an alias
// may not refer to a node it is inside of); past 100 problems the rest are only
// counted, and errors quote at most 80 bytes of a key or value. See limits.go.
package plans

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/onboard-oss/onboard/internal/onboarding"
)

// Template is one plan template file, parsed and validated.
type Template struct {
	Plan onboarding.Plan
	File string // path within the FS it was loaded from, e.g. "plans/standard-saas.yaml"
	// Source holds the exact file bytes, so an onboarding can keep the exact version
	// it started from.
	Source   []byte
	Checksum string // hex SHA-256 of Source
	// StoredID is the id of the stored copy of this exact version, set by Catalog.Save.
	StoredID string
}

// Parse parses and validates one template file. file names it in errors. On error
// the Template is zero and the error joins one *Error per problem found.
func Parse(file string, src []byte) (Template, error) {
	t, _, errs := parse(file, src)
	if len(errs) > 0 {
		return Template{}, join(errs)
	}
	return t, nil
}

// parse does Parse's work and also returns the line of the plan's key. Its errors
// come sorted by line.
func parse(file string, src []byte) (Template, int, []*Error) {
	root, perr := parseYAML(file, src)
	if perr != nil {
		return Template{}, 0, []*Error{perr}
	}
	r := &planReader{parser: &parser{file: file}, phases: map[string]int{}, tasks: map[string]int{}}
	pl := r.plan(root)
	if errs := r.report(); len(errs) > 0 {
		return Template{}, r.keyLine, errs
	}
	sum := sha256.Sum256(src)
	t := Template{Plan: pl, File: file, Source: bytes.Clone(src), Checksum: hex.EncodeToString(sum[:])}
	return t, r.keyLine, nil
}

// parseYAML parses src into its one YAML document's root node, refusing files
// whose size or alias expansion would make reading them costly (see limits.go).
func parseYAML(file string, src []byte) (*yaml.Node, *Error) {
	if err := checkSize(file, src); err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errorf(file, 0, "", "", "file is empty: a plan template needs key, name, version and phases")
		}
		return nil, syntaxError(file, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, errorf(file, next.Line, "", "", "file holds more than one YAML document: one plan per file")
	case !errors.Is(err, io.EOF):
		return nil, syntaxError(file, err)
	}
	root := doc.Content[0]
	if err := checkExpansion(file, root); err != nil {
		return nil, err
	}
	return root, nil
}

// Load parses every *.yaml and *.yml file directly in dir of fsys (other files and
// subdirectories are ignored) and returns the templates sorted by plan key. Two
// files declaring the same plan key are an error. On error Load returns no
// templates and an error joining every problem of every file.
func Load(fsys fs.FS, dir string) ([]Template, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("plans: %w", err)
	}
	var (
		out   []Template
		errs  []error
		byKey = map[string]string{} // plan key -> file declaring it
	)
	for _, e := range entries {
		if !isTemplate(e) {
			continue
		}
		t, fileErrs := loadFile(fsys, path.Join(dir, e.Name()), byKey)
		if len(fileErrs) == 0 {
			out = append(out, t)
		}
		for _, fe := range fileErrs {
			errs = append(errs, fe)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(out, func(a, b Template) int { return cmp.Compare(a.Plan.Key, b.Plan.Key) })
	return out, nil
}

// loadFile reads and parses one file and checks its plan key against those of
// the files before it (byKey, which it updates).
func loadFile(fsys fs.FS, file string, byKey map[string]string) (Template, []*Error) {
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		return Template{}, []*Error{errorf(file, 0, "", "", "cannot read: %v", err)}
	}
	t, keyLine, errs := parse(file, src)
	if len(errs) > 0 {
		return t, errs
	}
	if other, dup := byKey[t.Plan.Key]; dup {
		return t, []*Error{errorf(file, keyLine, "plan", t.Plan.Key, "duplicate plan key: %s declares it too", other)}
	}
	byKey[t.Plan.Key] = file
	return t, nil
}

// isTemplate reports whether a directory entry is a YAML file.
func isTemplate(e fs.DirEntry) bool {
	if e.IsDir() {
		return false
	}
	ext := strings.ToLower(path.Ext(e.Name()))
	return ext == ".yaml" || ext == ".yml"
}
