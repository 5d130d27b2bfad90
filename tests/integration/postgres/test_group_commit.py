"""Audit rows are group-committed: concurrent calls share one statement and one commit, a call
returns only once its rows are committed, and a caller that goes away does not take its row
with it."""

from __future__ import annotations

import asyncio

from shopmcp_adapters.postgres import Database
from shopmcp_domain.usage import MeterRecord
from tests.factories import make_workspace
from tests.ports.tenant_store import usage_event


async def test_concurrent_calls_share_one_round_trip(database: Database) -> None:
    workspace = make_workspace()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    runtime = database.runtime
    events = [usage_event(workspace.id) for _ in range(100)]
    batches_before, events_before = runtime.batches, runtime.events

    await asyncio.gather(*(runtime.record(e, MeterRecord.for_event(e)) for e in events))

    assert runtime.events - events_before == 100
    assert runtime.batches - batches_before <= 2  # 100 calls, one or two commits
    async with database.tenants.unit_of_work(workspace.id) as uow:
        assert {e.id for e in await uow.usage.recent(200)} == {e.id for e in events}


async def test_a_lone_call_is_written_at_once(database: Database) -> None:
    workspace = make_workspace()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    before = database.runtime.batches
    event = usage_event(workspace.id)
    await database.runtime.record(event, MeterRecord.for_event(event))
    assert database.runtime.batches == before + 1


async def test_a_cancelled_caller_does_not_cancel_its_write(database: Database) -> None:
    workspace = make_workspace()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    event = usage_event(workspace.id)
    caller = asyncio.create_task(database.runtime.record(event, MeterRecord.for_event(event)))
    await asyncio.sleep(0)
    caller.cancel()
    await database.runtime.flush()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        assert [e.id for e in await uow.usage.recent(10)] == [event.id]


async def test_the_runtime_records_cache_hits(database: Database) -> None:
    """Migration 0008's column, written by the runtime's group commit (record_usage with its
    cache_hit array) and read back by the dashboard's role."""
    workspace = make_workspace()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    hit, miss = usage_event(workspace.id, cache_hit=True), usage_event(workspace.id)
    await asyncio.gather(
        *(database.runtime.record(e, MeterRecord.for_event(e)) for e in (hit, miss))
    )
    async with database.tenants.unit_of_work(workspace.id) as uow:
        found = {e.id: e.cache_hit for e in await uow.usage.recent(10)}
    assert found == {hit.id: True, miss.id: False}
