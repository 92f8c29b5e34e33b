-- +goose Up
-- Answers to form tasks, written before the workflow is told the task is done: a draft
-- while a contact fills the form in, submitted once the task completes with them.
CREATE TABLE form_answers (
    onboarding_id uuid NOT NULL REFERENCES onboardings (id) ON DELETE CASCADE,
    task_key      text NOT NULL,
    workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    answers       jsonb NOT NULL DEFAULT '{}',
    status        text NOT NULL CHECK (status IN ('draft', 'submitted')),
    updated_by    text NOT NULL,
    request_id    text NOT NULL DEFAULT '', -- the page's request that submitted them
    updated_at    timestamptz NOT NULL DEFAULT now(),
    submitted_at  timestamptz,
    PRIMARY KEY (onboarding_id, task_key)
);

-- +goose Down
DROP TABLE form_answers;
