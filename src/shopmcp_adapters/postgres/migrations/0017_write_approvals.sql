-- 0017: dashboard approval of writes (closes issue #19's known limit: on the in-chat code path a
-- model obeying injected text can send its own code back).
--
-- Runs as shopmcp_owner inside one transaction, like the others.
--
--   workspaces.write_approval  'in_chat' (the default: today's preview and one-time code) or
--                              'dashboard' (a member with the admin or owner role approves each
--                              write on the dashboard; the chat gets no code). Changed by an owner
--                              or admin (API, CLI, the Writes page), audited.
--   write_approvals            one write awaiting (or given) a person's decision: bound to the
--                              MCP key, tool, connection, a SHA-256 of the canonical arguments and
--                              of the write policy (like write_confirmations), with what a person
--                              needs to judge it: the store's label and the validated changes
--                              (redacted and bounded by the domain, 32 KiB; checked again here).
--
-- Who may do what (the point of the table):
--   shopmcp_tenant (the dashboard) reads its workspace's rows and decides them: UPDATE of
--     state, decided_by and decided_at only. It cannot insert one, nor mark one answered.
--   shopmcp_mcp (the runtime) inserts pending rows (INSERT of the binding and the changes only:
--     state, decided_by and decided_at take their defaults, so it cannot insert an approved
--     row), reads them and closes them (UPDATE of used_at only). It can never approve.
--   Both under the workspace-bound policies every tenant table has; RLS enabled and forced.
--   The erasure (owner) deletes the rows; a workspace's deletion cascades.

ALTER TABLE shopmcp.workspaces ADD COLUMN write_approval text NOT NULL DEFAULT 'in_chat'
    CONSTRAINT workspaces_write_approval CHECK (write_approval IN ('in_chat', 'dashboard'));
GRANT SELECT (write_approval) ON shopmcp.workspaces TO shopmcp_mcp;

CREATE TABLE shopmcp.write_approvals (
    workspace_id     uuid        NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    id               uuid        NOT NULL,
    key_id           uuid        NOT NULL,
    tool             text        NOT NULL CHECK (length(tool) <= 64),
    platform         text        NOT NULL CHECK (length(platform) <= 32),
    connection_id    uuid        NOT NULL,
    store_label      text        NOT NULL CHECK (length(store_label) <= 300),
    arguments_digest text        NOT NULL CHECK (arguments_digest ~ '^[0-9a-f]{64}$'),
    policy_version   text        NOT NULL CHECK (policy_version ~ '^[0-9a-f]{64}$'),
    changes          jsonb       NOT NULL
        CHECK (jsonb_typeof(changes) = 'object' AND pg_column_size(changes) <= 65536),
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL CHECK (expires_at > created_at),
    state            text        NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'approved', 'rejected')),
    decided_by       uuid,
    decided_at       timestamptz,
    used_at          timestamptz,
    PRIMARY KEY (workspace_id, id),
    CONSTRAINT write_approvals_decision CHECK (
        (state = 'pending' AND decided_by IS NULL AND decided_at IS NULL)
        OR (state <> 'pending' AND decided_by IS NOT NULL AND decided_at IS NOT NULL))
);
-- The runtime's lookup is by binding; the dashboard lists a workspace's newest first.
CREATE INDEX write_approvals_binding ON shopmcp.write_approvals
    (workspace_id, key_id, tool, connection_id, arguments_digest, created_at);
CREATE INDEX write_approvals_expires ON shopmcp.write_approvals (expires_at);

ALTER TABLE shopmcp.write_approvals ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.write_approvals FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON shopmcp.write_approvals TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY mcp_isolation ON shopmcp.write_approvals TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY owner_all ON shopmcp.write_approvals TO shopmcp_owner
    USING (true) WITH CHECK (true);

GRANT SELECT ON shopmcp.write_approvals TO shopmcp_tenant;
GRANT UPDATE (state, decided_by, decided_at) ON shopmcp.write_approvals TO shopmcp_tenant;
GRANT SELECT ON shopmcp.write_approvals TO shopmcp_mcp;
GRANT INSERT (workspace_id, id, key_id, tool, platform, connection_id, store_label,
              arguments_digest, policy_version, changes, created_at, expires_at)
    ON shopmcp.write_approvals TO shopmcp_mcp;
GRANT UPDATE (used_at) ON shopmcp.write_approvals TO shopmcp_mcp;

-- The scope a key loads now carries the write approval mode (same function as 0010, one more
-- field; CREATE OR REPLACE keeps its owner and its EXECUTE grant to shopmcp_mcp alone).
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
                'confirmation_off', to_jsonb(w.confirmation_off),
                'write_approval', w.write_approval, 'created_at', w.created_at)
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
