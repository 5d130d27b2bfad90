"""The MCP runtime's role, shopmcp_mcp, tried as an attacker with raw SQL would: it reads a key
only by naming its prefix, reads nothing of another workspace, appends audit rows only to the
workspace it serves, and can change nothing else (plans, opt-ins, keys, billing, schema, temp
objects). And the grants of every login role, asserted exactly: a new grant fails this test
until the test is changed on purpose."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import attrs
import pytest
import pytest_asyncio

from shopmcp_adapters.postgres import Database, tenant_url_from
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.keys import McpKey, issue_key
from shopmcp_domain.usage import MeterRecord
from tests.factories import NOW, make_workspace
from tests.ports.tenant_store import connection_for, sealed_for, usage_event

BIND = "select set_config('app.workspace_id', $1, true)"
BIND_PREFIX = "select set_config('app.key_prefix', $1, true)"


@attrs.frozen
class Tenant:
    id: WorkspaceId
    key: McpKey


async def _tenant(database: Database) -> Tenant:
    workspace = attrs.evolve(make_workspace(), billing_customer_id="cus_private")
    sealed = sealed_for(workspace.id)
    key = issue_key(workspace.id, NOW).key
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.connections.add(connection_for(workspace.id, sealed), sealed)
        await uow.keys.add(key)
        event = usage_event(workspace.id)
        await uow.usage.record(event, MeterRecord.for_event(event))
    return Tenant(workspace.id, key)


@pytest_asyncio.fixture(loop_scope="session")
async def pair(database: Database) -> tuple[Tenant, Tenant]:
    return await _tenant(database), await _tenant(database)


@pytest_asyncio.fixture(loop_scope="session")
async def mcp(postgres_database_url: str, database: Database) -> AsyncIterator[asyncpg.Connection]:
    """A raw connection as shopmcp_mcp: what the runtime pool holds."""
    conn = await asyncpg.connect(tenant_url_from(postgres_database_url), user="shopmcp_mcp")
    try:
        yield conn
    finally:
        await conn.close()


async def test_a_key_is_read_only_by_naming_its_prefix(
    mcp: asyncpg.Connection, pair: tuple[Tenant, Tenant]
) -> None:
    a, b = pair
    async with mcp.transaction():
        assert await mcp.fetch("select id from shopmcp.mcp_keys") == []
        await mcp.execute(BIND, str(a.id))  # the workspace setting does not open keys
        assert await mcp.fetch("select id from shopmcp.mcp_keys") == []
    async with mcp.transaction():
        await mcp.execute(BIND_PREFIX, a.key.prefix)
        rows = await mcp.fetch("select id, workspace_id from shopmcp.mcp_keys")
    assert [(r["id"], r["workspace_id"]) for r in rows] == [(a.key.id, a.id)]
    assert b.key.prefix != a.key.prefix


async def test_another_workspace_is_invisible_and_unwritable(
    mcp: asyncpg.Connection, pair: tuple[Tenant, Tenant]
) -> None:
    a, b = pair
    async with mcp.transaction():
        await mcp.execute(BIND, str(a.id))
        for table in ("connections", "credentials", "playbooks", "playbook_versions"):
            ids = {
                r["workspace_id"]
                for r in await mcp.fetch(
                    "select workspace_id from shopmcp." + table  # constant table names
                )
            }
            assert ids <= {a.id}, table
        assert (
            await mcp.fetchval("select count(*) from shopmcp.workspaces where id = $1", b.id) == 0
        )
    event = usage_event(b.id)
    async with mcp.transaction():
        await mcp.execute(BIND, str(a.id))
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            await mcp.execute(
                "insert into shopmcp.usage_events (workspace_id, id, key_prefix, tool, "
                "connection_id, latency_ms, status, error_class, created_at) "
                "values ($1, $2, 'abcdefghijkl', 'shopify_get_shop', null, 1, 'ok', null, now())",
                b.id,
                event.id,
            )


@pytest.mark.parametrize(
    "statement",
    [
        "update shopmcp.workspaces set plan = 'portfolio'",
        "update shopmcp.workspaces set write_enabled = '{shopify}'",
        "update shopmcp.workspaces set status = 'active'",
        "select billing_customer_id from shopmcp.workspaces",
        "insert into shopmcp.workspaces (id, name, plan, status, created_at) "
        "values (gen_random_uuid(), 'x', 'portfolio', 'active', now())",
        "delete from shopmcp.workspaces",
        "update shopmcp.mcp_keys set revoked_at = null",
        "update shopmcp.mcp_keys set scopes = '{read,write}'",
        "update shopmcp.mcp_keys set secret_hash = '\\x00'",
        "insert into shopmcp.mcp_keys (workspace_id, id, prefix, secret_hash, scopes, created_at) "
        "values (gen_random_uuid(), gen_random_uuid(), 'x', '\\x00', '{}', now())",
        "delete from shopmcp.mcp_keys",
        "update shopmcp.connections set store_ref = 'evil.example'",
        "update shopmcp.connections set platform = 'magento'",
        "delete from shopmcp.connections",
        "delete from shopmcp.credentials",
        "update shopmcp.credentials set workspace_id = gen_random_uuid()",
        "update shopmcp.usage_events set status = 'ok'",
        "delete from shopmcp.usage_events",
        "select * from shopmcp.usage_events",
        "select * from shopmcp.meter_outbox",
        "update shopmcp.meter_outbox set sent_at = now()",
        "select * from shopmcp.oauth_flows",
        # Migration 0016: the runtime adds playbook versions and reads them, nothing more.
        "update shopmcp.playbook_versions set description = 'rewritten'",
        "delete from shopmcp.playbook_versions",
        "select * from shopmcp.schema_migrations",
        # Migration 0006 gives the runtime nothing: no person, session, code, member or entry.
        "select * from shopmcp.accounts",
        "select * from shopmcp.sessions",
        "select * from shopmcp.sign_in_codes",
        "select * from shopmcp.workspace_members",
        "select * from shopmcp.audit_log",
        "select * from shopmcp.erasure_requests",
        "insert into shopmcp.accounts (id, email, created_at) values "
        "(gen_random_uuid(), 'x@example.com', now())",
        "create temporary table scratch (id int)",
        "create table shopmcp.scratch (id int)",
        "create table public.scratch (id int)",
        "create function shopmcp.f() returns int language sql as 'select 1'",
        "alter table shopmcp.usage_events disable row level security",
        "drop policy mcp_key_by_prefix on shopmcp.mcp_keys",
        "set role shopmcp_owner",
        "set role shopmcp_tenant",
        "select rolname from pg_authid",
    ],
)
async def test_the_runtime_can_change_nothing_else(
    mcp: asyncpg.Connection, pair: tuple[Tenant, Tenant], statement: str
) -> None:
    a, _ = pair
    async with mcp.transaction():
        await mcp.execute(BIND, str(a.id))
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await mcp.execute(statement)


async def test_what_the_runtime_needs_works(
    mcp: asyncpg.Connection, pair: tuple[Tenant, Tenant], database: Database
) -> None:
    a, _ = pair
    scope = await mcp.fetchval("select shopmcp.load_scope($1)", a.key.prefix)
    assert scope is not None and str(a.id) in scope and "cus_private" not in scope
    assert await mcp.fetchval("select shopmcp.load_scope('zzzzzzzzzzzz')") is None
    # The settings the function made are gone with its implicit transaction.
    assert await mcp.fetchval("select current_setting('app.workspace_id', true)") in ("", None)
    event = usage_event(a.id)
    written = await mcp.fetchval(
        "select shopmcp.record_usage_metered(array[$1::uuid], array[$2::uuid], "
        "array['abcdefghijkl'], array['shopify_get_shop'], array[null::uuid], "
        "array[1.5::float8], array['ok'], array[null::text], array[now()], array[1], "
        "array[false], array[true])",
        a.id,
        event.id,
    )
    assert written == 1
    async with database.tenants.unit_of_work(a.id) as uow:
        assert event.id in {e.id for e in await uow.usage.recent(10)}
    overage = await database.owner_pool.fetchval(
        "select overage from shopmcp.meter_outbox where usage_event_id = $1", event.id
    )
    assert overage is True


async def test_the_hot_path_functions_are_the_runtimes_alone(database: Database) -> None:
    for role in ("shopmcp_tenant", "public"):
        for function in (
            "shopmcp.load_scope(text)",
            "shopmcp.record_usage(uuid[], uuid[], text[], text[], uuid[], double precision[], "
            "text[], text[], timestamptz[], integer[], boolean[])",
            "shopmcp.record_usage_metered(uuid[], uuid[], text[], text[], uuid[], "
            "double precision[], text[], text[], timestamptz[], integer[], boolean[], boolean[])",
            "shopmcp.count_tool_call(uuid, text, bigint, boolean)",
            # Migration 0013's overload, with the playbook columns.
            "shopmcp.record_usage(uuid[], uuid[], text[], text[], uuid[], double precision[], "
            "text[], text[], timestamptz[], integer[], boolean[], uuid[], integer[])",
            # Migration 0014's, with the overage flag and the playbook columns together.
            "shopmcp.record_usage_metered(uuid[], uuid[], text[], text[], uuid[], "
            "double precision[], text[], text[], timestamptz[], integer[], boolean[], boolean[], "
            "uuid[], integer[])",
            # Migration 0011's overload, with the redaction count.
            "shopmcp.record_usage(uuid[], uuid[], text[], text[], uuid[], double precision[], "
            "text[], text[], timestamptz[], integer[], boolean[], integer[])",
            # Migration 0015's: every column together (the one the runtime calls).
            "shopmcp.record_usage_metered(uuid[], uuid[], text[], text[], uuid[], "
            "double precision[], text[], text[], timestamptz[], integer[], boolean[], boolean[], "
            "uuid[], integer[], integer[])",
        ):
            assert not await database.owner_pool.fetchval(
                "select has_function_privilege($1, $2, 'EXECUTE')", role, function
            ), (role, function)


async def test_no_login_role_may_create_temporary_objects(database: Database) -> None:
    for role in ("shopmcp_tenant", "shopmcp_mcp", "public"):
        assert not await database.owner_pool.fetchval(
            "select has_database_privilege($1, current_database(), 'TEMPORARY')", role
        ), role


# Every privilege a login role holds in schema shopmcp: (kind, object, column, role, privilege).
EXPECTED_GRANTS = {
    *{
        ("table", t, None, "shopmcp_tenant", p)
        for t in (
            "connections",
            "credentials",
            "playbooks",
            "oauth_flows",
            # Migration 0010.
            "write_confirmations",
            "idempotent_writes",
        )
        for p in ("SELECT", "INSERT", "UPDATE", "DELETE")
    },
    # Migration 0010: the runtime issues and consumes confirmations (only used_at changes),
    # claims and finishes idempotency keys, and reads the confirmation opt-out with the scope.
    *{("table", "write_confirmations", None, "shopmcp_mcp", p) for p in ("SELECT", "INSERT")},
    ("column", "write_confirmations", "used_at", "shopmcp_mcp", "UPDATE"),
    *{
        ("table", "idempotent_writes", None, "shopmcp_mcp", p)
        for p in ("SELECT", "INSERT", "UPDATE")
    },
    ("column", "workspaces", "confirmation_off", "shopmcp_mcp", "SELECT"),
    # Migration 0017: the runtime inserts pending approvals (never their decision), reads them
    # and closes them; the dashboard reads and decides them, and inserts none.
    ("column", "workspaces", "write_approval", "shopmcp_mcp", "SELECT"),
    ("table", "write_approvals", None, "shopmcp_mcp", "SELECT"),
    *{
        ("column", "write_approvals", c, "shopmcp_mcp", "INSERT")
        for c in (
            "workspace_id",
            "id",
            "key_id",
            "tool",
            "platform",
            "connection_id",
            "store_label",
            "arguments_digest",
            "policy_version",
            "changes",
            "created_at",
            "expires_at",
        )
    },
    ("column", "write_approvals", "used_at", "shopmcp_mcp", "UPDATE"),
    ("table", "write_approvals", None, "shopmcp_tenant", "SELECT"),
    *{
        ("column", "write_approvals", c, "shopmcp_tenant", "UPDATE")
        for c in ("state", "decided_by", "decided_at")
    },
    *{("table", "workspaces", None, "shopmcp_tenant", p) for p in ("SELECT", "INSERT", "UPDATE")},
    *{("table", "mcp_keys", None, "shopmcp_tenant", p) for p in ("SELECT", "INSERT")},
    *{("column", "mcp_keys", c, "shopmcp_tenant", "UPDATE") for c in ("revoked_at", "name")},
    *{("table", "usage_events", None, "shopmcp_tenant", p) for p in ("SELECT", "INSERT")},
    ("table", "meter_outbox", None, "shopmcp_tenant", "INSERT"),
    # Migration 0006, the dashboard: people, members, the audit log, erasure requests.
    *{("table", t, None, "shopmcp_tenant", p) for t in ("accounts",) for p in ("SELECT", "INSERT")},
    *{("table", "sessions", None, "shopmcp_tenant", p) for p in ("SELECT", "INSERT")},
    *{
        ("column", "sessions", c, "shopmcp_tenant", "UPDATE")
        for c in ("last_seen_at", "expires_at", "revoked_at")
    },
    *{
        ("table", "sign_in_codes", None, "shopmcp_tenant", p)
        for p in ("SELECT", "INSERT", "DELETE")
    },
    *{
        ("column", "sign_in_codes", c, "shopmcp_tenant", "UPDATE")
        for c in ("attempts", "consumed_at")
    },
    *{
        ("table", "workspace_members", None, "shopmcp_tenant", p)
        for p in ("SELECT", "INSERT", "DELETE")
    },
    ("column", "workspace_members", "role", "shopmcp_tenant", "UPDATE"),
    *{
        ("table", t, None, "shopmcp_tenant", p)
        for t in ("audit_log", "erasure_requests")
        for p in ("SELECT", "INSERT")
    },
    *{
        ("table", t, None, "shopmcp_mcp", "SELECT")
        for t in ("connections", "credentials", "playbooks")
    },
    *{("table", t, None, "shopmcp_mcp", "INSERT") for t in ("usage_events", "meter_outbox")},
    # Migration 0013: playbooks created, edited and deleted from the chat.
    *{("table", "playbooks", None, "shopmcp_mcp", p) for p in ("INSERT", "UPDATE", "DELETE")},
    # Migration 0016: a playbook's history, append-only for both login roles.
    *{
        ("table", "playbook_versions", None, role, p)
        for role in ("shopmcp_tenant", "shopmcp_mcp")
        for p in ("SELECT", "INSERT")
    },
    *{
        ("column", "mcp_keys", c, "shopmcp_mcp", "SELECT")
        for c in (
            "id",
            "workspace_id",
            "prefix",
            "secret_hash",
            "scopes",
            "name",
            "created_at",
            "revoked_at",
        )
    },
    *{
        ("column", "workspaces", c, "shopmcp_mcp", "SELECT")
        for c in ("id", "name", "plan", "status", "write_enabled", "created_at")
    },
    *{
        ("column", "connections", c, "shopmcp_mcp", "UPDATE")
        for c in ("status", "credential_generation")
    },
    *{
        ("column", "credentials", c, "shopmcp_mcp", "UPDATE")
        for c in (
            "ciphertext",
            "nonce",
            "wrapped_dek",
            "kms_key_id",
            "envelope_version",
            "generation",
            "updated_at",
        )
    },
    # Migration 0011, the audit chain: the usage events' trigger (running as the inserting
    # role) reads, creates and advances the workspace's chain head, never its anchor.
    *{
        ("table", "audit_chain_heads", None, r, p)
        for r in ("shopmcp_tenant", "shopmcp_mcp")
        for p in ("SELECT", "INSERT")
    },
    *{
        ("column", "audit_chain_heads", c, r, "UPDATE")
        for c in ("last_seq", "last_hash")
        for r in ("shopmcp_tenant", "shopmcp_mcp")
    },
    *{
        ("function", f, None, r, "EXECUTE")
        for f in ("chain_field", "usage_row_hash", "usage_row_hash_v2")
        for r in ("shopmcp_tenant", "shopmcp_mcp")
    },
    ("function", "load_scope", None, "shopmcp_mcp", "EXECUTE"),
    ("function", "record_usage", None, "shopmcp_mcp", "EXECUTE"),
    # Migration 0007's monthly quota: counted by the runtime, read (and never lowered) by the
    # dashboard.
    ("function", "count_tool_call", None, "shopmcp_mcp", "EXECUTE"),
    ("function", "record_usage_metered", None, "shopmcp_mcp", "EXECUTE"),
    *{("table", "quota_counters", None, "shopmcp_mcp", p) for p in ("SELECT", "INSERT")},
    ("column", "quota_counters", "used", "shopmcp_mcp", "UPDATE"),
    *{("table", "quota_counters", None, "shopmcp_tenant", p) for p in ("SELECT", "INSERT")},
    # A trigger function: it cannot be called except as a trigger.
    ("function", "notify_change", None, "PUBLIC", "EXECUTE"),
    ("schema", "shopmcp", None, "shopmcp_tenant", "USAGE"),
    ("schema", "shopmcp", None, "shopmcp_mcp", "USAGE"),
}

GRANTS_SQL = """
select 'table' as kind, c.relname as obj, null::text as col,
       pg_get_userbyid(x.grantee) as grantee, x.privilege_type as privilege
  from pg_class c join pg_namespace n on n.oid = c.relnamespace, aclexplode(c.relacl) x
 where n.nspname = 'shopmcp' and x.grantee <> c.relowner
union all
select 'column', c.relname, a.attname, pg_get_userbyid(x.grantee), x.privilege_type
  from pg_attribute a join pg_class c on c.oid = a.attrelid
  join pg_namespace n on n.oid = c.relnamespace, aclexplode(a.attacl) x
 where n.nspname = 'shopmcp' and a.attacl is not null
union all
select 'function', p.proname, null,
       case when x.grantee = 0 then 'PUBLIC' else pg_get_userbyid(x.grantee) end,
       x.privilege_type
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace,
       aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x
 where n.nspname = 'shopmcp' and x.grantee <> p.proowner
union all
select 'schema', n.nspname, null,
       case when x.grantee = 0 then 'PUBLIC' else pg_get_userbyid(x.grantee) end,
       x.privilege_type
  from pg_namespace n, aclexplode(n.nspacl) x
 where n.nspname = 'shopmcp' and x.grantee <> n.nspowner
"""


async def test_the_grants_of_every_role_are_exactly_these(database: Database) -> None:
    actual = {
        (r["kind"], r["obj"], r["col"], r["grantee"], r["privilege"])
        for r in await database.owner_pool.fetch(GRANTS_SQL)
    }
    assert actual - EXPECTED_GRANTS == set(), "grants nobody decided on"
    assert EXPECTED_GRANTS - actual == set(), "grants the runtime needs are missing"
