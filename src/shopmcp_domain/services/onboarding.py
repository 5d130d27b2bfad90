"""Setting a workspace up: create it, issue keys, connect and disconnect stores, opt in to
writes, save playbooks. Used by the CLI, the demo and the dashboard API.

Each change given an ``actor`` is written to the workspace's audit log in the same unit of
work (who, what, when, on what): the dashboard always passes one, the CLI passes
``Actor.cli()`` where it records its own actions."""

from __future__ import annotations

from collections.abc import Sequence

from shopmcp_domain.accounts import Membership, Role
from shopmcp_domain.audit import Actor, audit_entry
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import (
    DuplicateStoreLabel,
    NotFound,
    WritesLocked,
)
from shopmcp_domain.ids import (
    AccountId,
    ConnectionId,
    WorkspaceId,
    new_connection_id,
    new_credential_id,
    new_playbook_id,
    new_workspace_id,
)
from shopmcp_domain.keys import ALL_ACCESS, IssuedKey, KeyScopes, issue_key
from shopmcp_domain.plans import DEFAULT_PLAN, PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbooks import Playbook, PlaybookArgument
from shopmcp_domain.ports import (
    Clock,
    CredentialVault,
    TenantRepository,
    TenantUnitOfWork,
)
from shopmcp_domain.services.plan_limits import check_store_allowance
from shopmcp_domain.workspaces import Workspace, WriteApprovalMode


async def _audit(
    uow: TenantUnitOfWork,
    clock: Clock,
    actor: Actor | None,
    action: str,
    target_kind: str,
    target_id: object | None,
    **detail: str,
) -> None:
    if actor is not None:
        entry = audit_entry(
            uow.workspace_id, actor, action, target_kind, target_id, clock.now(), **detail
        )
        await uow.audit_entries.add(entry)


async def create_workspace(
    tenants: TenantRepository,
    clock: Clock,
    name: str,
    plan: PlanTier = DEFAULT_PLAN,
    *,
    owner: AccountId | None = None,
    actor: Actor | None = None,
) -> Workspace:
    """A new workspace; ``owner``, when given, becomes its first member, as owner."""
    workspace = Workspace(id=new_workspace_id(), name=name, plan=plan, created_at=clock.now())
    async with tenants.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
        if owner is not None:
            await uow.members.add(Membership(workspace.id, owner, Role.OWNER, workspace.created_at))
        await _audit(uow, clock, actor, "workspace.create", "workspace", workspace.id, name=name)
    return workspace


async def issue_workspace_key(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    *,
    write: bool = False,
    name: str = "",
    scopes: KeyScopes | None = None,
    actor: Actor | None = None,
) -> IssuedKey:
    """A new MCP key. Read-only unless ``write``; even a write key sees write tools only for
    platforms whose writes the workspace enabled. ``scopes``, when given, is the whole scope
    (``write`` is then ignored): some platforms, some connections, read or read and write."""
    if scopes is None:
        scopes = ALL_ACCESS if write else KeyScopes()
    issued = issue_key(workspace_id, clock.now(), scopes, name)
    async with tenants.unit_of_work(workspace_id) as uow:
        if await uow.workspaces.get() is None:
            raise NotFound("workspace")
        await uow.keys.add(issued.key)
        await _audit(
            uow,
            clock,
            actor,
            "key.create",
            "key",
            issued.key.prefix,
            scopes=" ".join(scopes.to_strings()),
        )
    return issued


async def set_writes(
    tenants: TenantRepository,
    workspace_id: WorkspaceId,
    platform: Platform,
    enabled: bool,
    *,
    writes_locked: frozenset[Platform] = frozenset(),
    clock: Clock | None = None,
    actor: Actor | None = None,
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
        if clock is not None:
            action = "writes.enable" if enabled else "writes.disable"
            await _audit(uow, clock, actor, action, "platform", platform.value)
    return changed


async def set_confirmation(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    platform: Platform,
    on: bool,
    *,
    actor: Actor,
) -> Workspace:
    """Turn write confirmation on (the default) or off for one platform of the workspace.
    Only an owner (the dashboard checks the role) or the operator's CLI may, and every change
    is audited with who and when. It changes the workspace's write policy, so every pending
    confirmation of the workspace is refused afterwards (its policy version no longer
    matches)."""
    async with tenants.unit_of_work(workspace_id) as uow:
        workspace = await uow.workspaces.get()
        if workspace is None:
            raise NotFound("workspace")
        changed = workspace.set_confirmation(platform, on)
        await uow.workspaces.update(changed)
        action = "writes.confirmation_on" if on else "writes.confirmation_off"
        await _audit(uow, clock, actor, action, "platform", platform.value)
    return changed


async def set_write_approval(
    tenants: TenantRepository,
    clock: Clock,
    workspace_id: WorkspaceId,
    mode: WriteApprovalMode,
    *,
    actor: Actor,
) -> Workspace:
    """Where the workspace's confirmed writes are approved: ``in_chat`` (the default: the
    user, by the preview's one-time code) or ``dashboard`` (a member with the admin or owner
    role, on the dashboard; the chat gets no code). Only an owner or admin (the dashboard
    checks the role) or the operator's CLI may, and every change is audited with who and
    when. It changes the workspace's write policy, so every pending confirmation and approval
    of the workspace is refused afterwards (its policy version no longer matches)."""
    async with tenants.unit_of_work(workspace_id) as uow:
        workspace = await uow.workspaces.get()
        if workspace is None:
            raise NotFound("workspace")
        changed = workspace.set_write_approval(mode)
        await uow.workspaces.update(changed)
        await _audit(uow, clock, actor, f"writes.approval_{mode.value}", "workspace", workspace_id)
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
    *,
    scopes: frozenset[str] = frozenset(),
    actor: Actor | None = None,
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
        scopes=scopes,
    )
    async with tenants.unit_of_work(workspace_id) as uow:
        await check_store_allowance(uow, platform)
        existing = await uow.connections.list()
        if any(c.platform is platform and c.label == connection.label for c in existing):
            raise DuplicateStoreLabel(platform.value, connection.label)
        await uow.connections.add(connection, sealed)
        await _audit(
            uow,
            clock,
            actor,
            "connection.create",
            "connection",
            connection.id,
            platform=platform.value,
            store=store_ref,
        )
    return connection


async def disconnect_store(
    tenants: TenantRepository,
    vault: CredentialVault,
    workspace_id: WorkspaceId,
    connection_id: ConnectionId,
    *,
    clock: Clock | None = None,
    actor: Actor | None = None,
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
        if clock is not None:
            await _audit(
                uow,
                clock,
                actor,
                "connection.delete",
                "connection",
                connection_id,
                platform=connection.platform.value,
                store=connection.store_ref,
            )
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
