"""What the audit chain's trigger (migration 0011) costs on the hot path's one write.

In a fresh database: SHOPMCP_BENCH_CALLS (default 2,000) usage events written through the
runtime's own group commit (``PostgresRuntimeStore.record``), first one call at a time (the
cost a lone call waits for), then SHOPMCP_BENCH_CONCURRENCY (default 32) at a time over 4
workspaces (calls of one workspace serialise on its chain head); once with the chain's trigger
and once with a baseline trigger instead (``ALTER TABLE ... TRIGGER``, as the administrator),
in the same run. The baseline fills the chain's columns from a sequence, without the head lock
and the hash, so the difference is what the chain costs. Then ``shopmcp audit verify``'s walk
over the chain is timed. The bench database is dropped at the end.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import statistics
import time

import asyncpg

from benchmarks.tenant_store import bench_database
from shopmcp_adapters.postgres import Database, open_database
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import WorkspaceId, new_usage_event_id, new_workspace_id
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.services.audit_verify import verify_audit
from shopmcp_domain.usage import MeterRecord, UsageEvent
from shopmcp_domain.workspaces import Workspace

TRIGGER = "ALTER TABLE shopmcp.usage_events {} TRIGGER usage_events_chain"
# The baseline: a trigger that fills the chain's NOT NULL columns from a sequence, with no
# head lock and no hash: what the chain itself adds is the difference. Bench database only.
BASELINE = """
CREATE SEQUENCE shopmcp.bench_seq;
GRANT USAGE ON SEQUENCE shopmcp.bench_seq TO shopmcp_mcp;
CREATE FUNCTION shopmcp.bench_unchained() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.chain_seq := nextval('shopmcp.bench_seq');
    NEW.prev_hash := '\\x00';
    NEW.row_hash := '\\x00';
    RETURN NEW;
END $$;
CREATE TRIGGER bench_unchained BEFORE INSERT ON shopmcp.usage_events
    FOR EACH ROW EXECUTE FUNCTION shopmcp.bench_unchained();
ALTER TABLE shopmcp.usage_events DISABLE TRIGGER bench_unchained;
"""
BASELINE_TRIGGER = "ALTER TABLE shopmcp.usage_events {} TRIGGER bench_unchained"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def usage_event(workspace_id: WorkspaceId) -> UsageEvent:
    return UsageEvent(
        id=new_usage_event_id(),
        workspace_id=workspace_id,
        key_prefix="abcdefghijkl",
        tool="shopify_get_order",
        connection_id=None,
        latency_ms=12.5,
        status=UsageStatus.OK,
        error_class=None,
        created_at=NOW,
    )


async def _workspaces(db: Database, n: int) -> list[WorkspaceId]:
    out = []
    for _ in range(n):
        workspace = Workspace(
            id=new_workspace_id(), name="Bench", plan=PlanTier.SOLO, created_at=NOW
        )
        async with db.tenants.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
        out.append(workspace.id)
    return out


async def _sequential(db: Database, ws: WorkspaceId, calls: int) -> list[float]:
    times = []
    for _ in range(calls):
        event = usage_event(ws)
        started = time.perf_counter()
        await db.runtime.record(event, MeterRecord.for_event(event))
        times.append(time.perf_counter() - started)
    return times


async def _concurrent(
    db: Database, workspaces: list[WorkspaceId], calls: int, concurrency: int
) -> float:
    queue = [usage_event(workspaces[i % len(workspaces)]) for i in range(calls)]

    async def worker() -> None:
        while queue:
            event = queue.pop()
            await db.runtime.record(event, MeterRecord.for_event(event))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return calls / (time.perf_counter() - started)


async def run() -> None:
    calls = int(os.environ.get("SHOPMCP_BENCH_CALLS", "2000"))
    concurrency = int(os.environ.get("SHOPMCP_BENCH_CONCURRENCY", "32"))
    async with bench_database() as (url, data_dir):
        db = await open_database(url, data_dir)
        admin = await asyncpg.connect(url)
        try:
            await admin.execute(BASELINE)
            chained = await _workspaces(db, 4)
            plain = await _workspaces(db, 4)
            for label, chain, baseline, workspaces in (
                ("chained", "ENABLE", "DISABLE", chained),
                ("unchained", "DISABLE", "ENABLE", plain),
            ):
                await admin.execute(TRIGGER.format(chain))
                await admin.execute(BASELINE_TRIGGER.format(baseline))
                await _sequential(db, workspaces[0], 50)  # warm up
                times = sorted(await _sequential(db, workspaces[0], calls))
                rate = await _concurrent(db, workspaces, calls, concurrency)
                print(
                    f"  {label:>10}: one at a time median {statistics.median(times) * 1e3:.3f} ms, "
                    f"p99 {times[int(len(times) * 0.99) - 1] * 1e3:.3f} ms; "
                    f"{concurrency} concurrent over 4 workspaces: {rate:,.0f} calls/s",
                    flush=True,
                )
            await admin.execute(TRIGGER.format("ENABLE"))
            await admin.execute(BASELINE_TRIGGER.format("DISABLE"))
            started = time.perf_counter()
            report = await verify_audit(db.audit_chain, chained[0])
            elapsed = time.perf_counter() - started
            assert report.ok, report
            print(
                f"  verify: {report.links_checked:,} links in {elapsed:.2f}s "
                f"({report.links_checked / elapsed:,.0f} links/s)",
                flush=True,
            )
        finally:
            await admin.close()
            await db.close()


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
