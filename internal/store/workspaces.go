package store

import (
	"context"
	"fmt"
	"time"
)

// Workspace is a vendor using Onboard.
type Workspace struct {
	ID        string    `db:"id" json:"id"`
	Slug      string    `db:"slug" json:"slug"`
	Name      string    `db:"name" json:"name"`
	Timezone  string    `db:"timezone" json:"timezone"`
	CreatedAt time.Time `db:"created_at" json:"created_at"`
}

// CreateWorkspace inserts a workspace.
func (s *Store) CreateWorkspace(ctx context.Context, w Workspace) (Workspace, error) {
	err := s.db.GetContext(ctx, &w, `
		INSERT INTO workspaces (slug, name, timezone) VALUES ($1, $2, $3)
		RETURNING id, slug, name, timezone, created_at`, w.Slug, w.Name, orDefault(w.Timezone, "UTC"))
	if err != nil {
		return Workspace{}, fmt.Errorf("store: create workspace: %w", conflict(err))
	}
	return w, nil
}

// Workspace returns the workspace with the given id.
func (s *Store) Workspace(ctx context.Context, id string) (Workspace, error) {
	var w Workspace
	err := s.db.GetContext(ctx, &w, `SELECT id, slug, name, timezone, created_at FROM workspaces WHERE id = $1`, id)
	if err != nil {
		return Workspace{}, fmt.Errorf("store: workspace: %w", notFound(err))
	}
	return w, nil
}

// WorkspaceBySlug returns the workspace with the given slug.
func (s *Store) WorkspaceBySlug(ctx context.Context, slug string) (Workspace, error) {
	var w Workspace
	err := s.db.GetContext(ctx, &w, `SELECT id, slug, name, timezone, created_at FROM workspaces WHERE slug = $1`, slug)
	if err != nil {
		return Workspace{}, fmt.Errorf("store: workspace by slug: %w", notFound(err))
	}
	return w, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
