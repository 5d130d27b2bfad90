-- 0015: the runtime's group commit carrying every usage column at once: cache_hit (0008),
-- the meter record's overage flag (0007), the playbook stamp (0013) and the count of secrets
-- redacted from the result (0011). Those migrations were written side by side, each adding an
-- overload with its own columns; this one is the one the runtime calls. The others stay for
-- rolling deploys (a process on the previous release keeps writing); a later migration may drop
-- them. The audit chain's BEFORE INSERT trigger (0011) links every row, whichever overload
-- inserted it.
--
-- Runs as shopmcp_owner inside one transaction, like 0001. SECURITY INVOKER: the inserts are
-- the caller's (shopmcp_mcp), under the tables' RLS policies.

CREATE FUNCTION shopmcp.record_usage_metered(
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
    p_overages boolean[],
    p_playbook_ids uuid[],
    p_playbook_versions integer[],
    p_redactions integer[]
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
                                          latency_ms, status, error_class, created_at,
                                          cache_hit, playbook_id, playbook_version,
                                          redactions)
        SELECT u.workspace_id, u.id, u.key_prefix, u.tool, u.connection_id, u.latency,
               u.status, u.error_class, u.created_at, u.cache_hit, u.playbook_id,
               u.playbook_version, u.redactions
          FROM unnest(p_workspace_ids, p_ids, p_key_prefixes, p_tools, p_connection_ids,
                      p_latencies, p_statuses, p_error_classes, p_created_ats, p_cache_hits,
                      p_playbook_ids, p_playbook_versions, p_redactions)
               AS u(workspace_id, id, key_prefix, tool, connection_id, latency, status,
                    error_class, created_at, cache_hit, playbook_id, playbook_version,
                    redactions)
         WHERE u.workspace_id = served;
        GET DIAGNOSTICS batch = ROW_COUNT;
        written := written + batch;
        INSERT INTO shopmcp.meter_outbox (workspace_id, usage_event_id, quantity, created_at,
                                          overage)
        SELECT m.workspace_id, m.id, m.quantity, m.created_at, m.overage
          FROM unnest(p_workspace_ids, p_ids, p_quantities, p_created_ats, p_overages)
               AS m(workspace_id, id, quantity, created_at, overage)
         WHERE m.workspace_id = served;
    END LOOP;
    PERFORM set_config('app.workspace_id', '', true);
    RETURN written;
END
$$;

REVOKE ALL ON FUNCTION shopmcp.record_usage_metered(uuid[], uuid[], text[], text[], uuid[],
    double precision[], text[], text[], timestamptz[], integer[], boolean[], boolean[], uuid[],
    integer[], integer[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shopmcp.record_usage_metered(uuid[], uuid[], text[], text[], uuid[],
    double precision[], text[], text[], timestamptz[], integer[], boolean[], boolean[], uuid[],
    integer[], integer[]) TO shopmcp_mcp;
