"""A deleted or re-sealed credential's data key leaves every cache: at once in the process that
deleted it, through the change feed in every other one (here: the in-memory feed and two vaults
standing for two replicas), and on a timer once it expires even if nothing touches the cache."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryChangeFeed, InMemoryTenantStore
from shopmcp_adapters.vault import EnvelopeVault, LocalVault
from shopmcp_domain.changes import Change, ChangeKind, FeedReset
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.ids import new_credential_id, new_workspace_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ChangeFeed
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.credentials import VaultCredentialLease

TOKEN = CredentialPayload({"access_token": "shpat_replicated"})


def cached(vault: EnvelopeVault, connection: Connection) -> int:
    """How many data keys ``vault`` holds for the connection's credential (read without
    evicting anything)."""
    return sum(
        1
        for entry in vault.cache._entries.values()
        if entry.workspace_id == connection.workspace_id
        and entry.credential_id == connection.credential_id
    )


class Replicas:
    """Two vaults over the same master keys and one tenant store, each following the feed."""

    def __init__(self, data_dir: Path, clock: FakeClock) -> None:
        self.feed = InMemoryChangeFeed()
        self.store = InMemoryTenantStore(feed=self.feed)
        self.clock = clock
        self.a = LocalVault.from_data_dir(data_dir, clock)
        self.b = LocalVault.from_data_dir(data_dir, clock)

    async def connect(self, store_ref: str = "acme.myshopify.com") -> Connection:
        workspace = await onboarding.create_workspace(self.store, self.clock, "Acme")
        return await onboarding.connect_store(
            self.store, self.a, self.clock, workspace.id, Platform.SHOPIFY, store_ref, TOKEN
        )

    async def open_on_both(self, connection: Connection) -> None:
        for vault in (self.a, self.b):
            assert await VaultCredentialLease(connection, vault, self.store).current() == TOKEN
            assert cached(vault, connection) == 1


@pytest.fixture
async def replicas(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Replicas]:
    pair = Replicas(tmp_path, clock)
    await pair.a.start(pair.feed)
    await pair.b.start(pair.feed)
    yield pair
    await pair.a.aclose()
    await pair.b.aclose()


def test_the_in_memory_feed_satisfies_the_port() -> None:
    feed: ChangeFeed = InMemoryChangeFeed()
    assert feed is not None


async def test_deleting_a_connection_evicts_its_key_on_every_replica(replicas: Replicas) -> None:
    connection = await replicas.connect()
    kept = await replicas.connect("other.myshopify.com")
    await replicas.open_on_both(connection)
    await replicas.open_on_both(kept)
    assert await onboarding.disconnect_store(
        replicas.store, replicas.a, connection.workspace_id, connection.id
    )
    assert cached(replicas.a, connection) == 0
    assert cached(replicas.b, connection) == 0
    assert cached(replicas.a, kept) == cached(replicas.b, kept) == 1


async def test_the_deleting_process_evicts_at_once_without_a_feed(
    tmp_path: Path, clock: FakeClock
) -> None:
    pair = Replicas(tmp_path, clock)
    pair.store.feed = None  # no notices at all: only the local eviction can work
    connection = await pair.connect()
    await pair.open_on_both(connection)
    assert await onboarding.disconnect_store(
        pair.store, pair.a, connection.workspace_id, connection.id
    )
    assert cached(pair.a, connection) == 0
    assert cached(pair.b, connection) == 1  # what the feed is for


async def test_a_rotation_evicts_the_old_key_on_the_other_replica(replicas: Replicas) -> None:
    connection = await replicas.connect()
    await replicas.open_on_both(connection)
    lease = VaultCredentialLease(connection, replicas.a, replicas.store)

    async def refresh(old: CredentialPayload) -> CredentialPayload:
        return old.replace(access_token="shpat_next")

    await lease.rotate(refresh, TOKEN)
    assert cached(replicas.b, connection) == 0


async def test_a_reset_notice_clears_every_cache(replicas: Replicas) -> None:
    connection = await replicas.connect()
    await replicas.open_on_both(connection)
    replicas.feed.publish(FeedReset())
    assert not replicas.a.cache._entries and not replicas.b.cache._entries


async def test_notices_about_anything_else_keep_the_key(replicas: Replicas) -> None:
    connection = await replicas.connect()
    await replicas.open_on_both(connection)
    ws = connection.workspace_id
    for notice in (
        Change(ChangeKind.CREDENTIAL, ws, new_credential_id()),
        Change(ChangeKind.CREDENTIAL, new_workspace_id(), connection.credential_id),
        Change(ChangeKind.CONNECTION, ws, connection.id),
        Change(ChangeKind.KEY, ws, new_credential_id()),
        Change(ChangeKind.WORKSPACE, ws, ws),
    ):
        replicas.feed.publish(notice)
    assert cached(replicas.b, connection) == 1
    replicas.feed.publish(Change(ChangeKind.CREDENTIAL, ws, connection.credential_id))
    assert cached(replicas.b, connection) == 0


async def test_a_closed_vault_follows_nothing_and_sweeps_nothing(
    tmp_path: Path, clock: FakeClock
) -> None:
    feed = InMemoryChangeFeed()
    vault = LocalVault.from_data_dir(tmp_path, clock)
    await vault.start(feed)
    await vault.start(feed)  # idempotent: one subscription
    assert feed.subscribers == 1 and vault.cache.sweeping
    context = EncryptionContext(new_workspace_id(), new_credential_id())
    await vault.seal(context, TOKEN)
    await vault.aclose()
    assert feed.subscribers == 0 and not vault.cache.sweeping
    assert not vault.cache._entries  # nothing plaintext outlives the vault's lifetime


async def test_the_vault_sweeps_expired_keys_without_being_touched(
    tmp_path: Path, clock: FakeClock
) -> None:
    vault = LocalVault.from_data_dir(tmp_path, clock)
    await vault.start()
    try:
        await vault.seal(EncryptionContext(new_workspace_id(), new_credential_id()), TOKEN)
        assert len(vault.cache._entries) == 1
        clock.advance(60)
        started = time.monotonic()
        while vault.cache._entries:
            assert time.monotonic() - started < 1.0, "still cached a second after expiry"
            await asyncio.sleep(0.01)
    finally:
        await vault.aclose()


async def test_disconnect_store_tells_the_vault_after_deleting(clock: FakeClock) -> None:
    store, vault = InMemoryTenantStore(), FakeVault()
    workspace = await onboarding.create_workspace(store, clock, "Acme")
    connection = await onboarding.connect_store(
        store, vault, clock, workspace.id, Platform.SHOPIFY, "acme.myshopify.com", TOKEN
    )
    assert await onboarding.disconnect_store(store, vault, workspace.id, connection.id)
    assert vault.forgotten_credentials == [(workspace.id, connection.credential_id)]
    async with store.unit_of_work(workspace.id) as uow:
        assert await uow.connections.get(connection.id) is None
        assert await uow.credentials.get(connection.credential_id) is None
    # Nothing to delete: nothing forgotten.
    assert not await onboarding.disconnect_store(store, vault, workspace.id, connection.id)
    assert len(vault.forgotten_credentials) == 1
