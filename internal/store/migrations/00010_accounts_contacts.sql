-- +goose Up
-- Accounts and contacts are managed from the dashboard: an account may limit its contacts
-- to some email domains, and either can be archived (kept, out of the way).
ALTER TABLE accounts
    ADD COLUMN allowed_domains jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN archived_at     timestamptz;
ALTER TABLE contacts ADD COLUMN archived_at timestamptz;
-- Lists page newest first by (created_at, id).
CREATE INDEX accounts_workspace_created ON accounts (workspace_id, created_at DESC, id DESC);

-- +goose Down
DROP INDEX accounts_workspace_created;
ALTER TABLE contacts DROP COLUMN archived_at;
ALTER TABLE accounts DROP COLUMN allowed_domains, DROP COLUMN archived_at;
