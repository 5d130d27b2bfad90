"""Stores per platform on PostgreSQL: racing connects of one workspace are counted one after
the other (the workspace row is locked), so the plan's allowance is never exceeded."""

from __future__ import annotations

import asyncio

from shopmcp_adapters.memory import FakeClock, FakeVault
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import StoreLimitReached
from shopmcp_domain.plans import PLANS, PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from tests.factories import NOW
from tests.ports.tenant_store import Ports


async def test_racing_connects_never_exceed_the_plans_stores(ports: Ports) -> None:
    workspace = await ports.new_workspace(plan=PlanTier.BRAND)
    allowed = PLANS[PlanTier.BRAND].stores_per_platform
    vault, clock = FakeVault(), FakeClock(NOW)

    async def connect(n: int) -> object:
        try:
            return await onboarding.connect_store(
                ports.tenants,
                vault,
                clock,
                workspace.id,
                Platform.MAGENTO,
                f"https://store-{n}.example",
                CredentialPayload({"access_token": f"t{n}"}),
            )
        except StoreLimitReached as refused:
            return refused

    results = await asyncio.gather(*(connect(n) for n in range(allowed + 4)))
    refused = [r for r in results if isinstance(r, StoreLimitReached)]
    assert len(refused) == 4
    assert "the Brand plan allows 3 magento stores" in refused[0].message
    async with ports.tenants.unit_of_work(workspace.id) as uow:
        assert len(await uow.connections.list()) == allowed
