-- +goose Up
-- When a session was last used: a session idle for too long ends, whatever its absolute expiry.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX sessions_contact ON sessions (contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX sessions_staff ON sessions (staff_user_id) WHERE staff_user_id IS NOT NULL;

-- +goose Down
DROP INDEX sessions_staff;
DROP INDEX sessions_contact;
ALTER TABLE sessions DROP COLUMN last_seen_at;
