"""``shopmcp demo`` keeps its workspace, key and sandbox credentials across runs: the URL a
client was given keeps working, and a URL from a lost state is refused by the gateway (the key
revoked) rather than reaching a sandbox with stale credentials."""

from __future__ import annotations

import stat
from pathlib import Path

from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryTenantStore
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.keys import parse_token
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.workspaces import Workspace
from shopmcp_entrypoints.demo.state import (
    DEMO_PLAN,
    DEMO_WORKSPACE_ID,
    STATE_FILE,
    DemoState,
    DemoStore,
    load_state,
    prepare_demo_workspace,
    save_state,
)

MAGENTO = "https://127.0.0.1:44001"


def stores(state: DemoState, magento: str = MAGENTO) -> list[DemoStore]:
    return [
        DemoStore(
            Platform.SHOPIFY,
            "demo-store.myshopify.com",
            CredentialPayload({"access_token": state.secret_for(Platform.SHOPIFY)}),
        ),
        DemoStore(
            Platform.MAGENTO,
            magento,
            CredentialPayload({"access_token": state.secret_for(Platform.MAGENTO)}),
        ),
    ]


class Demo:
    def __init__(self) -> None:
        self.tenants = InMemoryTenantStore()
        self.vault = FakeVault()
        self.clock = FakeClock()

    async def run(self, state: DemoState, magento: str = MAGENTO) -> tuple[Workspace, str, bool]:
        prepared = await prepare_demo_workspace(
            self.tenants, self.vault, self.clock, stores(state, magento), state
        )
        return prepared.workspace, prepared.token, prepared.reused_key

    async def active_prefixes(self) -> set[str]:
        async with self.tenants.unit_of_work(DEMO_WORKSPACE_ID) as uow:
            return {k.prefix for k in await uow.keys.list() if not k.is_revoked}

    async def connections(self) -> dict[Platform, tuple[str, str]]:
        async with self.tenants.unit_of_work(DEMO_WORKSPACE_ID) as uow:
            return {c.platform: (str(c.id), c.store_ref) for c in await uow.connections.list()}


def test_the_demo_plan_is_internal_and_lets_a_conformance_run_through() -> None:
    assert DEMO_PLAN is PlanTier.DEMO and not DEMO_PLAN.plan.sold
    # The conformance suite and a few hundred calls fit in one window and in the month.
    assert DEMO_PLAN.rate_limit.limit >= 1_000
    assert DEMO_PLAN.plan.monthly_calls >= 1_000
    # Every sandbox platform connects (one store each).
    assert DEMO_PLAN.plan.stores_per_platform >= 1


async def test_a_second_run_reuses_the_workspace_key_and_connections() -> None:
    demo = Demo()
    state = DemoState()
    workspace, token, reused = await demo.run(state)
    assert workspace.id == DEMO_WORKSPACE_ID and workspace.plan is DEMO_PLAN
    assert not reused
    connections = await demo.connections()

    again, same_token, reused = await demo.run(state)
    assert again.id == workspace.id
    assert same_token == token and reused
    assert await demo.active_prefixes() == {parse_token(token).prefix}
    assert await demo.connections() == connections  # nothing reconnected


async def test_a_lost_state_gets_a_new_key_and_the_old_one_is_revoked() -> None:
    demo = Demo()
    _, old_token, _ = await demo.run(DemoState())
    old_connections = await demo.connections()

    fresh = DemoState()  # the file was deleted: new sandbox secrets, no token
    _, new_token, reused = await demo.run(fresh)
    assert not reused and new_token != old_token
    assert await demo.active_prefixes() == {parse_token(new_token).prefix}
    # Reconnected with the new secrets (one connection per platform, none left over).
    new_connections = await demo.connections()
    assert set(new_connections) == {Platform.SHOPIFY, Platform.MAGENTO}
    assert all(new_connections[p][0] != old_connections[p][0] for p in new_connections)


async def test_a_moved_sandbox_is_reconnected_and_the_key_kept() -> None:
    demo = Demo()
    state = DemoState()
    _, token, _ = await demo.run(state)
    before = await demo.connections()
    _, same_token, _ = await demo.run(state, magento="https://127.0.0.1:44999")
    after = await demo.connections()
    assert same_token == token
    assert after[Platform.MAGENTO][1] == "https://127.0.0.1:44999"
    assert after[Platform.SHOPIFY] == before[Platform.SHOPIFY]


async def test_an_older_demo_workspace_moves_to_the_demo_plan() -> None:
    demo = Demo()
    async with demo.tenants.unit_of_work(DEMO_WORKSPACE_ID) as uow:
        await uow.workspaces.add(
            Workspace(
                id=DEMO_WORKSPACE_ID,
                name="Demo store",
                plan=PlanTier.SOLO,
                created_at=demo.clock.now(),
            )
        )
    workspace, _, _ = await demo.run(DemoState())
    assert workspace.plan is DEMO_PLAN


def test_the_state_file_is_private_and_round_trips(tmp_path: Path) -> None:
    state = DemoState(token="smcp_x", sandbox_ports={Platform.NETO: 4443})
    state.secret_for(Platform.NETO)
    save_state(tmp_path, state)
    path = tmp_path / STATE_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_state(tmp_path) == state
    save_state(tmp_path, state)  # replacing it keeps the mode
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_unreadable_state_file_starts_afresh(tmp_path: Path) -> None:
    (tmp_path / STATE_FILE).write_text("{not json")
    assert load_state(tmp_path) == DemoState()
    assert load_state(tmp_path / "missing") == DemoState()
