-- +goose Up
-- Product data: the vendor's workspace, its staff, customer accounts and contacts.
-- Every reference between tenant rows carries workspace_id too (composite foreign keys),
-- so the database itself refuses a row that points into another workspace.
CREATE TABLE workspaces (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE,
    name        text NOT NULL,
    timezone    text NOT NULL DEFAULT 'UTC',
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_users (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id   uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email          text NOT NULL,
    name           text NOT NULL,
    role           text NOT NULL CHECK (role IN ('admin', 'csm', 'viewer')),
    password_hash  text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, workspace_id)
);
CREATE UNIQUE INDEX staff_users_email ON staff_users (lower(email));

CREATE TABLE accounts (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text NOT NULL,
    external_id  text,
    timezone     text NOT NULL DEFAULT 'UTC',
    -- Two keys on csm_id: the first clears it when the staff user goes (a column list on
    -- ON DELETE SET NULL would need PostgreSQL 15), the second keeps it in the workspace.
    csm_id       uuid REFERENCES staff_users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (workspace_id, external_id),
    UNIQUE (id, workspace_id),
    FOREIGN KEY (csm_id, workspace_id) REFERENCES staff_users (id, workspace_id)
);
CREATE INDEX accounts_workspace ON accounts (workspace_id, name);

CREATE TABLE contacts (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    account_id   uuid NOT NULL,
    name         text NOT NULL,
    email        text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (id, workspace_id),
    FOREIGN KEY (account_id, workspace_id) REFERENCES accounts (id, workspace_id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX contacts_account_email ON contacts (account_id, lower(email));
CREATE INDEX contacts_email ON contacts (lower(email));

-- Plan templates: every version an onboarding ever started from, byte for byte.
CREATE TABLE plan_templates (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key         text NOT NULL,
    version     integer NOT NULL,
    name        text NOT NULL,
    checksum    text NOT NULL,
    source      text NOT NULL,
    plan        jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (key, version, checksum)
);

-- Onboardings and their read model, written by the workflow and guarded by state_version.
CREATE TABLE onboardings (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id      uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    account_id        uuid NOT NULL,
    plan_template_id  uuid NOT NULL REFERENCES plan_templates (id),
    plan_key          text NOT NULL,
    plan_version      integer NOT NULL,
    workflow_id       text NOT NULL UNIQUE,
    status            text NOT NULL,
    health            text NOT NULL,
    progress          integer NOT NULL DEFAULT 0,
    customer_progress integer NOT NULL DEFAULT 0,
    tasks_done        integer NOT NULL DEFAULT 0,
    tasks_total       integer NOT NULL DEFAULT 0,
    start_date        date NOT NULL,
    target_go_live    date,
    went_live_at      timestamptz,
    state_version     bigint NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (account_id, workspace_id) REFERENCES accounts (id, workspace_id) ON DELETE CASCADE
);
CREATE INDEX onboardings_workspace ON onboardings (workspace_id, created_at DESC);
CREATE INDEX onboardings_account ON onboardings (account_id);

CREATE TABLE onboarding_phases (
    onboarding_id     uuid NOT NULL REFERENCES onboardings (id) ON DELETE CASCADE,
    key               text NOT NULL,
    position          integer NOT NULL,
    name              text NOT NULL,
    status            text NOT NULL,
    progress          integer NOT NULL DEFAULT 0,
    customer_progress integer NOT NULL DEFAULT 0,
    PRIMARY KEY (onboarding_id, key)
);

CREATE TABLE onboarding_tasks (
    onboarding_id    uuid NOT NULL REFERENCES onboardings (id) ON DELETE CASCADE,
    key              text NOT NULL,
    phase_key        text NOT NULL,
    position         integer NOT NULL,
    title            text NOT NULL,
    description      text NOT NULL DEFAULT '',
    owner            text NOT NULL,
    type             text NOT NULL,
    depends_on       jsonb NOT NULL DEFAULT '[]',
    required         boolean NOT NULL,
    customer_visible boolean NOT NULL,
    status           text NOT NULL,
    due_at           timestamptz,
    assignee         text NOT NULL DEFAULT '',
    blocked_reason   text NOT NULL DEFAULT '',
    started_at       timestamptz,
    completed_at     timestamptz,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (onboarding_id, key)
);

-- Access: hashed API keys, portal/dashboard sessions and one-time sign-in links.
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,
    hash         bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE sessions (
    id_hash       bytea PRIMARY KEY,
    workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    staff_user_id uuid,
    contact_id    uuid,
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    CHECK (num_nonnulls(staff_user_id, contact_id) = 1),
    FOREIGN KEY (staff_user_id, workspace_id) REFERENCES staff_users (id, workspace_id) ON DELETE CASCADE,
    FOREIGN KEY (contact_id, workspace_id) REFERENCES contacts (id, workspace_id) ON DELETE CASCADE
);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE magic_links (
    token_hash   bytea PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id   uuid NOT NULL,
    purpose      text NOT NULL CHECK (purpose IN ('invite', 'signin')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    FOREIGN KEY (contact_id, workspace_id) REFERENCES contacts (id, workspace_id) ON DELETE CASCADE
);

-- Audit log: who did what. A task action is the change that produced one state version
-- of its onboarding, so it is keyed by (onboarding_id, state_version): a workflow task that
-- Temporal retries may re-run the write, and the last write of a version is the true one.
CREATE TABLE audit_events (
    id            bigserial PRIMARY KEY,
    workspace_id  uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    onboarding_id uuid REFERENCES onboardings (id) ON DELETE CASCADE,
    state_version bigint,
    actor         text NOT NULL,
    action        text NOT NULL,
    subject       text NOT NULL DEFAULT '',
    request_id    text,
    detail        jsonb NOT NULL DEFAULT '{}',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX audit_events_version ON audit_events (onboarding_id, state_version) WHERE state_version IS NOT NULL;
-- Events outside a state change (a queued action rejected later) are kept once per request.
CREATE UNIQUE INDEX audit_events_unversioned ON audit_events (onboarding_id, request_id, action) WHERE state_version IS NULL;
CREATE INDEX audit_events_request ON audit_events (onboarding_id, request_id);
CREATE INDEX audit_events_workspace ON audit_events (workspace_id, created_at DESC);

-- +goose Down
DROP TABLE audit_events, magic_links, sessions, api_keys, onboarding_tasks, onboarding_phases,
    onboardings, plan_templates, contacts, accounts, staff_users, workspaces;
