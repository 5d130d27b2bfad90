"""The erasure sweep on PostgreSQL: after it, an erased workspace has zero rows in every table
(found from the catalog, not from a list kept by hand), and a table with a ``workspace_id``
column that the sweep does not cover fails the catalog test."""

from __future__ import annotations

import datetime as dt
import inspect
import re
from collections.abc import Sequence

import asyncpg

from shopmcp_adapters.memory import FakeClock, FakeVault
from shopmcp_adapters.postgres import ERASED_TABLES, Database
from shopmcp_adapters.postgres import retention as retention_module
from shopmcp_adapters.postgres.quota import PostgresQuotaCounter
from shopmcp_domain.audit import Actor
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.services.erasure import request_erasure
from shopmcp_domain.services.sweep import sweep
from tests.factories import NOW
from tests.ports.oauth_flows import flow_for
from tests.ports.retention import SweepPorts

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
# Deleted at once by the erasure request (crypto-shredding), before any sweep.
SHREDDED_AT_ONCE = {"connections", "credentials"}


async def _tenant_tables(conn: asyncpg.Connection) -> list[str]:
    rows = await conn.fetch(
        "select c.table_name from information_schema.columns c"
        " join information_schema.tables t"
        " on t.table_schema = c.table_schema and t.table_name = c.table_name"
        " where c.table_schema = 'shopmcp' and c.column_name = 'workspace_id'"
        " and t.table_type = 'BASE TABLE' order by 1"
    )
    return [row["table_name"] for row in rows]


async def _rows_of(
    conn: asyncpg.Connection, tables: Sequence[str], workspace_id: WorkspaceId
) -> dict[str, int]:
    counts = {}
    for table in [*tables, "workspaces"]:
        # Identifiers from the catalog, checked before they are quoted (a test-only query).
        assert _IDENTIFIER.fullmatch(table)
        column = "id" if table == "workspaces" else "workspace_id"
        counts[table] = await conn.fetchval(
            f'select count(*) from shopmcp."{table}" where {column} = $1',
            workspace_id,
        )
    return counts


def _ports(database: Database) -> SweepPorts:
    return SweepPorts(
        database.tenants,
        database.retention,
        database.identity,
        database.owner,
        PostgresQuotaCounter(database.mcp_pool),
        database.confirmations,
    )


async def test_every_table_with_a_workspace_id_is_covered_by_the_erasure(
    postgres_database_url: str, database: Database
) -> None:
    conn = await asyncpg.connect(postgres_database_url)
    try:
        tables = await _tenant_tables(conn)
    finally:
        await conn.close()
    assert tables, "the catalog lists no tenant table: the query is wrong"
    missing = sorted(set(tables) - set(ERASED_TABLES))
    assert not missing, (
        f"tenant tables the erasure sweep does not delete from: {missing}; add each to "
        "ERASED_TABLES and to PostgresRetentionStore.erase (shopmcp_adapters/postgres/retention.py)"
    )
    source = inspect.getsource(retention_module)
    for table in ERASED_TABLES:
        column = "id" if table == "workspaces" else "workspace_id"
        assert f"delete from shopmcp.{table} where {column} = $1" in source, table


async def test_an_erased_workspace_has_zero_rows_in_every_table_after_the_sweep(
    postgres_database_url: str, database: Database
) -> None:
    ports = _ports(database)
    doomed, neighbour = await ports.workspace(), await ports.workspace()
    sweep_at = NOW + dt.timedelta(days=31)
    # The neighbour's rows are young at the sweep: nothing of it is past retention either.
    for workspace, when in ((doomed, NOW), (neighbour, sweep_at - dt.timedelta(minutes=1))):
        await ports.populate(workspace, when)
        async with database.tenants.unit_of_work(workspace.id) as uow:
            await uow.oauth_flows.add(flow_for(workspace.id, when))
    clock = FakeClock(NOW)
    await request_erasure(database.tenants, FakeVault(), clock, doomed.id, Actor.cli())

    conn = await asyncpg.connect(postgres_database_url)
    try:
        tables = await _tenant_tables(conn)
        before = await _rows_of(conn, tables, doomed.id)
        # The test seeds every table, so "zero after" means something for each of them.
        unseeded = [t for t, n in before.items() if n == 0 and t not in SHREDDED_AT_ONCE]
        assert not unseeded, f"seed a row in {unseeded} (populate in tests/ports/retention.py)"
        assert all(before[t] == 0 for t in SHREDDED_AT_ONCE), "credentials outlived the request"
        neighbour_before = await _rows_of(conn, tables, neighbour.id)

        report = await sweep(database.retention, clock, now=sweep_at)

        assert doomed.id in report.erased_workspaces
        after = await _rows_of(conn, tables, doomed.id)
        assert after == dict.fromkeys(after, 0)
        assert await _rows_of(conn, tables, neighbour.id) == neighbour_before
    finally:
        await conn.close()


async def test_a_request_inside_the_window_erases_nothing(
    postgres_database_url: str, database: Database
) -> None:
    ports = _ports(database)
    workspace = await ports.workspace()
    await ports.populate(workspace, NOW)
    clock = FakeClock(NOW)
    await request_erasure(database.tenants, FakeVault(), clock, workspace.id, Actor.cli())

    report = await sweep(database.retention, clock, now=NOW + dt.timedelta(days=29))

    assert workspace.id not in report.erased_workspaces
    async with database.tenants.unit_of_work(workspace.id) as uow:
        assert await uow.workspaces.get() is not None
        assert len(await uow.usage.recent()) == 1
