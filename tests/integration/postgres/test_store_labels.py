"""Several stores of one platform on the real tenant store (and the fake, held to the same
behaviour): labels are checked when connecting, and a call's ``store`` picks the connection
the audit row then names."""

from __future__ import annotations

import pytest

from shopmcp_adapters.memory import (
    FakeClock,
    FakeVault,
    InMemoryConfirmationStore,
    RecordingUpstream,
)
from shopmcp_adapters.memory.quota import InMemoryQuotaCounter
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import (
    DuplicateStoreLabel,
    InvalidArguments,
)
from shopmcp_domain.keys import issue_key
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.call_tool import ToolCallDeps, call_tool
from shopmcp_domain.services.scope import authenticate
from tests.factories import ADMITTED, NOW, OPERATOR_LOCKED, sample_registry
from tests.ports.tenant_store import Ports

pytestmark = pytest.mark.integration

STORE_A = "https://a.shop.example"
STORE_B = "https://b.shop.example"


async def test_two_magento_stores_are_told_apart_by_label(ports: Ports) -> None:
    workspace = await ports.new_workspace(plan=PlanTier.PORTFOLIO)
    vault, clock = FakeVault(), FakeClock(NOW)

    async def connect(store_ref: str, display_name: str = "") -> Connection:
        clock.advance(1)  # connected one after the other: listed in that order
        return await onboarding.connect_store(
            ports.tenants,
            vault,
            clock,
            workspace.id,
            Platform.MAGENTO,
            store_ref,
            CredentialPayload({"access_token": "t"}),
            display_name,
        )

    main = await connect(STORE_A, "Main")
    outlet = await connect(STORE_B)
    with pytest.raises(DuplicateStoreLabel):
        await connect("https://c.shop.example", "Main")
    with pytest.raises(DuplicateStoreLabel):
        await connect("https://d.shop.example", STORE_B)
    async with ports.tenants.unit_of_work(workspace.id) as uow:
        assert [c.label for c in await uow.connections.list()] == ["Main", STORE_B]

    issued = issue_key(workspace.id, NOW)
    async with ports.tenants.unit_of_work(workspace.id) as uow:
        await uow.keys.add(issued.key)
    scope = await authenticate(
        issued.token,
        ports.scopes,
        ports.tenants,
        vault,
        sample_registry(),
        writes_locked=OPERATOR_LOCKED,
    )
    assert scope.stores(Platform.MAGENTO).labels == ("Main", STORE_B)
    upstream = RecordingUpstream()
    deps = ToolCallDeps(
        clock=clock,
        audit=ports.audit,
        upstreams={Platform.MAGENTO: upstream},
        quota=InMemoryQuotaCounter(),
        confirmations=InMemoryConfirmationStore(),
    )
    for store in (STORE_B, "Main"):
        clock.advance(1)
        await call_tool(deps, scope, ADMITTED, "magento_get_thing", {"thing_id": 1, "store": store})
    clock.advance(1)
    with pytest.raises(InvalidArguments, match="store: required"):
        await call_tool(deps, scope, ADMITTED, "magento_get_thing", {"thing_id": 1})
    assert [c.connection.store_ref for c in upstream.calls] == [STORE_B, STORE_A]
    async with ports.tenants.unit_of_work(workspace.id) as uow:
        events = sorted(await uow.usage.recent(10), key=lambda e: e.created_at)
    assert [e.connection_id for e in events] == [outlet.id, main.id, None]
