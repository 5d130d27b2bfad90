"""Tenant store at scale: the two hot reads stay index scans, and how much that buys.

Seeds SHOPMCP_BENCH_WORKSPACES workspaces (default 10,000; one MCP key each) and
SHOPMCP_BENCH_EVENTS usage events (default 1,000,000) with COPY into a fresh database, then:

* EXPLAINs, as ``shopmcp_tenant`` under Row-Level Security, the exact SQL the adapter runs
  for "a workspace's newest 50 usage events", and, as the owner, the key lookup by prefix;
  both must be index scans on the intended index (the run fails otherwise);
* times SHOPMCP_BENCH_SAMPLES (default 300) of each, on random workspaces and prefixes, and
  the same queries in the same run with the index dropped (inside a transaction that is rolled
  back) and with a sequential scan forced, so the report is a ratio measured on this machine.

The server is BENCH_POSTGRES_URL (an administrator URL; default the local server on
127.0.0.1:5432), or an embedded PostgreSQL in a temporary directory when that is unreachable.
The bench database is dropped at the end.
"""

# ruff: noqa: S311 - seeded, reproducible pseudo-random data; nothing here is a secret.
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import re
import shutil
import socket
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg

from shopmcp_adapters.postgres import open_database
from shopmcp_adapters.postgres.owner import FIND_KEY_SQL
from shopmcp_adapters.postgres.tenants import BIND_WORKSPACE_SQL, RECENT_USAGE_SQL
from shopmcp_domain.ids import WorkspaceId

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
_BENCH_DB_RE = re.compile(r"^shopmcp_bench_[0-9a-f]{12}$")
_PREFIX_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
CHUNK = 50_000


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _quoted(name: str) -> str:
    # CREATE/DROP DATABASE take an identifier (no bind parameter): generated, checked, quoted.
    if not _BENCH_DB_RE.fullmatch(name):
        raise ValueError("not a bench database name")
    return '"' + name + '"'


def _reachable(url: str) -> bool:
    host = re.search(r"@([^:/]+)(?::(\d+))?/", url)
    if host is None:
        return False
    try:
        with socket.create_connection((host.group(1), int(host.group(2) or 5432)), timeout=1):
            return True
    except OSError:
        return False


@asynccontextmanager
async def bench_database() -> AsyncIterator[tuple[str, Path]]:
    """(administrator URL of a fresh database, data dir)."""
    server = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER)
    data_dir = Path(tempfile.mkdtemp(prefix="smcp-bench-"))
    try:
        if not _reachable(server):
            print("PostgreSQL not reachable at BENCH_POSTGRES_URL: using the embedded server")
            db = await open_database(None, data_dir, run_migrations=False)
            assert db.embedded is not None
            try:
                yield db.embedded.admin_url(), data_dir
            finally:
                await db.close()
            return
        name = "shopmcp_bench_" + uuid.uuid4().hex[:12]
        conn = await asyncpg.connect(server)
        await conn.execute("CREATE DATABASE " + _quoted(name))
        await conn.close()
        try:
            yield server.rsplit("/", 1)[0] + "/" + name, data_dir
        finally:
            conn = await asyncpg.connect(server)
            await conn.execute("DROP DATABASE IF EXISTS " + _quoted(name) + " WITH (FORCE)")
            await conn.close()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# --------------------------------------------------------------------------- seeding


def _chunks(total: int) -> Iterator[int]:
    while total > 0:
        yield min(CHUNK, total)
        total -= min(CHUNK, total)


async def seed(
    conn: asyncpg.Connection, workspaces: int, events: int
) -> tuple[list[uuid.UUID], list[str]]:
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    ws_ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(workspaces)]
    await conn.copy_records_to_table(
        "workspaces",
        schema_name="shopmcp",
        columns=["id", "name", "plan", "status", "write_enabled", "created_at"],
        records=[(w, "Bench", "free", "active", [], now) for w in ws_ids],
    )
    prefixes = ["".join(rng.choice(_PREFIX_ALPHABET) for _ in range(12)) for _ in ws_ids]
    await conn.copy_records_to_table(
        "mcp_keys",
        schema_name="shopmcp",
        columns=["id", "workspace_id", "prefix", "secret_hash", "scopes", "created_at"],
        records=[
            (uuid.UUID(int=rng.getrandbits(128), version=4), w, p, rng.randbytes(32), ["read"], now)
            for w, p in zip(ws_ids, prefixes, strict=True)
        ],
    )
    month = 30 * 24 * 3600
    tools = ["shopify_get_order", "xero_list_invoices", "magento_get_product"]
    done = 0
    for size in _chunks(events):
        records = [
            (
                uuid.UUID(int=rng.getrandbits(128), version=4),
                ws_ids[rng.randrange(workspaces)],
                "abcdefghijkl",
                tools[i % 3],
                None,
                rng.random() * 400,
                "ok",
                None,
                now - dt.timedelta(seconds=rng.randrange(month)),
            )
            for i in range(size)
        ]
        await conn.copy_records_to_table(
            "usage_events",
            schema_name="shopmcp",
            columns=[
                "id",
                "workspace_id",
                "key_prefix",
                "tool",
                "connection_id",
                "latency_ms",
                "status",
                "error_class",
                "created_at",
            ],
            records=records,
        )
        done += size
        print(f"  seeded {done:,}/{events:,} usage events", end="\r", flush=True)
    print()
    await conn.execute("ANALYZE shopmcp.workspaces, shopmcp.mcp_keys, shopmcp.usage_events")
    return ws_ids, prefixes


# --------------------------------------------------------------------------- plans


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


async def explain(conn: asyncpg.Connection, sql: str, *args: object) -> list[dict[str, Any]]:
    # EXPLAIN of a constant statement; the values stay bind parameters.
    raw = await conn.fetchval("EXPLAIN (FORMAT JSON) " + sql, *args)
    return list(_nodes(json.loads(raw)[0]["Plan"]))


def describe(nodes: list[dict[str, Any]]) -> str:
    return " -> ".join(
        n["Node Type"] + (f" using {n['Index Name']}" if "Index Name" in n else "") for n in nodes
    )


def require_index_scan(nodes: list[dict[str, Any]], index: str) -> None:
    scans = [n for n in nodes if n["Node Type"] in ("Index Scan", "Index Only Scan")]
    if not any(n.get("Index Name") == index for n in scans) or any(
        n["Node Type"] == "Seq Scan" for n in nodes
    ):
        raise AssertionError(f"expected an index scan on {index}, got: {describe(nodes)}")


# --------------------------------------------------------------------------- timing


async def timed(samples: int, run: Callable[[int], Awaitable[object]]) -> list[float]:
    for i in range(min(20, samples)):  # warm caches and prepared statements
        await run(i)
    out = []
    for i in range(samples):
        started = time.perf_counter()
        await run(i)
        out.append((time.perf_counter() - started) * 1000)
    return out


def summary(label: str, measured: list[float] | tuple[list[float], str]) -> float:
    ms, plan = measured if isinstance(measured, tuple) else (measured, "")
    median = statistics.median(ms)
    p95 = sorted(ms)[int(len(ms) * 0.95) - 1] if len(ms) >= 20 else max(ms)
    print(f"  {label:<58} median {median:8.3f} ms   p95 {p95:8.3f} ms   (n={len(ms)})")
    if plan:
        print(f"  {'':<58} plan: {plan}")
    return median


async def tenant_query_times(
    conn: asyncpg.Connection, ws_ids: list[uuid.UUID], samples: int, *, setup: list[str]
) -> tuple[list[float], str]:
    """Newest 50 events as shopmcp_tenant under RLS, in one transaction rolled back after
    (``setup`` runs first in it: the baselines drop the index or disable index scans)."""
    rng = random.Random(11)
    tx = conn.transaction()
    await tx.start()
    try:
        for statement in setup:
            await conn.execute(statement)
        await conn.execute("SET LOCAL ROLE shopmcp_tenant")
        await conn.execute(BIND_WORKSPACE_SQL, str(ws_ids[0]))
        plan = describe(await explain(conn, RECENT_USAGE_SQL, ws_ids[0], 50))

        async def one(_: int) -> object:
            ws = rng.choice(ws_ids)
            await conn.execute(BIND_WORKSPACE_SQL, str(ws))
            started = time.perf_counter()
            rows = await conn.fetch(RECENT_USAGE_SQL, ws, 50)
            elapsed.append((time.perf_counter() - started) * 1000)
            return rows

        elapsed: list[float] = []
        await timed(samples, one)
        return elapsed[-samples:], plan
    finally:
        await tx.rollback()


async def key_query_times(
    conn: asyncpg.Connection, prefixes: list[str], samples: int, *, setup: list[str]
) -> tuple[list[float], str]:
    rng = random.Random(13)
    tx = conn.transaction()
    await tx.start()
    try:
        for statement in setup:
            await conn.execute(statement)
        await conn.execute("SET LOCAL ROLE shopmcp_owner")
        plan = describe(await explain(conn, FIND_KEY_SQL, prefixes[0]))
        times = await timed(samples, lambda _: conn.fetchrow(FIND_KEY_SQL, rng.choice(prefixes)))
        return times, plan
    finally:
        await tx.rollback()


async def run() -> None:
    workspaces = _env_int("SHOPMCP_BENCH_WORKSPACES", 10_000)
    events = _env_int("SHOPMCP_BENCH_EVENTS", 1_000_000)
    samples = _env_int("SHOPMCP_BENCH_SAMPLES", 300)
    seq_samples = max(5, samples // 20)
    print(f"tenant store: {workspaces:,} workspaces, {events:,} usage events, {samples} samples")

    async with bench_database() as (url, data_dir):
        db = await open_database(url, data_dir)
        admin = await asyncpg.connect(url)
        try:
            started = time.perf_counter()
            ws_ids, prefixes = await seed(admin, workspaces, events)
            print(f"  seeded with COPY in {time.perf_counter() - started:.1f}s")

            # Plans: exactly the adapters' SQL, as the roles that run it.
            async with admin.transaction():
                await admin.execute("SET LOCAL ROLE shopmcp_tenant")
                await admin.execute(BIND_WORKSPACE_SQL, str(ws_ids[0]))
                usage_plan = await explain(admin, RECENT_USAGE_SQL, ws_ids[0], 50)
            async with admin.transaction():
                await admin.execute("SET LOCAL ROLE shopmcp_owner")
                key_plan = await explain(admin, FIND_KEY_SQL, prefixes[0])
            print(f"  plan, newest 50 events (tenant, RLS): {describe(usage_plan)}")
            print(f"  plan, key by prefix (owner):          {describe(key_plan)}")
            # The planner rightly scans a table of a few pages sequentially; the index promise
            # is about scale, so it is enforced only at a size where a seq scan would hurt.
            if workspaces >= 2_000:
                require_index_scan(usage_plan, "usage_events_workspace_created")
                require_index_scan(key_plan, "mcp_keys_prefix")
            else:
                print("  (index-scan check skipped below 2,000 workspaces)")

            print("newest 50 usage events of a workspace")
            indexed = summary(
                "SQL as shopmcp_tenant, index (workspace_id, created_at desc)",
                await tenant_query_times(admin, ws_ids, samples, setup=[]),
            )
            dropped = summary(
                "same, that index dropped (baseline)",
                await tenant_query_times(
                    admin,
                    ws_ids,
                    samples,
                    setup=["DROP INDEX shopmcp.usage_events_workspace_created"],
                ),
            )
            seqscan = summary(
                "same, sequential scan forced (baseline)",
                await tenant_query_times(
                    admin,
                    ws_ids,
                    seq_samples,
                    setup=[
                        "SET LOCAL enable_indexscan = off",
                        "SET LOCAL enable_bitmapscan = off",
                        "SET LOCAL enable_indexonlyscan = off",
                    ],
                ),
            )
            rng = random.Random(17)

            async def through_adapter(_: int) -> object:
                async with db.tenants.unit_of_work(WorkspaceId(rng.choice(ws_ids))) as uow:
                    return await uow.usage.recent(50)

            summary(
                "whole unit of work via PostgresTenantStore (BEGIN..COMMIT)",
                await timed(samples, through_adapter),
            )
            print(
                f"  ratio: index vs dropped index {dropped / indexed:6.1f}x, "
                f"vs sequential scan {seqscan / indexed:8.1f}x"
            )

            print("MCP key by prefix")
            key_indexed = summary(
                "SQL as shopmcp_owner, unique index on prefix",
                await key_query_times(admin, prefixes, samples, setup=[]),
            )
            key_dropped = summary(
                "same, index dropped (baseline: sequential scan)",
                await key_query_times(
                    admin, prefixes, samples, setup=["DROP INDEX shopmcp.mcp_keys_prefix"]
                ),
            )
            summary(
                "PostgresOwnerStore.find_by_prefix (pool round trip)",
                await timed(samples, lambda _: db.owner.find_by_prefix(rng.choice(prefixes))),
            )
            print(f"  ratio: index vs sequential scan {key_dropped / key_indexed:6.1f}x")
        finally:
            await admin.close()
            await db.close()


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
