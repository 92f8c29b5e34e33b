-- +goose Up
-- A workspace's own reminder policy (NULL: the product's default) and how long invite
-- links last.
ALTER TABLE workspaces
    ADD COLUMN reminder_settings jsonb,
    ADD COLUMN invite_days integer NOT NULL DEFAULT 14 CHECK (invite_days BETWEEN 1 AND 90);

-- +goose Down
ALTER TABLE workspaces DROP COLUMN reminder_settings, DROP COLUMN invite_days;
