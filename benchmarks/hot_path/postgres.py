"""The benchmark's PostgreSQL: a fresh database per run (created and dropped), and what the
server says the gateway made it do.

``pg_stat_statements`` would count statements, but it works only when the server preloads it
(``shared_preload_libraries``, a restart); the local cluster does not, and a benchmark must not
reconfigure a shared server. So, besides the round trips counted on the gateway's sockets
(:mod:`procs`), this module reads ``pg_stat_database`` for the benchmark's database: commits
and rollbacks (transactions), and the tuple counters (rows returned, fetched, inserted, updated,
deleted). A backend publishes those counters at most once a second while busy and only after
ten idle seconds otherwise, but always when it exits: so they are read once before the gateway
starts and once after it has stopped (its pools closed, every backend gone), and cover exactly
the gateway's life, start-up and shut-down included.

CPU of PostgreSQL is the CPU of the backends serving the benchmark's database (their pids from
``pg_stat_activity``, their CPU from ``/proc``), available when the server runs on this machine.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final
from urllib.parse import urlsplit

import asyncpg

from benchmarks.hot_path import procs

_DB_RE: Final = re.compile(r"^shopmcp_bench_[0-9a-f]{12}$")
COUNTERS: Final = (
    "xact_commit",
    "xact_rollback",
    "tup_returned",
    "tup_fetched",
    "tup_inserted",
    "tup_updated",
    "tup_deleted",
)
_STATS_SQL: Final = (
    "SELECT xact_commit, xact_rollback, tup_returned, tup_fetched, tup_inserted, tup_updated,"
    " tup_deleted FROM pg_stat_database WHERE datname = $1"
)
_COUNT_SQL: Final = {
    "usage_events": "SELECT count(*) FROM shopmcp.usage_events",
    "meter_outbox": "SELECT count(*) FROM shopmcp.meter_outbox",
}


def _quoted(name: str) -> str:
    # CREATE/DROP DATABASE take an identifier (no bind parameter): generated, checked, quoted.
    if not _DB_RE.fullmatch(name):
        raise ValueError("not a benchmark database name")
    return '"' + name + '"'


def database_url(server_url: str, name: str) -> str:
    return server_url.rsplit("/", 1)[0] + "/" + name


def is_local(server_url: str) -> bool:
    return urlsplit(server_url).hostname in ("127.0.0.1", "localhost", "::1")


@asynccontextmanager
async def fresh_database(server_url: str) -> AsyncIterator[str]:
    """The name of a new, empty database on the server; dropped (connections and all) after."""
    name = "shopmcp_bench_" + uuid.uuid4().hex[:12]
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute("CREATE DATABASE " + _quoted(name))
    finally:
        await conn.close()
    try:
        yield name
    finally:
        conn = await asyncpg.connect(server_url)
        try:
            await conn.execute("DROP DATABASE IF EXISTS " + _quoted(name) + " WITH (FORCE)")
        finally:
            await conn.close()


class Observer:
    """Reads the server's view of one database over its own connection to the server's
    administrative database (so it is never one of the backends it counts)."""

    def __init__(self, conn: asyncpg.Connection, server_url: str, database: str) -> None:
        self._conn = conn
        self._server_url = server_url
        self.database = database
        self.local = is_local(server_url)

    @classmethod
    @asynccontextmanager
    async def open(cls, server_url: str, database: str) -> AsyncIterator[Observer]:
        conn = await asyncpg.connect(server_url)
        try:
            yield cls(conn, server_url, database)
        finally:
            await conn.close()

    async def backend_pids(self) -> list[int]:
        rows = await self._conn.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            self.database,
        )
        return [row["pid"] for row in rows]

    async def backends_cpu(self) -> dict[int, float] | None:
        """CPU so far of each backend serving the database; None when they are not processes
        of this machine."""
        pids = await self.backend_pids()
        if not self.local or (pids and not procs.is_process(pids[0], "postgres")):
            return None
        return procs.cpu_of(pids)

    async def counters(self) -> dict[str, int]:
        row = await self._conn.fetchrow(_STATS_SQL, self.database)
        return {name: int(row[name]) if row else 0 for name in COUNTERS}

    async def settled_counters(self, wait_seconds: float = 15.0) -> dict[str, int]:
        """The counters once no backend serves the database (each flushes them as it exits)
        and they have stopped moving."""
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            if not await self.backend_pids():
                break
            await asyncio.sleep(0.1)
        previous = await self.counters()
        while time.monotonic() < deadline:
            await asyncio.sleep(0.3)
            current = await self.counters()
            if current == previous:
                return current
            previous = current
        return previous

    async def rows(self, table: str) -> int:
        """Rows in one of the gateway's tables (as the server's administrator: no RLS)."""
        sql = _COUNT_SQL[table]
        conn = await asyncpg.connect(database_url(self._server_url, self.database))
        try:
            return int(await conn.fetchval(sql))
        finally:
            await conn.close()
