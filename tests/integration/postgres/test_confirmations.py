"""The confirmation store on PostgreSQL (migration 0010, as the MCP runtime's role): the same
suite the in-memory fake passes, plus what only the database can show: the code is stored
hashed, and the runtime role sees no other workspace's rows."""

from __future__ import annotations

import asyncpg
import pytest

from shopmcp_adapters.postgres import Database
from shopmcp_domain.confirmations import Confirmation, hash_code
from shopmcp_domain.ids import WorkspaceId, new_connection_id, new_key_id
from shopmcp_domain.keys import issue_key
from shopmcp_domain.platforms import Platform
from tests.factories import NOW, make_workspace
from tests.ports.confirmations import ConfirmationPorts, ConfirmationStoreSuite

pytestmark = pytest.mark.integration


@pytest.fixture
def confirmation_ports(database: Database) -> ConfirmationPorts:
    async def new_workspace() -> WorkspaceId:
        workspace = make_workspace()
        async with database.tenants.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
        return workspace.id

    return ConfirmationPorts(database.confirmations, new_workspace, database.write_approvals)


class TestConfirmationStoreOnPostgres(ConfirmationStoreSuite):
    pass


async def test_the_code_is_stored_only_as_its_hash_and_rls_fences_the_runtime(
    database: Database, confirmation_ports: ConfirmationPorts
) -> None:
    workspace = await confirmation_ports.new_workspace()
    confirmation, code = Confirmation.issue(
        workspace_id=workspace,
        key_id=new_key_id(),
        tool="shopify_update_product",
        connection_id=new_connection_id(),
        arguments_digest="a" * 64,
        policy_version="b" * 64,
        now=NOW,
    )
    await database.confirmations.issue(confirmation)
    rows = await database.owner_pool.fetch(
        "select * from shopmcp.write_confirmations where workspace_id = $1", workspace
    )
    assert len(rows) == 1
    assert code not in repr([dict(r) for r in rows])
    assert rows[0]["code_hash"] == hash_code(code)
    # The runtime role, with no workspace set, sees nothing; with another set, nothing either.
    async with database.mcp_pool.acquire() as conn:
        assert await conn.fetchval("select count(*) from shopmcp.write_confirmations") == 0
        async with conn.transaction():
            await conn.execute(
                "select set_config('app.workspace_id', $1, true)", str(make_workspace().id)
            )
            assert await conn.fetchval("select count(*) from shopmcp.write_confirmations") == 0
        # Nor may it rewrite a binding: only used_at is granted.
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            async with conn.transaction():
                await conn.execute(
                    "select set_config('app.workspace_id', $1, true)", str(workspace)
                )
                await conn.execute("update shopmcp.write_confirmations set tool = 'x'")


async def test_the_confirmation_opt_out_round_trips_and_reaches_the_runtime_scope(
    database: Database,
) -> None:
    workspace = make_workspace()
    issued = issue_key(workspace.id, NOW)
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace.set_confirmation(Platform.NETO, on=False))
        await uow.keys.add(issued.key)
    async with database.tenants.unit_of_work(workspace.id) as uow:
        stored = await uow.workspaces.get()
    assert stored is not None and stored.confirmation_off == {Platform.NETO}
    record = await database.runtime.load(issued.key.prefix)
    assert record is not None and record.workspace.confirmation_off == {Platform.NETO}
    assert record.workspace.confirms_writes(Platform.SHOPIFY)
