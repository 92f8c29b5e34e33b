package plans

import (
	"context"
	"fmt"
	"io/fs"
	"slices"
	"strings"
)

// Catalog is the set of plan templates new onboardings start from: loaded and validated
// once at start-up, and stored once (Save), so starting an onboarding only looks one up.
type Catalog struct {
	templates []Template // sorted by plan key
}

// TemplateStore keeps the exact bytes of every template version onboardings start from
// (store.Store does) and returns the id it is kept under.
type TemplateStore interface {
	EnsurePlanTemplate(ctx context.Context, key string, version int, name, checksum, source string, plan any) (string, error)
}

// LoadCatalog loads every template in dir of fsys (see Load).
func LoadCatalog(fsys fs.FS, dir string) (*Catalog, error) {
	ts, err := Load(fsys, dir)
	if err != nil {
		return nil, err
	}
	return &Catalog{templates: ts}, nil
}

// Save stores every template (a version already stored byte for byte is kept) and
// remembers the id of each, which Template then returns as StoredID.
func (c *Catalog) Save(ctx context.Context, st TemplateStore) error {
	for i, t := range c.templates {
		id, err := st.EnsurePlanTemplate(ctx, t.Plan.Key, t.Plan.Version, t.Plan.Name, t.Checksum, string(t.Source), t.Plan)
		if err != nil {
			return fmt.Errorf("plans: save %s: %w", t.File, err)
		}
		c.templates[i].StoredID = id
	}
	return nil
}

// Templates returns every template, sorted by plan key.
func (c *Catalog) Templates() []Template { return c.templates }

// Template returns the template of the plan with the given key.
func (c *Catalog) Template(key string) (Template, bool) {
	i := slices.IndexFunc(c.templates, func(t Template) bool { return t.Plan.Key == key })
	if i < 0 {
		return Template{}, false
	}
	return c.templates[i], true
}

// Keys lists the plan keys, comma-separated, for messages such as "available: a, b".
func (c *Catalog) Keys() string {
	keys := make([]string, len(c.templates))
	for i, t := range c.templates {
		keys[i] = t.Plan.Key
	}
	return strings.Join(keys, ", ")
}
