-- 0007: plans as sold, the monthly call quota, Stripe's webhook ledger, and parked meter
-- records.
--
-- Runs as shopmcp_owner inside one transaction, like 0001; tenant tables follow 0001's rules.
--
-- Plans are data in code (shopmcp_domain.plans: quota, requests per minute, stores per
-- platform, retention, overage); the database keeps each workspace's plan code, constrained
-- here to the codes that exist. The retired tiers map to the plans that replace them by what
-- they allowed: starter had Solo's 300 requests a minute; growth and scale were the larger
-- tiers, now Brand and Portfolio; free becomes Solo, the smallest plan sold (its 3,000 calls a
-- month bound what the old per-minute limit never did).

UPDATE shopmcp.workspaces SET plan = CASE plan
    WHEN 'free' THEN 'solo'
    WHEN 'starter' THEN 'solo'
    WHEN 'growth' THEN 'brand'
    WHEN 'scale' THEN 'portfolio'
    ELSE plan END;
ALTER TABLE shopmcp.workspaces ADD CONSTRAINT workspaces_plan_check
    CHECK (plan IN ('solo', 'brand', 'portfolio', 'demo'));

-- ------------------------------------------------------------------ the monthly quota
--
-- One row per workspace and billing month (UTC calendar month, 'YYYY-MM'): the tools/call
-- requests counted against the plan's quota. Used when Redis is not configured (with Redis
-- the count lives there, one key per workspace and month). Counted by one statement,
-- shopmcp.count_tool_call below, so replicas never admit more than the quota between them.

CREATE TABLE shopmcp.quota_counters (
    workspace_id uuid   NOT NULL REFERENCES shopmcp.workspaces (id) ON DELETE CASCADE,
    month        text   NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
    used         bigint NOT NULL CHECK (used >= 0),
    PRIMARY KEY (workspace_id, month)
);

ALTER TABLE shopmcp.quota_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.quota_counters FORCE ROW LEVEL SECURITY;

CREATE POLICY tenant_isolation ON shopmcp.quota_counters TO shopmcp_tenant
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY mcp_isolation ON shopmcp.quota_counters TO shopmcp_mcp
    USING (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid)
    WITH CHECK (workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::uuid);
CREATE POLICY owner_all ON shopmcp.quota_counters TO shopmcp_owner USING (true) WITH CHECK (true);

-- The dashboard reads its month's count (the usage review); the runtime counts. The tenant
-- role may add a row (which can only use quota up) but never lower or delete a count.
GRANT SELECT, INSERT ON shopmcp.quota_counters TO shopmcp_tenant;
GRANT SELECT, INSERT ON shopmcp.quota_counters TO shopmcp_mcp;
GRANT UPDATE (used) ON shopmcp.quota_counters TO shopmcp_mcp;

-- Count one call if the quota has room (or the plan bills overage): one statement, atomic
-- under concurrency (ON CONFLICT DO UPDATE locks the row and re-checks its latest version).
-- ``counted`` false: refused, nothing changed; ``month_used`` is the month's count either way.
-- SECURITY INVOKER, EXECUTE for the runtime alone, search_path pinned (as 0005's functions).
CREATE FUNCTION shopmcp.count_tool_call(
    p_workspace_id uuid, p_month text, p_quota bigint, p_overage boolean,
    OUT month_used bigint, OUT counted boolean
)
    LANGUAGE plpgsql
    SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM set_config('app.workspace_id', p_workspace_id::text, true);
    INSERT INTO shopmcp.quota_counters AS q (workspace_id, month, used)
    VALUES (p_workspace_id, p_month, 1)
    ON CONFLICT (workspace_id, month) DO UPDATE SET used = q.used + 1
        WHERE p_overage OR q.used < p_quota
    RETURNING q.used INTO month_used;
    counted := month_used IS NOT NULL;
    IF NOT counted THEN
        SELECT q.used INTO month_used FROM shopmcp.quota_counters q
         WHERE q.workspace_id = p_workspace_id AND q.month = p_month;
    END IF;
    PERFORM set_config('app.workspace_id', '', true);
END
$$;

REVOKE ALL ON FUNCTION shopmcp.count_tool_call(uuid, text, bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shopmcp.count_tool_call(uuid, text, bigint, boolean) TO shopmcp_mcp;

-- ------------------------------------------------------------------ the meter outbox
--
-- ``overage``: the call went past a quota the plan bills beyond; sent to the overage meter.
-- ``parked_at``: Stripe refused the record for good (a 4xx): kept with its error for an
-- operator (``shopmcp billing parked``), never claimed again until re-queued.

ALTER TABLE shopmcp.meter_outbox ADD COLUMN overage boolean NOT NULL DEFAULT false;
ALTER TABLE shopmcp.meter_outbox ADD COLUMN parked_at timestamptz;

-- The runtime's group commit with the overage flag: a function of its own name, so the
-- earlier record_usage signatures stay for a process of the previous release during a rolling
-- deploy (0008 keeps 0005's for the same reason). It writes 0008's usage_events.cache_hit too:
-- a PL/pgSQL body is resolved when first run, and on a fresh database 0008 has added that
-- column by then (the runtime is started only after every migration is applied).
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
    p_overages boolean[]
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
    double precision[], text[], text[], timestamptz[], integer[], boolean[], boolean[])
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shopmcp.record_usage_metered(uuid[], uuid[], text[], text[], uuid[],
    double precision[], text[], text[], timestamptz[], integer[], boolean[], boolean[])
    TO shopmcp_mcp;

-- ------------------------------------------------------------------ Stripe's webhooks
--
-- Every Stripe event id processed, so each is applied once: Stripe delivers at least once and
-- retries for days, and its signature check does not de-duplicate. Not a workspace's rows
-- (an event may name no workspace at all), so only the owner role, the webhook's, touches it;
-- its primary key is Stripe's event id, global by nature and never shown to a tenant.

CREATE TABLE shopmcp.stripe_events (
    id           text        PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
    type         text        NOT NULL CHECK (length(type) BETWEEN 1 AND 255),
    -- What processing did ("plan brand", "ignored: unknown customer"); never names a
    -- workspace, so an erased workspace leaves nothing here that points at it.
    outcome      text        NOT NULL CHECK (length(outcome) <= 200),
    processed_at timestamptz NOT NULL
);

ALTER TABLE shopmcp.stripe_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE shopmcp.stripe_events FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_all ON shopmcp.stripe_events TO shopmcp_owner USING (true) WITH CHECK (true);
