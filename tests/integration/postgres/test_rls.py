"""Attacks on tenant isolation, made with raw SQL as the tenant role: Row-Level Security must
hold even for a query that forgets its WHERE clause, and the tenant role must not be able to
switch it off or step around it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import attrs
import pytest
import pytest_asyncio

from shopmcp_adapters.postgres import (
    Database,
    UnsafeTenantRole,
    check_tenant_role,
    tenant_url_from,
)
from shopmcp_adapters.postgres.quota import PostgresQuotaCounter
from shopmcp_domain.accounts import Account, Membership, Role
from shopmcp_domain.audit import Actor, audit_entry
from shopmcp_domain.confirmations import Confirmation, IdempotentWrite
from shopmcp_domain.erasure import ErasureRequest
from shopmcp_domain.ids import WorkspaceId, new_account_id, new_connection_id, new_key_id
from shopmcp_domain.keys import issue_key
from shopmcp_domain.usage import MeterRecord
from tests.factories import NOW, make_workspace
from tests.ports.confirmations import approval_for
from tests.ports.oauth_flows import flow_for
from tests.ports.tenant_store import connection_for, playbook_for, sealed_for, usage_event

# Tables the tenant role may SELECT; meter_outbox is insert-only for it.
READABLE = (
    "workspaces",
    "connections",
    "credentials",
    "mcp_keys",
    "usage_events",
    "playbooks",
    "oauth_flows",
    "workspace_members",
    "audit_log",
    "erasure_requests",
    "quota_counters",
    # Migration 0010: write confirmations and idempotency keys.
    "write_confirmations",
    "idempotent_writes",
    "audit_chain_heads",
    # Migration 0017: writes awaiting a dashboard approval (the tenant reads and decides them;
    # only the MCP runtime inserts them).
    "write_approvals",
    # Migration 0016: every saved version of a playbook.
    "playbook_versions",
)
TENANT_TABLES = (*READABLE, "meter_outbox")
# Tenant tables the tenant role may not insert into at all: its insert is refused by the
# privilege check, before Row-Level Security is asked.
NOT_INSERTED_BY_TENANT = frozenset({"write_approvals"})
# Migration 0006's people: not a workspace's rows, so no tenant_isolation policy. They have
# their own policies keyed on the person a statement names (tests/integration/postgres/
# test_people_at_rest.py tries them), and their own global keys: decided, listed here.
PEOPLE_TABLES = ("accounts", "sessions", "sign_in_codes")
PEOPLE_UNIQUE = {
    "shopmcp.accounts_pkey",
    "shopmcp.accounts_email",
    "shopmcp.sessions_pkey",
    "shopmcp.sessions_token_hash",
    "shopmcp.sign_in_codes_pkey",
}
# Migration 0007's ledger of processed Stripe webhook events: Stripe's, not a workspace's
# (an event may name none); the owner role alone reads or writes it, and its key is Stripe's
# event id.
BILLING_TABLES = ("stripe_events",)
BILLING_UNIQUE = {"shopmcp.stripe_events_pkey"}

BIND = "select set_config('app.workspace_id', $1, true)"

# One valid row for each tenant table, in workspace $1 (only RLS can refuse it).
INSERT_ONE_ROW = {
    "workspaces": "insert into shopmcp.workspaces (id, name, plan, status, created_at) "
    "values ($1, 'x', 'solo', 'active', now())",
    "credentials": "insert into shopmcp.credentials (id, workspace_id, ciphertext, nonce, "
    "wrapped_dek, kms_key_id, envelope_version) "
    "values (gen_random_uuid(), $1, '\\x00', '\\x00', '\\x00', 'k', 1)",
    "connections": "insert into shopmcp.connections (id, workspace_id, platform, store_ref, "
    "credential_id, status, created_at) "
    "values (gen_random_uuid(), $1, 'shopify', 'x', gen_random_uuid(), 'active', now())",
    "mcp_keys": "insert into shopmcp.mcp_keys (id, workspace_id, prefix, secret_hash, scopes, "
    "created_at) values (gen_random_uuid(), $1, md5(random()::text), '\\x00', '{}', now())",
    "usage_events": "insert into shopmcp.usage_events (id, workspace_id, key_prefix, tool, "
    "latency_ms, status, created_at) values (gen_random_uuid(), $1, 'p', 't', 1, 'ok', now())",
    "meter_outbox": "insert into shopmcp.meter_outbox (usage_event_id, workspace_id, quantity, "
    "created_at) values (gen_random_uuid(), $1, 1, now())",
    "playbooks": "insert into shopmcp.playbooks (id, workspace_id, name, description, template, "
    "created_at) values (gen_random_uuid(), $1, md5(random()::text), '', '', now())",
    "oauth_flows": "insert into shopmcp.oauth_flows (id, workspace_id, platform, created_at, "
    "expires_at, verifier_id, verifier_ciphertext, verifier_nonce, verifier_wrapped_dek, "
    "verifier_kms_key_id, verifier_envelope_version) values (gen_random_uuid(), $1, 'xero', "
    "now(), now() + interval '10 minutes', gen_random_uuid(), '\\x00', '\\x00', '\\x00', "
    "'k', 2)",
    # RLS's WITH CHECK comes before the foreign key to accounts is checked.
    "workspace_members": "insert into shopmcp.workspace_members (workspace_id, account_id, "
    "role, created_at) values ($1, gen_random_uuid(), 'viewer', now())",
    "audit_log": "insert into shopmcp.audit_log (workspace_id, id, actor, action, target_kind, "
    "created_at) values ($1, gen_random_uuid(), 'cli', 'x', 'workspace', now())",
    "erasure_requests": "insert into shopmcp.erasure_requests (workspace_id, requested_at, "
    "requested_by_label) values ($1, now(), 'cli')",
    "quota_counters": "insert into shopmcp.quota_counters (workspace_id, month, used) "
    "values ($1, to_char(now() + random() * interval '100 years', 'YYYY-MM'), 1)",
    "write_confirmations": "insert into shopmcp.write_confirmations (workspace_id, id, key_id, "
    "tool, connection_id, arguments_digest, policy_version, code_hash, created_at, expires_at) "
    "values ($1, gen_random_uuid(), gen_random_uuid(), 't', gen_random_uuid(), repeat('a', 64), "
    "repeat('b', 64), md5(random()::text) || md5(random()::text), now(), now())",
    "idempotent_writes": "insert into shopmcp.idempotent_writes (workspace_id, idempotency_key, "
    "tool, arguments_digest, state, created_at, expires_at) values ($1, md5(random()::text), "
    "'t', repeat('a', 64), 'in_progress', now(), now())",
    # Made by the usage events' trigger (migration 0011), as the inserting role.
    "audit_chain_heads": "insert into shopmcp.audit_chain_heads (workspace_id) values ($1)",
    "write_approvals": "insert into shopmcp.write_approvals (workspace_id, id, key_id, tool, "
    "platform, connection_id, store_label, arguments_digest, policy_version, changes, "
    "created_at, expires_at) values ($1, gen_random_uuid(), gen_random_uuid(), 't', 'shopify', "
    "gen_random_uuid(), 's', repeat('a', 64), repeat('b', 64), '{}', now(), "
    "now() + interval '1 minute')",
    "playbook_versions": "insert into shopmcp.playbook_versions (workspace_id, playbook_id, "
    "version, name, description, template, mode, playbook_created_at, created_at) values ($1, "
    "gen_random_uuid(), 1, 'x', '', '', 'instructions', now(), now())",
}


def _refused_insert(table: str) -> str:
    """What refuses the tenant role's insert of a row of ``table`` for a workspace not its own
    (or with no workspace set)."""
    return "permission denied" if table in NOT_INSERTED_BY_TENANT else "row-level security"


@attrs.frozen
class Tenants:
    a: WorkspaceId
    b: WorkspaceId


async def _seed(database: Database) -> WorkspaceId:
    account = Account(new_account_id(), f"{uuid.uuid4().hex[:12]}@example.com", NOW)
    async with database.identity.transaction() as people:
        await people.accounts.add(account)
    workspace = make_workspace()
    sealed = sealed_for(workspace.id)
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.connections.add(connection_for(workspace.id, sealed), sealed)
        await uow.keys.add(issue_key(workspace.id, NOW).key)
        await uow.playbooks.add(playbook_for(workspace.id, "weekly"))
        await uow.oauth_flows.add(flow_for(workspace.id))
        await uow.members.add(Membership(workspace.id, account.id, Role.OWNER, NOW))
        await uow.audit_entries.add(
            audit_entry(workspace.id, Actor.cli(), "x", "workspace", workspace.id, NOW)
        )
        await uow.erasure_requests.add(ErasureRequest(workspace.id, NOW, None, "cli"))
        for _ in range(3):
            event = usage_event(workspace.id)
            await uow.usage.record(event, MeterRecord.for_event(event))
    await PostgresQuotaCounter(database.mcp_pool).count(workspace.id, "2026-11", 10, overage=False)
    confirmation, _ = Confirmation.issue(
        workspace_id=workspace.id,
        key_id=new_key_id(),
        tool="shopify_update_product",
        connection_id=new_connection_id(),
        arguments_digest="a" * 64,
        policy_version="b" * 64,
        now=NOW,
    )
    await database.confirmations.issue(confirmation)
    await database.confirmations.claim(
        IdempotentWrite.claim(
            workspace_id=workspace.id,
            idempotency_key=str(confirmation.id),
            tool="shopify_update_product",
            arguments_digest="a" * 64,
            now=NOW,
        )
    )
    await database.confirmations.request_approval(approval_for(workspace.id))
    return workspace.id


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def tenants(database: Database) -> Tenants:
    return Tenants(a=await _seed(database), b=await _seed(database))


@pytest_asyncio.fixture(loop_scope="session")
async def tenant_conn(
    postgres_database_url: str, database: Database
) -> AsyncIterator[asyncpg.Connection]:
    """A raw connection as shopmcp_tenant, exactly what the tenant pool holds."""
    conn = await asyncpg.connect(tenant_url_from(postgres_database_url), user="shopmcp_tenant")
    try:
        yield conn
    finally:
        await conn.close()


async def test_a_query_without_where_sees_only_its_workspace(
    tenant_conn: asyncpg.Connection, tenants: Tenants
) -> None:
    async with tenant_conn.transaction():
        await tenant_conn.execute(BIND, str(tenants.a))
        rows = await tenant_conn.fetch("SELECT * FROM shopmcp.usage_events")
        assert len(rows) >= 3
        assert {row["workspace_id"] for row in rows} == {tenants.a}
        for table in READABLE:
            column = "id" if table == "workspaces" else "workspace_id"
            seen = await tenant_conn.fetch(
                "select distinct " + column + " as ws from shopmcp." + table
            )
            assert [row["ws"] for row in seen] == [tenants.a], table


async def test_updates_and_deletes_of_another_workspace_touch_nothing(
    tenant_conn: asyncpg.Connection, tenants: Tenants, owner_pool: asyncpg.Pool
) -> None:
    before = await _counts(owner_pool, tenants.b)
    async with tenant_conn.transaction():
        await tenant_conn.execute(BIND, str(tenants.a))
        statements = [
            ("UPDATE shopmcp.playbooks SET description = 'pwned' WHERE workspace_id = $1"),
            ("DELETE FROM shopmcp.playbooks WHERE workspace_id = $1"),
            ("UPDATE shopmcp.connections SET status = 'disabled' WHERE workspace_id = $1"),
            ("UPDATE shopmcp.credentials SET kms_key_id = 'evil' WHERE workspace_id = $1"),
            ("DELETE FROM shopmcp.credentials WHERE workspace_id = $1"),
            ("UPDATE shopmcp.mcp_keys SET revoked_at = now() WHERE workspace_id = $1"),
            ("UPDATE shopmcp.workspaces SET name = 'pwned' WHERE id = $1"),
            (
                "UPDATE shopmcp.oauth_flows SET used_at = now(), verifier_id = null, "
                "verifier_ciphertext = null, verifier_nonce = null, verifier_wrapped_dek = null, "
                "verifier_kms_key_id = null, verifier_envelope_version = null "
                "WHERE workspace_id = $1"
            ),
            ("DELETE FROM shopmcp.oauth_flows WHERE workspace_id = $1"),
            (
                "UPDATE shopmcp.write_approvals SET state = 'approved', "
                "decided_by = gen_random_uuid(), decided_at = now() WHERE workspace_id = $1"
            ),
        ]
        for statement in statements:
            assert (await tenant_conn.execute(statement, tenants.b)).endswith(" 0"), statement
        # Without any WHERE at all, only A's own rows are touched.
        status = await tenant_conn.execute("UPDATE shopmcp.playbooks SET description = 'mine'")
        assert status == "UPDATE 1"
    assert await _counts(owner_pool, tenants.b) == before
    b_playbook = await owner_pool.fetchval(
        "select description from shopmcp.playbooks where workspace_id = $1", tenants.b
    )
    assert b_playbook != "pwned"
    b_approvals = await owner_pool.fetch(
        "select state from shopmcp.write_approvals where workspace_id = $1", tenants.b
    )
    assert [row["state"] for row in b_approvals] == ["pending"]


async def test_the_audit_trail_is_append_only_for_the_tenant(
    tenant_conn: asyncpg.Connection, tenants: Tenants
) -> None:
    for statement in (
        "UPDATE shopmcp.usage_events SET tool = 'x'",
        "DELETE FROM shopmcp.usage_events",
        "DELETE FROM shopmcp.workspaces",
        "DELETE FROM shopmcp.mcp_keys",
        # The chain's anchor moves only by the owner's retention prune.
        "UPDATE shopmcp.audit_chain_heads SET anchor_seq = 0",
        "DELETE FROM shopmcp.audit_chain_heads",
        # A playbook's history is added to, never rewritten (migration 0016).
        "UPDATE shopmcp.playbook_versions SET description = 'rewritten'",
        "UPDATE shopmcp.playbook_versions SET workspace_id = gen_random_uuid()",
        "DELETE FROM shopmcp.playbook_versions",
    ):
        async with tenant_conn.transaction():
            await tenant_conn.execute(BIND, str(tenants.a))
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await tenant_conn.execute(statement)


async def test_inserting_or_moving_a_row_into_another_workspace_fails(
    tenant_conn: asyncpg.Connection, tenants: Tenants
) -> None:
    attempts: list[tuple[str, tuple[object, ...], str]] = [
        (statement, (tenants.b,), _refused_insert(table))
        for table, statement in INSERT_ONE_ROW.items()
    ]
    # Moving A's own row over to B is refused by WITH CHECK on UPDATE.
    attempts.append(
        ("UPDATE shopmcp.playbooks SET workspace_id = $1", (tenants.b,), "row-level security")
    )
    for statement, args, refusal in attempts:
        async with tenant_conn.transaction():
            await tenant_conn.execute(BIND, str(tenants.a))
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match=refusal):
                await tenant_conn.execute(statement, *args)


async def _unset_reads_nothing_and_writes_nothing(
    conn: asyncpg.Connection, tenants: Tenants
) -> None:
    for table in READABLE:
        async with conn.transaction():
            assert await conn.fetchval("select count(*) from shopmcp." + table) == 0, table
    async with conn.transaction():
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
            await conn.fetchval("select count(*) from shopmcp.meter_outbox")
    for table, statement in INSERT_ONE_ROW.items():
        async with conn.transaction():
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match=_refused_insert(table)):
                await conn.execute(statement, tenants.a)


async def test_no_setting_reads_empty_and_cannot_insert(
    tenant_conn: asyncpg.Connection, tenants: Tenants
) -> None:
    # Never set in this session: current_setting(..., true) is NULL.
    assert await tenant_conn.fetchval("select current_setting('app.workspace_id', true)") is None
    await _unset_reads_nothing_and_writes_nothing(tenant_conn, tenants)


async def test_setting_does_not_outlive_its_transaction(
    tenant_conn: asyncpg.Connection, tenants: Tenants
) -> None:
    async with tenant_conn.transaction():
        await tenant_conn.execute(BIND, str(tenants.a))
        assert await tenant_conn.fetchval("select count(*) from shopmcp.workspaces") == 1
    # After commit the setting is '' (not NULL): NULLIF makes that fail closed too.
    assert await tenant_conn.fetchval("select current_setting('app.workspace_id', true)") == ""
    await _unset_reads_nothing_and_writes_nothing(tenant_conn, tenants)


async def test_a_setting_that_is_not_a_uuid_fails_closed(
    tenant_conn: asyncpg.Connection, tenants: Tenants
) -> None:
    async with tenant_conn.transaction():
        await tenant_conn.execute(BIND, "' or true --")
        with pytest.raises(asyncpg.InvalidTextRepresentationError):
            await tenant_conn.fetch("select * from shopmcp.usage_events")


async def test_the_tenant_role_cannot_switch_isolation_off(
    tenant_conn: asyncpg.Connection, tenants: Tenants
) -> None:
    for statement in (
        "ALTER TABLE shopmcp.usage_events DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE shopmcp.usage_events NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY tenant_isolation ON shopmcp.usage_events",
        "CREATE POLICY open ON shopmcp.usage_events USING (true)",
        "SET ROLE shopmcp_owner",
        "SET ROLE postgres",
        "SET SESSION AUTHORIZATION postgres",
        "SELECT rolname, rolpassword FROM pg_authid",
        "ALTER ROLE shopmcp_tenant BYPASSRLS",
        "GRANT shopmcp_owner TO shopmcp_tenant",
        "CREATE TABLE shopmcp.scratch (id int)",
    ):
        async with tenant_conn.transaction():
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await tenant_conn.execute(statement)
    # row_security = off does not lift RLS for a role without BYPASSRLS: the query errors.
    async with tenant_conn.transaction():
        await tenant_conn.execute(BIND, str(tenants.a))
        await tenant_conn.execute("SET LOCAL row_security = off")
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            await tenant_conn.fetch("select * from shopmcp.usage_events")


async def test_role_attributes(owner_pool: asyncpg.Pool) -> None:
    roles = {
        row["rolname"]: row
        for row in await owner_pool.fetch(
            "select rolname, rolsuper, rolbypassrls, rolcanlogin, rolcreaterole, rolcreatedb, "
            "rolinherit from pg_roles where rolname in ('shopmcp_owner', 'shopmcp_tenant')"
        )
    }
    tenant, owner = roles["shopmcp_tenant"], roles["shopmcp_owner"]
    assert tenant["rolcanlogin"] and not tenant["rolinherit"]
    assert not any(tenant[k] for k in ("rolsuper", "rolbypassrls", "rolcreaterole", "rolcreatedb"))
    assert not owner["rolsuper"] and not owner["rolbypassrls"] and not owner["rolcanlogin"]
    assert not await owner_pool.fetchval(
        "select pg_has_role('shopmcp_tenant', 'shopmcp_owner', 'MEMBER')"
    )


async def test_every_tenant_table_forces_row_level_security(owner_pool: asyncpg.Pool) -> None:
    rows = await owner_pool.fetch(
        "select c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) "
        "as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace "
        "where n.nspname = 'shopmcp' and c.relkind in ('r', 'p')"
    )
    tables = {row["relname"]: row for row in rows}
    assert set(tables) == {*TENANT_TABLES, *PEOPLE_TABLES, *BILLING_TABLES, "schema_migrations"}
    assert set(INSERT_ONE_ROW) == set(TENANT_TABLES)  # the attacks above cover every table
    for name in (*TENANT_TABLES, *PEOPLE_TABLES, *BILLING_TABLES):
        row = tables[name]
        assert row["relrowsecurity"] and row["relforcerowsecurity"], name
        assert row["owner"] == "shopmcp_owner"
    policies = await owner_pool.fetch(
        "select tablename, policyname, roles::text[] as roles, qual, with_check "
        "from pg_policies where schemaname = 'shopmcp' and policyname = 'tenant_isolation'"
    )
    assert {p["tablename"] for p in policies} == set(TENANT_TABLES)
    for policy in policies:
        assert policy["roles"] == ["shopmcp_tenant"]
        assert "current_setting('app.workspace_id'" in policy["qual"]
        assert policy["with_check"] == policy["qual"]
    # The ledger is not the tenant's: no grant at all.
    assert not await owner_pool.fetchval(
        "select has_table_privilege('shopmcp_tenant', 'shopmcp.schema_migrations', 'SELECT')"
    )


async def test_no_global_uniqueness_leaks_across_tenants(owner_pool: asyncpg.Pool) -> None:
    """Every unique index on a tenant table is scoped by workspace, except the random key
    prefix (and workspaces' own primary key)."""
    rows = await owner_pool.fetch(
        "select i.indexrelid::regclass::text as index, t.relname as table, "
        "array(select a.attname from pg_attribute a where a.attrelid = t.oid "
        "and a.attnum = any(i.indkey))::text[] as columns "
        "from pg_index i join pg_class t on t.oid = i.indrelid "
        "join pg_namespace n on n.oid = t.relnamespace "
        "where n.nspname = 'shopmcp' and i.indisunique and t.relname <> 'schema_migrations'"
    )
    global_unique = {
        row["index"]
        for row in rows
        if "workspace_id" not in row["columns"]
        and row["table"] not in ("workspaces", *PEOPLE_TABLES, *BILLING_TABLES)
    }
    assert global_unique == {"shopmcp.mcp_keys_prefix"}
    people = {row["index"] for row in rows if row["table"] in PEOPLE_TABLES}
    assert people == PEOPLE_UNIQUE
    billing = {row["index"] for row in rows if row["table"] in BILLING_TABLES}
    assert billing == BILLING_UNIQUE
    # The webhook ledger is the owner's alone: the tenant and runtime roles get nothing.
    for role in ("shopmcp_tenant", "shopmcp_mcp"):
        assert not await owner_pool.fetchval(
            "select has_table_privilege($1, 'shopmcp.stripe_events', 'SELECT')", role
        )
    # No function in the schema runs with its owner's rights.
    assert not await owner_pool.fetchval(
        "select exists (select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
        "where n.nspname = 'shopmcp' and p.prosecdef)"
    )


async def test_open_database_refuses_a_tenant_pool_that_bypasses_rls(
    postgres_database_url: str, database: Database
) -> None:
    superuser_pool = await asyncpg.create_pool(postgres_database_url, min_size=1, max_size=1)
    try:
        with pytest.raises(UnsafeTenantRole):
            await check_tenant_role(superuser_pool)
    finally:
        await superuser_pool.close()
    await check_tenant_role(database.tenant_pool)  # the real one passes


async def _counts(pool: asyncpg.Pool, workspace_id: WorkspaceId) -> dict[str, object]:
    out: dict[str, object] = {}
    for table in READABLE:
        column = "id" if table == "workspaces" else "workspace_id"
        out[table] = await pool.fetch(
            "select * from shopmcp." + table + " where " + column + " = $1 order by 1",
            workspace_id,
        )
    return out
