-- 0010: write confirmations bound to the exact call, idempotent writes, and the owner's
-- per-module confirmation opt-out.
--
-- Runs as shopmcp_owner inside one transaction, like the others.
--
--   workspaces.confirmation_off  the platforms whose writes an owner exempted from
--                                confirmation (CLI/API, audited); empty by default.
--   write_confirmations          one pending write each: bound to the key, tool, connection,
--                                a SHA-256 of the canonical arguments and of the write policy;
--                                the one-time code is stored only as its SHA-256.
--   idempotent_writes            one row per idempotency key of a workspace: claimed before the
--                                upstream request, then the (redacted, bounded) first outcome,
--                                kept for 24 hours so a repeat is answered without a request.
--
-- Both tables are tenant tables: workspace_id, RLS enabled and forced, the tenant_isolation
-- policy of every tenant table, the owner's policy, and the MCP runtime's own policy (it is the
-- role that issues, consumes and claims). Uniqueness is per workspace only.

ALTER TABLE shopmcp.workspaces ADD COLUMN confirmation_off text[] NOT NULL DEFAULT '{}';
GRANT SELECT (confirmation_off) ON shopmcp.workspaces TO shopmcp_mcp;

CREATE TABLE shopmcp.write_confirmations (
    workspace_id     uuid        NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    id               uuid        NOT NULL,
    key_id           uuid        NOT NULL,
    tool             text        NOT NULL CHECK (length(tool) <= 64),
    connection_id    uuid        NOT NULL,
    arguments_digest text        NOT NULL CHECK (arguments_digest ~ '^[0-9a-f]{64}$'),
    policy_version   text        NOT NULL CHECK (policy_version ~ '^[0-9a-f]{64}$'),
    code_hash        text        NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    used_at          timestamptz,
    PRIMARY KEY (workspace_id, id),
    CONSTRAINT write_confirmations_code UNIQUE (workspace_id, code_hash)
);
CREATE INDEX write_confirmations_expires ON shopmcp.write_confirmations (expires_at);

CREATE TABLE shopmcp.idempotent_writes (
    workspace_id     uuid        NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    idempotency_key  text        NOT NULL CHECK (length(idempotency_key) BETWEEN 8 AND 128),
    tool             text        NOT NULL CHECK (length(tool) <= 64),
    arguments_digest text        NOT NULL CHECK (arguments_digest ~ '^[0-9a-f]{64}$'),
    state            text        NOT NULL
        CHECK (state IN ('in_progress', 'succeeded', 'failed')),
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    -- The first outcome: redacted and bounded by the domain (64 KiB), checked again here.
    structured       jsonb       CHECK (pg_column_size(structured) <= 131072),
    result_text      text        CHECK (length(result_text) <= 65536),
    error            text        CHECK (length(error) <= 2000),
    PRIMARY KEY (workspace_id, idempotency_key)
);
CREATE INDEX idempotent_writes_expires ON shopmcp.idempotent_writes (expires_at);

ALTER TABLE shopmcp.write_confirmations ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.write_confirmations FORCE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.idempotent_writes   ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.idempotent_writes   FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON shopmcp.write_confirmations TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY tenant_isolation ON shopmcp.idempotent_writes TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY mcp_isolation ON shopmcp.write_confirmations TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY mcp_isolation ON shopmcp.idempotent_writes TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY owner_all ON shopmcp.write_confirmations TO shopmcp_owner
    USING (true) WITH CHECK (true);
CREATE POLICY owner_all ON shopmcp.idempotent_writes TO shopmcp_owner
    USING (true) WITH CHECK (true);

-- The dashboard side reads them (and a workspace's erasure removes them by cascade).
GRANT SELECT, INSERT, UPDATE, DELETE ON shopmcp.write_confirmations TO shopmcp_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON shopmcp.idempotent_writes TO shopmcp_tenant;
-- The runtime issues and consumes confirmations (only the use is ever updated) and claims,
-- finishes and replaces (once expired) idempotency keys.
GRANT SELECT, INSERT ON shopmcp.write_confirmations TO shopmcp_mcp;
GRANT UPDATE (used_at) ON shopmcp.write_confirmations TO shopmcp_mcp;
GRANT SELECT, INSERT, UPDATE ON shopmcp.idempotent_writes TO shopmcp_mcp;

-- The scope a key loads now carries the confirmation opt-out (same function, one more field;
-- CREATE OR REPLACE keeps its owner and its EXECUTE grant to shopmcp_mcp alone).
CREATE OR REPLACE FUNCTION shopmcp.load_scope(p_prefix text) RETURNS jsonb
    LANGUAGE plpgsql
    SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    found_key shopmcp.mcp_keys%ROWTYPE;
    scope jsonb;
BEGIN
    PERFORM set_config('app.key_prefix', p_prefix, true);
    SELECT k.id, k.workspace_id, k.prefix, k.secret_hash, k.scopes, k.name, k.created_at,
           k.revoked_at
      INTO found_key.id, found_key.workspace_id, found_key.prefix, found_key.secret_hash,
           found_key.scopes, found_key.name, found_key.created_at, found_key.revoked_at
      FROM shopmcp.mcp_keys k
     WHERE k.prefix = p_prefix;
    PERFORM set_config('app.key_prefix', '', true);
    IF found_key.id IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('app.workspace_id', found_key.workspace_id::text, true);
    SELECT jsonb_build_object(
        'key', jsonb_build_object(
            'id', found_key.id, 'workspace_id', found_key.workspace_id,
            'prefix', found_key.prefix, 'secret_hash', encode(found_key.secret_hash, 'hex'),
            'scopes', to_jsonb(found_key.scopes), 'name', found_key.name,
            'created_at', found_key.created_at, 'revoked_at', found_key.revoked_at),
        'workspace', (
            SELECT jsonb_build_object(
                'id', w.id, 'name', w.name, 'plan', w.plan, 'status', w.status,
                'write_enabled', to_jsonb(w.write_enabled),
                'confirmation_off', to_jsonb(w.confirmation_off), 'created_at', w.created_at)
              FROM shopmcp.workspaces w WHERE w.id = found_key.workspace_id),
        'connections', COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
                'id', c.id, 'workspace_id', c.workspace_id, 'platform', c.platform,
                'store_ref', c.store_ref, 'credential_id', c.credential_id,
                'scopes', to_jsonb(c.scopes), 'status', c.status,
                'display_name', c.display_name, 'created_at', c.created_at,
                'credential_generation', c.credential_generation)
                ORDER BY c.created_at, c.id)
              FROM shopmcp.connections c WHERE c.workspace_id = found_key.workspace_id),
            '[]'::jsonb),
        'credentials', COALESCE((
            SELECT jsonb_agg(jsonb_build_object(
                'id', s.id, 'workspace_id', s.workspace_id,
                'ciphertext', encode(s.ciphertext, 'hex'),
                'nonce', encode(s.nonce, 'hex'),
                'wrapped_dek', encode(s.wrapped_dek, 'hex'),
                'kms_key_id', s.kms_key_id, 'envelope_version', s.envelope_version,
                'generation', s.generation)
                ORDER BY s.id)
              FROM shopmcp.credentials s WHERE s.workspace_id = found_key.workspace_id),
            '[]'::jsonb))
      INTO scope;
    PERFORM set_config('app.workspace_id', '', true);
    RETURN scope;
END
$$;
