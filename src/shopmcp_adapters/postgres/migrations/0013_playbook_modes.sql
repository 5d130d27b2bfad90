-- 0013: playbooks in two modes, versioned, created from the chat; usage rows name the playbook
-- run they were a step of (issue #23).
--
-- * playbooks.mode: 'instructions' (a prompt template, as before) or 'tool_steps' (an ordered
--   list of steps in playbooks.steps, JSON validated by the domain before it is stored);
--   playbooks.version goes up by one on every edit; playbooks.builtin names the library entry
--   a playbook was enabled from.
-- * usage_events.playbook_id / playbook_version: set on a run's steps (and on the run itself),
--   NULL for a direct call. No foreign key: the audit trail outlives a deleted playbook.
-- * The MCP runtime role may now create, replace and delete its workspace's playbooks
--   (create_playbook / delete_playbook), under the same workspace-bound policy shape.
-- * shopmcp.record_usage gains an overload carrying the playbook columns (the runtime's one
--   audit statement); the 0005 and 0008 signatures stay for a replica not yet upgraded.

ALTER TABLE shopmcp.playbooks
    ADD COLUMN mode       text        NOT NULL DEFAULT 'instructions'
        CONSTRAINT playbooks_mode CHECK (mode IN ('instructions', 'tool_steps')),
    ADD COLUMN steps      jsonb       NOT NULL DEFAULT '[]'
        CONSTRAINT playbooks_steps_array CHECK (jsonb_typeof(steps) = 'array'),
    ADD COLUMN version    integer     NOT NULL DEFAULT 1
        CONSTRAINT playbooks_version_positive CHECK (version >= 1),
    ADD COLUMN builtin    text,
    ADD COLUMN updated_at timestamptz;

ALTER TABLE shopmcp.usage_events
    ADD COLUMN playbook_id      uuid,
    ADD COLUMN playbook_version integer,
    ADD CONSTRAINT usage_events_playbook_version
        CHECK ((playbook_id IS NULL) = (playbook_version IS NULL));

-- The usage review filters a run's steps: (workspace, playbook) first, like every other index.
CREATE INDEX usage_events_playbook ON shopmcp.usage_events (workspace_id, playbook_id, created_at)
    WHERE playbook_id IS NOT NULL;

GRANT INSERT, UPDATE, DELETE ON shopmcp.playbooks TO shopmcp_mcp;
CREATE POLICY mcp_insert ON shopmcp.playbooks FOR INSERT TO shopmcp_mcp
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY mcp_update ON shopmcp.playbooks FOR UPDATE TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY mcp_delete ON shopmcp.playbooks FOR DELETE TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);

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
    p_quantities integer[],
    p_cache_hits boolean[],
    p_playbook_ids uuid[],
    p_playbook_versions integer[]
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
    FOR served IN SELECT DISTINCT w FROM unnest(p_workspace_ids) AS w LOOP
        PERFORM set_config('app.workspace_id', served::text, true);
        INSERT INTO shopmcp.usage_events (workspace_id, id, key_prefix, tool, connection_id,
                                          latency_ms, status, error_class, created_at,
                                          cache_hit, playbook_id, playbook_version)
        SELECT u.workspace_id, u.id, u.key_prefix, u.tool, u.connection_id, u.latency,
               u.status, u.error_class, u.created_at, u.cache_hit, u.playbook_id,
               u.playbook_version
          FROM unnest(p_workspace_ids, p_ids, p_key_prefixes, p_tools, p_connection_ids,
                      p_latencies, p_statuses, p_error_classes, p_created_ats, p_cache_hits,
                      p_playbook_ids, p_playbook_versions)
               AS u(workspace_id, id, key_prefix, tool, connection_id, latency, status,
                    error_class, created_at, cache_hit, playbook_id, playbook_version)
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

REVOKE ALL ON FUNCTION shopmcp.record_usage(uuid[], uuid[], text[], text[], uuid[],
    double precision[], text[], text[], timestamptz[], integer[], boolean[], uuid[], integer[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shopmcp.record_usage(uuid[], uuid[], text[], text[], uuid[],
    double precision[], text[], text[], timestamptz[], integer[], boolean[], uuid[], integer[])
    TO shopmcp_mcp;
