"""What a signed-in member may do in a workspace, and the dashboard's changes that
:mod:`~shopmcp_domain.services.onboarding` does not already make.

Authorisation comes first, always by :func:`authorize`: someone who is not a member of a
workspace gets ``NotFound`` for it, exactly as for a workspace that does not exist (so nothing
confirms that it does); a member whose role is too low gets ``RoleRequired``.
"""

from __future__ import annotations

import attrs

from shopmcp_domain.accounts import Account, Member, Membership, Role
from shopmcp_domain.audit import Actor, audit_entry
from shopmcp_domain.connections import Connection, ConnectionStatus
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.dashboard_errors import (
    LastOwner,
    RoleRequired,
    WorkspaceNotActive,
)
from shopmcp_domain.errors import (
    Conflict,
    CredentialUnavailable,
    NotFound,
)
from shopmcp_domain.ids import AccountId, ConnectionId, WorkspaceId
from shopmcp_domain.keys import McpKey
from shopmcp_domain.ports import (
    Clock,
    CredentialVault,
    TenantRepository,
)
from shopmcp_domain.workspaces import Workspace


@attrs.frozen
class Access:
    """A member of one workspace, authorised for what the route needs."""

    account: Account
    workspace: Workspace
    role: Role

    @property
    def actor(self) -> Actor:
        return Actor(self.account.id, self.account.email)

    @property
    def workspace_id(self) -> WorkspaceId:
        return self.workspace.id

    def ensure_active(self) -> None:
        """Changes are refused while the workspace is suspended or pending deletion."""
        if not self.workspace.is_active:
            raise WorkspaceNotActive(self.workspace.status.value)


async def authorize(
    tenants: TenantRepository, account: Account, workspace_id: WorkspaceId, needed: Role
) -> Access:
    async with tenants.unit_of_work(workspace_id) as uow:
        member = await uow.members.get(account.id)
        workspace = await uow.workspaces.get() if member is not None else None
    if member is None or workspace is None:
        raise NotFound("workspace")
    if not member.role.allows(needed):
        raise RoleRequired(needed.value)
    return Access(account=account, workspace=workspace, role=member.role)


async def rename_workspace(
    tenants: TenantRepository, clock: Clock, access: Access, name: str
) -> Workspace:
    access.ensure_active()
    async with tenants.unit_of_work(access.workspace_id) as uow:
        workspace = await uow.workspaces.get()
        if workspace is None:
            raise NotFound("workspace")
        renamed = workspace.rename(name)
        await uow.workspaces.update(renamed)
        await uow.audit_entries.add(
            audit_entry(
                workspace.id,
                access.actor,
                "workspace.rename",
                "workspace",
                workspace.id,
                clock.now(),
                before=workspace.name,
                after=name,
            )
        )
    return renamed


# --------------------------------------------------------------------------- members


async def add_member(
    tenants: TenantRepository, clock: Clock, access: Access, account: Account, role: Role
) -> Member:
    access.ensure_active()
    now = clock.now()
    async with tenants.unit_of_work(access.workspace_id) as uow:
        if await uow.members.get(account.id) is not None:
            raise Conflict("that account is a member already")
        await uow.members.add(Membership(access.workspace_id, account.id, role, now))
        await uow.audit_entries.add(
            audit_entry(
                access.workspace_id,
                access.actor,
                "member.add",
                "account",
                account.id,
                now,
                role=role.value,
            )
        )
    return Member(account_id=account.id, email=account.email, role=role, created_at=now)


async def _owners_left(members: list[Member], account_id: AccountId, new_role: Role | None) -> bool:
    """Whether at least one owner remains once ``account_id`` has ``new_role`` (None: gone)."""
    remaining = [
        (new_role if m.account_id == account_id else m.role)
        for m in members
        if not (m.account_id == account_id and new_role is None)
    ]
    return Role.OWNER in remaining


async def change_member(
    tenants: TenantRepository,
    clock: Clock,
    access: Access,
    account_id: AccountId,
    role: Role | None,
) -> None:
    """Give a member another role, or remove them (``role`` None). A workspace keeps at
    least one owner (:class:`LastOwner`)."""
    access.ensure_active()
    async with tenants.unit_of_work(access.workspace_id) as uow:
        members = list(await uow.members.list())
        if not any(m.account_id == account_id for m in members):
            raise NotFound("member")
        if not await _owners_left(members, account_id, role):
            raise LastOwner()
        if role is None:
            await uow.members.remove(account_id)
        else:
            await uow.members.set_role(account_id, role)
        await uow.audit_entries.add(
            audit_entry(
                access.workspace_id,
                access.actor,
                "member.remove" if role is None else "member.role",
                "account",
                account_id,
                clock.now(),
                **({} if role is None else {"role": role.value}),
            )
        )


# --------------------------------------------------------------------------- credentials, keys


async def replace_credential(
    tenants: TenantRepository,
    vault: CredentialVault,
    clock: Clock,
    workspace_id: WorkspaceId,
    connection_id: ConnectionId,
    credentials: CredentialPayload,
    actor: Actor,
) -> Connection:
    """Re-seal a connection's credential with a new one (a mistyped token replaced): one
    generation up, under the credential row's lock, as a rotation is; the connection is
    active again (a disabled one stays disabled). The old data key leaves this process's
    cache at once, other replicas' with the change notice."""
    async with tenants.unit_of_work(workspace_id) as uow:
        connection = await uow.connections.get(connection_id)
        if connection is None:
            raise NotFound("connection")
        # Lock first, then read the connection again: build on the last committed generation.
        current = await uow.credentials.get(connection.credential_id, for_update=True)
        existing = await uow.connections.get(connection_id)
        if current is None or existing is None:
            raise CredentialUnavailable()
        generation = max(current.generation, existing.credential_generation) + 1
        context = attrs.evolve(existing.credential_context, generation=generation)
        await uow.credentials.replace(await vault.seal(context, credentials))
        await uow.connections.advance_credential_generation(existing.id, generation)
        status = (
            existing.status
            if existing.status is ConnectionStatus.DISABLED
            else ConnectionStatus.ACTIVE
        )
        replaced = attrs.evolve(existing, status=status, credential_generation=generation)
        await uow.connections.update(replaced)
        await uow.audit_entries.add(
            audit_entry(
                workspace_id,
                actor,
                "connection.replace",
                "connection",
                connection_id,
                clock.now(),
                platform=existing.platform.value,
                generation=str(generation),
            )
        )
    vault.forget_credential(workspace_id, replaced.credential_id)
    return replaced


async def revoke_key(
    tenants: TenantRepository, clock: Clock, workspace_id: WorkspaceId, prefix: str, actor: Actor
) -> McpKey:
    """Revoke the workspace's key with this prefix (idempotent); ``NotFound`` for a prefix
    that is not one of its keys. The caller drops the workspace from its scope cache once this
    returns (the transaction has committed): the next request with the key is refused."""
    now = clock.now()
    async with tenants.unit_of_work(workspace_id) as uow:
        key = next((k for k in await uow.keys.list() if k.prefix == prefix), None)
        if key is None:
            raise NotFound("key")
        if not key.is_revoked and await uow.keys.revoke(key.id, now):
            key = key.revoke(now)
            await uow.audit_entries.add(
                audit_entry(workspace_id, actor, "key.revoke", "key", prefix, now)
            )
    return key
