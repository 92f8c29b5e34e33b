-- +goose Up
-- The task a blocked task waits for, when it is another task of the onboarding.
ALTER TABLE onboarding_tasks ADD COLUMN blocked_by text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE onboarding_tasks DROP COLUMN blocked_by;
