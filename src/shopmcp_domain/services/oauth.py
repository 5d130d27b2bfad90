"""Connecting a platform through OAuth: begin a flow, complete it at the callback, and connect
(or reconnect) the store the grant opens. The rules are in :mod:`shopmcp_domain.oauth`; the
provider itself is an :class:`~shopmcp_domain.ports.AuthorizationServer`."""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.errors import (
    CredentialUnavailable,
    DuplicateStoreLabel,
    FlowRefusal,
    NotFound,
    OAuthFlowRefused,
    ShopMcpError,
)
from shopmcp_domain.ids import (
    WorkspaceId,
    new_connection_id,
    new_credential_id,
    new_oauth_flow_id,
)
from shopmcp_domain.oauth import (
    FLOW_LIFETIME,
    FLOW_RETENTION,
    AuthorizedStore,
    FlowOutcome,
    Grant,
    OAuthFlow,
    StateSecret,
    check_consumable,
    choose_store,
    code_challenge,
    invalid_state,
    new_code_verifier,
    read_state,
    replayed_flow,
    sign_state,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    AuthorizationServer,
    Clock,
    CredentialVault,
    TenantRepository,
)
from shopmcp_domain.services.plan_limits import check_store_allowance

_VERIFIER_FIELD = "code_verifier"
_LABEL_CHARS = 200  # a connection's display name
# RFC 6749 error codes are printable ASCII; only a plain one is worth repeating to the merchant.
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")


@attrs.frozen(repr=False)
class BegunFlow:
    """A stored pending flow, and what the authorization URL carries for it."""

    flow: OAuthFlow
    state: str
    code_challenge: str
    # The workspace has opted in to this platform's write tools: the authorization asks for
    # the platform's write scopes too (the upstream ACL stays the final gate otherwise).
    writes_enabled: bool = False

    def __repr__(self) -> str:
        return f"BegunFlow(flow={self.flow.id}, platform={self.flow.platform.value})"


@attrs.frozen
class CompletedFlow:
    flow: OAuthFlow
    connection: Connection


async def begin_flow(
    tenants: TenantRepository,
    vault: CredentialVault,
    clock: Clock,
    secret: StateSecret,
    workspace_id: WorkspaceId,
    platform: Platform,
    store_ref: str | None = None,
) -> BegunFlow:
    """Store a pending flow for ``workspace_id`` (which must exist) with a fresh PKCE
    verifier, sealed; ``store_ref`` names the store to connect when the grant opens several."""
    now = clock.now()
    verifier = new_code_verifier()
    # The sealing has an id of its own: the verifier is never a connection's credential.
    verifier_id = new_credential_id()
    sealed = await vault.seal(
        EncryptionContext(workspace_id, verifier_id), CredentialPayload({_VERIFIER_FIELD: verifier})
    )
    flow = OAuthFlow(
        id=new_oauth_flow_id(),
        workspace_id=workspace_id,
        platform=platform,
        created_at=now,
        expires_at=now + FLOW_LIFETIME,
        sealed_verifier=sealed,
        store_ref=store_ref,
    )
    async with tenants.unit_of_work(workspace_id) as uow:
        workspace = await uow.workspaces.get()
        if workspace is None:
            raise NotFound("workspace")
        await uow.oauth_flows.purge(now - FLOW_RETENTION)
        await uow.oauth_flows.add(flow)
    return BegunFlow(
        flow=flow,
        state=sign_state(secret, flow.claims),
        code_challenge=code_challenge(verifier),
        writes_enabled=platform in workspace.write_enabled,
    )


async def _consume(
    tenants: TenantRepository, clock: Clock, secret: StateSecret, platform: Platform, state: str
) -> tuple[OAuthFlow, SealedCredential]:
    """Verify the state and use its flow up, in one transaction holding the flow's row (so two
    callbacks with one state cannot both pass). Returns the used flow and the sealed verifier
    it held (the store has dropped its copy)."""
    now = clock.now()
    claims = read_state(secret, state, platform=platform, now=now)
    async with tenants.unit_of_work(claims.workspace_id) as uow:
        flow = check_consumable(
            await uow.oauth_flows.get(claims.flow_id, for_update=True), claims, now
        )
        if not await uow.oauth_flows.mark_used(flow.id, now):
            raise replayed_flow()
    sealed = flow.sealed_verifier
    assert sealed is not None  # an unused flow holds it (OAuthFlow checks)
    return attrs.evolve(flow, used_at=now, sealed_verifier=None), sealed


async def _open_verifier(vault: CredentialVault, flow: OAuthFlow, sealed: SealedCredential) -> str:
    try:
        payload = await vault.open(EncryptionContext(flow.workspace_id, sealed.id), sealed)
    finally:
        vault.forget_credential(flow.workspace_id, sealed.id)
    verifier = payload.get(_VERIFIER_FIELD)
    if not verifier:
        raise CredentialUnavailable()
    return verifier


def _provider_refusal(platform: Platform, error: str) -> OAuthFlowRefused:
    if error == "access_denied":
        return OAuthFlowRefused(
            FlowRefusal.DENIED, f"access was not granted at {platform.value}; nothing connected"
        )
    code = error if _ERROR_CODE.fullmatch(error) else "an error"
    return OAuthFlowRefused(
        FlowRefusal.DENIED, f"{platform.value} answered the authorisation with {code}"
    )


async def complete_flow(
    tenants: TenantRepository,
    vault: CredentialVault,
    clock: Clock,
    secret: StateSecret,
    server: AuthorizationServer,
    *,
    state: str | None,
    code: str | None,
    provider_error: str | None = None,
) -> CompletedFlow:
    """A callback: consume the state's flow (exactly once), exchange the code, and connect the
    store the grant opens. How it ended is recorded on the flow (the CLI waits for that); a
    refusal raises ``OAuthFlowRefused`` (or the error that stopped it) after recording it."""
    platform = server.platform
    if not state:
        raise invalid_state()
    flow, sealed_verifier = await _consume(tenants, clock, secret, platform, state)
    try:
        if provider_error is not None:
            raise _provider_refusal(platform, provider_error)
        if not code:
            raise OAuthFlowRefused(
                FlowRefusal.DENIED, f"{platform.value} sent no authorisation code"
            )
        verifier = await _open_verifier(vault, flow, sealed_verifier)
        grant = await server.exchange(code, verifier)
        store = choose_store(platform, grant.stores, flow.store_ref)
        connection = await connect_granted(
            tenants, vault, clock, flow.workspace_id, platform, store, grant
        )
    except ShopMcpError as error:
        await _record(tenants, flow, FlowOutcome(clock.now(), error=error.message))
        raise
    except Exception:
        await _record(tenants, flow, FlowOutcome(clock.now(), error="internal error"))
        raise
    outcome = FlowOutcome(clock.now(), connection_ids=(connection.id,))
    await _record(tenants, flow, outcome)
    return CompletedFlow(flow=attrs.evolve(flow, outcome=outcome), connection=connection)


async def _record(tenants: TenantRepository, flow: OAuthFlow, outcome: FlowOutcome) -> None:
    async with tenants.unit_of_work(flow.workspace_id) as uow:
        await uow.oauth_flows.record_outcome(flow.id, outcome)


def distinct_label(platform: Platform, store: AuthorizedStore, others: Sequence[Connection]) -> str:
    """The provider's name for the store, as the connection's display name. A tool's ``store``
    argument names a connection by its label, so when another connection of the platform has
    that label already (two organisations called alike) the store reference is added to it."""
    taken = {c.label for c in others}
    if store.display_name not in taken:
        return store.display_name
    suffix = f" ({store.store_ref})"
    label = store.display_name[: max(_LABEL_CHARS - len(suffix), 0)] + suffix
    if label in taken or len(label) > _LABEL_CHARS:
        raise DuplicateStoreLabel(platform.value, store.display_name)
    return label


async def connect_granted(
    tenants: TenantRepository,
    vault: CredentialVault,
    clock: Clock,
    workspace_id: WorkspaceId,
    platform: Platform,
    store: AuthorizedStore,
    grant: Grant,
) -> Connection:
    """Connect the store with the grant's credential. A store the workspace already connected
    (reconnecting after its grant was revoked, or to change scopes) keeps its connection: the
    new credential is sealed one generation higher under the credential row's lock, as a
    rotation would be, and the connection is active again (a disabled one stays disabled)."""
    async with tenants.unit_of_work(workspace_id) as uow:
        if await uow.workspaces.get() is None:
            raise NotFound("workspace")
        siblings = [c for c in await uow.connections.list() if c.platform is platform]
        known = next((c for c in siblings if c.store_ref == store.store_ref), None)
        label = distinct_label(platform, store, [c for c in siblings if c is not known])
        if known is None:
            await check_store_allowance(uow, platform)
            credential_id = new_credential_id()
            sealed = await vault.seal(
                EncryptionContext(workspace_id, credential_id), grant.credentials
            )
            connection = Connection(
                id=new_connection_id(),
                workspace_id=workspace_id,
                platform=platform,
                store_ref=store.store_ref,
                credential_id=credential_id,
                created_at=clock.now(),
                scopes=grant.scopes,
                display_name=label,
            )
            await uow.connections.add(connection, sealed)
            return connection
        # Lock first, then read the connection: the generation a rotation that held the lock
        # just committed is the one to build on.
        current = await uow.credentials.get(known.credential_id, for_update=True)
        existing = await uow.connections.get(known.id)
        if current is None or existing is None:
            raise CredentialUnavailable()
        generation = max(current.generation, existing.credential_generation) + 1
        context = attrs.evolve(existing.credential_context, generation=generation)
        await uow.credentials.replace(await vault.seal(context, grant.credentials))
        await uow.connections.advance_credential_generation(existing.id, generation)
        status = (
            existing.status
            if existing.status is ConnectionStatus.DISABLED
            else ConnectionStatus.ACTIVE
        )
        connection = attrs.evolve(
            existing,
            scopes=grant.scopes,
            display_name=label,
            status=status,
            credential_generation=generation,
        )
        await uow.connections.update(connection)
    vault.forget_credential(workspace_id, connection.credential_id)
    return connection
