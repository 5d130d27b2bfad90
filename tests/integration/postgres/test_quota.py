"""The PostgreSQL quota counter (migration 0007's ``count_tool_call``, as the runtime's role):
the QuotaCounter port suite, and exact refusals across two OS processes."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg
import pytest

from shopmcp_adapters.postgres import Database, tenant_url_from
from shopmcp_adapters.postgres.quota import PostgresQuotaCounter
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.limit_ports import QuotaCounter
from tests.factories import make_workspace
from tests.integration.quota.race import allowed_across_processes
from tests.ports.quota import MONTH, SUITE

Check = Callable[[QuotaCounter, Callable[[], Coroutine[Any, Any, WorkspaceId]]], Any]


def _new_workspace(database: Database) -> Callable[[], Coroutine[Any, Any, WorkspaceId]]:
    async def new() -> WorkspaceId:
        workspace = make_workspace()
        async with database.tenants.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
        return workspace.id

    return new


@pytest.mark.parametrize("check", SUITE, ids=lambda c: c.__name__)
async def test_the_postgres_counter_keeps_the_port(check: Check, database: Database) -> None:
    await check(PostgresQuotaCounter(database.mcp_pool), _new_workspace(database))


async def test_the_tenant_role_reads_its_count_and_cannot_lower_it(database: Database) -> None:
    ws = await _new_workspace(database)()
    await PostgresQuotaCounter(database.mcp_pool).count(ws, MONTH, 5, overage=False)
    bind = "select set_config('app.workspace_id', $1, true)"
    async with database.tenant_pool.acquire() as conn:
        async with conn.transaction():
            await conn.execute(bind, str(ws))
            assert await conn.fetchval("select used from shopmcp.quota_counters") == 1
        for statement in (
            "update shopmcp.quota_counters set used = 0",
            "delete from shopmcp.quota_counters",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied"):
                async with conn.transaction():
                    await conn.execute(bind, str(ws))
                    await conn.execute(statement)


async def test_two_os_processes_are_refused_exactly_past_the_quota(
    database: Database, postgres_database_url: str
) -> None:
    """Two gateway processes, 150 concurrent calls each, quota 100: exactly 100 allowed."""
    ws = await _new_workspace(database)()
    url = tenant_url_from(postgres_database_url)
    allowed = await allowed_across_processes("postgres", url, "-", str(ws), 150, 100)
    assert sum(allowed) == 100
    assert await PostgresQuotaCounter(database.mcp_pool).used(ws, MONTH) == 100
