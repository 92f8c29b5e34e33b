-- +goose Up
-- A webhook's body as first sent: every retry posts the same bytes under the same id.
ALTER TABLE notifications ADD COLUMN body text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE notifications DROP COLUMN body;
