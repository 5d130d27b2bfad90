"""``/api/v1/platforms`` and a workspace's ``/connections``: metadata only (never a secret or a
ciphertext). A credential is tried against the store before it is saved (the package's probe
read); on failure nothing is saved and the answer says why. Every connect answer carries the
platform's guidance on minting the narrowest token."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from shopmcp_adapters.upstreams.package import (
    AnyPackage,
    InvalidCredentialFields,
    InvalidStoreReference,
)
from shopmcp_adapters.upstreams.platforms import PACKAGES, package_for
from shopmcp_adapters.upstreams.shopify.client import validate_shop_domain
from shopmcp_domain.accounts import Role
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.dashboard_errors import InvalidRequest
from shopmcp_domain.errors import (
    ConnectionUnavailable,
    NotFound,
)
from shopmcp_domain.ids import ConnectionId
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import dashboard as manage
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.dashboard import Access
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api.auth import MEMBER, needs
from shopmcp_entrypoints.http.api.schemas import (
    ConnectedOut,
    ConnectionOut,
    ConnectRequest,
    CredentialFieldOut,
    CredentialReplace,
    InstallOut,
    PlatformOut,
    ShopifyInstallRequest,
)


def platform_out(package: AnyPackage, dashboard: DashboardPorts) -> PlatformOut:
    return PlatformOut(
        platform=package.platform,
        display_name=package.display_name,
        store_hint=package.store_ref_hint,
        # An OAuth platform's fields are written by its connect flow, never typed.
        credential_fields=[
            CredentialFieldOut(
                name=f.name, description=f.description, secret=f.secret, required=f.required
            )
            for f in package.credential_fields
            if package.oauth is None
        ],
        oauth=package.oauth is not None,
        guidance=package.access_guidance,
        writes_locked=package.platform in dashboard.writes_locked,
        install=package.platform is Platform.SHOPIFY and dashboard.shopify.app is not None,
    )


@get("/api/v1/platforms", tags=["connections"])
async def platforms(dashboard: NamedDependency[DashboardPorts]) -> list[PlatformOut]:
    """The platforms a store can be connected from, what each takes, and how to mint the
    narrowest token there."""
    return [platform_out(p, dashboard) for p in PACKAGES]


def _checked(package: AnyPackage, store: str, fields: dict[str, str]) -> tuple[str, str]:
    try:
        store_ref = package.check_store_ref(store)
        package.check_credential_fields(frozenset(fields))
    except (InvalidStoreReference, InvalidCredentialFields) as error:
        raise InvalidRequest(str(error)) from None
    return store_ref, package.access_guidance


async def list_connections(dashboard: DashboardPorts, access: Access) -> list[ConnectionOut]:
    async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
        return [ConnectionOut.of(c) for c in await uow.connections.list()]


async def connect(dashboard: DashboardPorts, access: Access, data: ConnectRequest) -> ConnectedOut:
    """Connect a store with a token (the API's and the web page's): the address checked, the
    credential tried against the store (one read), then sealed and saved; on any failure
    nothing is saved and the error says why."""
    access.ensure_active()
    package = package_for(data.platform)
    if package.oauth is not None:
        raise InvalidRequest(
            f"{package.platform.value} connects through its provider's consent screen, "
            "not with a token (shopmcp connection add " + package.platform.value + ")"
        )
    store_ref, guidance = _checked(package, data.store, data.credentials)
    await dashboard.store_check.check(package.platform, store_ref)
    checked = await dashboard.probe.probe(
        package.platform, store_ref, CredentialPayload(data.credentials)
    )
    connection = await onboarding.connect_store(
        dashboard.tenants,
        dashboard.vault,
        dashboard.clock,
        access.workspace_id,
        package.platform,
        store_ref,
        checked,
        data.display_name,
        actor=access.actor,
    )
    return ConnectedOut(connection=ConnectionOut.of(connection), guidance=guidance)


async def replace_credential(
    dashboard: DashboardPorts,
    access: Access,
    connection_id: ConnectionId,
    data: CredentialReplace,
) -> ConnectedOut:
    """Replace a connection's credential: tried against the store first, then re-sealed one
    generation up; the old one is gone."""
    access.ensure_active()
    async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
        existing = await uow.connections.get(connection_id)
    if existing is None:
        raise NotFound("connection")
    package = package_for(existing.platform)
    _, guidance = _checked(package, existing.store_ref, data.credentials)
    checked = await dashboard.probe.probe(
        package.platform, existing.store_ref, CredentialPayload(data.credentials)
    )
    replaced = await manage.replace_credential(
        dashboard.tenants,
        dashboard.vault,
        dashboard.clock,
        access.workspace_id,
        connection_id,
        checked,
        access.actor,
    )
    dashboard.forget_scopes(access.workspace_id)
    return ConnectedOut(connection=ConnectionOut.of(replaced), guidance=guidance)


async def disconnect(
    dashboard: DashboardPorts, access: Access, connection_id: ConnectionId
) -> None:
    """The connection and its sealed credential deleted together (crypto-shredding); its
    tools disappear from every key at once."""
    access.ensure_active()
    deleted = await onboarding.disconnect_store(
        dashboard.tenants,
        dashboard.vault,
        access.workspace_id,
        connection_id,
        clock=dashboard.clock,
        actor=access.actor,
    )
    if not deleted:
        raise NotFound("connection")
    dashboard.forget_scopes(access.workspace_id)


async def begin_shopify_install(
    dashboard: DashboardPorts, access: Access, data: ShopifyInstallRequest
) -> InstallOut:
    """Start the Shopify app's OAuth install for a ``*.myshopify.com`` shop: where to send the
    merchant's browser (Shopify sends it back to ``/oauth/shopify/callback``)."""
    access.ensure_active()
    try:
        shop = validate_shop_domain(data.shop.strip().lower())
    except ConnectionUnavailable as error:
        raise InvalidRequest(error.message) from None
    started = await dashboard.shopify.begin(access.workspace_id, shop)
    return InstallOut(
        authorization_url=started.authorization_url,
        flow_id=started.flow.id,
        expires_at=started.flow.expires_at,
        guidance=package_for(Platform.SHOPIFY).access_guidance,
    )


class Connections(Controller):
    path = "/api/v1/workspaces/{workspace_id:uuid}/connections"
    tags = ("connections",)
    dependencies = MEMBER

    @get("/", opt=needs(Role.VIEWER))
    async def list_all(
        self, access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
    ) -> list[ConnectionOut]:
        return await list_connections(dashboard, access)

    @get("/{connection_id:uuid}", opt=needs(Role.VIEWER))
    async def show(
        self,
        connection_id: FromPath[uuid.UUID],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> ConnectionOut:
        async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
            connection = await uow.connections.get(ConnectionId(connection_id))
        if connection is None:
            raise NotFound("connection")
        return ConnectionOut.of(connection)

    @post("/", opt=needs(Role.ADMIN))
    async def connect_store(
        self,
        data: JSONBody[ConnectRequest],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> ConnectedOut:
        """Connect a store with a token: tried against the store first (one read); on
        failure nothing is saved and the problem says why."""
        return await connect(dashboard, access, data)

    @put("/{connection_id:uuid}/credential", opt=needs(Role.ADMIN))
    async def replace(
        self,
        connection_id: FromPath[uuid.UUID],
        data: JSONBody[CredentialReplace],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> ConnectedOut:
        """Replace the credential of a connection (a mistyped or rotated token): tried against
        the store first, then re-sealed one generation up; the old one is gone."""
        return await replace_credential(dashboard, access, ConnectionId(connection_id), data)

    @delete("/{connection_id:uuid}", opt=needs(Role.ADMIN))
    async def disconnect_store(
        self,
        connection_id: FromPath[uuid.UUID],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> None:
        """Disconnect: the connection and its sealed credential are deleted together
        (crypto-shredding), and its tools disappear from every key at once."""
        await disconnect(dashboard, access, ConnectionId(connection_id))

    @post("/shopify/install", opt=needs(Role.ADMIN))
    async def shopify_install(
        self,
        data: JSONBody[ShopifyInstallRequest],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> InstallOut:
        """Connect a Shopify store through the app's OAuth install: open the returned
        ``authorization_url`` in the browser; Shopify sends it back to
        ``/oauth/shopify/callback``, which connects the store."""
        return await begin_shopify_install(dashboard, access, data)


ROUTES = [platforms, Connections]
