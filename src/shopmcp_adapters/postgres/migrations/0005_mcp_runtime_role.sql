-- 0005: the MCP runtime's own role, with exactly what a tools/call needs.
--
-- Runs as shopmcp_owner inside one transaction, like 0001. The role itself (shopmcp_mcp:
-- LOGIN, NOBYPASSRLS, NOINHERIT, no membership of anything) is created by the runner before
-- the migrations, like the others; TEMP on the database is revoked from PUBLIC there too.
--
-- Three roles, three jobs:
--   shopmcp_owner   migrations and the cross-tenant jobs (billing drain, key rotation, admin);
--                   never held by the MCP serving path.
--   shopmcp_tenant  the dashboard and the CLI's tenant-scoped work, one workspace per unit of
--                   work.
--   shopmcp_mcp     the MCP runtime: read one key by its prefix, read that key's workspace,
--                   connections, credentials and playbooks, append usage and meter rows,
--                   re-seal a rotated credential and mark a connection that needs reconnecting.
--                   Nothing else: it cannot change a plan, a write opt-in, a key's scopes,
--                   hash or revocation, create or delete anything but audit rows, or read a
--                   billing customer id.
--
-- One SQL injection in the runtime would still need a key prefix (60 random bits) to read a
-- key, and the key's workspace to read anything else; it could add audit rows and nothing more.

GRANT USAGE ON SCHEMA shopmcp TO shopmcp_mcp;

-- Keys: the runtime never lists keys. It reads exactly the row whose prefix it names, through
-- a second setting, app.key_prefix, that only this policy reads.
GRANT SELECT (id, workspace_id, prefix, secret_hash, scopes, name, created_at, revoked_at)
    ON shopmcp.mcp_keys TO shopmcp_mcp;
CREATE POLICY mcp_key_by_prefix ON shopmcp.mcp_keys FOR SELECT TO shopmcp_mcp
    USING (prefix = NULLIF(current_setting('app.key_prefix', true), ''));

GRANT SELECT (id, name, plan, status, write_enabled, created_at)
    ON shopmcp.workspaces TO shopmcp_mcp;
CREATE POLICY mcp_isolation ON shopmcp.workspaces FOR SELECT TO shopmcp_mcp
    USING (id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);

GRANT SELECT ON shopmcp.connections TO shopmcp_mcp;
GRANT UPDATE (status, credential_generation) ON shopmcp.connections TO shopmcp_mcp;
CREATE POLICY mcp_isolation ON shopmcp.connections TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);

GRANT SELECT ON shopmcp.credentials TO shopmcp_mcp;
GRANT UPDATE (ciphertext, nonce, wrapped_dek, kms_key_id, envelope_version, generation,
              updated_at)
    ON shopmcp.credentials TO shopmcp_mcp;
CREATE POLICY mcp_isolation ON shopmcp.credentials TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);

GRANT SELECT ON shopmcp.playbooks TO shopmcp_mcp;
CREATE POLICY mcp_isolation ON shopmcp.playbooks FOR SELECT TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);

-- The audit trail: append-only, and only into the workspace being served.
GRANT INSERT ON shopmcp.usage_events TO shopmcp_mcp;
CREATE POLICY mcp_isolation ON shopmcp.usage_events FOR INSERT TO shopmcp_mcp
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
GRANT INSERT ON shopmcp.meter_outbox TO shopmcp_mcp;
CREATE POLICY mcp_isolation ON shopmcp.meter_outbox FOR INSERT TO shopmcp_mcp
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);

-- The dashboard revokes keys and renames them; it never rewrites a key's hash or scopes.
REVOKE UPDATE ON shopmcp.mcp_keys FROM shopmcp_tenant;
GRANT UPDATE (revoked_at, name) ON shopmcp.mcp_keys TO shopmcp_tenant;

-- ------------------------------------------------------------------ one round trip each
--
-- The hot path of a tools/call costs one statement to load a key's whole scope (on a cache
-- miss) and one statement, shared by concurrent calls, to append their audit rows. Each is a
-- function so that its steps (setting the transaction-local settings RLS reads, then
-- reading or writing) travel in one round trip and commit once. SECURITY INVOKER: they run
-- with the caller's rights and RLS, and can do nothing the caller could not do statement by
-- statement. EXECUTE is granted to the runtime alone (functions are executable by PUBLIC by
-- default). search_path is pinned so a caller's path cannot redirect what they call.

CREATE FUNCTION shopmcp.load_scope(p_prefix text) RETURNS jsonb
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
                'write_enabled', to_jsonb(w.write_enabled), 'created_at', w.created_at)
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

CREATE FUNCTION shopmcp.record_usage(
    p_workspace_ids uuid[],
    p_ids uuid[],
    p_key_prefixes text[],
    p_tools text[],
    p_connection_ids uuid[],
    p_latencies double precision[],
    p_statuses text[],
    p_error_classes text[],
    p_created_ats timestamptz[],
    p_quantities integer[]
) RETURNS integer
    LANGUAGE plpgsql
    SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    served uuid;
    written integer := 0;
    batch integer;
BEGIN
    -- One workspace at a time: the setting RLS checks every inserted row against.
    FOR served IN SELECT DISTINCT w FROM unnest(p_workspace_ids) AS w LOOP
        PERFORM set_config('app.workspace_id', served::text, true);
        INSERT INTO shopmcp.usage_events (workspace_id, id, key_prefix, tool, connection_id,
                                          latency_ms, status, error_class, created_at)
        SELECT u.workspace_id, u.id, u.key_prefix, u.tool, u.connection_id, u.latency,
               u.status, u.error_class, u.created_at
          FROM unnest(p_workspace_ids, p_ids, p_key_prefixes, p_tools, p_connection_ids,
                      p_latencies, p_statuses, p_error_classes, p_created_ats)
               AS u(workspace_id, id, key_prefix, tool, connection_id, latency, status,
                    error_class, created_at)
         WHERE u.workspace_id = served;
        GET DIAGNOSTICS batch = ROW_COUNT;
        written := written + batch;
        INSERT INTO shopmcp.meter_outbox (workspace_id, usage_event_id, quantity, created_at)
        SELECT m.workspace_id, m.id, m.quantity, m.created_at
          FROM unnest(p_workspace_ids, p_ids, p_quantities, p_created_ats)
               AS m(workspace_id, id, quantity, created_at)
         WHERE m.workspace_id = served;
    END LOOP;
    PERFORM set_config('app.workspace_id', '', true);
    RETURN written;
END
$$;

REVOKE ALL ON FUNCTION shopmcp.load_scope(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION shopmcp.record_usage(uuid[], uuid[], text[], text[], uuid[],
    double precision[], text[], text[], timestamptz[], integer[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shopmcp.load_scope(text) TO shopmcp_mcp;
GRANT EXECUTE ON FUNCTION shopmcp.record_usage(uuid[], uuid[], text[], text[], uuid[],
    double precision[], text[], text[], timestamptz[], integer[]) TO shopmcp_mcp;
