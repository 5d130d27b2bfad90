"""OAuth flows in the tenant store: the same behaviour from the in-memory fake and PostgreSQL
(round trip, tenant fencing, single use, outcome, purge), and on PostgreSQL the verifier never
in the clear and one state consumed once by racing callbacks."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import attrs
import pytest

from shopmcp_adapters.memory import FakeClock, FakeVault
from shopmcp_adapters.postgres import Database
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import (
    Conflict,
    CrossTenantWrite,
    FlowRefusal,
    NotFound,
    OAuthFlowRefused,
)
from shopmcp_domain.ids import new_connection_id, new_oauth_flow_id
from shopmcp_domain.oauth import FLOW_LIFETIME, AuthorizedStore, FlowOutcome, Grant, StateSecret
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import oauth as flows
from tests.factories import NOW, make_workspace
from tests.integration.postgres.conftest import Ports, flow_for

pytestmark = pytest.mark.integration


async def test_a_flow_round_trips_and_is_invisible_to_other_workspaces(ports: Ports) -> None:
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


async def test_a_flow_of_another_workspace_or_twice_is_refused(ports: Ports) -> None:
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


async def test_a_flow_is_used_once_and_loses_its_verifier(ports: Ports) -> None:
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


async def test_an_outcome_is_recorded_on_a_used_flow(ports: Ports) -> None:
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


async def test_purge_deletes_only_this_workspaces_long_expired_flows(ports: Ports) -> None:
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


# --------------------------------------------------------------------------- PostgreSQL only


async def test_the_database_refuses_a_used_flow_that_keeps_its_verifier(
    database: Database, owner_pool: asyncpg.Pool
) -> None:
    workspace = make_workspace()
    flow = flow_for(workspace.id)
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        await uow.oauth_flows.add(flow)
    with pytest.raises(asyncpg.CheckViolationError, match="oauth_flows_verifier_until_used"):
        await owner_pool.execute(
            "update shopmcp.oauth_flows set used_at = now() where id = $1", flow.id
        )


@attrs.define
class SlowServer:
    platform: Platform = Platform.XERO
    exchanges: list[str] = attrs.Factory(list)

    async def exchange(self, code: str, code_verifier: str) -> Grant:
        self.exchanges.append(code_verifier)
        await asyncio.sleep(0.05)
        return Grant(
            credentials=CredentialPayload({"access_token": "a", "refresh_token": "r"}),
            scopes=frozenset({"offline_access"}),
            stores=(AuthorizedStore("6b4bd0d4-1e0a-4f1b-9e58-6c2f1d0a9b01", "Demo"),),
        )


async def test_racing_callbacks_connect_once_and_the_verifier_is_never_stored_in_clear(
    database: Database, owner_pool: asyncpg.Pool
) -> None:
    clock, vault, secret = FakeClock(), FakeVault(), StateSecret(b"r" * 32)
    workspace = make_workspace()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    begun = await flows.begin_flow(
        database.tenants, vault, clock, secret, workspace.id, Platform.XERO
    )
    sealed = begun.flow.sealed_verifier
    assert sealed is not None
    verifier = (await vault.open(EncryptionContext(workspace.id, sealed.id), sealed))[
        "code_verifier"
    ]
    row = await owner_pool.fetchval(
        "select o::text from shopmcp.oauth_flows o where id = $1", begun.flow.id
    )
    assert verifier not in row and verifier.encode().hex() not in row

    server = SlowServer()
    results = await asyncio.gather(
        *(
            flows.complete_flow(
                database.tenants, vault, clock, secret, server, state=begun.state, code="c"
            )
            for _ in range(5)
        ),
        return_exceptions=True,
    )

    completed = [r for r in results if isinstance(r, flows.CompletedFlow)]
    refused = [r for r in results if isinstance(r, OAuthFlowRefused)]
    assert len(completed) == 1 and len(refused) == 4, results
    assert {r.reason for r in refused} == {FlowRefusal.REPLAYED}
    assert server.exchanges == [verifier]
    after = await owner_pool.fetchrow(
        "select used_at, verifier_ciphertext, completed_at from shopmcp.oauth_flows where id = $1",
        begun.flow.id,
    )
    assert after["used_at"] is not None and after["verifier_ciphertext"] is None
    assert after["completed_at"] is not None
    assert begun.flow.expires_at - begun.flow.created_at == FLOW_LIFETIME
