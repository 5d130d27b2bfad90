"""A backend terminated while a call's audit write is in flight costs the call latency, not
its row: the batch is sent again on a fresh connection, and a retry that finds the rows
already committed is a success, not a duplicate. A connection that never comes back fails the
write (the caller withholds its answer); a statement error is never retried."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast

import asyncpg
import pytest

from shopmcp_adapters.postgres import Database
from shopmcp_adapters.postgres.runtime import (
    LOAD_RETRIES,
    RECORD_USAGE_SQL,
    PostgresRuntimeStore,
)
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.usage import MeterRecord, UsageEvent
from tests.factories import make_workspace
from tests.ports.tenant_store import usage_event

WAITING_AUDIT_WRITE = (
    "select pid from pg_stat_activity where datname = current_database()"
    " and wait_event_type = 'Lock' and query = $1"
)
QUICK = (0.01, 0.01, 0.01)

Connect = Callable[[], Awaitable[asyncpg.Connection]]


@pytest.fixture
async def superuser(postgres_database_url: str) -> AsyncIterator[Connect]:
    opened: list[asyncpg.Connection] = []

    async def connect() -> asyncpg.Connection:
        opened.append(await asyncpg.connect(postgres_database_url))
        return opened[-1]

    yield connect
    for conn in opened:
        await conn.close()


class _Pool:
    """The runtime pool, with the connection failing around chosen statements."""

    def __init__(self, pool: asyncpg.Pool, *, lose_after: int = 0, lose_before: int = 0) -> None:
        self._pool = pool
        self.lose_after = lose_after  # statements that commit, then lose their answer
        self.lose_before = lose_before  # statements that never reach the server
        self.sent = 0

    async def execute(self, query: str, *args: Any) -> str:
        self.sent += 1
        if self.lose_before:
            self.lose_before -= 1
            raise asyncpg.ConnectionDoesNotExistError("connection was closed")
        status = await self._pool.execute(query, *args)
        if self.lose_after:
            self.lose_after -= 1
            raise asyncpg.ConnectionDoesNotExistError("connection was closed")
        return status

    async def fetchval(self, query: str, *args: Any) -> Any:
        self.sent += 1
        if self.lose_before:
            self.lose_before -= 1
            raise asyncpg.ConnectionDoesNotExistError("connection was closed")
        return await self._pool.fetchval(query, *args)


def _store(pool: _Pool) -> PostgresRuntimeStore:
    return PostgresRuntimeStore(cast(asyncpg.Pool, pool), retry_delays=QUICK)


async def _workspace(database: Database) -> WorkspaceId:
    workspace = make_workspace()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    return workspace.id


async def _rows(database: Database, workspace_id: WorkspaceId) -> list[UsageEvent]:
    async with database.tenants.unit_of_work(workspace_id) as uow:
        return list(await uow.usage.recent(10))


async def _record(store: PostgresRuntimeStore, event: UsageEvent) -> None:
    await store.record(event, MeterRecord.for_event(event))


async def _waiting_writer(conn: asyncpg.Connection, within: float = 10.0) -> int:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        pid = await conn.fetchval(WAITING_AUDIT_WRITE, RECORD_USAGE_SQL)
        if pid is not None:
            return int(pid)
        await asyncio.sleep(0.01)
    raise TimeoutError("the audit write never came to wait on the usage table's lock")


async def test_a_write_whose_backend_is_terminated_is_sent_again(
    database: Database, superuser: Connect
) -> None:
    workspace_id = await _workspace(database)
    event = usage_event(workspace_id)
    locker, killer = await superuser(), await superuser()
    attempts_before = database.runtime.batches
    async with locker.transaction():
        await locker.execute("lock table shopmcp.usage_events in share row exclusive mode")
        writing = asyncio.create_task(_record(database.runtime, event))
        pid = await _waiting_writer(killer)
        assert await killer.fetchval("select pg_terminate_backend($1)", pid)
        # The retry waits on the lock too, until this transaction ends.
    await asyncio.wait_for(writing, 10)

    assert [e.id for e in await _rows(database, workspace_id)] == [event.id]
    assert database.runtime.batches - attempts_before == 2  # the lost attempt, then the retry


async def test_a_retry_that_finds_its_rows_committed_succeeds_once(database: Database) -> None:
    workspace_id = await _workspace(database)
    events = [usage_event(workspace_id) for _ in range(3)]
    pool = _Pool(database.mcp_pool, lose_after=1)
    store = _store(pool)

    await asyncio.gather(*(_record(store, e) for e in events))

    assert {e.id for e in await _rows(database, workspace_id)} == {e.id for e in events}
    assert store.events == 3


async def test_a_connection_that_comes_back_loses_nothing(database: Database) -> None:
    workspace_id = await _workspace(database)
    event = usage_event(workspace_id)
    pool = _Pool(database.mcp_pool, lose_before=len(QUICK))
    await _record(_store(pool), event)
    assert pool.sent == len(QUICK) + 1
    assert [e.id for e in await _rows(database, workspace_id)] == [event.id]


async def test_a_connection_that_never_comes_back_fails_the_write(database: Database) -> None:
    workspace_id = await _workspace(database)
    pool = _Pool(database.mcp_pool, lose_before=100)
    store = _store(pool)
    events = [usage_event(workspace_id) for _ in range(2)]
    results = await asyncio.gather(*(_record(store, e) for e in events), return_exceptions=True)
    assert all(isinstance(r, asyncpg.ConnectionDoesNotExistError) for r in results)
    # Every attempt of the (first) batch, and no one-at-a-time retries on top.
    assert pool.sent <= 2 * (len(QUICK) + 1)
    assert await _rows(database, workspace_id) == []


async def test_a_statement_error_is_not_retried(database: Database) -> None:
    workspace_id = await _workspace(database)
    event = usage_event(workspace_id)
    pool = _Pool(database.mcp_pool)
    store = _store(pool)
    await _record(store, event)
    with pytest.raises(asyncpg.UniqueViolationError):
        await _record(store, event)  # the same event twice is the caller's bug, not a retry
    assert pool.sent == 2


async def test_a_scope_load_whose_connection_was_lost_is_sent_again(database: Database) -> None:
    pool = _Pool(database.mcp_pool, lose_before=2)
    assert await _store(pool).load("nosuchprefx1") is None
    assert pool.sent == 3


async def test_a_scope_load_gives_up_after_its_retries(database: Database) -> None:
    pool = _Pool(database.mcp_pool, lose_before=100)
    with pytest.raises(asyncpg.ConnectionDoesNotExistError):
        await _store(pool).load("nosuchprefx1")
    assert pool.sent == LOAD_RETRIES + 1
