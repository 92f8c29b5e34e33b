-- +goose Up
-- When the customer last acted, kept by the workflow: the CSM digest names onboardings
-- whose customer has gone quiet. Backfilled from the audit log where it knows.
ALTER TABLE onboardings ADD COLUMN last_customer_activity timestamptz;
-- The workflow's projected go-live day (onboarding.State.ComputeForecast).
ALTER TABLE onboardings ADD COLUMN forecast_go_live date;
UPDATE onboardings o SET last_customer_activity = coalesce(
    (SELECT max(e.created_at) FROM audit_events e WHERE e.onboarding_id = o.id AND e.actor LIKE 'contact:%'),
    o.created_at);
CREATE INDEX accounts_csm ON accounts (workspace_id, csm_id) WHERE csm_id IS NOT NULL;

-- +goose Down
DROP INDEX accounts_csm;
ALTER TABLE onboardings DROP COLUMN forecast_go_live;
ALTER TABLE onboardings DROP COLUMN last_customer_activity;
