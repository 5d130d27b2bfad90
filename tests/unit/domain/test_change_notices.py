"""The in-memory tenant store's change notices, exactly and in order (delivery is synchronous
here): the reference semantics. The port suite both feeds pass is
``tests/ports/change_feed.py``."""

from __future__ import annotations

import logging

import attrs
import pytest

from shopmcp_adapters.changes import ChangeFanout
from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryChangeFeed, InMemoryTenantStore
from shopmcp_domain.changes import Change, ChangeKind, ChangeNotice, FeedReset
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.keys import KeyScopes, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from tests.factories import NOW, make_workspace

TOKEN = CredentialPayload({"access_token": "t"})
NOW_CLOCK = FakeClock(NOW)


class Recorder:
    def __init__(self, feed: InMemoryChangeFeed) -> None:
        self.notices: list[ChangeNotice] = []
        self.unsubscribe = feed.subscribe(self.notices.append)

    def take(self) -> list[ChangeNotice]:
        taken = list(self.notices)
        self.notices.clear()
        return taken


@pytest.fixture
def feed() -> InMemoryChangeFeed:
    return InMemoryChangeFeed()


async def test_every_kind_of_write_sends_its_notice(feed: InMemoryChangeFeed) -> None:
    store, vault, seen = InMemoryTenantStore(feed), FakeVault(), Recorder(feed)
    workspace = make_workspace()
    ws = workspace.id
    async with store.unit_of_work(ws) as uow:
        await uow.workspaces.add(workspace)
    assert seen.take() == [Change(ChangeKind.WORKSPACE, ws, ws)]

    await onboarding.set_writes(store, ws, Platform.SHOPIFY, True)
    assert seen.take() == [Change(ChangeKind.WORKSPACE, ws, ws)]

    issued = await onboarding.issue_workspace_key(store, NOW_CLOCK, ws)
    assert seen.take() == [Change(ChangeKind.KEY, ws, issued.key.id)]
    async with store.unit_of_work(ws) as uow:
        assert await uow.keys.revoke(issued.key.id, NOW)
    assert seen.take() == [Change(ChangeKind.KEY, ws, issued.key.id)]

    connection = await onboarding.connect_store(
        store, vault, NOW_CLOCK, ws, Platform.SHOPIFY, "acme.myshopify.com", TOKEN
    )
    credential = Change(ChangeKind.CREDENTIAL, ws, connection.credential_id)
    changed = Change(ChangeKind.CONNECTION, ws, connection.id)
    assert set(seen.take()) == {credential, changed}

    async with store.unit_of_work(ws) as uow:
        await uow.connections.update(connection.with_status(connection.status))
    assert seen.take() == [changed]
    async with store.unit_of_work(ws) as uow:
        sealed = await uow.credentials.get(connection.credential_id)
        assert sealed is not None
        await uow.credentials.replace(attrs.evolve(sealed, generation=2))
        await uow.connections.advance_credential_generation(connection.id, 2)
    assert set(seen.take()) == {credential, changed}

    assert await onboarding.disconnect_store(store, vault, ws, connection.id)
    assert set(seen.take()) == {credential, changed}

    # Playbooks and usage are not cached anywhere: no notice.
    await onboarding.add_playbook(store, NOW_CLOCK, ws, "p", "d", "t")
    assert seen.take() == []


async def test_a_rolled_back_unit_of_work_sends_nothing(feed: InMemoryChangeFeed) -> None:
    store, seen = InMemoryTenantStore(feed), Recorder(feed)
    workspace = make_workspace()
    with pytest.raises(RuntimeError):
        async with store.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
            raise RuntimeError("rolled back")
    assert seen.take() == []


async def test_notices_wait_for_the_commit_and_come_once(feed: InMemoryChangeFeed) -> None:
    store, seen = InMemoryTenantStore(feed), Recorder(feed)
    workspace = make_workspace()
    async with store.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        key = issue_key(workspace.id, NOW, KeyScopes()).key
        await uow.keys.add(key)
        await uow.keys.revoke(key.id, NOW)
        await uow.workspaces.update(workspace)
        assert seen.take() == []  # not yet committed
    assert seen.take() == [
        Change(ChangeKind.WORKSPACE, workspace.id, workspace.id),
        Change(ChangeKind.KEY, workspace.id, key.id),
    ]


async def test_unsubscribed_listeners_hear_nothing(feed: InMemoryChangeFeed) -> None:
    seen = Recorder(feed)
    seen.unsubscribe()
    seen.unsubscribe()  # twice is harmless
    feed.publish(FeedReset())
    assert seen.take() == []


def test_a_failing_listener_does_not_stop_the_others(caplog: pytest.LogCaptureFixture) -> None:
    fanout = ChangeFanout()
    heard: list[ChangeNotice] = []

    def broken(_: ChangeNotice) -> None:
        raise RuntimeError("listener bug")

    fanout.subscribe(broken)
    fanout.subscribe(heard.append)
    with caplog.at_level(logging.ERROR, logger="shopmcp.changes"):
        fanout.publish(FeedReset())
    assert heard == [FeedReset()]
    assert "listener failed" in caplog.text
    # The same function may subscribe twice and is called twice.
    fanout.subscribe(heard.append)
    fanout.publish(FeedReset())
    assert len(heard) == 3
