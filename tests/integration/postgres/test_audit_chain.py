"""The tamper-evident audit trail in PostgreSQL (migration 0011): the trigger chains every
usage event per workspace, concurrency-safe; the Python verifier recomputes the database's
hashes byte for byte; edits, deletions (middle and last) and reordering are caught; retention
pruning keeps the chain verifiable; the runtime's audit-write retry still leaves one link per
call; ``shopmcp audit verify`` reports and exits accordingly."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import cast

import asyncpg
import attrs
import pytest
import pytest_asyncio
from typer.testing import CliRunner

from shopmcp_adapters.postgres import Database
from shopmcp_adapters.postgres.runtime import PostgresRuntimeStore
from shopmcp_domain.audit_chain import ChainLink, ChainReport
from shopmcp_domain.ids import WorkspaceId, new_playbook_id
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.ports import AuditChainReader
from shopmcp_domain.services.audit_verify import verify_audit
from shopmcp_domain.usage import MAX_METER_ATTEMPTS, MeterRecord, UsageEvent
from shopmcp_entrypoints.cli import app
from tests.factories import NOW, make_workspace
from tests.integration.postgres.test_audit_write_retry import QUICK, _Pool
from tests.ports.tenant_store import usage_event

PRUNE_SQL = "select shopmcp.prune_usage_before($1, $2, $3, $4)"


@pytest_asyncio.fixture(loop_scope="session")
async def superuser(postgres_database_url: str) -> AsyncIterator[asyncpg.Connection]:
    conn = await asyncpg.connect(postgres_database_url)
    try:
        yield conn
    finally:
        await conn.close()


async def _workspace(database: Database) -> WorkspaceId:
    workspace = make_workspace()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    return workspace.id


async def _record(database: Database, event: UsageEvent) -> None:
    await database.runtime.record(event, MeterRecord.for_event(event))


async def _history(database: Database, n: int = 5) -> tuple[WorkspaceId, list[UsageEvent]]:
    ws = await _workspace(database)
    events = [usage_event(ws, created_at=NOW + dt.timedelta(minutes=i)) for i in range(n)]
    for event in events:  # one at a time: the chain's order is the events' order
        await _record(database, event)
    return ws, events


async def _verify(database: Database, ws: WorkspaceId) -> ChainReport:
    return await verify_audit(database.audit_chain, ws)


async def _seq(superuser: asyncpg.Connection, ws: WorkspaceId) -> list[int]:
    rows = await superuser.fetch(
        "select chain_seq from shopmcp.usage_events where workspace_id = $1 order by chain_seq",
        ws,
    )
    return [row["chain_seq"] for row in rows]


def test_the_postgres_reader_satisfies_the_port(database: Database) -> None:
    reader: AuditChainReader = database.audit_chain
    assert reader is not None


async def test_runtime_inserts_are_chained_and_the_python_verifier_agrees(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, events = await _history(database)
    report = await _verify(database, ws)
    assert report.ok, report
    assert report.links_checked == 5
    rows = await superuser.fetch(
        "select id, chain_seq, prev_hash, row_hash from shopmcp.usage_events"
        " where workspace_id = $1 order by chain_seq",
        ws,
    )
    assert [row["id"] for row in rows] == [e.id for e in events]
    assert bytes(rows[0]["prev_hash"]) == bytes(32)
    head = await database.audit_chain.head(ws)
    assert head is not None and (head.last_seq, head.last_hash) == (5, bytes(rows[-1]["row_hash"]))


async def test_the_redaction_count_is_stored_on_the_usage_row(database: Database) -> None:
    import attrs

    ws = await _workspace(database)
    event = attrs.evolve(usage_event(ws), redactions=3)
    await _record(database, event)
    async with database.tenants.unit_of_work(ws) as uow:
        [stored] = await uow.usage.recent(10)
    assert stored.redactions == 3
    assert (await _verify(database, ws)).ok


async def test_chain_columns_given_by_the_inserter_are_overwritten(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, _ = await _history(database, 2)
    await superuser.execute(
        "insert into shopmcp.usage_events (workspace_id, id, key_prefix, tool, latency_ms,"
        " status, created_at, chain_seq, prev_hash, row_hash)"
        " values ($1, gen_random_uuid(), 'p', 't', 1, 'ok', now(), 99, '\\x01', '\\x02')",
        ws,
    )
    assert await _seq(superuser, ws) == [1, 2, 3]
    assert (await _verify(database, ws)).ok


async def test_a_playbook_steps_stamp_is_covered_by_the_hash(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws = await _workspace(database)
    playbook = new_playbook_id()
    for i in range(3):
        stamped = attrs.evolve(
            usage_event(ws, created_at=NOW + dt.timedelta(minutes=i)),
            playbook_id=playbook,
            playbook_version=1,
        )
        await _record(database, stamped)
    assert (await _verify(database, ws)).ok
    versions = await superuser.fetch(
        "select hash_version from shopmcp.usage_events where workspace_id = $1", ws
    )
    assert {row["hash_version"] for row in versions} == {2}
    for edit in (
        "playbook_version = 2",
        "playbook_id = null, playbook_version = null",
        "hash_version = 1",
    ):
        await superuser.execute(
            f"update shopmcp.usage_events set {edit} where workspace_id = $1 and chain_seq = 2",
            ws,
        )
        report = await _verify(database, ws)
        assert report.broken is not None, edit
        assert (report.broken.chain_seq, report.broken.problem) == (2, "row hash"), edit
        # Undone, for the next edit.
        await superuser.execute(
            "update shopmcp.usage_events set playbook_id = $2, playbook_version = 1,"
            " hash_version = 2 where workspace_id = $1 and chain_seq = 2",
            ws,
            playbook,
        )
        assert (await _verify(database, ws)).ok


async def test_links_from_before_migration_0018_keep_verifying_beside_new_ones(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, _ = await _history(database, 2)
    # What a database migrated before 0018 holds: version 1 links, hashed by 0011's function.
    previous = bytes(32)
    for seq in (1, 2):
        previous = await superuser.fetchval(
            "update shopmcp.usage_events set hash_version = 1, prev_hash = $3,"
            " row_hash = shopmcp.usage_row_hash(workspace_id, chain_seq, id, key_prefix, tool,"
            " connection_id, latency_ms, status, error_class, created_at, cache_hit,"
            " redactions, $3) where workspace_id = $1 and chain_seq = $2 returning row_hash",
            ws,
            seq,
            previous,
        )
    await superuser.execute(
        "update shopmcp.audit_chain_heads set last_hash = $2 where workspace_id = $1",
        ws,
        previous,
    )
    for i in range(2):
        await _record(database, usage_event(ws, created_at=NOW + dt.timedelta(hours=1, minutes=i)))
    rows = await superuser.fetch(
        "select hash_version from shopmcp.usage_events where workspace_id = $1 order by chain_seq",
        ws,
    )
    assert [row["hash_version"] for row in rows] == [1, 1, 2, 2]
    report = await _verify(database, ws)
    assert report.ok and report.links_checked == 4


async def test_an_edited_field_is_caught(database: Database, superuser: asyncpg.Connection) -> None:
    ws, events = await _history(database)
    await superuser.execute(
        "update shopmcp.usage_events set status = 'ok', tool = 'shopify_get_shop'"
        " where workspace_id = $1 and id = $2",
        ws,
        events[2].id,
    )
    report = await _verify(database, ws)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (events[2].id, "row hash")


async def test_an_edit_with_a_recomputed_hash_is_caught_at_the_next_row(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, events = await _history(database)
    await superuser.execute(
        "update shopmcp.usage_events set latency_ms = 1,"
        " row_hash = shopmcp.usage_row_hash_v2(workspace_id, chain_seq, id, key_prefix, tool,"
        " connection_id, 1, status, error_class, created_at, cache_hit, redactions,"
        " playbook_id, playbook_version, prev_hash)"
        " where workspace_id = $1 and id = $2",
        ws,
        events[2].id,
    )
    report = await _verify(database, ws)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (events[3].id, "previous hash")


async def test_a_deleted_middle_row_is_caught(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, events = await _history(database)
    await superuser.execute(
        "delete from shopmcp.usage_events where workspace_id = $1 and id = $2", ws, events[2].id
    )
    report = await _verify(database, ws)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (events[3].id, "sequence gap")


async def test_a_deleted_last_row_is_caught(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, events = await _history(database)
    await superuser.execute(
        "delete from shopmcp.usage_events where workspace_id = $1 and id = $2", ws, events[-1].id
    )
    report = await _verify(database, ws)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (None, "chain end")


async def test_reordered_rows_are_caught(database: Database, superuser: asyncpg.Connection) -> None:
    ws, events = await _history(database)
    async with superuser.transaction():
        swap = "update shopmcp.usage_events set chain_seq = $3 where workspace_id = $1 and id = $2"
        await superuser.execute(swap, ws, events[1].id, -1)
        await superuser.execute(swap, ws, events[2].id, 2)
        await superuser.execute(swap, ws, events[1].id, 3)
    report = await _verify(database, ws)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.chain_seq) == (events[2].id, 2)


async def test_fifty_concurrent_inserts_keep_the_chain_linear(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws = await _workspace(database)
    events = [usage_event(ws) for _ in range(50)]

    async def one(event: UsageEvent) -> None:
        # Each through its own transaction on the tenant pool: real concurrency at the
        # database (the runtime's group commit would serialise them before it).
        async with database.tenants.unit_of_work(ws) as uow:
            await uow.usage.record(event, MeterRecord.for_event(event))

    await asyncio.gather(*(one(e) for e in events))

    assert await _seq(superuser, ws) == list(range(1, 51))
    report = await _verify(database, ws)
    assert report.ok and report.links_checked == 50


async def test_concurrent_first_inserts_of_a_new_workspace_share_one_head(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws = await _workspace(database)
    stores = [PostgresRuntimeStore(database.mcp_pool) for _ in range(8)]
    await asyncio.gather(
        *(
            store.record(event, MeterRecord.for_event(event))
            for store, event in zip(stores, [usage_event(ws) for _ in range(8)], strict=True)
        )
    )
    assert await _seq(superuser, ws) == list(range(1, 9))
    assert (await _verify(database, ws)).ok


async def test_a_retry_that_finds_its_rows_committed_leaves_one_link_each(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws = await _workspace(database)
    events = [usage_event(ws) for _ in range(3)]
    store = PostgresRuntimeStore(cast(asyncpg.Pool, _Pool(database.mcp_pool, lose_after=1)))
    store.retry_delays = QUICK

    await asyncio.gather(*(store.record(e, MeterRecord.for_event(e)) for e in events))

    assert await _seq(superuser, ws) == [1, 2, 3]
    head = await database.audit_chain.head(ws)
    assert head is not None and head.last_seq == 3
    assert (await _verify(database, ws)).ok


async def test_pruning_keeps_the_chain_verifiable_and_anchors_it(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, _events = await _history(database)
    # Their meter records were sent: nothing holds them back.
    await superuser.execute(
        "update shopmcp.meter_outbox set sent_at = now() where workspace_id = $1", ws
    )
    cutoff = NOW + dt.timedelta(minutes=2)
    deleted = await superuser.fetchval(PRUNE_SQL, ws, cutoff, MAX_METER_ATTEMPTS, 1000)
    assert deleted == 2
    assert await _seq(superuser, ws) == [3, 4, 5]
    head = await database.audit_chain.head(ws)
    assert head is not None and head.anchor_seq == 2
    report = await _verify(database, ws)
    assert report.ok and report.links_checked == 3
    # New events chain on after the pruned history.
    await _record(database, usage_event(ws, created_at=NOW + dt.timedelta(hours=1)))
    assert (await _verify(database, ws)).ok


async def test_pruning_stops_at_an_event_whose_meter_record_is_owed(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, events = await _history(database)
    await superuser.execute(
        "update shopmcp.meter_outbox set sent_at = now()"
        " where workspace_id = $1 and usage_event_id <> $2",
        ws,
        events[1].id,
    )
    deleted = await superuser.fetchval(
        PRUNE_SQL, ws, NOW + dt.timedelta(days=1), MAX_METER_ATTEMPTS, 1000
    )
    assert deleted == 1  # link 1 only: link 2 is owed, and the chain is cut as a prefix
    assert (await _verify(database, ws)).ok


async def test_the_retention_sweep_prunes_through_the_anchor(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, _ = await _history(database)
    await superuser.execute(
        "update shopmcp.meter_outbox set sent_at = now() where workspace_id = $1", ws
    )
    plan = await superuser.fetchval("select plan from shopmcp.workspaces where id = $1", ws)
    before = NOW + dt.timedelta(minutes=3)
    expired = await database.retention.expire_history(PlanTier(plan), before)
    assert expired.usage_events >= 3
    assert await _seq(superuser, ws) == [4, 5]
    assert (await _verify(database, ws)).ok


async def test_the_runtime_role_cannot_move_the_anchor_or_drop_the_head(
    postgres_database_url: str, database: Database
) -> None:
    from shopmcp_adapters.postgres import tenant_url_from

    ws, _ = await _history(database, 2)
    conn = await asyncpg.connect(tenant_url_from(postgres_database_url), user="shopmcp_mcp")
    try:
        async with conn.transaction():
            await conn.execute("select set_config('app.workspace_id', $1, true)", str(ws))
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("update shopmcp.audit_chain_heads set anchor_seq = 2")
        async with conn.transaction():
            await conn.execute("select set_config('app.workspace_id', $1, true)", str(ws))
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("delete from shopmcp.audit_chain_heads")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.fetchval(PRUNE_SQL, ws, NOW, 1, 1)
    finally:
        await conn.close()


def _cli_verify(url: str, ws: WorkspaceId, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("SHOPMCP_DATABASE_URL", url)
    result = CliRunner().invoke(app, ["audit", "verify", "--workspace", str(ws)])
    return result.exit_code, result.output


async def test_cli_audit_verify_reports_ok_and_the_first_broken_link(
    postgres_database_url: str,
    database: Database,
    superuser: asyncpg.Connection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws, events = await _history(database)
    code, output = await asyncio.to_thread(_cli_verify, postgres_database_url, ws, monkeypatch)
    assert code == 0, output
    assert output.startswith(f"OK: workspace {ws}, 5 links verified")

    await superuser.execute(
        "delete from shopmcp.usage_events where workspace_id = $1 and id = $2", ws, events[1].id
    )
    code, output = await asyncio.to_thread(_cli_verify, postgres_database_url, ws, monkeypatch)
    assert code == 1, output
    assert f"BROKEN: workspace {ws}, at row {events[2].id} (link 3): sequence gap" in output
    assert "expected 2" in output and "found    3" in output


async def test_pruning_a_broken_chain_deletes_but_keeps_the_break_visible(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, events = await _history(database)
    await superuser.execute(
        "update shopmcp.meter_outbox set sent_at = now() where workspace_id = $1", ws
    )
    await superuser.execute(
        "delete from shopmcp.usage_events where workspace_id = $1 and id = $2", ws, events[1].id
    )
    # Retention of links 1-2 must go on (the sweep serves every workspace)...
    deleted = await superuser.fetchval(
        PRUNE_SQL, ws, NOW + dt.timedelta(minutes=2), MAX_METER_ATTEMPTS, 1000
    )
    assert deleted == 1
    assert await _seq(superuser, ws) == [3, 4, 5]
    # ...and does not launder the missing link: the anchor stays below it.
    report = await _verify(database, ws)
    assert report.broken is not None
    assert (report.broken.row_id, report.broken.problem) == (events[2].id, "sequence gap")


async def test_pruning_is_bounded_by_rows_not_by_sequence_numbers(
    database: Database, superuser: asyncpg.Connection
) -> None:
    ws, _ = await _history(database)
    await superuser.execute(
        "update shopmcp.meter_outbox set sent_at = now() where workspace_id = $1", ws
    )
    later = NOW + dt.timedelta(days=1)
    assert await superuser.fetchval(PRUNE_SQL, ws, later, MAX_METER_ATTEMPTS, 2) == 2
    assert await superuser.fetchval(PRUNE_SQL, ws, later, MAX_METER_ATTEMPTS, 2) == 2
    assert await superuser.fetchval(PRUNE_SQL, ws, later, MAX_METER_ATTEMPTS, 2) == 1
    assert await _seq(superuser, ws) == []
    report = await _verify(database, ws)
    assert report.ok and report.links_checked == 0


async def test_rows_written_through_the_previous_releases_signatures_are_chained(
    postgres_database_url: str, database: Database, superuser: asyncpg.Connection
) -> None:
    """A rolling deploy: processes of the previous release still call 0005's and 0008's
    record_usage; their rows join the chain (with 0 redactions)."""
    from shopmcp_adapters.postgres import tenant_url_from

    ws, _ = await _history(database, 1)
    mcp = await asyncpg.connect(tenant_url_from(postgres_database_url), user="shopmcp_mcp")
    try:
        for extra in ("", ", array[true]"):
            await mcp.fetchval(
                "select shopmcp.record_usage(array[$1::uuid], array[gen_random_uuid()],"
                " array['abcdefghijkl'], array['shopify_get_shop'], array[null::uuid],"
                " array[1.5::float8], array['ok'], array[null::text], array[now()], array[1]"
                + extra
                + ")",
                ws,
            )
    finally:
        await mcp.close()
    assert await _seq(superuser, ws) == [1, 2, 3]
    assert (await _verify(database, ws)).ok


async def test_the_row_hash_covers_every_column_of_usage_events(
    superuser: asyncpg.Connection,
) -> None:
    # A column added to usage_events without a new hash version could be edited unnoticed
    # (as the playbook columns could before migration 0018): this fails until it is covered.
    rows = await superuser.fetch(
        "select column_name from information_schema.columns"
        " where table_schema = 'shopmcp' and table_name = 'usage_events'"
    )
    hashed = {field.name for field in attrs.fields(ChainLink)} - {"row_hash"}
    assert {row["column_name"] for row in rows} == hashed | {"row_hash"}
