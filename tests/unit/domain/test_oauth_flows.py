"""The connect-flow use cases over the in-memory store and vault, with a stub authorization
server: a flow is stored with its verifier sealed, consumed exactly once, and its grant
connects (or reconnects) one store; every refusal is recorded on the flow."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from shopmcp_adapters.memory import FakeClock, FakeVault, InMemoryTenantStore
from shopmcp_domain.connections import ConnectionStatus
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import (
    CredentialUnavailable,
    FlowRefusal,
    NotFound,
    OAuthFlowRefused,
    ShopMcpError,
    UpstreamUnavailable,
)
from shopmcp_domain.ids import WorkspaceId, new_workspace_id
from shopmcp_domain.oauth import (
    FLOW_LIFETIME,
    FLOW_RETENTION,
    AuthorizedStore,
    Grant,
    StateSecret,
    code_challenge,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import AuthorizationServer
from shopmcp_domain.services import oauth as flows
from shopmcp_domain.services import onboarding

SECRET = StateSecret(b"s" * 32)
ORG = AuthorizedStore("6b4bd0d4-1e0a-4f1b-9e58-6c2f1d0a9b01", "Demo Company (NZ)")
OTHER = AuthorizedStore("0e0a9c3a-2b8f-4c55-8d63-1f3f0a6c7d22", "Other Ltd")


@attrs.define
class StubServer:
    platform: Platform = Platform.XERO
    stores: tuple[AuthorizedStore, ...] = (ORG,)
    refusal: ShopMcpError | None = None
    access_token: str = "at-1"
    exchanges: list[tuple[str, str]] = attrs.Factory(list)

    async def exchange(self, code: str, code_verifier: str) -> Grant:
        self.exchanges.append((code, code_verifier))
        if self.refusal is not None:
            raise self.refusal
        return Grant(
            credentials=CredentialPayload(
                {
                    "access_token": self.access_token,
                    "refresh_token": "rt-1",
                    "expires_at": "2026-01-01T00:30:00+00:00",
                    "scopes": "accounting.reports.read offline_access",
                }
            ),
            scopes=frozenset({"offline_access", "accounting.reports.read"}),
            stores=self.stores,
        )


@attrs.define
class World:
    clock: FakeClock = attrs.Factory(FakeClock)
    store: InMemoryTenantStore = attrs.Factory(InMemoryTenantStore)
    vault: FakeVault = attrs.Factory(FakeVault)
    server: StubServer = attrs.Factory(StubServer)

    async def workspace(self) -> WorkspaceId:
        workspace = await onboarding.create_workspace(self.store, self.clock, "Acme")
        return workspace.id

    async def begin(
        self, workspace_id: WorkspaceId, store_ref: str | None = None
    ) -> flows.BegunFlow:
        return await flows.begin_flow(
            self.store,
            self.vault,
            self.clock,
            SECRET,
            workspace_id,
            self.server.platform,
            store_ref,
        )

    async def complete(
        self,
        state: str | None,
        code: str | None = "the-code",
        error: str | None = None,
        server: AuthorizationServer | None = None,
    ) -> flows.CompletedFlow:
        return await flows.complete_flow(
            self.store,
            self.vault,
            self.clock,
            SECRET,
            server or self.server,
            state=state,
            code=code,
            provider_error=error,
        )


@pytest.fixture
def world() -> World:
    return World()


def refused(reason: FlowRefusal) -> pytest.RaisesExc[OAuthFlowRefused]:
    return pytest.raises(OAuthFlowRefused, check=lambda e: e.reason is reason)


async def test_a_flow_is_stored_with_its_verifier_sealed_and_connects_one_store(
    world: World,
) -> None:
    ws = await world.workspace()
    begun = await world.begin(ws)
    sealed = begun.flow.sealed_verifier
    assert sealed is not None
    assert begun.flow.expires_at - begun.flow.created_at == FLOW_LIFETIME

    completed = await world.complete(begun.state)

    # The verifier handed to the exchange is the one the challenge was made from.
    [(code, verifier)] = world.server.exchanges
    assert code == "the-code"
    assert code_challenge(verifier) == begun.code_challenge
    assert verifier.encode() not in sealed.ciphertext
    connection = completed.connection
    assert (connection.store_ref, connection.display_name) == (ORG.store_ref, ORG.display_name)
    assert connection.platform is Platform.XERO and connection.status is ConnectionStatus.ACTIVE
    assert connection.scopes == {"offline_access", "accounting.reports.read"}
    async with world.store.unit_of_work(connection.workspace_id) as uow:
        stored_flow = await uow.oauth_flows.get(begun.flow.id)
        credential = await uow.credentials.get(connection.credential_id)
    assert stored_flow is not None and credential is not None
    assert stored_flow.used_at == world.clock.now() and stored_flow.sealed_verifier is None
    assert stored_flow.outcome is not None
    assert stored_flow.outcome.connection_ids == (connection.id,)
    assert stored_flow.outcome.connected
    opened = await world.vault.open(connection.credential_context, credential)
    assert opened["access_token"] == "at-1" and opened["refresh_token"] == "rt-1"
    # The verifier's data key is dropped once it was opened.
    assert (connection.workspace_id, sealed.id) in world.vault.forgotten_credentials


async def test_a_replayed_state_is_refused_and_exchanges_nothing(world: World) -> None:
    begun = await world.begin(await world.workspace())
    await world.complete(begun.state)
    with refused(FlowRefusal.REPLAYED):
        await world.complete(begun.state)
    assert len(world.server.exchanges) == 1


async def test_a_state_whose_first_callback_failed_is_still_spent(world: World) -> None:
    begun = await world.begin(await world.workspace())
    world.server.refusal = UpstreamUnavailable("xero", "timed out")
    with pytest.raises(UpstreamUnavailable):
        await world.complete(begun.state)
    world.server.refusal = None
    with refused(FlowRefusal.REPLAYED):
        await world.complete(begun.state)
    assert len(world.server.exchanges) == 1
    async with world.store.unit_of_work(begun.flow.workspace_id) as uow:
        stored = await uow.oauth_flows.get(begun.flow.id)
    assert stored is not None and stored.outcome is not None
    assert stored.outcome.error == "xero is unavailable: timed out"


async def test_a_verifier_that_does_not_open_ends_the_flow_with_its_reason_recorded(
    world: World,
) -> None:
    begun = await world.begin(await world.workspace())
    world.vault = FakeVault()  # another master key: the sealed verifier no longer opens
    with pytest.raises(CredentialUnavailable):
        await world.complete(begun.state)
    assert world.server.exchanges == []
    async with world.store.unit_of_work(begun.flow.workspace_id) as uow:
        stored = await uow.oauth_flows.get(begun.flow.id)
    assert stored is not None and stored.outcome is not None
    assert stored.outcome.error == "the stored credential could not be opened"


async def test_an_expired_state_is_refused_and_exchanges_nothing(world: World) -> None:
    begun = await world.begin(await world.workspace())
    world.clock.advance(FLOW_LIFETIME.total_seconds())
    with refused(FlowRefusal.EXPIRED):
        await world.complete(begun.state)
    assert world.server.exchanges == []


async def test_a_tampered_or_missing_state_is_refused(world: World) -> None:
    begun = await world.begin(await world.workspace())
    payload, mac = begun.state.split(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    for state in (f"{flipped}.{mac}", "", None):
        with refused(FlowRefusal.INVALID_STATE):
            await world.complete(state)
    assert world.server.exchanges == []
    # The flow is untouched: the genuine state still works.
    await world.complete(begun.state)


async def test_a_state_presented_to_another_platforms_callback_is_refused(world: World) -> None:
    begun = await world.begin(await world.workspace())
    google = StubServer(platform=Platform.GOOGLE)
    with refused(FlowRefusal.WRONG_PLATFORM):
        await world.complete(begun.state, server=google)
    assert google.exchanges == [] and world.server.exchanges == []


async def test_access_denied_at_the_provider_spends_the_flow_and_records_why(
    world: World,
) -> None:
    begun = await world.begin(await world.workspace())
    with refused(FlowRefusal.DENIED) as caught:
        await world.complete(begun.state, code=None, error="access_denied")
    assert "not granted" in caught.value.message
    assert world.server.exchanges == []
    async with world.store.unit_of_work(begun.flow.workspace_id) as uow:
        stored = await uow.oauth_flows.get(begun.flow.id)
    assert stored is not None and stored.outcome is not None
    assert stored.outcome.error == caught.value.message
    with refused(FlowRefusal.REPLAYED):
        await world.complete(begun.state)


async def test_an_odd_provider_error_is_not_echoed(world: World) -> None:
    begun = await world.begin(await world.workspace())
    with refused(FlowRefusal.DENIED) as caught:
        await world.complete(begun.state, error="<script>alert(1)</script>")
    assert "script" not in caught.value.message


async def test_several_stores_and_none_chosen_connect_nothing(world: World) -> None:
    world.server.stores = (ORG, OTHER)
    begun = await world.begin(await world.workspace())
    with refused(FlowRefusal.CHOICE_NEEDED):
        await world.complete(begun.state)
    async with world.store.unit_of_work(begun.flow.workspace_id) as uow:
        assert await uow.connections.list() == []


async def test_a_store_chosen_in_advance_is_the_one_connected(world: World) -> None:
    world.server.stores = (ORG, OTHER)
    begun = await world.begin(await world.workspace(), store_ref=OTHER.store_ref)
    completed = await world.complete(begun.state)
    assert completed.connection.store_ref == OTHER.store_ref


async def test_a_flow_says_whether_the_workspace_opted_in_to_the_platform_s_writes(
    world: World,
) -> None:
    ws = await world.workspace()
    assert not (await world.begin(ws)).writes_enabled
    await onboarding.set_writes(world.store, ws, Platform.XERO, True)
    assert (await world.begin(ws)).writes_enabled


async def test_each_xero_organisation_is_a_connection_of_its_own(world: World) -> None:
    """Several organisations in one workspace: one flow each (chosen in advance), each with
    its own grant and sealed credential (a rotating refresh token is never shared), and the
    tools then need the ``store`` argument to say which."""
    from shopmcp_domain.tools.stores import StoreChoice

    world.server.stores = (ORG, OTHER)
    ws = await world.workspace()
    first = await world.complete((await world.begin(ws, store_ref=ORG.store_ref)).state)
    world.server.access_token = "at-other"
    second = await world.complete((await world.begin(ws, store_ref=OTHER.store_ref)).state)
    async with world.store.unit_of_work(ws) as uow:
        connections = list(await uow.connections.list())
    assert {c.store_ref for c in connections} == {ORG.store_ref, OTHER.store_ref}
    assert first.connection.credential_id != second.connection.credential_id
    choice = StoreChoice.of(Platform.XERO, connections)
    assert choice.required
    assert set(choice.labels) == {"Demo Company (NZ)", "Other Ltd"}
    assert choice.resolve("xero_list_invoices", "Other Ltd").store_ref == OTHER.store_ref


async def test_reconnecting_a_store_reseals_its_credential_and_reactivates_it(
    world: World,
) -> None:
    ws = await world.workspace()
    first = await world.complete((await world.begin(ws)).state)
    async with world.store.unit_of_work(ws) as uow:
        await uow.connections.update(first.connection.with_status(ConnectionStatus.NEEDS_REAUTH))

    world.server.access_token = "at-2"
    second = await world.complete((await world.begin(ws)).state)

    again = second.connection
    assert again.id == first.connection.id
    assert again.credential_id == first.connection.credential_id
    assert again.status is ConnectionStatus.ACTIVE
    assert again.credential_generation == 2
    async with world.store.unit_of_work(ws) as uow:
        [stored] = await uow.connections.list()
        sealed = await uow.credentials.get(again.credential_id)
    assert stored == again
    assert sealed is not None and sealed.generation == 2
    assert (await world.vault.open(stored.credential_context, sealed))["access_token"] == "at-2"
    # Sealed one generation up, as a rotation would be: the connection row records it.
    assert stored.credential_context == EncryptionContext(
        stored.workspace_id, stored.credential_id, generation=2
    )


async def test_a_flow_for_a_workspace_that_does_not_exist_is_refused(world: World) -> None:
    with pytest.raises(NotFound):
        await world.begin(new_workspace_id())


async def test_flows_long_expired_are_purged_when_a_new_one_starts(world: World) -> None:
    ws = await world.workspace()
    old = await world.begin(ws)
    world.clock.advance((FLOW_LIFETIME + FLOW_RETENTION).total_seconds() + 1)
    recent = await world.begin(ws)
    async with world.store.unit_of_work(ws) as uow:
        assert await uow.oauth_flows.get(old.flow.id) is None
        assert await uow.oauth_flows.get(recent.flow.id) is not None


async def test_two_flows_of_one_workspace_are_independent(world: World) -> None:
    ws = await world.workspace()
    first, second = await world.begin(ws), await world.begin(ws)
    assert first.state != second.state and first.code_challenge != second.code_challenge
    world.clock.advance(dt.timedelta(minutes=1).total_seconds())
    await world.complete(second.state)
    with refused(FlowRefusal.REPLAYED):
        await world.complete(second.state)
    await world.complete(first.state)  # reconnects the same store: still one connection
    async with world.store.unit_of_work(ws) as uow:
        assert len(await uow.connections.list()) == 1


async def test_a_second_store_named_like_another_gets_a_label_that_tells_them_apart(
    world: World,
) -> None:
    ws = await world.workspace()
    twin = AuthorizedStore(OTHER.store_ref, ORG.display_name)
    first = await world.complete((await world.begin(ws)).state)
    world.server.stores = (twin,)
    second = await world.complete((await world.begin(ws)).state)
    assert first.connection.label == "Demo Company (NZ)"
    assert second.connection.label == f"Demo Company (NZ) ({OTHER.store_ref})"
    # Reconnecting the first keeps its own name: its label is its own.
    world.server.stores = (ORG,)
    again = await world.complete((await world.begin(ws)).state)
    assert again.connection.id == first.connection.id
    assert again.connection.label == "Demo Company (NZ)"
