"""A workspace's MCP ``/keys`` and its per-platform ``/writes`` opt-in.

A key's token and URL are shown once, at creation. "Last used" comes from the usage events the
MCP runtime writes anyway (``usage_events.key_prefix``): the serving path never updates a key.
Revoking commits, then drops the workspace from this replica's scope cache, so the very next
request with the key is refused here; other replicas drop it on the change notice.
"""

from __future__ import annotations

from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from shopmcp_adapters.upstreams.platforms import AVAILABLE, package_for
from shopmcp_domain.accounts import Role
from shopmcp_domain.dashboard_errors import InvalidRequest
from shopmcp_domain.ids import ConnectionId
from shopmcp_domain.keys import Access as KeyAccess
from shopmcp_domain.keys import KeyScopes
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import dashboard as manage
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.dashboard import Access
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api.auth import MEMBER, needs
from shopmcp_entrypoints.http.api.schemas import (
    ConfirmationUpdate,
    IssuedKeyOut,
    KeyCreate,
    KeyOut,
    WritesOut,
    WritesUpdate,
)


async def list_keys(dashboard: DashboardPorts, access: Access) -> list[KeyOut]:
    """Every key by prefix: scopes, created, revoked, last used. Never a secret."""
    async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
        keys = await uow.keys.list()
        last_used = await uow.usage.last_used()
    return [KeyOut.of(k, last_used.get(k.prefix)) for k in keys]


async def create_key(dashboard: DashboardPorts, access: Access, data: KeyCreate) -> IssuedKeyOut:
    """A new key (the API's and the web page's): its token and MCP URL are in this answer and
    never again."""
    access.ensure_active()
    connections = None
    if data.connections is not None:
        async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
            known = {c.id for c in await uow.connections.list()}
        wanted = {ConnectionId(c) for c in data.connections}
        if not wanted or not wanted <= known:
            raise InvalidRequest("connections must name connections of this workspace")
        connections = frozenset(wanted)
    if data.platforms is not None:
        for platform in data.platforms:
            package_for(platform)  # a platform with no tools is refused by name
    scopes = KeyScopes(
        access=frozenset({KeyAccess.READ, KeyAccess.WRITE} if data.write else {KeyAccess.READ}),
        platforms=None if not data.platforms else frozenset(data.platforms),
        connections=connections,
    )
    issued = await onboarding.issue_workspace_key(
        dashboard.tenants,
        dashboard.clock,
        access.workspace_id,
        name=data.name,
        scopes=scopes,
        actor=access.actor,
    )
    return IssuedKeyOut(
        key=KeyOut.of(issued.key),
        token=issued.token,
        mcp_url=f"{dashboard.mcp_base_url}/mcp/{issued.token}",
    )


async def revoke_key(dashboard: DashboardPorts, access: Access, prefix: str) -> None:
    """Revoke: the key's next request is refused (401)."""
    await manage.revoke_key(
        dashboard.tenants, dashboard.clock, access.workspace_id, prefix[:64], access.actor
    )
    # After the commit: this replica's next request reloads the key, and finds it revoked.
    dashboard.forget_scopes(access.workspace_id)


async def list_writes(dashboard: DashboardPorts, access: Access) -> list[WritesOut]:
    async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
        connected = {c.platform for c in await uow.connections.list()}
    return [
        WritesOut(
            platform=platform,
            enabled=platform in access.workspace.write_enabled,
            locked=platform in dashboard.writes_locked,
            connected=platform in connected,
            confirmed=access.workspace.confirms_writes(platform),
        )
        for platform in AVAILABLE
    ]


async def set_writes(
    dashboard: DashboardPorts, access: Access, platform: str, enabled: bool
) -> WritesOut:
    """Enable or disable a platform's write tools for the workspace (audited with who and
    when). A platform the operator locked refuses to be enabled (409)."""
    access.ensure_active()
    target: Platform = package_for(platform).platform
    changed = await onboarding.set_writes(
        dashboard.tenants,
        access.workspace_id,
        target,
        enabled,
        writes_locked=dashboard.writes_locked,
        clock=dashboard.clock,
        actor=access.actor,
    )
    dashboard.forget_scopes(access.workspace_id)
    async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
        connected = any(c.platform is target for c in await uow.connections.list())
    return WritesOut(
        platform=target,
        enabled=target in changed.write_enabled,
        locked=target in dashboard.writes_locked,
        connected=connected,
        confirmed=changed.confirms_writes(target),
    )


async def set_confirmation(
    dashboard: DashboardPorts, access: Access, platform: str, enabled: bool
) -> WritesOut:
    """Turn a platform's write confirmation on or off (owner only; audited with who and
    when). Pending confirmations of the workspace stop working either way."""
    access.ensure_active()
    target: Platform = package_for(platform).platform
    changed = await onboarding.set_confirmation(
        dashboard.tenants,
        dashboard.clock,
        access.workspace_id,
        target,
        enabled,
        actor=access.actor,
    )
    dashboard.forget_scopes(access.workspace_id)
    async with dashboard.tenants.unit_of_work(access.workspace_id) as uow:
        connected = any(c.platform is target for c in await uow.connections.list())
    return WritesOut(
        platform=target,
        enabled=target in changed.write_enabled,
        locked=target in dashboard.writes_locked,
        connected=connected,
        confirmed=changed.confirms_writes(target),
    )


class Keys(Controller):
    path = "/api/v1/workspaces/{workspace_id:uuid}/keys"
    tags = ("keys",)
    dependencies = MEMBER

    @get("/", opt=needs(Role.VIEWER))
    async def list_all(
        self, access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
    ) -> list[KeyOut]:
        """Every key by prefix: scopes, created, revoked, last used. Never a secret."""
        return await list_keys(dashboard, access)

    @post("/", opt=needs(Role.ADMIN))
    async def create(
        self,
        data: JSONBody[KeyCreate],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> IssuedKeyOut:
        """A new key: its token and MCP URL are in this answer and never again."""
        return await create_key(dashboard, access, data)

    @delete("/{prefix:str}", opt=needs(Role.ADMIN))
    async def revoke(
        self,
        prefix: FromPath[str],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> None:
        """Revoke: the key's next request is refused (401)."""
        await revoke_key(dashboard, access, prefix)


class Writes(Controller):
    path = "/api/v1/workspaces/{workspace_id:uuid}/writes"
    tags = ("writes",)
    dependencies = MEMBER

    @get("/", opt=needs(Role.VIEWER))
    async def list_all(
        self, access: NamedDependency[Access], dashboard: NamedDependency[DashboardPorts]
    ) -> list[WritesOut]:
        return await list_writes(dashboard, access)

    @put("/{platform:str}", opt=needs(Role.ADMIN))
    async def update(
        self,
        platform: FromPath[str],
        data: JSONBody[WritesUpdate],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> WritesOut:
        """Enable or disable a platform's write tools for the workspace (keys still need write
        access). A platform the operator locked refuses to be enabled (409)."""
        return await set_writes(dashboard, access, platform, data.enabled)

    @put("/{platform:str}/confirmation", opt=needs(Role.OWNER))
    async def confirmation(
        self,
        platform: FromPath[str],
        data: JSONBody[ConfirmationUpdate],
        access: NamedDependency[Access],
        dashboard: NamedDependency[DashboardPorts],
    ) -> WritesOut:
        """Turn write confirmation on (the default) or off for a platform: off, its write
        tools run on their first call, without a preview. Owners only; audited."""
        return await set_confirmation(dashboard, access, platform, data.enabled)


ROUTES = [Keys, Writes]
