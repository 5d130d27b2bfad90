"""The ChangeFeed port's suite: every committed write of a row some replica may cache (a
credential, connection, key or workspace) reaches every subscriber, once per row and
transaction; a rolled-back write, or a row nobody caches, sends nothing.

Run on ``InMemoryChangeFeed`` with the in-memory store (``tests/unit/domain``, where delivery
is synchronous) and on ``PostgresChangeFeed`` with the PostgreSQL store, whose row triggers
notify (``tests/integration/postgres``, delivered within about a second). What only the
PostgreSQL feed does (owner-side writers, cascades, reconnecting, unreadable notices) is in
``tests/integration/postgres/test_change_feed.py``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import attrs
import pytest

from shopmcp_domain.changes import Change, ChangeKind, ChangeNotice
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.keys import KeyScopes, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ChangeFeed,
    Clock,
    CredentialVault,
    TenantRepository,
)
from shopmcp_domain.services import onboarding

TOKEN = CredentialPayload({"access_token": "shpat_change_feed"})


@attrs.define
class FeedWorld:
    """A feed and the store whose commits it reports (the feed may be shared with other
    tests' workspaces: the suite only looks at its own)."""

    name: str
    feed: ChangeFeed
    tenants: TenantRepository
    vault: CredentialVault
    clock: Clock


class Recorder:
    def __init__(self, feed: ChangeFeed) -> None:
        self.notices: list[ChangeNotice] = []
        self.unsubscribe = feed.subscribe(self.notices.append)

    def about(self, workspace_id: WorkspaceId) -> list[Change]:
        return [n for n in self.notices if isinstance(n, Change) and n.workspace_id == workspace_id]

    async def expect(self, workspace_id: WorkspaceId, *changes: Change) -> None:
        """Wait until exactly ``changes`` (in any order) have arrived for the workspace since
        the last call, then start counting afresh."""
        wanted = sorted(changes, key=repr)
        await until(lambda: sorted(self.about(workspace_id), key=repr) == wanted)
        # In place: the feed holds this very list's append.
        self.notices[:] = [n for n in self.notices if n not in self.about(workspace_id)]


async def until(condition: Callable[[], bool], within: float = 2.0) -> None:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < within, f"not within {within}s"
        await asyncio.sleep(0.01)


class ChangeFeedSuite:
    async def test_every_kind_of_cached_row_written_sends_its_notice(
        self, world: FeedWorld
    ) -> None:
        seen = Recorder(world.feed)
        ws = (await onboarding.create_workspace(world.tenants, world.clock, "Acme")).id
        await seen.expect(ws, Change(ChangeKind.WORKSPACE, ws, ws))

        await onboarding.set_writes(world.tenants, ws, Platform.SHOPIFY, True)
        await seen.expect(ws, Change(ChangeKind.WORKSPACE, ws, ws))

        issued = await onboarding.issue_workspace_key(world.tenants, world.clock, ws)
        await seen.expect(ws, Change(ChangeKind.KEY, ws, issued.key.id))
        async with world.tenants.unit_of_work(ws) as uow:
            assert await uow.keys.revoke(issued.key.id, world.clock.now())
        await seen.expect(ws, Change(ChangeKind.KEY, ws, issued.key.id))

        connection = await onboarding.connect_store(
            world.tenants,
            world.vault,
            world.clock,
            ws,
            Platform.SHOPIFY,
            f"{str(ws)[:12]}.myshopify.com",
            TOKEN,
        )
        credential = Change(ChangeKind.CREDENTIAL, ws, connection.credential_id)
        changed = Change(ChangeKind.CONNECTION, ws, connection.id)
        await seen.expect(ws, credential, changed)

        async with world.tenants.unit_of_work(ws) as uow:
            await uow.connections.update(connection.with_status(connection.status))
        await seen.expect(ws, changed)
        async with world.tenants.unit_of_work(ws) as uow:
            sealed = await uow.credentials.get(connection.credential_id)
            assert sealed is not None
            await uow.credentials.replace(attrs.evolve(sealed, generation=2))
            await uow.connections.advance_credential_generation(connection.id, 2)
        await seen.expect(ws, credential, changed)

        assert await onboarding.disconnect_store(world.tenants, world.vault, ws, connection.id)
        await seen.expect(ws, credential, changed)

        # Playbooks are cached nowhere: no notice (the next write's notice would follow it).
        await onboarding.add_playbook(world.tenants, world.clock, ws, "p", "d", "t")
        await onboarding.set_writes(world.tenants, ws, Platform.SHOPIFY, False)
        await seen.expect(ws, Change(ChangeKind.WORKSPACE, ws, ws))

    async def test_a_rolled_back_unit_of_work_sends_nothing(self, world: FeedWorld) -> None:
        seen = Recorder(world.feed)
        ws = (await onboarding.create_workspace(world.tenants, world.clock, "Acme")).id
        await seen.expect(ws, Change(ChangeKind.WORKSPACE, ws, ws))
        key = issue_key(ws, world.clock.now(), KeyScopes()).key
        with pytest.raises(RuntimeError):
            async with world.tenants.unit_of_work(ws) as uow:
                await uow.keys.add(key)
                raise RuntimeError("rolled back")
        # Notices arrive in commit order: once a later commit's is here, an earlier one would be.
        await onboarding.set_writes(world.tenants, ws, Platform.SHOPIFY, True)
        await seen.expect(ws, Change(ChangeKind.WORKSPACE, ws, ws))

    async def test_a_row_written_often_in_one_unit_of_work_is_noticed_once_on_commit(
        self, world: FeedWorld
    ) -> None:
        seen = Recorder(world.feed)
        ws = (await onboarding.create_workspace(world.tenants, world.clock, "Acme")).id
        await seen.expect(ws, Change(ChangeKind.WORKSPACE, ws, ws))
        key = issue_key(ws, world.clock.now(), KeyScopes()).key
        async with world.tenants.unit_of_work(ws) as uow:
            workspace = await uow.workspaces.get()
            assert workspace is not None
            await uow.keys.add(key)
            await uow.keys.revoke(key.id, world.clock.now())
            await uow.workspaces.update(workspace.enable_writes(Platform.MAGENTO))
            await uow.workspaces.update(workspace)
            await asyncio.sleep(0.05)
            assert seen.about(ws) == []  # not yet committed
        await seen.expect(
            ws, Change(ChangeKind.WORKSPACE, ws, ws), Change(ChangeKind.KEY, ws, key.id)
        )
        # Nothing more follows: the next commit's notice is the next one to arrive.
        await onboarding.set_writes(world.tenants, ws, Platform.SHOPIFY, True)
        await seen.expect(ws, Change(ChangeKind.WORKSPACE, ws, ws))

    async def test_an_unsubscribed_listener_hears_nothing(self, world: FeedWorld) -> None:
        gone, staying = Recorder(world.feed), Recorder(world.feed)
        gone.unsubscribe()
        gone.unsubscribe()  # twice is harmless
        ws = (await onboarding.create_workspace(world.tenants, world.clock, "Acme")).id
        await staying.expect(ws, Change(ChangeKind.WORKSPACE, ws, ws))
        assert gone.notices == []
