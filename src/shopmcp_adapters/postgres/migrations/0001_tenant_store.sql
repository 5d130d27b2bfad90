-- 0001: the tenant store.
--
-- Runs as shopmcp_owner inside one transaction (the runner does SET ROLE and BEGIN), in the
-- schema "shopmcp" that the runner created with AUTHORIZATION shopmcp_owner.
--
-- Rules every tenant table follows:
--   * workspace_id uuid NOT NULL, foreign key to workspaces (ON DELETE CASCADE: deleting a
--     workspace crypto-shreds its credentials with it);
--   * primary key (workspace_id, id): a row is addressed within its tenant, and one tenant row
--     refers to another through a composite foreign key, so it can never point across tenants;
--   * uniqueness is per workspace. The one global UNIQUE is mcp_keys.prefix, which is random
--     and must resolve a key before any workspace is known;
--   * ENABLE + FORCE ROW LEVEL SECURITY, a policy for shopmcp_tenant with USING and WITH CHECK
--     on the transaction-local setting app.workspace_id, and an unrestricted policy for
--     shopmcp_owner (cross-tenant jobs, which authorise before they touch a row).
--
-- An unset setting reads as NULL (never set in this session) or '' (set earlier in a committed
-- transaction). NULLIF(..., '') maps both to NULL, and "workspace_id = NULL" is never true:
-- the transaction sees no rows and every insert fails WITH CHECK. Any other value that is not
-- a UUID makes the cast raise, which also fails closed.

CREATE TABLE shopmcp.workspaces (
    id                  uuid        PRIMARY KEY,
    name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    plan                text        NOT NULL,
    status              text        NOT NULL CHECK (status IN ('active', 'pending_deletion')),
    write_enabled       text[]      NOT NULL DEFAULT '{}',
    billing_customer_id text,
    created_at          timestamptz NOT NULL
);
-- Billing webhooks (owner side) find a workspace by its billing customer. Not unique: the id
-- is the provider's, and a global UNIQUE would tell one tenant that another holds a value.
CREATE INDEX workspaces_billing_customer_id ON shopmcp.workspaces (billing_customer_id)
    WHERE billing_customer_id IS NOT NULL;

-- Sealed credentials: envelope-encrypted at rest, never a plaintext column. The encryption
-- context is (workspace_id, id), both columns of the row; the vault binds it into the AEAD's
-- associated data and the KMS encryption context.
CREATE TABLE shopmcp.credentials (
    workspace_id     uuid        NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    id               uuid        NOT NULL,
    ciphertext       bytea       NOT NULL,
    nonce            bytea       NOT NULL,
    wrapped_dek      bytea       NOT NULL,
    kms_key_id       text        NOT NULL,
    envelope_version smallint    NOT NULL CHECK (envelope_version > 0),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, id)
);
-- Keyset pagination for the owner-side re-wrap job.
CREATE INDEX credentials_id ON shopmcp.credentials (id);

CREATE TABLE shopmcp.connections (
    workspace_id  uuid        NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    id            uuid        NOT NULL,
    platform      text        NOT NULL,
    store_ref     text        NOT NULL CHECK (length(store_ref) BETWEEN 1 AND 255),
    credential_id uuid        NOT NULL,
    scopes        text[]      NOT NULL DEFAULT '{}',
    status        text        NOT NULL,
    display_name  text        NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id),
    -- One store once per workspace; another workspace may connect the same store.
    CONSTRAINT connections_store_per_workspace UNIQUE (workspace_id, platform, store_ref),
    CONSTRAINT connections_one_credential UNIQUE (workspace_id, credential_id),
    CONSTRAINT connections_credential_fkey FOREIGN KEY (workspace_id, credential_id)
        REFERENCES shopmcp.credentials (workspace_id, id)
);

-- MCP keys: a public random prefix and the SHA-256 of the secret; never the token.
CREATE TABLE shopmcp.mcp_keys (
    workspace_id uuid        NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    id           uuid        NOT NULL,
    prefix       text        NOT NULL CHECK (length(prefix) BETWEEN 1 AND 64),
    secret_hash  bytea       NOT NULL,
    scopes       text[]      NOT NULL,
    name         text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX mcp_keys_prefix ON shopmcp.mcp_keys (prefix);

-- The audit trail. connection_id is a historical reference, not a foreign key: an event
-- outlives the connection it went through, and writing it (with its meter row, in the same
-- transaction) must not fail because the connection was deleted a moment earlier.
CREATE TABLE shopmcp.usage_events (
    workspace_id  uuid             NOT NULL
        REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    id            uuid             NOT NULL,
    key_prefix    text             NOT NULL,
    tool          text             NOT NULL,
    connection_id uuid,
    latency_ms    double precision NOT NULL,
    status        text             NOT NULL,
    error_class   text,
    created_at    timestamptz      NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX usage_events_workspace_created
    ON shopmcp.usage_events (workspace_id, created_at DESC);

-- The billing outbox: written with its usage event in one transaction, drained by the owner.
CREATE TABLE shopmcp.meter_outbox (
    workspace_id   uuid        NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    usage_event_id uuid        NOT NULL,
    quantity       integer     NOT NULL CHECK (quantity >= 0),
    created_at     timestamptz NOT NULL,
    claimed_until  timestamptz,
    sent_at        timestamptz,
    attempts       integer     NOT NULL DEFAULT 0,
    last_error     text,
    PRIMARY KEY (workspace_id, usage_event_id),
    CONSTRAINT meter_outbox_usage_event_fkey FOREIGN KEY (workspace_id, usage_event_id)
        REFERENCES shopmcp.usage_events (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX meter_outbox_unsent ON shopmcp.meter_outbox (created_at) WHERE sent_at IS NULL;
CREATE INDEX meter_outbox_usage_event_id ON shopmcp.meter_outbox (usage_event_id);

CREATE TABLE shopmcp.playbooks (
    workspace_id uuid        NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    id           uuid        NOT NULL,
    name         text        NOT NULL,
    description  text        NOT NULL,
    template     text        NOT NULL,
    arguments    jsonb       NOT NULL DEFAULT '[]',
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id),
    CONSTRAINT playbooks_name_per_workspace UNIQUE (workspace_id, name)
);

-- ------------------------------------------------------------------ row-level security

ALTER TABLE shopmcp.workspaces   ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.workspaces   FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.credentials  ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.credentials  FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.connections  ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.connections  FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.mcp_keys     ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.mcp_keys     FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.usage_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.usage_events FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.meter_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.meter_outbox FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.playbooks    ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.playbooks    FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON shopmcp.workspaces TO shopmcp_tenant
    USING (id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON shopmcp.credentials TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON shopmcp.connections TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON shopmcp.mcp_keys TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON shopmcp.usage_events TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON shopmcp.meter_outbox TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON shopmcp.playbooks TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);

CREATE POLICY owner_all ON shopmcp.workspaces   TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.credentials  TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.connections  TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.mcp_keys     TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.usage_events TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.meter_outbox TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.playbooks    TO shopmcp_owner USING (true) WITH CHECK (true);

-- ------------------------------------------------------------------ tenant grants

GRANT USAGE ON SCHEMA shopmcp TO shopmcp_tenant;
-- Workspaces are created inside their own unit of work; deleting one is an owner-side job.
GRANT SELECT, INSERT, UPDATE ON shopmcp.workspaces TO shopmcp_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON shopmcp.credentials TO shopmcp_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON shopmcp.connections TO shopmcp_tenant;
-- Keys are revoked (UPDATE), never deleted, so the audit trail keeps resolving their prefix.
GRANT SELECT, INSERT, UPDATE ON shopmcp.mcp_keys TO shopmcp_tenant;
-- The audit trail is append-only for the tenant role.
GRANT SELECT, INSERT ON shopmcp.usage_events TO shopmcp_tenant;
-- The tenant writes its meter rows; only the owner-side drain reads and settles them.
GRANT INSERT ON shopmcp.meter_outbox TO shopmcp_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON shopmcp.playbooks TO shopmcp_tenant;
