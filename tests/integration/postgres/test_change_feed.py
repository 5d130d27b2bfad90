"""The change feed on real PostgreSQL: the row triggers of migration 0003 notify every
committed write (tenant role, owner role, cascades), ``PostgresChangeFeed`` hands them to its
subscribers, survives losing its connection (telling subscribers to reset), and two replicas'
vaults drop a deleted credential's data key within a second. (What every feed promises, a
rolled-back write included, is the port suite's: ``test_change_feed_port.py``.)"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from pydantic import SecretStr

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.postgres import Database, PostgresChangeFeed
from shopmcp_adapters.vault import EnvelopeVault, LocalVault
from shopmcp_domain.changes import Change, ChangeKind, ChangeNotice, FeedReset
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ChangeFeed
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.credentials import VaultCredentialLease
from shopmcp_entrypoints.container import (
    build_container,
    resolve,
)
from shopmcp_entrypoints.settings import Settings

pytestmark = pytest.mark.integration

CLOCK = SystemClock()
TOKEN = CredentialPayload({"access_token": "shpat_two_replicas"})


class Recorder:
    def __init__(self, feed: ChangeFeed) -> None:
        self.notices: list[ChangeNotice] = []
        self.unsubscribe = feed.subscribe(self.notices.append)

    def about(self, workspace_id: WorkspaceId) -> list[Change]:
        """This workspace's notices (the session database is shared with other tests)."""
        return [n for n in self.notices if isinstance(n, Change) and n.workspace_id == workspace_id]

    def resets(self) -> int:
        return sum(isinstance(n, FeedReset) for n in self.notices)


async def until(condition: Callable[[], bool], within: float = 1.0) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < within, f"not within {within}s"
        await asyncio.sleep(0.01)
    return time.monotonic() - started


@pytest_asyncio.fixture
async def feed(database: Database) -> AsyncIterator[PostgresChangeFeed]:
    feed = PostgresChangeFeed(database.connect_tenant, ping_interval=0.5)
    await feed.start()
    try:
        yield feed
    finally:
        await feed.stop()


async def terminate(admin_url: str, pid: int | None) -> None:
    """What a server restart or a dropped network does to the listening session."""
    assert pid is not None
    conn = await asyncpg.connect(admin_url)
    try:
        assert await conn.fetchval("select pg_terminate_backend($1)", pid)
    finally:
        await conn.close()


async def new_workspace(database: Database) -> WorkspaceId:
    # Portfolio: the tests connect several Shopify stores to one workspace.
    workspace = await onboarding.create_workspace(
        database.tenants, CLOCK, "Acme", PlanTier.PORTFOLIO
    )
    return workspace.id


async def connect(database: Database, vault: EnvelopeVault, ws: WorkspaceId) -> Connection:
    return await onboarding.connect_store(
        database.tenants,
        vault,
        CLOCK,
        ws,
        Platform.SHOPIFY,
        f"{uuid.uuid4().hex[:12]}.myshopify.com",
        TOKEN,
    )


def test_satisfies_the_port(feed: PostgresChangeFeed) -> None:
    port: ChangeFeed = feed
    assert port is feed and feed.connected


async def test_every_committed_write_is_noticed(
    database: Database, feed: PostgresChangeFeed, tmp_path: Path
) -> None:
    seen = Recorder(feed)
    vault = LocalVault.from_data_dir(tmp_path, CLOCK)
    ws = await new_workspace(database)
    workspace = Change(ChangeKind.WORKSPACE, ws, ws)
    await until(lambda: seen.about(ws) == [workspace])

    key = (await onboarding.issue_workspace_key(database.tenants, CLOCK, ws)).key
    await until(lambda: Change(ChangeKind.KEY, ws, key.id) in seen.about(ws))
    connection = await connect(database, vault, ws)
    credential = Change(ChangeKind.CREDENTIAL, ws, connection.credential_id)
    changed = Change(ChangeKind.CONNECTION, ws, connection.id)
    await until(lambda: {credential, changed} <= set(seen.about(ws)))

    # Owner-side writers notify too: the re-wrap job's compare-and-swap.
    seen.notices.clear()
    async with database.tenants.unit_of_work(ws) as uow:
        sealed = await uow.credentials.get(connection.credential_id)
    assert sealed is not None
    wrapped = sealed.wrapped_dek
    assert await database.owner.replace_wrapped_key(
        sealed.id, ws, wrapped, sealed.kms_key_id, expected_wrapped_dek=wrapped
    )
    await until(lambda: seen.about(ws) == [credential])

    # Deleting the workspace (an owner job) cascades: every row's own notice arrives.
    seen.notices.clear()
    await database.owner_pool.execute("delete from shopmcp.workspaces where id = $1", ws)
    expected = {workspace, Change(ChangeKind.KEY, ws, key.id), credential, changed}
    await until(lambda: set(seen.about(ws)) == expected)


async def test_a_lost_connection_resets_and_listening_resumes(
    database: Database, feed: PostgresChangeFeed, postgres_admin_url: str
) -> None:
    seen = Recorder(feed)
    pid = feed.backend_pid
    await terminate(postgres_admin_url, pid)
    # One reset when the loss is noticed, one once it listens again.
    await until(lambda: seen.resets() == 2, within=5.0)
    assert feed.connected and feed.backend_pid != pid and feed.reconnects == 1
    ws = await new_workspace(database)
    await until(lambda: seen.about(ws) == [Change(ChangeKind.WORKSPACE, ws, ws)])


async def test_an_unreadable_notice_resets(database: Database, feed: PostgresChangeFeed) -> None:
    seen = Recorder(feed)
    for payload in ("not json", '{"kind": "credential"}', '{"kind":"x","workspace_id":1}'):
        await database.owner_pool.execute("select pg_notify('shopmcp_changes', $1)", payload)
    await until(lambda: seen.resets() == 3)


async def test_start_fails_when_the_database_cannot_be_reached() -> None:
    async def unreachable() -> asyncpg.Connection:
        raise OSError("connection refused")

    feed = PostgresChangeFeed(unreachable)
    with pytest.raises(OSError, match="refused"):
        await feed.start()
    assert not feed.connected
    await feed.stop()


# --------------------------------------------------------------------------- two replicas


class Replica:
    def __init__(self, database: Database, data_dir: Path) -> None:
        self.feed = PostgresChangeFeed(database.connect_tenant)
        self.vault = LocalVault.from_data_dir(data_dir, CLOCK)  # the same master key file

    def cached(self, connection: Connection) -> int:
        return sum(
            1
            for entry in self.vault.cache._entries.values()
            if entry.credential_id == connection.credential_id
        )


@pytest_asyncio.fixture
async def replicas(database: Database, tmp_path: Path) -> AsyncIterator[tuple[Replica, Replica]]:
    pair = (Replica(database, tmp_path), Replica(database, tmp_path))
    for replica in pair:
        await replica.feed.start()
        await replica.vault.start(replica.feed)
    try:
        yield pair
    finally:
        for replica in pair:
            await replica.vault.aclose()
            await replica.feed.stop()


async def opened_on_both(
    database: Database, replicas: tuple[Replica, Replica], connection: Connection
) -> None:
    for replica in replicas:
        lease = VaultCredentialLease(connection, replica.vault, database.tenants)
        assert await lease.current() == TOKEN
        assert replica.cached(connection) == 1


async def test_deleting_a_connection_on_one_replica_evicts_the_key_on_the_other(
    database: Database, replicas: tuple[Replica, Replica]
) -> None:
    a, b = replicas
    ws = await new_workspace(database)
    connection = await connect(database, a.vault, ws)
    kept = await connect(database, a.vault, ws)
    # Let the notices of those inserts pass, so what follows is the deletion's doing.
    await asyncio.sleep(0.2)
    await opened_on_both(database, replicas, connection)
    await opened_on_both(database, replicas, kept)

    assert await onboarding.disconnect_store(database.tenants, a.vault, ws, connection.id)
    assert a.cached(connection) == 0  # at once, in the deleting process
    waited = await until(lambda: b.cached(connection) == 0, within=1.0)
    assert waited < 1.0
    await asyncio.sleep(0.1)
    assert a.cached(kept) == b.cached(kept) == 1


async def test_a_rotation_on_one_replica_evicts_the_old_key_on_the_other(
    database: Database, replicas: tuple[Replica, Replica]
) -> None:
    a, b = replicas
    connection = await connect(database, a.vault, await new_workspace(database))
    await asyncio.sleep(0.2)
    await opened_on_both(database, replicas, connection)

    async def refresh(old: CredentialPayload) -> CredentialPayload:
        return old.replace(access_token="shpat_rotated")

    await VaultCredentialLease(connection, a.vault, database.tenants).rotate(refresh, TOKEN)
    await until(lambda: b.cached(connection) == 0, within=1.0)


async def test_a_lost_feed_connection_clears_the_replica_cache(
    database: Database, replicas: tuple[Replica, Replica], postgres_admin_url: str
) -> None:
    a, b = replicas
    connection = await connect(database, a.vault, await new_workspace(database))
    await asyncio.sleep(0.2)
    await opened_on_both(database, replicas, connection)
    pid = b.feed.backend_pid
    await terminate(postgres_admin_url, pid)
    await until(lambda: not b.vault.cache._entries, within=2.0)
    assert a.cached(connection) == 1  # only the replica that lost its feed resets
    await until(lambda: b.feed.connected and b.feed.backend_pid != pid, within=5.0)


async def test_the_container_runs_the_feed_and_the_vault_follows_it(
    postgres_database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=SecretStr(postgres_database_url), data_dir=tmp_path)
    container = build_container(settings)
    try:
        vault = await resolve(container.vault)
        feed = await resolve(container.change_feed)
        assert isinstance(vault, EnvelopeVault) and isinstance(feed, PostgresChangeFeed)
        assert feed.connected and feed.subscribers == 1 and vault.cache.sweeping
        database = await resolve(container.database)
        ws = await new_workspace(database)
        connection = await connect(database, vault, ws)
        # The insert's own notice arrives through the feed and drops the sealing's data key.
        await until(lambda: not vault.cache._entries)
        await VaultCredentialLease(connection, vault, database.tenants).current()
        # A write by another process (here: raw SQL) reaches this vault through the feed.
        async with database.tenants.unit_of_work(ws) as uow:
            await uow.connection.execute(
                "update shopmcp.credentials set updated_at = now() where id = $1",
                connection.credential_id,
            )
        await until(lambda: not vault.cache._entries)
    finally:
        await resolve(container.shutdown_resources)
    assert not feed.connected and feed.subscribers == 0 and not vault.cache.sweeping
