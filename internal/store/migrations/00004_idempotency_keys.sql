-- +goose Up
-- Idempotency keys of API requests: a key is bound to the one request (method, route,
-- ids, body) first sent with it, and keeps its answer for a day, so a client whose
-- connection dropped can retry and get the same answer instead of a second create.
CREATE TABLE idempotency_keys (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    key          text NOT NULL,
    fingerprint  bytea NOT NULL,
    claim        text NOT NULL,    -- who handles it: only that request may complete or release it
    status       integer,          -- NULL while the first request is still being handled
    content_type text NOT NULL DEFAULT '',
    response     bytea,
    created_at   timestamptz NOT NULL DEFAULT now(), -- when the key was (last) claimed
    PRIMARY KEY (workspace_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- +goose Down
DROP TABLE idempotency_keys;
