"""Dashboard approvals on PostgreSQL (migration 0017), tried with raw SQL as each role: the MCP
runtime (``shopmcp_mcp``) can insert a pending approval and close it, but can never approve
one -- not by updating it, not by inserting it approved, not in another workspace -- and the
dashboard (``shopmcp_tenant``) can decide its own workspace's approvals but not insert one or
mark one answered. Row-Level Security fences both to the workspace they set."""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest
import pytest_asyncio

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.postgres import Database, tenant_url_from
from shopmcp_domain.approvals import ApprovalState, WriteApproval
from shopmcp_domain.audit import Actor
from shopmcp_domain.ids import WorkspaceId, new_account_id
from shopmcp_domain.keys import issue_key
from shopmcp_domain.services.onboarding import set_write_approval
from shopmcp_domain.workspaces import WriteApprovalMode
from tests.factories import NOW, make_workspace
from tests.ports.confirmations import approval_for

pytestmark = pytest.mark.integration

BIND = "select set_config('app.workspace_id', $1, true)"
CLI = Actor.cli()
APPROVE = (
    "update shopmcp.write_approvals set state = 'approved', decided_by = gen_random_uuid(), "
    "decided_at = now() where workspace_id = $1 and id = $2"
)
INSERT_APPROVED = (
    "insert into shopmcp.write_approvals (workspace_id, id, key_id, tool, platform, "
    "connection_id, store_label, arguments_digest, policy_version, changes, created_at, "
    "expires_at, state, decided_by, decided_at) values ($1, gen_random_uuid(), "
    "gen_random_uuid(), 't', 'shopify', gen_random_uuid(), 's', repeat('a', 64), "
    "repeat('b', 64), '{}', now(), now() + interval '1 hour', 'approved', gen_random_uuid(), "
    "now())"
)
INSERT_PENDING = (
    "insert into shopmcp.write_approvals (workspace_id, id, key_id, tool, platform, "
    "connection_id, store_label, arguments_digest, policy_version, changes, created_at, "
    "expires_at) values ($1, gen_random_uuid(), gen_random_uuid(), 't', 'shopify', "
    "gen_random_uuid(), 's', repeat('a', 64), repeat('b', 64), '{}', now(), "
    "now() + interval '1 hour') returning id, state"
)


async def _workspace(database: Database) -> WorkspaceId:
    workspace = make_workspace()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    return workspace.id


async def _pending(database: Database, workspace: WorkspaceId) -> WriteApproval:
    approval = approval_for(workspace, now=NOW)
    await database.confirmations.request_approval(approval)
    return approval


async def _state(database: Database, approval: WriteApproval) -> str:
    state = await database.owner_pool.fetchval(
        "select state from shopmcp.write_approvals where workspace_id = $1 and id = $2",
        approval.workspace_id,
        approval.id,
    )
    return str(state)


@pytest_asyncio.fixture(loop_scope="session")
async def mcp(postgres_database_url: str, database: Database) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(tenant_url_from(postgres_database_url), user="shopmcp_mcp")
    try:
        yield conn
    finally:
        await conn.close()


@pytest_asyncio.fixture(loop_scope="session")
async def tenant(
    postgres_database_url: str, database: Database
) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(tenant_url_from(postgres_database_url), user="shopmcp_tenant")
    try:
        yield conn
    finally:
        await conn.close()


async def test_the_runtime_role_cannot_approve_by_update_or_insert(
    database: Database, mcp: asyncpg.Connection
) -> None:
    workspace = await _workspace(database)
    approval = await _pending(database, workspace)
    for statement, args in (
        (APPROVE, (workspace, approval.id)),
        ("update shopmcp.write_approvals set state = 'approved'", ()),
        ("update shopmcp.write_approvals set decided_by = gen_random_uuid()", ()),
        ("update shopmcp.write_approvals set decided_at = now()", ()),
        ("update shopmcp.write_approvals set expires_at = now() + interval '9 days'", ()),
        ("update shopmcp.write_approvals set changes = '{}'", ()),
        ("delete from shopmcp.write_approvals", ()),
        (INSERT_APPROVED, (workspace,)),
    ):
        async with mcp.transaction():
            await mcp.execute(BIND, str(workspace))
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await mcp.execute(statement, *args)
    assert await _state(database, approval) == "pending"
    # What it may do: insert a pending one (the defaults decide its state) and close one.
    async with mcp.transaction():
        await mcp.execute(BIND, str(workspace))
        inserted = await mcp.fetchrow(INSERT_PENDING, workspace)
        assert inserted is not None and inserted["state"] == "pending"
        closed = await mcp.execute(
            "update shopmcp.write_approvals set used_at = now() where id = $1", approval.id
        )
        assert closed == "UPDATE 1"


async def test_the_runtime_role_sees_and_closes_only_its_workspace(
    database: Database, mcp: asyncpg.Connection
) -> None:
    mine, theirs = await _workspace(database), await _workspace(database)
    await _pending(database, mine)
    other = await _pending(database, theirs)
    async with mcp.transaction():
        await mcp.execute(BIND, str(mine))
        seen = await mcp.fetch("select distinct workspace_id from shopmcp.write_approvals")
        assert [row["workspace_id"] for row in seen] == [mine]
        touched = await mcp.execute(
            "update shopmcp.write_approvals set used_at = now() where id = $1", other.id
        )
        assert touched == "UPDATE 0"
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match="row-level security"):
            await mcp.execute(INSERT_PENDING, theirs)


async def test_the_dashboard_role_decides_but_cannot_insert_or_answer(
    database: Database, tenant: asyncpg.Connection
) -> None:
    workspace, stranger = await _workspace(database), await _workspace(database)
    approval = await _pending(database, workspace)
    theirs = await _pending(database, stranger)
    for statement, args in (
        (INSERT_PENDING, (workspace,)),
        ("update shopmcp.write_approvals set used_at = now()", ()),
        ("update shopmcp.write_approvals set changes = '{}'", ()),
        ("update shopmcp.write_approvals set arguments_digest = repeat('c', 64)", ()),
    ):
        async with tenant.transaction():
            await tenant.execute(BIND, str(workspace))
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                await tenant.execute(statement, *args)
    async with tenant.transaction():
        await tenant.execute(BIND, str(workspace))
        assert await tenant.execute(APPROVE, stranger, theirs.id) == "UPDATE 0"
        assert await tenant.execute(APPROVE, workspace, approval.id) == "UPDATE 1"
    assert await _state(database, theirs) == "pending"
    assert await _state(database, approval) == "approved"


async def test_a_decision_needs_who_and_when(database: Database) -> None:
    workspace = await _workspace(database)
    approval = await _pending(database, workspace)
    with pytest.raises(asyncpg.CheckViolationError):
        await database.owner_pool.execute(
            "update shopmcp.write_approvals set state = 'approved' where id = $1", approval.id
        )
    decided = await database.write_approvals.decide(
        workspace, approval.id, ApprovalState.REJECTED, new_account_id(), NOW
    )
    assert decided is not None and decided.state is ApprovalState.REJECTED


async def test_changes_are_bounded_by_the_database_too(
    database: Database, mcp: asyncpg.Connection
) -> None:
    workspace = await _workspace(database)
    async with mcp.transaction():
        await mcp.execute(BIND, str(workspace))
        with pytest.raises(asyncpg.CheckViolationError, match="changes"):
            await mcp.execute(
                "insert into shopmcp.write_approvals (workspace_id, id, key_id, tool, platform, "
                "connection_id, store_label, arguments_digest, policy_version, changes, "
                "created_at, expires_at) select $1, gen_random_uuid(), gen_random_uuid(), 't', "
                "'shopify', gen_random_uuid(), 's', repeat('a', 64), repeat('b', 64), "
                "jsonb_object_agg(g::text, md5(random()::text) || md5(random()::text)), now(), "
                "now() + interval '1 hour' from generate_series(1, 2000) g",
                workspace,
            )


async def test_the_runtime_loads_the_mode_with_the_keys_scope(database: Database) -> None:
    workspace = make_workspace()
    issued = issue_key(workspace.id, NOW)
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.keys.add(issued.key)
    record = await database.runtime.load(issued.key.prefix)
    assert record is not None and record.workspace.write_approval is WriteApprovalMode.IN_CHAT
    changed = await set_write_approval(
        database.tenants, FakeClock(NOW), workspace.id, WriteApprovalMode.DASHBOARD, actor=CLI
    )
    assert changed.write_approval is WriteApprovalMode.DASHBOARD
    record = await database.runtime.load(issued.key.prefix)
    assert record is not None and record.workspace.write_approval is WriteApprovalMode.DASHBOARD
    async with database.tenants.unit_of_work(workspace.id) as uow:
        stored = await uow.workspaces.get()
    assert stored is not None and stored.write_approval is WriteApprovalMode.DASHBOARD
    with pytest.raises(asyncpg.CheckViolationError):
        await database.owner_pool.execute(
            "update shopmcp.workspaces set write_approval = 'email' where id = $1", workspace.id
        )
