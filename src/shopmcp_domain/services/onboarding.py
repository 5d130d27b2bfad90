"""Setting a workspace up: create it, issue keys, connect and disconnect stores, opt in to
writes, save playbooks. Used by the CLI and the demo today, and by the dashboard API later."""

from __future__ import annotations

from collections.abc import Sequence

from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import DuplicateStoreLabel, NotFound, WritesLocked
from shopmcp_domain.ids import (
    ConnectionId,
    WorkspaceId,
    new_connection_id,
    new_credential_id,
    new_playbook_id,
    new_workspace_id,
)
from shopmcp_domain.keys import ALL_ACCESS, IssuedKey, KeyScopes, issue_key
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbooks import Playbook, PlaybookArgument
from shopmcp_domain.ports import Clock, CredentialVault, TenantRepository
from shopmcp_domain.workspaces import Workspace


async def create_workspace(
    tenants: TenantRepository, clock: Clock, name: str, plan: PlanTier = PlanTier.FREE
) -> Workspace:
    workspace = Workspace(id=new_workspace_id(), name=name, plan=plan, created_at=clock.now())
    async with tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    return workspace


async def issue_workspace_key(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    *,
    write: bool = False,
    name: str = "",
) -> IssuedKey:
    """A new MCP key. Read-only unless ``write``; even a write key sees write tools only for
    platforms whose writes the workspace enabled."""
    scopes = ALL_ACCESS if write else KeyScopes()
    issued = issue_key(workspace_id, clock.now(), scopes, name)
    async with tenants.unit_of_work(workspace_id) as uow:
        if await uow.workspaces.get() is None:
            raise NotFound("workspace")
        await uow.keys.add(issued.key)
    return issued


async def set_writes(
    tenants: TenantRepository,
    workspace_id: WorkspaceId,
    platform: Platform,
    enabled: bool,
    *,
    writes_locked: frozenset[Platform] = frozenset(),
) -> Workspace:
    """Record the workspace's write opt-in for ``platform``. Enabling a platform whose writes
    the operator has locked (``writes_locked``) raises :class:`WritesLocked` and records
    nothing: the opt-in could not take effect. The tool policy enforces the lock whatever is
    recorded; this refusal only keeps the merchant from believing writes are on."""
    if enabled and platform in writes_locked:
        raise WritesLocked(platform.value)
    async with tenants.unit_of_work(workspace_id) as uow:
        workspace = await uow.workspaces.get()
        if workspace is None:
            raise NotFound("workspace")
        changed = (
            workspace.enable_writes(platform) if enabled else workspace.disable_writes(platform)
        )
        await uow.workspaces.update(changed)
    return changed


async def connect_store(
    tenants: TenantRepository,
    vault: CredentialVault,
    clock: Clock,
    workspace_id: WorkspaceId,
    platform: Platform,
    store_ref: str,
    credentials: CredentialPayload,
    display_name: str = "",
) -> Connection:
    """Seal the credential under this workspace's context and store it with its connection,
    atomically. The connection's label (its display name, else its store reference) must be
    new among the workspace's connections of ``platform``: it is how a tool's ``store``
    argument names it (:class:`DuplicateStoreLabel` otherwise)."""
    credential_id = new_credential_id()
    sealed = await vault.seal(EncryptionContext(workspace_id, credential_id), credentials)
    connection = Connection(
        id=new_connection_id(),
        workspace_id=workspace_id,
        platform=platform,
        store_ref=store_ref,
        credential_id=credential_id,
        created_at=clock.now(),
        display_name=display_name,
    )
    async with tenants.unit_of_work(workspace_id) as uow:
        existing = await uow.connections.list()
        if any(c.platform is platform and c.label == connection.label for c in existing):
            raise DuplicateStoreLabel(platform.value, connection.label)
        await uow.connections.add(connection, sealed)
    return connection


async def disconnect_store(
    tenants: TenantRepository,
    vault: CredentialVault,
    workspace_id: WorkspaceId,
    connection_id: ConnectionId,
) -> bool:
    """Delete a connection and its sealed credential (crypto-shredding: the wrapped data key
    goes with the row), then drop the data key this process may still cache, before returning.
    Other replicas drop theirs when the change feed tells them. False if there was no such
    connection."""
    async with tenants.unit_of_work(workspace_id) as uow:
        connection = await uow.connections.get(connection_id)
        if connection is None:
            return False
        deleted = await uow.connections.delete(connection_id)
    # After the commit, so a request that read the row before it went and opened it meanwhile
    # loses its key too; one still opening it after this is covered by the change feed, whose
    # notice of this deletion reaches this process as well.
    vault.forget_credential(workspace_id, connection.credential_id)
    return deleted


async def add_playbook(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    name: str,
    description: str,
    template: str,
    arguments: Sequence[PlaybookArgument] = (),
) -> Playbook:
    playbook = Playbook(
        id=new_playbook_id(),
        workspace_id=workspace_id,
        name=name,
        description=description,
        template=template,
        created_at=clock.now(),
        arguments=tuple(arguments),
    )
    async with tenants.unit_of_work(workspace_id) as uow:
        await uow.playbooks.add(playbook)
    return playbook
