-- 0018: the audit chain's row hash covers which playbook (and version) a call was a step of.
--
-- 0011's row hash was defined before 0013 added usage_events.playbook_id/playbook_version, so
-- those two columns could be edited without breaking the chain. From now on every link is
-- hashed with version 2 of the encoding (``shopmcp.usage_row_hash_v2``: version 1's fields,
-- then playbook_id and playbook_version, then prev_hash, under the tag
-- 'shopmcp.usage_events.v2'); ``hash_version`` says which encoding a link carries. Links
-- written before this migration stay version 1: rehashing them would mean trusting rows whose
-- playbook columns nothing protected. Changing a link's hash_version changes the bytes hashed
-- (the tag), so it breaks the chain like any other edit. ``shopmcp_domain.audit_chain``
-- mirrors both encodings byte for byte.
--
-- Runs as shopmcp_owner inside one transaction.

ALTER TABLE shopmcp.usage_events
    ADD COLUMN hash_version smallint NOT NULL DEFAULT 1
        CONSTRAINT usage_events_hash_version CHECK (hash_version IN (1, 2));
-- The trigger sets it on every insert; the default only names what new rows are.
ALTER TABLE shopmcp.usage_events ALTER COLUMN hash_version SET DEFAULT 2;

CREATE FUNCTION shopmcp.usage_row_hash_v2(
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
    p_playbook_id uuid,
    p_playbook_version integer,
    p_prev_hash bytea
) RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT pg_catalog.sha256(
        pg_catalog.convert_to('shopmcp.usage_events.v2', 'UTF8')
        || shopmcp.chain_field(pg_catalog.uuid_send(p_workspace_id))
        || shopmcp.chain_field(pg_catalog.int8send(p_chain_seq))
        || shopmcp.chain_field(pg_catalog.uuid_send(p_id))
        || shopmcp.chain_field(pg_catalog.convert_to(p_key_prefix, 'UTF8'))
        || shopmcp.chain_field(pg_catalog.convert_to(p_tool, 'UTF8'))
        || shopmcp.chain_field(pg_catalog.uuid_send(p_connection_id))
        || shopmcp.chain_field(pg_catalog.float8send(p_latency_ms))
        || shopmcp.chain_field(pg_catalog.convert_to(p_status, 'UTF8'))
        || shopmcp.chain_field(pg_catalog.convert_to(p_error_class, 'UTF8'))
        || shopmcp.chain_field(pg_catalog.int8send(
               (pg_catalog.extract('epoch', p_created_at) * 1000000)::bigint))
        || shopmcp.chain_field(CASE WHEN p_cache_hit THEN '\x01'::bytea ELSE '\x00'::bytea END)
        || shopmcp.chain_field(pg_catalog.int4send(p_redactions))
        || shopmcp.chain_field(pg_catalog.uuid_send(p_playbook_id))
        || shopmcp.chain_field(pg_catalog.int4send(p_playbook_version))
        || shopmcp.chain_field(p_prev_hash)
    )
$$;

-- 0011's trigger, hashing with version 2 (and saying so on the row).
CREATE OR REPLACE FUNCTION shopmcp.chain_usage_event() RETURNS trigger
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
    NEW.hash_version := 2;
    NEW.row_hash := shopmcp.usage_row_hash_v2(NEW.workspace_id, NEW.chain_seq, NEW.id,
        NEW.key_prefix, NEW.tool, NEW.connection_id, NEW.latency_ms, NEW.status,
        NEW.error_class, NEW.created_at, NEW.cache_hit, NEW.redactions, NEW.playbook_id,
        NEW.playbook_version, NEW.prev_hash);
    UPDATE shopmcp.audit_chain_heads
       SET last_seq = NEW.chain_seq, last_hash = NEW.row_hash
     WHERE workspace_id = NEW.workspace_id;
    RETURN NEW;
END
$$;

-- The trigger runs as the inserting role, and so does the hash function it calls.
REVOKE ALL ON FUNCTION shopmcp.usage_row_hash_v2(uuid, bigint, uuid, text, text, uuid,
    double precision, text, text, timestamptz, boolean, integer, uuid, integer, bytea)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shopmcp.usage_row_hash_v2(uuid, bigint, uuid, text, text, uuid,
    double precision, text, text, timestamptz, boolean, integer, uuid, integer, bytea)
    TO shopmcp_tenant, shopmcp_mcp;
