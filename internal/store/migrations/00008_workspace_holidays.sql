-- +goose Up
-- A workspace's days off ("2026-12-25"): business days skip them and no reminder goes on one.
ALTER TABLE workspaces ADD COLUMN holidays jsonb NOT NULL DEFAULT '[]';

-- +goose Down
ALTER TABLE workspaces DROP COLUMN holidays;
