-- +goose Up
-- Which reminder emails a contact wants: all of them, only about overdue tasks, or none
-- (the CSM is still told when a task stays overdue).
ALTER TABLE contacts ADD COLUMN reminder_emails text NOT NULL DEFAULT 'all'
    CHECK (reminder_emails IN ('all', 'overdue', 'none'));

-- +goose Down
ALTER TABLE contacts DROP COLUMN reminder_emails;
