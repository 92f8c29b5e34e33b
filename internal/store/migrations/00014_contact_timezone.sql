-- +goose Up
-- A contact's own time zone: the reminders of tasks assigned to them go out in its
-- sending window. Empty: the account's.
ALTER TABLE contacts ADD COLUMN timezone text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE contacts DROP COLUMN timezone;
