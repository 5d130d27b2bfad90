-- 0006: accounts, sessions, sign-in codes, workspace members, the dashboard's audit log, and
-- erasure requests (the dashboard REST API).
--
-- Runs as shopmcp_owner inside one transaction, like 0001; tenant tables follow 0001's rules.
--
-- Who reads what. Accounts, sessions and sign-in codes belong to a person, not to a workspace:
-- the API must find a session before it knows any workspace, as the MCP runtime finds a key by
-- its prefix. They are read by shopmcp_tenant (the dashboard's role) through policies keyed on
-- transaction-local settings that name the one row or person a statement is about:
--
--   app.session_token_hash  hex SHA-256 of a presented session token: that session's row
--                           (the token has 256 random bits; its hash is the only way in)
--   app.account_email       a normalised email address: its account row and its sign-in codes
--                           (asking for or redeeming a code, adding a member by address)
--   app.account_id          an account: its row, its sessions, its memberships and the
--                           workspaces it is a member of (the caller's own, once its session is
--                           resolved)
--
-- Each setting is set with set_config(..., true) by the adapter, in the transaction that uses
-- it, and is gone at commit; an unset one matches nothing. Only shopmcp_owner (the CLI's staff
-- flag, the admin console) reads across them. shopmcp_mcp, the MCP runtime, gets nothing here.
--
-- Nothing secret is stored: a session row holds the SHA-256 of its token; a sign-in code row
-- holds an HMAC of the code keyed by a server secret that is not in the database, so a dump
-- alone cannot even brute-force the few digits of a code that is still live.

-- ------------------------------------------------------------------ workspace status

-- Staff may suspend a workspace (the admin console): it then serves no tools, like one pending
-- deletion, until resumed.
ALTER TABLE shopmcp.workspaces DROP CONSTRAINT workspaces_status_check;
ALTER TABLE shopmcp.workspaces ADD CONSTRAINT workspaces_status_check
    CHECK (status IN ('active', 'pending_deletion', 'suspended'));

-- ------------------------------------------------------------------ people

CREATE TABLE shopmcp.accounts (
    id         uuid        PRIMARY KEY,
    email      text        NOT NULL
        CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
    -- Staff reach the admin console. Set only from the CLI, as the owner: the tenant role has
    -- no UPDATE on this table at all.
    is_staff   boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL
);
-- One account per address. Global by nature (a person, not tenant data); only someone who
-- redeemed a code sent to the address, or an owner adding a member by it, ever writes one.
CREATE UNIQUE INDEX accounts_email ON shopmcp.accounts (email);

CREATE TABLE shopmcp.sessions (
    id                  uuid        PRIMARY KEY,
    account_id          uuid        NOT NULL REFERENCES shopmcp.accounts (id) ON DELETE CASCADE,
    token_hash          bytea       NOT NULL CHECK (length(token_hash) = 32),
    created_at          timestamptz NOT NULL,
    last_seen_at        timestamptz NOT NULL,
    -- Sliding: moved forward as the session is used, never past absolute_expires_at.
    expires_at          timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    revoked_at          timestamptz,
    CONSTRAINT sessions_expiry CHECK (expires_at <= absolute_expires_at)
);
CREATE UNIQUE INDEX sessions_token_hash ON shopmcp.sessions (token_hash);
CREATE INDEX sessions_account ON shopmcp.sessions (account_id, created_at DESC);

CREATE TABLE shopmcp.sign_in_codes (
    id          uuid        PRIMARY KEY,
    email       text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    code_hash   bytea       NOT NULL CHECK (length(code_hash) = 32),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    attempts    integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    consumed_at timestamptz,
    CONSTRAINT sign_in_codes_expiry CHECK (expires_at > created_at)
);
CREATE INDEX sign_in_codes_email ON shopmcp.sign_in_codes (email, created_at DESC);

-- ------------------------------------------------------------------ tenant tables

CREATE TABLE shopmcp.workspace_members (
    workspace_id uuid        NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    account_id   uuid        NOT NULL REFERENCES shopmcp.accounts (id) ON DELETE CASCADE,
    role         text        NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, account_id)
);
CREATE INDEX workspace_members_account ON shopmcp.workspace_members (account_id);

-- Dashboard and admin actions (who, what, when, on what); tool calls are usage_events. The
-- actor is a historical reference, not a foreign key: the entry outlives the account. detail
-- holds names and ids only, never a credential.
CREATE TABLE shopmcp.audit_log (
    workspace_id     uuid        NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    id               uuid        NOT NULL,
    actor_account_id uuid,
    actor            text        NOT NULL CHECK (length(actor) BETWEEN 1 AND 300),
    action           text        NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
    target_kind      text        NOT NULL CHECK (length(target_kind) BETWEEN 1 AND 100),
    target_id        text        CHECK (length(target_id) <= 300),
    detail           jsonb       NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX audit_log_workspace_created ON shopmcp.audit_log (workspace_id, created_at DESC);

-- A workspace's owner asked for it to be erased: recorded when it is marked pending deletion
-- (keys revoked, credentials shredded at once); the erasure sweep removes the rest later.
CREATE TABLE shopmcp.erasure_requests (
    workspace_id    uuid        PRIMARY KEY
        REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    requested_at    timestamptz NOT NULL,
    requested_by    uuid,
    requested_by_label text     NOT NULL CHECK (length(requested_by_label) BETWEEN 1 AND 300)
);

-- "Last used" of each key, and the usage review's key filter: the latest event per prefix is
-- one index probe instead of a scan of the workspace's history.
CREATE INDEX usage_events_workspace_key
    ON shopmcp.usage_events (workspace_id, key_prefix, created_at DESC);

-- ------------------------------------------------------------------ row-level security

ALTER TABLE shopmcp.accounts          ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.accounts          FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.sessions          ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.sessions          FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.sign_in_codes     ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.sign_in_codes     FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.workspace_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.workspace_members FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.audit_log         ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.audit_log         FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.erasure_requests  ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.erasure_requests  FORCE ROW LEVEL SECURITY;

CREATE POLICY account_self ON shopmcp.accounts FOR SELECT TO shopmcp_tenant
    USING (id = NULLIF(current_setting('app.account_id', true), '')::uuid);
CREATE POLICY account_by_email ON shopmcp.accounts FOR SELECT TO shopmcp_tenant
    USING (email = NULLIF(current_setting('app.account_email', true), ''));
CREATE POLICY account_create ON shopmcp.accounts FOR INSERT TO shopmcp_tenant
    WITH CHECK (email = NULLIF(current_setting('app.account_email', true), '')
                AND is_staff = false);
-- A workspace's members see each other's addresses (the members list).
CREATE POLICY account_of_member ON shopmcp.accounts FOR SELECT TO shopmcp_tenant
    USING (id IN (SELECT m.account_id FROM shopmcp.workspace_members m
                   WHERE m.workspace_id
                         = NULLIF(current_setting('app.workspace_id', true), '')::uuid));

CREATE POLICY session_by_token ON shopmcp.sessions TO shopmcp_tenant
    USING (token_hash = decode(NULLIF(current_setting('app.session_token_hash', true), ''),
                               'hex'))
    WITH CHECK (token_hash = decode(NULLIF(current_setting('app.session_token_hash', true), ''),
                                    'hex'));
CREATE POLICY sessions_of_account ON shopmcp.sessions TO shopmcp_tenant
    USING (account_id = NULLIF(current_setting('app.account_id', true), '')::uuid)
    WITH CHECK (account_id = NULLIF(current_setting('app.account_id', true), '')::uuid);

CREATE POLICY codes_of_email ON shopmcp.sign_in_codes TO shopmcp_tenant
    USING (email = NULLIF(current_setting('app.account_email', true), ''))
    WITH CHECK (email = NULLIF(current_setting('app.account_email', true), ''));

CREATE POLICY tenant_isolation ON shopmcp.workspace_members TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
-- The caller's own memberships: which workspaces to list, with which role.
CREATE POLICY memberships_of_account ON shopmcp.workspace_members FOR SELECT TO shopmcp_tenant
    USING (account_id = NULLIF(current_setting('app.account_id', true), '')::uuid);
-- The workspaces the caller is a member of, read together for the list (SELECT only: every
-- write still needs the workspace's own setting).
CREATE POLICY workspaces_of_account ON shopmcp.workspaces FOR SELECT TO shopmcp_tenant
    USING (id IN (SELECT m.workspace_id FROM shopmcp.workspace_members m
                   WHERE m.account_id
                         = NULLIF(current_setting('app.account_id', true), '')::uuid));

CREATE POLICY tenant_isolation ON shopmcp.audit_log TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON shopmcp.erasure_requests TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);

CREATE POLICY owner_all ON shopmcp.accounts          TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.sessions          TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.sign_in_codes     TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.workspace_members TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.audit_log         TO shopmcp_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.erasure_requests  TO shopmcp_owner USING (true) WITH CHECK (true);

-- ------------------------------------------------------------------ tenant grants

-- Accounts are created at first sign-in (or by an owner adding a member); never changed by
-- the tenant role: the staff flag is the owner's.
GRANT SELECT, INSERT ON shopmcp.accounts TO shopmcp_tenant;
-- Sessions slide and are revoked; their token hash and account never change.
GRANT SELECT, INSERT ON shopmcp.sessions TO shopmcp_tenant;
GRANT UPDATE (last_seen_at, expires_at, revoked_at) ON shopmcp.sessions TO shopmcp_tenant;
-- A code's attempts are counted and it is consumed once; an address's old codes are purged.
GRANT SELECT, INSERT, DELETE ON shopmcp.sign_in_codes TO shopmcp_tenant;
GRANT UPDATE (attempts, consumed_at) ON shopmcp.sign_in_codes TO shopmcp_tenant;
GRANT SELECT, INSERT, DELETE ON shopmcp.workspace_members TO shopmcp_tenant;
GRANT UPDATE (role) ON shopmcp.workspace_members TO shopmcp_tenant;
-- The audit log is append-only for the tenant role.
GRANT SELECT, INSERT ON shopmcp.audit_log TO shopmcp_tenant;
GRANT SELECT, INSERT ON shopmcp.erasure_requests TO shopmcp_tenant;
