"""A playbook's history on PostgreSQL (migration 0016), through both login roles: the MCP
runtime (shopmcp_mcp, which saves and deletes playbooks from the chat) and the dashboard's
tenant role (shopmcp_tenant, which reads and restores). Each save records its version in the
same transaction; a row of another workspace is neither read nor written; history is never
rewritten, and outlives a deleted playbook."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import attrs
import pytest
import pytest_asyncio

from shopmcp_adapters.memory.clock import FakeClock
from shopmcp_adapters.postgres import Database, load_migrations, migrate, tenant_url_from
from shopmcp_domain.errors import NotFound
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.playbook_definitions import parse_definition
from shopmcp_domain.services import playbooks as use_cases
from tests.factories import make_workspace
from tests.integration.conftest import fresh_database

BIND = "select set_config('app.workspace_id', $1, true)"


def _known(name: str) -> str | None:
    return None


def _prompt(description: str) -> object:
    return {
        "name": "weekly",
        "description": description,
        "template": "Sales since {since}.",
        "arguments": [{"name": "since"}],
    }


async def _workspace(database: Database) -> WorkspaceId:
    workspace = make_workspace()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    return workspace.id


async def _raw(url: str, role: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(tenant_url_from(url), user=role)
    try:
        yield conn
    finally:
        await conn.close()


@pytest_asyncio.fixture(loop_scope="session")
async def mcp(postgres_database_url: str, database: Database) -> AsyncIterator[asyncpg.Connection]:
    async for conn in _raw(postgres_database_url, "shopmcp_mcp"):
        yield conn


@pytest_asyncio.fixture(loop_scope="session")
async def tenant(
    postgres_database_url: str, database: Database
) -> AsyncIterator[asyncpg.Connection]:
    async for conn in _raw(postgres_database_url, "shopmcp_tenant"):
        yield conn


async def test_the_runtime_role_saves_versions_and_the_dashboard_restores_one(
    database: Database,
) -> None:
    a, b = await _workspace(database), await _workspace(database)
    clock = FakeClock()
    # As create_playbook runs: the runtime role's unit of work.
    for n in range(2):
        await use_cases.save_playbook(
            database.mcp_tenants,
            clock,
            a,
            parse_definition(_prompt(f"v{n + 1}")),
            _known,
            replace=n > 0,
        )
        clock.advance(60)
    history = await use_cases.playbook_versions(database.tenants, a, "weekly")
    assert [(v.version, v.playbook.description) for v in history] == [(2, "v2"), (1, "v1")]
    assert (history[0].saved_at - history[1].saved_at).total_seconds() == 60

    restored = await use_cases.restore_playbook(database.tenants, clock, a, "weekly", 1, _known)
    assert (restored.version, restored.description) == (3, "v1")
    async with database.mcp_tenants.unit_of_work(a) as uow:  # the runtime reads it back
        assert [v.version for v in await uow.playbooks.versions(restored.id)] == [3, 2, 1]

    # Another workspace's use cases find nothing of it, whichever role asks.
    for store in (database.tenants, database.mcp_tenants):
        async with store.unit_of_work(b) as uow:
            assert list(await uow.playbooks.versions(restored.id)) == []
            assert await uow.playbooks.get_version(restored.id, 1) is None
            assert list(await uow.playbooks.all_versions()) == []
    with pytest.raises(NotFound):
        await use_cases.get_playbook_version(database.tenants, b, "weekly", 1)

    # Deleted from the chat: the history stays (the audit trail names its versions).
    deleted = await use_cases.delete_playbook(database.mcp_tenants, a, "weekly")
    async with database.tenants.unit_of_work(a) as uow:
        assert [v.version for v in await uow.playbooks.versions(deleted.id)] == [3, 2, 1]


async def test_a_raced_edit_records_no_version(database: Database) -> None:
    a = await _workspace(database)
    clock = FakeClock()
    v1 = await use_cases.save_playbook(
        database.tenants, clock, a, parse_definition(_prompt("v1")), _known
    )
    # Two edits of version 1: the second finds the row moved on, and leaves no trace.
    async with database.tenants.unit_of_work(a) as uow:
        second = attrs.evolve(v1, description="second", version=2)
        assert await uow.playbooks.replace(second, saved_at=clock.now())
    async with database.tenants.unit_of_work(a) as uow:
        late = attrs.evolve(v1, description="late", version=2)
        assert not await uow.playbooks.replace(late, saved_at=clock.now())
    history = await use_cases.playbook_versions(database.tenants, a, "weekly")
    assert [v.playbook.description for v in history] == ["second", "v1"]


@pytest.mark.parametrize("role", ["mcp", "tenant"])
async def test_raw_sql_sees_only_its_workspace_and_cannot_rewrite_history(
    database: Database,
    mcp: asyncpg.Connection,
    tenant: asyncpg.Connection,
    role: str,
) -> None:
    conn = mcp if role == "mcp" else tenant
    a, b = await _workspace(database), await _workspace(database)
    clock = FakeClock()
    for ws, text in ((a, "mine"), (b, "theirs")):
        await use_cases.save_playbook(
            database.tenants, clock, ws, parse_definition(_prompt(text)), _known
        )
    async with conn.transaction():
        await conn.execute(BIND, str(a))
        rows = await conn.fetch("select workspace_id, description from shopmcp.playbook_versions")
        assert [(r["workspace_id"], r["description"]) for r in rows] == [(a, "mine")]
        assert (
            await conn.fetchval(
                "select count(*) from shopmcp.playbook_versions where workspace_id = $1", b
            )
            == 0
        )
    # Into another workspace: refused by the policy's WITH CHECK.
    async with conn.transaction():
        await conn.execute(BIND, str(a))
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            await conn.execute(
                "insert into shopmcp.playbook_versions (workspace_id, playbook_id, version, name,"
                " description, template, mode, playbook_created_at, created_at) values ($1, "
                "gen_random_uuid(), 1, 'forged', '', '', 'instructions', now(), now())",
                b,
            )
    # A version is written once: the key refuses a second row for it, even from its own role.
    async with conn.transaction():
        await conn.execute(BIND, str(a))
        with pytest.raises(asyncpg.UniqueViolationError):
            await conn.execute(
                "insert into shopmcp.playbook_versions (workspace_id, playbook_id, version, name,"
                " description, template, mode, playbook_created_at, created_at) select "
                "workspace_id, playbook_id, version, name, 'forged', template, mode, "
                "playbook_created_at, now() from shopmcp.playbook_versions"
            )
    for statement in (
        "update shopmcp.playbook_versions set description = 'rewritten'",
        "update shopmcp.playbook_versions set version = version + 1",
        "delete from shopmcp.playbook_versions",
    ):
        async with conn.transaction():
            await conn.execute(BIND, str(a))
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await conn.execute(statement)
    # Without a workspace bound, nothing at all.
    async with conn.transaction():
        assert await conn.fetchval("select count(*) from shopmcp.playbook_versions") == 0
    owner_view = await database.owner_pool.fetch(
        "select workspace_id, description from shopmcp.playbook_versions "
        "where workspace_id = any($1::uuid[]) order by description",
        [a, b],
    )
    assert [(r["workspace_id"], r["description"]) for r in owner_view] == [
        (a, "mine"),
        (b, "theirs"),
    ]


async def test_migration_0016_keeps_each_existing_playbooks_current_version(
    postgres_admin_url: str,
) -> None:
    async with fresh_database(postgres_admin_url) as url:
        conn = await asyncpg.connect(url)
        try:
            before = [m for m in load_migrations() if m.version < 16]
            await migrate(conn, before)
            workspace = make_workspace()
            await conn.execute(
                "insert into shopmcp.workspaces (id, name, plan, status, created_at) "
                "values ($1, 'x', 'solo', 'active', '2026-01-01')",
                workspace.id,
            )
            playbook_id = await conn.fetchval(
                "insert into shopmcp.playbooks (id, workspace_id, name, description, template, "
                "created_at, version, updated_at) values (gen_random_uuid(), $1, 'weekly', "
                "'edited twice', 'Hi', '2026-01-01', 3, '2026-02-01') returning id",
                workspace.id,
            )
            await migrate(conn)
            rows = await conn.fetch(
                "select playbook_id, version, description, "
                "playbook_created_at::date::text as born, created_at::date::text as saved "
                "from shopmcp.playbook_versions"
            )
        finally:
            await conn.close()
    assert [dict(r) for r in rows] == [
        {
            "playbook_id": playbook_id,
            "version": 3,
            "description": "edited twice",
            "born": "2026-01-01",
            "saved": "2026-02-01",
        }
    ]
