-- +goose Up
-- Comments on a task between the customer's contacts and the vendor's staff, shown on
-- the portal's task page and the staff onboarding page.
CREATE TABLE task_comments (
    id             bigserial PRIMARY KEY,
    workspace_id   uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    onboarding_id  uuid NOT NULL REFERENCES onboardings (id) ON DELETE CASCADE,
    task_key       text NOT NULL,
    -- Who wrote it: one of the two, kept as a name too so a comment outlives its author.
    contact_id     uuid REFERENCES contacts (id) ON DELETE SET NULL,
    staff_user_id  uuid REFERENCES staff_users (id) ON DELETE SET NULL,
    author_name    text NOT NULL,
    author_side    text NOT NULL CHECK (author_side IN ('customer', 'vendor')),
    body           text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_comments_task ON task_comments (onboarding_id, task_key, id);

-- +goose Down
DROP TABLE task_comments;
