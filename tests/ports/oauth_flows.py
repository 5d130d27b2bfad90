"""The tenant store's OAuth flows (``TenantUnitOfWork.oauth_flows``): one behavioural suite,
run against the in-memory fake (``tests/unit/domain``) and PostgreSQL
(``tests/integration/postgres``): round trip, tenant fencing, single use dropping the sealed
verifier, the recorded outcome, and purging long-expired flows."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from shopmcp_domain.errors import (
    Conflict,
    CrossTenantWrite,
    NotFound,
)
from shopmcp_domain.ids import WorkspaceId, new_connection_id, new_oauth_flow_id
from shopmcp_domain.oauth import FLOW_LIFETIME, FlowOutcome, OAuthFlow
from shopmcp_domain.platforms import Platform
from tests.factories import NOW, make_workspace
from tests.ports.tenant_store import Ports, sealed_for


def flow_for(
    workspace_id: WorkspaceId,
    created_at: dt.datetime = NOW,
    platform: Platform = Platform.XERO,
    store_ref: str | None = None,
) -> OAuthFlow:
    """A pending OAuth flow whose verifier sealing is placeholder bytes."""
    return OAuthFlow(
        id=new_oauth_flow_id(),
        workspace_id=workspace_id,
        platform=platform,
        created_at=created_at,
        expires_at=created_at + FLOW_LIFETIME,
        sealed_verifier=sealed_for(workspace_id, b"verifier"),
        store_ref=store_ref,
    )


class OAuthFlowSuite:
    async def test_a_flow_round_trips_and_is_invisible_to_other_workspaces(
        self, ports: Ports
    ) -> None:
        mine, theirs = await ports.new_workspace(), await ports.new_workspace()
        flow = flow_for(mine.id, store_ref="6b4bd0d4-1e0a-4f1b-9e58-6c2f1d0a9b01")
        async with ports.tenants.unit_of_work(mine.id) as uow:
            await uow.oauth_flows.add(flow)
        async with ports.tenants.unit_of_work(mine.id) as uow:
            assert await uow.oauth_flows.get(flow.id) == flow
            assert await uow.oauth_flows.get(flow.id, for_update=True) == flow
        async with ports.tenants.unit_of_work(theirs.id) as uow:
            assert await uow.oauth_flows.get(flow.id) is None
            assert not await uow.oauth_flows.mark_used(flow.id, NOW)
            with pytest.raises(NotFound):
                await uow.oauth_flows.record_outcome(flow.id, FlowOutcome(NOW, error="x"))

    async def test_a_flow_of_another_workspace_or_twice_is_refused(self, ports: Ports) -> None:
        mine, theirs = await ports.new_workspace(), await ports.new_workspace()
        flow = flow_for(mine.id)
        async with ports.tenants.unit_of_work(theirs.id) as uow:
            with pytest.raises(CrossTenantWrite):
                await uow.oauth_flows.add(flow)
        async with ports.tenants.unit_of_work(mine.id) as uow:
            await uow.oauth_flows.add(flow)
            with pytest.raises(Conflict):
                await uow.oauth_flows.add(flow)
        missing = make_workspace()
        async with ports.tenants.unit_of_work(missing.id) as uow:
            with pytest.raises(NotFound):
                await uow.oauth_flows.add(flow_for(missing.id))

    async def test_a_flow_is_used_once_and_loses_its_verifier(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        flow = flow_for(workspace.id)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.oauth_flows.add(flow)
        used_at = NOW + dt.timedelta(minutes=1)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            assert await uow.oauth_flows.mark_used(flow.id, used_at)
            assert not await uow.oauth_flows.mark_used(flow.id, used_at)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            stored = await uow.oauth_flows.get(flow.id)
            assert not await uow.oauth_flows.mark_used(new_oauth_flow_id(), used_at)
        assert stored == attrs.evolve(flow, used_at=used_at, sealed_verifier=None)

    async def test_an_outcome_is_recorded_on_a_used_flow(self, ports: Ports) -> None:
        workspace = await ports.new_workspace()
        flow = flow_for(workspace.id)
        connected = FlowOutcome(NOW, connection_ids=(new_connection_id(),))
        failed = FlowOutcome(NOW, error="access was not granted at xero; nothing connected")
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            await uow.oauth_flows.add(flow)
            await uow.oauth_flows.mark_used(flow.id, NOW)
            await uow.oauth_flows.record_outcome(flow.id, connected)
        async with ports.tenants.unit_of_work(workspace.id) as uow:
            stored = await uow.oauth_flows.get(flow.id)
            assert stored is not None and stored.outcome == connected and stored.outcome.connected
            await uow.oauth_flows.record_outcome(flow.id, failed)
            assert (await uow.oauth_flows.get(flow.id)).outcome == failed  # type: ignore[union-attr]

    async def test_purge_deletes_only_this_workspaces_long_expired_flows(
        self, ports: Ports
    ) -> None:
        mine, theirs = await ports.new_workspace(), await ports.new_workspace()
        old, recent = flow_for(mine.id, NOW - dt.timedelta(days=3)), flow_for(mine.id)
        foreign_old = flow_for(theirs.id, NOW - dt.timedelta(days=3))
        async with ports.tenants.unit_of_work(mine.id) as uow:
            await uow.oauth_flows.add(old)
            await uow.oauth_flows.add(recent)
        async with ports.tenants.unit_of_work(theirs.id) as uow:
            await uow.oauth_flows.add(foreign_old)
        async with ports.tenants.unit_of_work(mine.id) as uow:
            assert await uow.oauth_flows.purge(NOW - dt.timedelta(days=1)) == 1
            assert await uow.oauth_flows.get(old.id) is None
            assert await uow.oauth_flows.get(recent.id) == recent
        async with ports.tenants.unit_of_work(theirs.id) as uow:
            assert await uow.oauth_flows.get(foreign_old.id) == foreign_old
