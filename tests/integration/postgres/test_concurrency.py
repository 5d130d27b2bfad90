"""Many workspaces interleaved on few pooled connections: a connection that served workspace A
a moment ago must show nothing of A to workspace B."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections import Counter

import asyncpg
import attrs

from shopmcp_adapters.postgres import Database, PostgresTenantStore, tenant_url_from
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.usage import MeterRecord
from tests.factories import NOW, make_workspace
from tests.ports.tenant_store import connection_for, sealed_for, usage_event

WORKSPACES = 50
UNITS_PER_WORKSPACE = 40
POOL_SIZE = 5


async def test_interleaved_units_of_work_never_see_another_workspace(
    postgres_database_url: str, database: Database
) -> None:
    pool = await asyncpg.create_pool(
        tenant_url_from(postgres_database_url),
        user="shopmcp_tenant",
        min_size=POOL_SIZE,
        max_size=POOL_SIZE,
    )
    store = PostgresTenantStore(pool)
    try:
        workspaces = [make_workspace() for _ in range(WORKSPACES)]
        for workspace in workspaces:
            sealed = sealed_for(workspace.id)
            async with store.unit_of_work(workspace.id) as uow:
                await uow.workspaces.add(workspace)
                await uow.connections.add(connection_for(workspace.id, sealed), sealed)

        foreign: list[tuple[WorkspaceId, object]] = []
        backends: Counter[int] = Counter()

        async def one(workspace_id: WorkspaceId, n: int) -> None:
            async with store.unit_of_work(workspace_id) as uow:
                conn = uow.connection
                backends[await conn.fetchval("select pg_backend_pid()")] += 1
                event = usage_event(workspace_id, NOW + dt.timedelta(microseconds=n))
                await uow.usage.record(event, MeterRecord.for_event(event))
                await asyncio.sleep(random.random() / 1000)  # let others take turns
                # Deliberately unfiltered: only RLS stands between us and other tenants.
                for table, column in (
                    ("usage_events", "workspace_id"),
                    ("connections", "workspace_id"),
                    ("credentials", "workspace_id"),
                    ("workspaces", "id"),
                ):
                    for row in await conn.fetch(
                        "select " + column + " as ws from shopmcp." + table
                    ):
                        if row["ws"] != workspace_id:
                            foreign.append((workspace_id, row["ws"]))
                for event_seen in await uow.usage.recent(1000):
                    if event_seen.workspace_id != workspace_id:
                        foreign.append((workspace_id, event_seen.workspace_id))
                ws = await uow.workspaces.get()
                if ws is None or ws.id != workspace_id:
                    foreign.append((workspace_id, ws))

        jobs = [
            one(workspace.id, n) for n in range(UNITS_PER_WORKSPACE) for workspace in workspaces
        ]
        random.shuffle(jobs)
        await asyncio.gather(*jobs)

        assert foreign == []
        assert len(backends) == POOL_SIZE  # really shared: every connection served many
        for workspace in workspaces:
            async with store.unit_of_work(workspace.id) as uow:
                assert len(await uow.usage.recent(1000)) == UNITS_PER_WORKSPACE
    finally:
        await pool.close()


async def test_credential_for_update_serialises_refreshes(database: Database) -> None:
    """``credentials.get(..., for_update=True)`` holds the row until the unit of work ends: a
    second refresher waits, then sees the first one's write."""
    workspace = make_workspace()
    sealed = sealed_for(workspace.id, b"v1")
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.connections.add(connection_for(workspace.id, sealed), sealed)

    order: list[str] = []
    first_locked = asyncio.Event()

    async def first() -> None:
        async with database.tenants.unit_of_work(workspace.id) as uow:
            current = await uow.credentials.get(sealed.id, for_update=True)
            assert current is not None
            first_locked.set()
            await asyncio.sleep(0.3)
            order.append("first writes")
            await uow.credentials.replace(attrs.evolve(current, ciphertext=b"v2"))

    async def second() -> bytes:
        await first_locked.wait()
        async with database.tenants.unit_of_work(workspace.id) as uow:
            current = await uow.credentials.get(sealed.id, for_update=True)
            order.append("second reads")
            assert current is not None
            return current.ciphertext

    _, seen = await asyncio.gather(first(), second())
    assert order == ["first writes", "second reads"]
    assert seen == b"v2"
