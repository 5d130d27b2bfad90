-- 0011: results' redaction count, and a tamper-evident audit trail (issue 19 items 5 and 6).
--
-- Every usage event is a link of its workspace's hash chain: ``chain_seq`` numbers the links
-- 1, 2, 3, ... without gaps, ``prev_hash`` is the previous link's ``row_hash`` (32 zero bytes
-- before the first), and ``row_hash`` is SHA-256 over a canonical encoding of the row's
-- fields and ``prev_hash`` (``shopmcp.usage_row_hash``; mirrored byte for byte in
-- ``shopmcp_domain.audit_chain``, which verifies it). An edited, deleted, inserted or
-- reordered row breaks the chain where it happened.
--
-- The links are made by a BEFORE INSERT trigger, in the database, so the runtime's insert
-- stays one statement (one round trip) and concurrent inserts are serialised per workspace
-- by the row lock on the workspace's chain head (``audit_chain_heads``), not by anything the
-- application has to remember. The head also records the chain's end, so deleting the last
-- rows is caught, and its anchor: where the retained chain starts after a retention delete
-- (``shopmcp.prune_usage_before``), so pruning old history does not read as tampering.
--
-- Runs as shopmcp_owner inside one transaction.

ALTER TABLE shopmcp.usage_events
    ADD COLUMN redactions integer NOT NULL DEFAULT 0 CONSTRAINT usage_events_redactions_check
        CHECK (redactions >= 0),
    ADD COLUMN chain_seq bigint,
    ADD COLUMN prev_hash bytea,
    ADD COLUMN row_hash bytea;

CREATE TABLE shopmcp.audit_chain_heads (
    workspace_id uuid    NOT NULL PRIMARY KEY
        REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    -- The newest link.
    last_seq     bigint  NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    last_hash    bytea   NOT NULL DEFAULT decode(repeat('00', 32), 'hex'),
    -- The last link deleted by retention (0 and zeros while nothing was).
    anchor_seq   bigint  NOT NULL DEFAULT 0 CHECK (anchor_seq >= 0),
    anchor_hash  bytea   NOT NULL DEFAULT decode(repeat('00', 32), 'hex'),
    CHECK (anchor_seq <= last_seq)
);

-- One field of the canonical encoding: its length (4 bytes, big-endian; -1 for NULL) and
-- its bytes, so no two different rows encode alike whatever their text contains.
--
-- These two are pure SQL functions without a SET clause, so the planner inlines them (with
-- "SET search_path" each call costs ~0.3 ms, most of an insert's time). Every function they
-- call is qualified with pg_catalog, and no login role can create objects anywhere to shadow
-- an operator (migration 0005; tests/integration/postgres/test_runtime_role.py).
CREATE FUNCTION shopmcp.chain_field(value bytea) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN value IS NULL THEN pg_catalog.int4send(-1)
                ELSE pg_catalog.int4send(pg_catalog.length(value)) || value END
$$;

CREATE FUNCTION shopmcp.usage_row_hash(
    p_workspace_id uuid,
    p_chain_seq bigint,
    p_id uuid,
    p_key_prefix text,
    p_tool text,
    p_connection_id uuid,
    p_latency_ms double precision,
    p_status text,
    p_error_class text,
    p_created_at timestamptz,
    p_cache_hit boolean,
    p_redactions integer,
    p_prev_hash bytea
) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_catalog.sha256(
        pg_catalog.convert_to('shopmcp.usage_events.v1', 'UTF8')
        || shopmcp.chain_field(pg_catalog.uuid_send(p_workspace_id))
        || shopmcp.chain_field(pg_catalog.int8send(p_chain_seq))
        || shopmcp.chain_field(pg_catalog.uuid_send(p_id))
        || shopmcp.chain_field(pg_catalog.convert_to(p_key_prefix, 'UTF8'))
        || shopmcp.chain_field(pg_catalog.convert_to(p_tool, 'UTF8'))
        || shopmcp.chain_field(pg_catalog.uuid_send(p_connection_id))
        || shopmcp.chain_field(pg_catalog.float8send(p_latency_ms))
        || shopmcp.chain_field(pg_catalog.convert_to(p_status, 'UTF8'))
        || shopmcp.chain_field(pg_catalog.convert_to(p_error_class, 'UTF8'))
        -- Microseconds since the Unix epoch: exact (extract returns numeric since PG 14).
        || shopmcp.chain_field(pg_catalog.int8send(
               (pg_catalog.extract('epoch', p_created_at) * 1000000)::bigint))
        || shopmcp.chain_field(CASE WHEN p_cache_hit THEN '\x01'::bytea ELSE '\x00'::bytea END)
        || shopmcp.chain_field(pg_catalog.int4send(p_redactions))
        || shopmcp.chain_field(p_prev_hash)
    )
$$;

-- Existing history becomes each workspace's first links, in the order it was written.
DO $$
DECLARE
    event record;
    previous bytea;
    current_workspace uuid;
    seq bigint;
BEGIN
    FOR event IN SELECT * FROM shopmcp.usage_events ORDER BY workspace_id, created_at, id LOOP
        IF current_workspace IS DISTINCT FROM event.workspace_id THEN
            IF current_workspace IS NOT NULL THEN
                INSERT INTO shopmcp.audit_chain_heads (workspace_id, last_seq, last_hash)
                VALUES (current_workspace, seq, previous);
            END IF;
            current_workspace := event.workspace_id;
            previous := decode(repeat('00', 32), 'hex');
            seq := 0;
        END IF;
        seq := seq + 1;
        UPDATE shopmcp.usage_events
           SET chain_seq = seq,
               prev_hash = previous,
               row_hash = shopmcp.usage_row_hash(event.workspace_id, seq, event.id,
                   event.key_prefix, event.tool, event.connection_id, event.latency_ms,
                   event.status, event.error_class, event.created_at, event.cache_hit,
                   event.redactions, previous)
         WHERE workspace_id = event.workspace_id AND id = event.id
        RETURNING row_hash INTO previous;
    END LOOP;
    IF current_workspace IS NOT NULL THEN
        INSERT INTO shopmcp.audit_chain_heads (workspace_id, last_seq, last_hash)
        VALUES (current_workspace, seq, previous);
    END IF;
END
$$;

ALTER TABLE shopmcp.usage_events
    ALTER COLUMN chain_seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN row_hash SET NOT NULL;
-- A workspace's links in order (verification walks it; pruning cuts a prefix of it).
CREATE UNIQUE INDEX usage_events_chain ON shopmcp.usage_events (workspace_id, chain_seq);

-- Whatever the inserting statement said, the chain columns are the trigger's.
CREATE FUNCTION shopmcp.chain_usage_event() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    head record;
BEGIN
    SELECT last_seq, last_hash INTO head
      FROM shopmcp.audit_chain_heads
     WHERE workspace_id = NEW.workspace_id
       FOR UPDATE;
    IF NOT FOUND THEN
        -- The workspace's first event. Two first events at once: one inserts, the other
        -- waits for it and then locks the row it made.
        INSERT INTO shopmcp.audit_chain_heads (workspace_id) VALUES (NEW.workspace_id)
            ON CONFLICT (workspace_id) DO NOTHING;
        SELECT last_seq, last_hash INTO STRICT head
          FROM shopmcp.audit_chain_heads
         WHERE workspace_id = NEW.workspace_id
           FOR UPDATE;
    END IF;
    NEW.chain_seq := head.last_seq + 1;
    NEW.prev_hash := head.last_hash;
    NEW.row_hash := shopmcp.usage_row_hash(NEW.workspace_id, NEW.chain_seq, NEW.id,
        NEW.key_prefix, NEW.tool, NEW.connection_id, NEW.latency_ms, NEW.status,
        NEW.error_class, NEW.created_at, NEW.cache_hit, NEW.redactions, NEW.prev_hash);
    UPDATE shopmcp.audit_chain_heads
       SET last_seq = NEW.chain_seq, last_hash = NEW.row_hash
     WHERE workspace_id = NEW.workspace_id;
    RETURN NEW;
END
$$;

CREATE TRIGGER usage_events_chain BEFORE INSERT ON shopmcp.usage_events
    FOR EACH ROW EXECUTE FUNCTION shopmcp.chain_usage_event();

-- Retention: delete a workspace's events older than p_before, as a prefix of its chain (up
-- to the first event that is newer, or whose meter record is still owed to billing), at most
-- p_limit of them, and record the last deleted link as the chain's anchor. Run by the owner
-- (the sweep); the head's row lock keeps inserts out meanwhile. Returns the rows deleted.
-- A broken chain does not stop retention (the sweep serves every workspace) and is not
-- repaired by it either.
CREATE FUNCTION shopmcp.prune_usage_before(
    p_workspace_id uuid,
    p_before timestamptz,
    p_max_attempts integer,
    p_limit integer
) RETURNS integer
    LANGUAGE plpgsql
    SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    head record;
    first_kept bigint;
    cut bigint;
    limit_seq bigint;
    cut_seq bigint;
    cut_hash bytea;
    deleted integer;
BEGIN
    SELECT anchor_seq, last_seq INTO head
      FROM shopmcp.audit_chain_heads
     WHERE workspace_id = p_workspace_id
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 0;
    END IF;
    SELECT min(u.chain_seq) INTO first_kept
      FROM shopmcp.usage_events u
     WHERE u.workspace_id = p_workspace_id
       AND (u.created_at >= p_before
            OR EXISTS (SELECT 1 FROM shopmcp.meter_outbox o
                        WHERE o.workspace_id = u.workspace_id AND o.usage_event_id = u.id
                          AND o.sent_at IS NULL AND o.attempts < p_max_attempts));
    -- At most p_limit rows: the p_limit-th retained link bounds the cut.
    SELECT chain_seq INTO limit_seq
      FROM shopmcp.usage_events
     WHERE workspace_id = p_workspace_id AND chain_seq > head.anchor_seq
     ORDER BY chain_seq
    OFFSET greatest(p_limit, 1) - 1
     LIMIT 1;
    cut := least(coalesce(first_kept - 1, head.last_seq), coalesce(limit_seq, head.last_seq));
    IF cut <= head.anchor_seq THEN
        RETURN 0;
    END IF;
    -- Anchor on the newest link deleted. Where links of the pruned range are already missing
    -- (the chain was broken there), retention still deletes what it must, but the anchor
    -- stays below the gap, so verification keeps reporting the break at the first kept row.
    SELECT chain_seq, row_hash INTO cut_seq, cut_hash
      FROM shopmcp.usage_events
     WHERE workspace_id = p_workspace_id AND chain_seq > head.anchor_seq AND chain_seq <= cut
     ORDER BY chain_seq DESC
     LIMIT 1;
    IF cut_seq IS NULL THEN
        RETURN 0;
    END IF;
    IF cut_seq < cut THEN
        RAISE WARNING 'audit chain of workspace % is broken below link %', p_workspace_id, cut;
    END IF;
    DELETE FROM shopmcp.usage_events
     WHERE workspace_id = p_workspace_id AND chain_seq > head.anchor_seq AND chain_seq <= cut;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    UPDATE shopmcp.audit_chain_heads
       SET anchor_seq = cut_seq, anchor_hash = cut_hash
     WHERE workspace_id = p_workspace_id;
    RETURN deleted;
END
$$;

REVOKE ALL ON FUNCTION shopmcp.prune_usage_before(uuid, timestamptz, integer, integer)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION shopmcp.chain_usage_event() FROM PUBLIC;
-- The trigger runs as the inserting role, and so do the hash functions it calls.
REVOKE ALL ON FUNCTION shopmcp.chain_field(bytea) FROM PUBLIC;
REVOKE ALL ON FUNCTION shopmcp.usage_row_hash(uuid, bigint, uuid, text, text, uuid,
    double precision, text, text, timestamptz, boolean, integer, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shopmcp.chain_field(bytea) TO shopmcp_tenant, shopmcp_mcp;
GRANT EXECUTE ON FUNCTION shopmcp.usage_row_hash(uuid, bigint, uuid, text, text, uuid,
    double precision, text, text, timestamptz, boolean, integer, bytea)
    TO shopmcp_tenant, shopmcp_mcp;

-- ------------------------------------------------------------------ the chain head's access

ALTER TABLE shopmcp.audit_chain_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.audit_chain_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON shopmcp.audit_chain_heads TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY mcp_isolation ON shopmcp.audit_chain_heads TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY owner_all ON shopmcp.audit_chain_heads TO shopmcp_owner
    USING (true) WITH CHECK (true);
-- Both runtime roles insert usage events, so the trigger (running as them) reads, creates
-- and advances their workspace's head; neither may move its anchor or delete it.
GRANT SELECT, INSERT ON shopmcp.audit_chain_heads TO shopmcp_tenant, shopmcp_mcp;
GRANT UPDATE (last_seq, last_hash) ON shopmcp.audit_chain_heads TO shopmcp_tenant, shopmcp_mcp;

-- ------------------------------------------------------------------ the runtime's insert
--
-- 0008's record_usage with the redaction count; the chain columns are the trigger's. The
-- 0005 and 0008 signatures stay (their rows record 0 redactions, and are chained all the same)
-- so a process still running the previous release keeps writing during a rolling deploy.
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
    -- One workspace at a time: the setting RLS checks every inserted row against. Rows of a
    -- workspace are chained in the order given (WITH ORDINALITY keeps it).
    FOR served IN SELECT DISTINCT w FROM unnest(p_workspace_ids) AS w LOOP
        PERFORM set_config('app.workspace_id', served::text, true);
        INSERT INTO shopmcp.usage_events (workspace_id, id, key_prefix, tool, connection_id,
                                          latency_ms, status, error_class, created_at,
                                          cache_hit, redactions)
        SELECT u.workspace_id, u.id, u.key_prefix, u.tool, u.connection_id, u.latency,
               u.status, u.error_class, u.created_at, u.cache_hit, u.redactions
          FROM unnest(p_workspace_ids, p_ids, p_key_prefixes, p_tools, p_connection_ids,
                      p_latencies, p_statuses, p_error_classes, p_created_ats, p_cache_hits,
                      p_redactions)
               WITH ORDINALITY
               AS u(workspace_id, id, key_prefix, tool, connection_id, latency, status,
                    error_class, created_at, cache_hit, redactions, position)
         WHERE u.workspace_id = served
         ORDER BY u.position;
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
    double precision[], text[], text[], timestamptz[], integer[], boolean[], integer[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shopmcp.record_usage(uuid[], uuid[], text[], text[], uuid[],
    double precision[], text[], text[], timestamptz[], integer[], boolean[], integer[])
    TO shopmcp_mcp;
