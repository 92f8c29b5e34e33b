-- +goose Up
-- What the staff portfolio sorts and counts by, kept on the onboarding's row with every
-- read-model write so the portfolio never reads every onboarding's tasks: the due times
-- of its open tasks (overdue is "due before now", counted from the row), its blocked
-- tasks and the phase it is in.
ALTER TABLE onboardings
    ADD COLUMN open_due_at   timestamptz[] NOT NULL DEFAULT '{}',
    ADD COLUMN blocked_tasks integer NOT NULL DEFAULT 0,
    ADD COLUMN current_phase text NOT NULL DEFAULT '';

UPDATE onboardings o SET
    open_due_at = coalesce((SELECT array_agg(t.due_at ORDER BY t.due_at) FROM onboarding_tasks t
        WHERE t.onboarding_id = o.id AND t.due_at IS NOT NULL AND t.status NOT IN ('completed', 'skipped')), '{}'),
    blocked_tasks = (SELECT count(*) FROM onboarding_tasks t WHERE t.onboarding_id = o.id AND t.status = 'blocked'),
    current_phase = coalesce((SELECT p.name FROM onboarding_phases p WHERE p.onboarding_id = o.id AND p.status <> 'completed'
        ORDER BY p.position LIMIT 1), '');

-- +goose Down
ALTER TABLE onboardings DROP COLUMN open_due_at, DROP COLUMN blocked_tasks, DROP COLUMN current_phase;
