-- +goose Up
-- next_step marks a task its owner's side can act on now: not done, every dependency done
-- (onboarding.State.NextSteps). The workflow writes it with every change, so pages only
-- filter; existing rows are filled in here from the same rule.
ALTER TABLE onboarding_tasks ADD COLUMN next_step boolean NOT NULL DEFAULT false;
UPDATE onboarding_tasks t SET next_step = t.status NOT IN ('completed', 'skipped')
    AND (t.owner = 'vendor' OR t.customer_visible)
    AND NOT EXISTS (
        SELECT 1 FROM jsonb_array_elements_text(t.depends_on) AS d(key)
        JOIN onboarding_tasks dep ON dep.onboarding_id = t.onboarding_id AND dep.key = d.key
        WHERE dep.status NOT IN ('completed', 'skipped'));

-- +goose Down
ALTER TABLE onboarding_tasks DROP COLUMN next_step;
