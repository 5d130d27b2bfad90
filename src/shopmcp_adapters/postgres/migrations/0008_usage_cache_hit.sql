-- 0008: a usage event records whether the call was answered from the short-lived read cache
-- (Xero's reads; shopmcp_domain.services.read_cache), so a merchant reviewing usage sees which
-- calls reached the provider.
--
-- Runs as shopmcp_owner inside one transaction, like 0001. The column is covered by the table's
-- existing RLS policies and grants (INSERT for shopmcp_mcp, SELECT/INSERT for shopmcp_tenant).

ALTER TABLE shopmcp.usage_events ADD COLUMN cache_hit boolean NOT NULL DEFAULT false;

-- The runtime's group commit with the new column. The 0005 signature stays (its rows record
-- false) so a process still running the previous release keeps writing during a rolling
-- deploy; a later migration may drop it.
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
    p_cache_hits boolean[]
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
                                          cache_hit)
        SELECT u.workspace_id, u.id, u.key_prefix, u.tool, u.connection_id, u.latency,
               u.status, u.error_class, u.created_at, u.cache_hit
          FROM unnest(p_workspace_ids, p_ids, p_key_prefixes, p_tools, p_connection_ids,
                      p_latencies, p_statuses, p_error_classes, p_created_ats, p_cache_hits)
               AS u(workspace_id, id, key_prefix, tool, connection_id, latency, status,
                    error_class, created_at, cache_hit)
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
    double precision[], text[], text[], timestamptz[], integer[], boolean[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shopmcp.record_usage(uuid[], uuid[], text[], text[], uuid[],
    double precision[], text[], text[], timestamptz[], integer[], boolean[]) TO shopmcp_mcp;
