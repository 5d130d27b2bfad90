-- 0003: change notices (cross-replica cache invalidation).
--
-- Runs as shopmcp_owner inside one transaction, like 0001.
--
-- Every replica caches a little (plaintext data keys for up to 60 s, and more later). Every
-- insert, update or delete of a credential, connection, MCP key or workspace row, by whatever
-- writer (the gateway, the CLI, the dashboard, owner jobs, a cascade from a deleted
-- workspace), sends one notice on the channel 'shopmcp_changes'; each replica LISTENs and
-- drops what it cached about that object. PostgreSQL delivers a notice only when its
-- transaction commits (and not at all for a rolled-back savepoint), and sends identical
-- notices of one transaction once.
--
-- The payload names the object, never a value: {"kind", "workspace_id", "id"}, all ids UUIDs
-- (a few hundred bytes at most, far below NOTIFY's 8000-byte limit). TG_ARGV[0] is the kind,
-- TG_ARGV[1] the column holding the workspace id. Not SECURITY DEFINER: pg_notify needs no
-- privilege, so the function runs with the writer's rights; search_path is pinned so the
-- writer's path cannot redirect what it calls.

CREATE FUNCTION shopmcp.notify_change() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
BEGIN
    IF new_row IS NOT NULL THEN
        PERFORM pg_notify('shopmcp_changes', json_build_object(
            'kind', TG_ARGV[0],
            'workspace_id', new_row ->> TG_ARGV[1],
            'id', new_row ->> 'id')::text);
    END IF;
    -- A delete, or an update that moved the row to other ids: the old ids changed too.
    IF old_row IS NOT NULL AND (new_row IS NULL
            OR (old_row ->> TG_ARGV[1], old_row ->> 'id')
               IS DISTINCT FROM (new_row ->> TG_ARGV[1], new_row ->> 'id')) THEN
        PERFORM pg_notify('shopmcp_changes', json_build_object(
            'kind', TG_ARGV[0],
            'workspace_id', old_row ->> TG_ARGV[1],
            'id', old_row ->> 'id')::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE ON shopmcp.credentials
    FOR EACH ROW EXECUTE FUNCTION shopmcp.notify_change('credential', 'workspace_id');
CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE ON shopmcp.connections
    FOR EACH ROW EXECUTE FUNCTION shopmcp.notify_change('connection', 'workspace_id');
CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE ON shopmcp.mcp_keys
    FOR EACH ROW EXECUTE FUNCTION shopmcp.notify_change('key', 'workspace_id');
CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE ON shopmcp.workspaces
    FOR EACH ROW EXECUTE FUNCTION shopmcp.notify_change('workspace', 'id');
