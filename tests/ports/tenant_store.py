"""TenantRepository, MeterOutbox and the MCP runtime's ScopeSource and AuditLog: one
behavioural suite, run against the
in-memory fake (``tests/unit/domain``) and the PostgreSQL adapter (``tests/integration/postgres``),
so the fake the unit tests trust is proven to behave like the real store. A store may be shared
with other tests (the PostgreSQL one is session-wide): every test makes its own workspaces and
never assumes a table is empty."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import attrs
import pytest

from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.credentials import SealedCredential
from shopmcp_domain.errors import (
    Conflict,
    CrossTenantWrite,
    NotFound,
    UsageStatus,
)
from shopmcp_domain.ids import (
    WorkspaceId,
    new_connection_id,
    new_credential_id,
    new_playbook_id,
    new_usage_event_id,
    new_workspace_id,
)
from shopmcp_domain.keys import Access, KeyScopes, McpKey, issue_key
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_steps import ForEach, ReconcileSide, ReconcileStep, ToolStep
from shopmcp_domain.playbooks import Playbook, PlaybookArgument, PlaybookMode
from shopmcp_domain.ports import (
    AuditLog,
    MeterOutbox,
    ScopeSource,
    TenantRepository,
)
from shopmcp_domain.usage import MAX_METER_ATTEMPTS, MeterRecord, UsageEvent
from shopmcp_domain.workspaces import Workspace
from tests.factories import NOW, make_workspace


@attrs.frozen
class Ports:
    kind: str
    tenants: TenantRepository
    scopes: ScopeSource
    outbox: MeterOutbox
    audit: AuditLog

    async def key_by_prefix(self, prefix: str) -> McpKey | None:
        record = await self.scopes.load(prefix)
        return None if record is None else record.key

    async def new_workspace(
        self,
        *,
        plan: PlanTier = PlanTier.SOLO,
        write_enabled: frozenset[Platform] = frozenset(),
        billing_customer_id: str | None = None,
    ) -> Workspace:
        workspace = attrs.evolve(
            make_workspace(plan, write_enabled), billing_customer_id=billing_customer_id
        )
        async with self.tenants.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
        return workspace

    async def drain(self) -> None:
        """Settle every pending meter record (the PostgreSQL database is session-wide)."""
        while pending := await self.outbox.claim(1000):
            await self.outbox.mark_sent([p.record.usage_event_id for p in pending])


def sealed_for(workspace_id: WorkspaceId, marker: bytes = b"1") -> SealedCredential:
    return SealedCredential(
        id=new_credential_id(),
        workspace_id=workspace_id,
        ciphertext=b"ciphertext-" + marker,
        nonce=b"n" * 12,
        wrapped_dek=b"wrapped-" + marker,
        kms_key_id="local:key-1",
    )


def connection_for(
    workspace_id: WorkspaceId,
    credential: SealedCredential,
    platform: Platform = Platform.SHOPIFY,
    store_ref: str | None = None,
    created_at: dt.datetime = NOW,
) -> Connection:
    return Connection(
        id=new_connection_id(),
        workspace_id=workspace_id,
        platform=platform,
        store_ref=store_ref or f"{uuid.uuid4().hex[:10]}.myshopify.com",
        credential_id=credential.id,
        created_at=created_at,
        scopes=frozenset({"read_orders", "read_products"}),
    )


def usage_event(
    workspace_id: WorkspaceId,
    created_at: dt.datetime = NOW,
    status: UsageStatus = UsageStatus.OK,
    tool: str = "shopify_get_order",
    cache_hit: bool = False,
) -> UsageEvent:
    return UsageEvent(
        id=new_usage_event_id(),
        workspace_id=workspace_id,
        key_prefix="abcdefghijkl",
        tool=tool,
        connection_id=None,
        latency_ms=12.5,
        status=status,
        error_class=None if status is UsageStatus.OK else "UpstreamError",
        created_at=created_at,
        cache_hit=cache_hit,
    )


def playbook_for(workspace_id: WorkspaceId, name: str) -> Playbook:
    return Playbook(
        id=new_playbook_id(),
        workspace_id=workspace_id,
        name=name,
        description="Weekly sales summary",
        template="Summarise sales for {store} since {since}.",
        created_at=NOW,
        arguments=(
            PlaybookArgument("store", "which store"),
            PlaybookArgument("since", required=False),
        ),
    )


class Boom(Exception):
    pass


class TenantStoreSuite:
    # --------------------------------------------------------------------------- workspaces

    async def test_workspace_round_trips_and_is_invisible_to_other_workspaces(
        self, ports: Ports
    ) -> None:
        workspace = await ports.new_workspace(
            plan=PlanTier.BRAND,
            write_enabled=frozenset({Platform.SHOPIFY, Platform.XERO}),
            billing_customer_id="cus_123",
        )
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert await uow.workspaces.get() == workspace
        async with ports.tenants.unit_of_work(new_workspace_id()) as uow:
            assert await uow.workspaces.get() is None

    async def test_workspace_add_twice_conflicts(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            with pytest.raises(Conflict):
                await uow.workspaces.add(workspace)

    async def test_workspace_of_another_id_is_refused(self, ports: Ports) -> None:
        mine, theirs = make_workspace(), await ports.new_workspace()
        async with ports.tenants.unit_of_work(mine.id) as uow:
            with pytest.raises(CrossTenantWrite):
                await uow.workspaces.add(make_workspace())
            with pytest.raises(CrossTenantWrite):
                await uow.workspaces.update(theirs.change_plan(PlanTier.PORTFOLIO))
        async with ports.tenants.unit_of_work(theirs.id) as uow:
            assert await uow.workspaces.get() == theirs

    async def test_workspace_update(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        changed = attrs.evolve(
            workspace.change_plan(PlanTier.PORTFOLIO).enable_writes(Platform.MAGENTO),
            billing_customer_id="cus_9",
        ).mark_pending_deletion()
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.workspaces.update(changed)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert await uow.workspaces.get() == changed

        missing = make_workspace()
        async with ports.tenants.unit_of_work(missing.id) as uow:
            with pytest.raises(NotFound):
                await uow.workspaces.update(missing)

    # --------------------------------------------------------------------------- connections

    async def test_connection_with_credential_round_trips(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        first = sealed_for(workspace.id, b"a")
        second = sealed_for(workspace.id, b"b")
        c1 = connection_for(workspace.id, first, created_at=NOW)
        c2 = connection_for(
            workspace.id,
            second,
            Platform.XERO,
            "tenant-1",
            created_at=NOW + dt.timedelta(seconds=1),
        )
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.connections.add(c2, second)
            await uow.connections.add(c1, first)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert list(await uow.connections.list()) == [c1, c2]
            assert await uow.connections.get(c1.id) == c1
            assert await uow.connections.get(new_connection_id()) is None
            assert await uow.credentials.get(first.id) == first
            assert await uow.credentials.get(second.id, for_update=True) == second
            assert sorted(await uow.credentials.list(), key=lambda c: str(c.id)) == sorted(
                [first, second], key=lambda c: str(c.id)
            )
        other = await ports.new_workspace()
        async with ports.tenants.unit_of_work(other.id) as uow:
            assert list(await uow.credentials.list()) == []

    async def test_connections_are_scoped_to_their_workspace(self, ports: Ports) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        sealed = sealed_for(a.id)
        connection = connection_for(a.id, sealed, store_ref="shared.myshopify.com")
        async with ports.tenants.unit_of_work(a.id) as uow:
            await uow.connections.add(connection, sealed)
        async with ports.tenants.unit_of_work(b.id) as uow:
            assert list(await uow.connections.list()) == []
            assert await uow.connections.get(connection.id) is None
            assert await uow.credentials.get(sealed.id) is None
            assert await uow.connections.delete(connection.id) is False
            # The same store may be connected by another workspace: uniqueness is per workspace.
            other = sealed_for(b.id)
            await uow.connections.add(
                connection_for(b.id, other, store_ref="shared.myshopify.com"), other
            )
        async with ports.tenants.unit_of_work(a.id) as uow:
            assert list(await uow.connections.list()) == [connection]

    async def test_duplicate_store_conflicts_and_the_unit_of_work_goes_on(
        self, ports: Ports
    ) -> None:
        workspace = await ports.new_workspace()
        sealed = sealed_for(workspace.id)
        connection = connection_for(workspace.id, sealed, store_ref="dup.myshopify.com")
        again = sealed_for(workspace.id)
        playbook = playbook_for(workspace.id, "after-conflict")
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.connections.add(connection, sealed)
            with pytest.raises(Conflict):
                await uow.connections.add(
                    connection_for(workspace.id, again, store_ref="dup.myshopify.com"), again
                )
            await uow.playbooks.add(playbook)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert list(await uow.connections.list()) == [connection]
            assert await uow.credentials.get(again.id) is None
            assert await uow.playbooks.get_by_name("after-conflict") == playbook

    async def test_connection_refusals(self, ports: Ports) -> None:
        workspace, other = await ports.new_workspace(), await ports.new_workspace()
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            sealed = sealed_for(workspace.id)
            mismatched = connection_for(workspace.id, sealed_for(workspace.id))
            with pytest.raises(ValueError, match="differ"):
                await uow.connections.add(mismatched, sealed)
            foreign = sealed_for(other.id)
            with pytest.raises(CrossTenantWrite):
                await uow.connections.add(connection_for(other.id, foreign), foreign)
            with pytest.raises(NotFound):
                await uow.connections.update(connection_for(workspace.id, sealed))
        async with ports.tenants.unit_of_work(other.id) as uow:
            assert list(await uow.connections.list()) == []

        unborn = new_workspace_id()
        async with ports.tenants.unit_of_work(unborn) as uow:
            sealed = sealed_for(unborn)
            with pytest.raises(NotFound):
                await uow.connections.add(connection_for(unborn, sealed), sealed)

    async def test_connection_update_and_cross_tenant_update(self, ports: Ports) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        sealed = sealed_for(a.id)
        connection = connection_for(a.id, sealed)
        async with ports.tenants.unit_of_work(a.id) as uow:
            await uow.connections.add(connection, sealed)
            await uow.connections.update(connection.with_status(ConnectionStatus.NEEDS_REAUTH))
        async with ports.tenants.unit_of_work(b.id) as uow:
            with pytest.raises(CrossTenantWrite):
                await uow.connections.update(connection.with_status(ConnectionStatus.DISABLED))
        async with ports.tenants.unit_of_work(a.id) as uow:
            stored = await uow.connections.get(connection.id)
            assert stored is not None and stored.status is ConnectionStatus.NEEDS_REAUTH

    async def test_deleting_a_connection_deletes_its_credential(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        sealed = sealed_for(workspace.id)
        connection = connection_for(workspace.id, sealed)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.connections.add(connection, sealed)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert await uow.connections.delete(connection.id) is True
            assert await uow.connections.delete(connection.id) is False
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert await uow.connections.get(connection.id) is None
            assert await uow.credentials.get(sealed.id) is None

    # --------------------------------------------------------------------------- credentials

    async def test_credential_replace(self, ports: Ports) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        sealed = sealed_for(a.id, b"old")
        async with ports.tenants.unit_of_work(a.id) as uow:
            await uow.connections.add(connection_for(a.id, sealed), sealed)
        fresh = attrs.evolve(sealed, ciphertext=b"new-ct", wrapped_dek=b"new-dek", kms_key_id="k2")
        async with ports.tenants.unit_of_work(a.id) as uow:
            assert await uow.credentials.get(sealed.id, for_update=True) == sealed
            await uow.credentials.replace(fresh)
            with pytest.raises(NotFound):
                await uow.credentials.replace(sealed_for(a.id))
        async with ports.tenants.unit_of_work(b.id) as uow:
            with pytest.raises(CrossTenantWrite):
                await uow.credentials.replace(attrs.evolve(fresh, ciphertext=b"evil"))
        async with ports.tenants.unit_of_work(a.id) as uow:
            assert await uow.credentials.get(sealed.id) == fresh

    async def test_credential_generations_round_trip_and_only_go_up(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        sealed = sealed_for(workspace.id)
        connection = connection_for(workspace.id, sealed)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.connections.add(connection, sealed)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            first = await uow.credentials.get(sealed.id)
            assert first is not None and first.generation == 1
            assert [c.credential_generation for c in await uow.connections.list()] == [1]
            await uow.credentials.replace(attrs.evolve(sealed, ciphertext=b"ct-2", generation=2))
            await uow.connections.advance_credential_generation(connection.id, 2)
            for not_higher in (2, 1):
                with pytest.raises(Conflict):
                    await uow.connections.advance_credential_generation(connection.id, not_higher)
            with pytest.raises(NotFound):
                await uow.connections.advance_credential_generation(new_connection_id(), 3)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            # A connection read before the rotation and written back after it: the generation
            # the rotation recorded stays.
            await uow.connections.update(connection.with_status(ConnectionStatus.DISABLED))
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            stored = await uow.connections.get(connection.id)
            credential = await uow.credentials.get(sealed.id)
            listed = await uow.credentials.list()
        assert stored is not None and credential is not None
        assert (stored.status, stored.credential_generation) == (ConnectionStatus.DISABLED, 2)
        assert credential.generation == 2
        assert [c.generation for c in listed] == [2]

    async def test_another_workspace_cannot_advance_a_generation(self, ports: Ports) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        sealed = sealed_for(a.id)
        connection = connection_for(a.id, sealed)
        async with ports.tenants.unit_of_work(a.id) as uow:
            await uow.connections.add(connection, sealed)
        async with ports.tenants.unit_of_work(b.id) as uow:
            with pytest.raises(NotFound):
                await uow.connections.advance_credential_generation(connection.id, 2)
        async with ports.tenants.unit_of_work(a.id) as uow:
            stored = await uow.connections.get(connection.id)
        assert stored is not None and stored.credential_generation == 1

    # --------------------------------------------------------------------------- keys

    async def test_keys_add_list_revoke_and_directory(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        scopes = KeyScopes(access=frozenset({Access.READ}), platforms=frozenset({Platform.XERO}))
        first = issue_key(workspace.id, NOW, scopes, name="claude").key
        second = issue_key(workspace.id, NOW + dt.timedelta(seconds=1)).key
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.keys.add(second)
            await uow.keys.add(first)
        assert await ports.key_by_prefix(first.prefix) == first
        assert await ports.key_by_prefix("zzzzzzzzzzzz") is None

        revoked_at = NOW + dt.timedelta(hours=1)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert list(await uow.keys.list()) == [first, second]
            assert await uow.keys.revoke(first.id, revoked_at) is True
            assert await uow.keys.revoke(first.id, revoked_at) is False
        found = await ports.key_by_prefix(first.prefix)
        assert found is not None and found.revoked_at == revoked_at and found.is_revoked

    async def test_key_prefix_is_unique_across_workspaces(self, ports: Ports) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        key = issue_key(a.id, NOW).key
        async with ports.tenants.unit_of_work(a.id) as uow:
            await uow.keys.add(key)
        clash = attrs.evolve(issue_key(b.id, NOW).key, prefix=key.prefix)
        async with ports.tenants.unit_of_work(b.id) as uow:
            with pytest.raises(Conflict):
                await uow.keys.add(clash)
            assert list(await uow.keys.list()) == []
            # Nor can B revoke A's key.
            assert await uow.keys.revoke(key.id, NOW) is False
        found = await ports.key_by_prefix(key.prefix)
        assert found == key

    async def test_key_prefix_unique_within_one_unit_of_work(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        key = issue_key(workspace.id, NOW).key
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.keys.add(key)
            with pytest.raises(Conflict):
                await uow.keys.add(
                    attrs.evolve(issue_key(workspace.id, NOW).key, prefix=key.prefix)
                )
            assert list(await uow.keys.list()) == [key]

    async def test_key_refusals(self, ports: Ports) -> None:
        workspace, other = await ports.new_workspace(), await ports.new_workspace()
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            with pytest.raises(CrossTenantWrite):
                await uow.keys.add(issue_key(other.id, NOW).key)
        unborn = new_workspace_id()
        async with ports.tenants.unit_of_work(unborn) as uow:
            with pytest.raises(NotFound):
                await uow.keys.add(issue_key(unborn, NOW).key)

    # --------------------------------------------------------------------------- usage

    async def test_usage_recent_is_newest_first_limited_and_scoped(self, ports: Ports) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        events = [usage_event(a.id, NOW + dt.timedelta(seconds=i)) for i in range(5)]
        async with ports.tenants.unit_of_work(a.id) as uow:
            for event in events:
                await uow.usage.record(event, MeterRecord.for_event(event))
        async with ports.tenants.unit_of_work(b.id) as uow:
            await uow.usage.record(
                e := usage_event(b.id, NOW + dt.timedelta(seconds=99)), MeterRecord.for_event(e)
            )
        async with ports.tenants.unit_of_work(a.id) as uow:
            assert list(await uow.usage.recent(3)) == events[::-1][:3]
            assert list(await uow.usage.recent()) == events[::-1]

    async def test_usage_records_whether_the_read_cache_answered(self, ports: Ports) -> None:
        a = await ports.new_workspace()
        hit = usage_event(a.id, NOW, tool="xero_list_invoices", cache_hit=True)
        miss = usage_event(a.id, NOW + dt.timedelta(seconds=1), tool="xero_list_invoices")
        async with ports.tenants.unit_of_work(a.id) as uow:
            for event in (hit, miss):
                await uow.usage.record(event, MeterRecord.for_event(event))
        async with ports.tenants.unit_of_work(a.id) as uow:
            assert [(e.id, e.cache_hit) for e in await uow.usage.recent()] == [
                (miss.id, False),
                (hit.id, True),
            ]

    async def test_usage_refusals(self, ports: Ports) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        async with ports.tenants.unit_of_work(a.id) as uow:
            foreign = usage_event(b.id)
            with pytest.raises(CrossTenantWrite):
                await uow.usage.record(foreign, MeterRecord.for_event(foreign))
        async with ports.tenants.unit_of_work(b.id) as uow:
            assert list(await uow.usage.recent()) == []
        unborn = new_workspace_id()
        async with ports.tenants.unit_of_work(unborn) as uow:
            event = usage_event(unborn)
            with pytest.raises(NotFound):
                await uow.usage.record(event, MeterRecord.for_event(event))

    # --------------------------------------------------------------------------- playbooks

    async def test_playbooks(self, ports: Ports) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        weekly, daily = playbook_for(a.id, "weekly"), playbook_for(a.id, "daily")
        async with ports.tenants.unit_of_work(a.id) as uow:
            await uow.playbooks.add(weekly)
            await uow.playbooks.add(daily)
            with pytest.raises(Conflict):
                await uow.playbooks.add(playbook_for(a.id, "weekly"))
            with pytest.raises(CrossTenantWrite):
                await uow.playbooks.add(playbook_for(b.id, "monthly"))
        async with ports.tenants.unit_of_work(b.id) as uow:
            assert list(await uow.playbooks.list()) == []
            assert await uow.playbooks.get_by_name("weekly") is None
            assert await uow.playbooks.delete(weekly.id) is False
            await uow.playbooks.add(playbook_for(b.id, "weekly"))  # names are per workspace
        async with ports.tenants.unit_of_work(a.id) as uow:
            assert list(await uow.playbooks.list()) == [daily, weekly]
            assert await uow.playbooks.get_by_name("weekly") == weekly
            assert await uow.playbooks.delete(weekly.id) is True
            assert list(await uow.playbooks.list()) == [daily]

        unborn = new_workspace_id()
        async with ports.tenants.unit_of_work(unborn) as uow:
            with pytest.raises(NotFound):
                await uow.playbooks.add(playbook_for(unborn, "orphan"))

    async def test_tool_steps_playbooks_round_trip_and_replace_by_version(
        self, ports: Ports
    ) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        steps = (
            ToolStep(id="orders", tool="shopify_list_orders", arguments={"first": 50}),
            ToolStep(
                id="each",
                tool="shopify_get_order",
                arguments={"order_id": "{{ item.id }}"},
                for_each=ForEach(source="steps.orders.orders", max=5),
            ),
            ReconcileStep(
                id="match",
                left=ReconcileSide(source="steps.orders.orders", key="name", amount="total"),
                right=ReconcileSide(source="steps.each.items", key="name", amount="total"),
            ),
        )
        v1 = attrs.evolve(
            playbook_for(a.id, "steps"),
            template="",
            arguments=(),
            mode=PlaybookMode.TOOL_STEPS,
            steps=steps,
            builtin="low-stock",
        )
        async with ports.tenants.unit_of_work(a.id) as uow:
            await uow.playbooks.add(v1)
            assert await uow.playbooks.get_by_name("steps") == v1
        v2 = attrs.evolve(v1, description="edited", steps=steps[:1], version=2)
        later = NOW + dt.timedelta(days=1)
        async with ports.tenants.unit_of_work(b.id) as uow:
            moved = attrs.evolve(v2, workspace_id=b.id)
            assert await uow.playbooks.replace(moved, saved_at=later) is False
        async with ports.tenants.unit_of_work(a.id) as uow:
            skipped = attrs.evolve(v1, version=3)
            assert await uow.playbooks.replace(skipped, saved_at=later) is False
            assert await uow.playbooks.replace(v2, saved_at=later) is True
            # v2 is stored: not its successor.
            assert await uow.playbooks.replace(v2, saved_at=later) is False
            assert await uow.playbooks.get_by_name("steps") == v2
            # Each version kept as stored, steps and all; the refused ones left no trace.
            assert [(v.playbook, v.saved_at) for v in await uow.playbooks.versions(v1.id)] == [
                (v2, later),
                (v1, NOW),
            ]
        async with ports.tenants.unit_of_work(b.id) as uow:
            assert list(await uow.playbooks.versions(v1.id)) == []

    async def test_playbook_history_is_kept_per_workspace_and_outlives_a_delete(
        self, ports: Ports
    ) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        v1 = playbook_for(a.id, "weekly")
        v2 = attrs.evolve(v1, description="Edited", version=2)
        v3 = attrs.evolve(v1, template="Only {store}.", version=3)
        other = playbook_for(a.id, "daily")
        saved = [NOW + dt.timedelta(hours=h) for h in (1, 2)]
        async with ports.tenants.unit_of_work(a.id) as uow:
            await uow.playbooks.add(v1)
            await uow.playbooks.add(other)
        async with ports.tenants.unit_of_work(a.id) as uow:
            assert await uow.playbooks.replace(v2, saved_at=saved[0])
            assert await uow.playbooks.replace(v3, saved_at=saved[1])
        async with ports.tenants.unit_of_work(a.id) as uow:
            history = list(await uow.playbooks.versions(v1.id))
            assert [v.version for v in history] == [3, 2, 1]
            assert [v.playbook for v in history] == [v3, v2, v1]
            assert [v.saved_at for v in history] == [saved[1], saved[0], NOW]
            found = await uow.playbooks.get_version(v1.id, 2)
            assert found is not None and found.playbook == v2
            assert await uow.playbooks.get_version(v1.id, 4) is None
            assert await uow.playbooks.get_version(other.id, 2) is None
            # Deleting the playbook keeps what it was: usage rows still name its versions.
            assert await uow.playbooks.delete(v1.id) is True
        async with ports.tenants.unit_of_work(a.id) as uow:
            assert await uow.playbooks.get_by_name("weekly") is None
            assert [v.version for v in await uow.playbooks.versions(v1.id)] == [3, 2, 1]
            everything = [(v.playbook.name, v.version) for v in await uow.playbooks.all_versions()]
            assert everything == [("daily", 1), ("weekly", 1), ("weekly", 2), ("weekly", 3)]
        # Another workspace sees none of it, by id or in bulk.
        async with ports.tenants.unit_of_work(b.id) as uow:
            assert list(await uow.playbooks.versions(v1.id)) == []
            assert await uow.playbooks.get_version(v1.id, 1) is None
            assert list(await uow.playbooks.all_versions()) == []

    async def test_a_refused_playbook_write_records_no_version(self, ports: Ports) -> None:
        a = await ports.new_workspace()
        weekly = playbook_for(a.id, "weekly")
        with pytest.raises(Boom):
            async with ports.tenants.unit_of_work(a.id) as uow:
                await uow.playbooks.add(weekly)
                raise Boom()
        async with ports.tenants.unit_of_work(a.id) as uow:
            await uow.playbooks.add(weekly)
            with pytest.raises(Conflict):
                await uow.playbooks.add(attrs.evolve(weekly, id=new_playbook_id()))
        async with ports.tenants.unit_of_work(a.id) as uow:
            assert [v.playbook for v in await uow.playbooks.all_versions()] == [weekly]

    async def test_usage_events_keep_their_playbook(self, ports: Ports) -> None:
        a = await ports.new_workspace()
        playbook_id = new_playbook_id()
        step = attrs.evolve(usage_event(a.id), playbook_id=playbook_id, playbook_version=4)
        async with ports.tenants.unit_of_work(a.id) as uow:
            await uow.usage.record(step, MeterRecord.for_event(step))
            [stored] = await uow.usage.recent()
        assert (stored.playbook_id, stored.playbook_version) == (playbook_id, 4)

    # --------------------------------------------------------------------------- rollback

    async def test_a_unit_of_work_that_raises_leaves_nothing_behind(self, ports: Ports) -> None:
        workspace = make_workspace()
        sealed = sealed_for(workspace.id)
        key = issue_key(workspace.id, NOW).key
        event = usage_event(workspace.id)
        with pytest.raises(Boom):
            async with ports.tenants.unit_of_work(workspace.id) as uow:
                await uow.workspaces.add(workspace)
                await uow.connections.add(connection_for(workspace.id, sealed), sealed)
                await uow.keys.add(key)
                await uow.usage.record(event, MeterRecord.for_event(event))
                await uow.playbooks.add(playbook_for(workspace.id, "gone"))
                raise Boom()
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert await uow.workspaces.get() is None
            assert list(await uow.connections.list()) == []
            assert await uow.credentials.get(sealed.id) is None
            assert list(await uow.keys.list()) == []
            assert list(await uow.usage.recent()) == []
            assert list(await uow.playbooks.list()) == []
        assert await ports.key_by_prefix(key.prefix) is None
        # And the workspace can be created afresh: nothing half-written blocks it.
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)

    # --------------------------------------------------------------------------- meter outbox

    async def test_outbox_claims_oldest_with_billing_customer(self, ports: Ports) -> None:
        await ports.drain()
        paying = await ports.new_workspace(billing_customer_id="cus_paying")
        free = await ports.new_workspace()
        base = NOW - dt.timedelta(days=3650)  # older than anything else in a shared database
        first = usage_event(paying.id, base)
        second = usage_event(free.id, base + dt.timedelta(seconds=1))
        failed_call = usage_event(
            paying.id, base + dt.timedelta(seconds=2), UsageStatus.UPSTREAM_ERROR
        )
        for workspace, event in ((paying, first), (free, second), (paying, failed_call)):
            async with ports.tenants.unit_of_work(workspace.id) as uow:
                await uow.usage.record(event, MeterRecord.for_event(event))

        claimed = await ports.outbox.claim(2)
        assert [(p.record, p.billing_customer_id, p.attempts) for p in claimed] == [
            (MeterRecord.for_event(first), "cus_paying", 0),
            (MeterRecord.for_event(second), None, 0),
        ]
        # Claimed records are not handed out again until they are settled or failed.
        rest = await ports.outbox.claim(10)
        assert [p.record for p in rest] == [MeterRecord.for_event(failed_call)]
        assert rest[0].record.quantity == 0
        assert await ports.outbox.claim(10) == []

        await ports.outbox.mark_failed(first.id, "StripeError")
        await ports.outbox.mark_sent([second.id, failed_call.id])
        retry = await ports.outbox.claim(10)
        assert [(p.record.usage_event_id, p.attempts) for p in retry] == [(first.id, 1)]
        await ports.outbox.mark_sent([first.id])
        assert await ports.outbox.claim(10) == []

    async def test_a_record_that_keeps_failing_neither_blocks_the_queue_nor_retries_forever(
        self,
        ports: Ports,
    ) -> None:
        await ports.drain()
        workspace = await ports.new_workspace(billing_customer_id="cus_x")
        base = NOW - dt.timedelta(days=3650)
        poison = usage_event(workspace.id, base)
        fresh = usage_event(workspace.id, base + dt.timedelta(seconds=1))
        for event in (poison, fresh):
            async with ports.tenants.unit_of_work(workspace.id) as uow:
                await uow.usage.record(event, MeterRecord.for_event(event))

        [first] = await ports.outbox.claim(1)
        assert first.record.usage_event_id == poison.id
        await ports.outbox.mark_failed(poison.id, "MeterRejected")
        # The failed record goes behind the fresh one, although it is older.
        [second] = await ports.outbox.claim(1)
        assert second.record.usage_event_id == fresh.id
        await ports.outbox.mark_sent([fresh.id])

        for attempt in range(1, MAX_METER_ATTEMPTS):
            [again] = await ports.outbox.claim(1)
            assert (again.record.usage_event_id, again.attempts) == (poison.id, attempt)
            await ports.outbox.mark_failed(poison.id, "MeterRejected")
        # Dead-lettered: never handed out again.
        assert await ports.outbox.claim(10) == []

    async def test_concurrent_claimers_never_share_a_record(self, ports: Ports) -> None:
        await ports.drain()
        workspace = await ports.new_workspace(billing_customer_id="cus_x")
        events = [usage_event(workspace.id, NOW + dt.timedelta(seconds=i)) for i in range(30)]
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            for event in events:
                await uow.usage.record(event, MeterRecord.for_event(event))
        batches = await asyncio.gather(*(ports.outbox.claim(4) for _ in range(10)))
        ids = [p.record.usage_event_id for batch in batches for p in batch]
        assert len(ids) == len(set(ids)) == 30
        assert set(ids) == {e.id for e in events}
        await ports.outbox.mark_sent(ids)
        assert await ports.outbox.claim(100) == []

    # --------------------------------------------------------------------------- MCP runtime

    async def test_a_scope_is_the_key_its_workspace_connections_and_sealed_credentials(
        self, ports: Ports
    ) -> None:
        workspace = await ports.new_workspace(
            write_enabled=frozenset({Platform.SHOPIFY}), billing_customer_id="cus_secret"
        )
        key = issue_key(workspace.id, NOW, name="claude").key
        late, early = sealed_for(workspace.id, b"late"), sealed_for(workspace.id, b"early")
        later = connection_for(workspace.id, late, created_at=NOW + dt.timedelta(minutes=1))
        earlier = connection_for(workspace.id, early, Platform.MAGENTO, "https://m.example")
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.keys.add(key)
            await uow.connections.add(later, late)
            await uow.connections.add(earlier, early)

        record = await ports.scopes.load(key.prefix)

        assert record is not None
        assert record.key == key
        # Billing is not the runtime's to read: everything else of the workspace is there.
        assert record.workspace == attrs.evolve(workspace, billing_customer_id=None)
        assert record.connections == (earlier, later)
        assert dict(record.credentials) == {late.id: late, early.id: early}

    async def test_a_scope_is_found_by_its_own_prefix_only(self, ports: Ports) -> None:
        a, b = await ports.new_workspace(), await ports.new_workspace()
        key_a, key_b = issue_key(a.id, NOW).key, issue_key(b.id, NOW).key
        for workspace, key in ((a, key_a), (b, key_b)):
            async with ports.tenants.unit_of_work(workspace.id) as uow:
                await uow.keys.add(key)
        record_b = await ports.scopes.load(key_b.prefix)
        assert record_b is not None and record_b.workspace.id == b.id
        assert record_b.connections == () and dict(record_b.credentials) == {}
        assert await ports.scopes.load("zzzzzzzzzzzz") is None
        assert await ports.scopes.load("") is None

    async def test_a_revoked_key_still_loads_with_its_revocation(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        key = issue_key(workspace.id, NOW).key
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.keys.add(key)
            await uow.keys.revoke(key.id, NOW)
        record = await ports.scopes.load(key.prefix)
        assert record is not None and record.key.is_revoked

    async def test_the_audit_log_writes_the_event_and_its_meter_row(self, ports: Ports) -> None:
        await ports.drain()
        workspace = await ports.new_workspace(billing_customer_id="cus_x")
        event = usage_event(workspace.id)
        await ports.audit.record(event, MeterRecord.for_event(event))
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert list(await uow.usage.recent()) == [event]
        [pending] = await ports.outbox.claim(10)
        assert pending.record == MeterRecord.for_event(event)
        await ports.outbox.mark_sent([event.id])

    async def test_concurrent_audit_writes_are_all_committed_when_they_return(
        self, ports: Ports
    ) -> None:
        workspaces = [await ports.new_workspace() for _ in range(3)]
        events = [
            usage_event(workspaces[i % 3].id, NOW + dt.timedelta(milliseconds=i)) for i in range(60)
        ]
        await asyncio.gather(*(ports.audit.record(e, MeterRecord.for_event(e)) for e in events))
        for workspace in workspaces:
            async with ports.tenants.unit_of_work(workspace.id) as uow:
                stored = {e.id for e in await uow.usage.recent(100)}
            assert stored == {e.id for e in events if e.workspace_id == workspace.id}

    async def test_an_audit_write_that_cannot_be_stored_fails_alone(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        good = [usage_event(workspace.id, NOW + dt.timedelta(seconds=i)) for i in range(5)]
        orphan = usage_event(new_workspace_id())  # no such workspace
        results = await asyncio.gather(
            *(ports.audit.record(e, MeterRecord.for_event(e)) for e in [*good, orphan]),
            return_exceptions=True,
        )
        assert results[:5] == [None] * 5
        assert isinstance(results[5], NotFound)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert {e.id for e in await uow.usage.recent()} == {e.id for e in good}

    async def test_an_audit_meter_row_must_belong_to_its_event(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        event, other = usage_event(workspace.id), usage_event(workspace.id)
        with pytest.raises(ValueError, match="its own usage event"):
            await ports.audit.record(event, MeterRecord.for_event(other))

    async def test_set_status_changes_only_the_status(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        sealed = sealed_for(workspace.id)
        connection = connection_for(workspace.id, sealed)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.connections.add(connection, sealed)
            await uow.connections.set_status(connection.id, ConnectionStatus.NEEDS_REAUTH)
            stored = await uow.connections.get(connection.id)
            with pytest.raises(NotFound):
                await uow.connections.set_status(new_connection_id(), ConnectionStatus.ACTIVE)
        assert stored == connection.with_status(ConnectionStatus.NEEDS_REAUTH)
