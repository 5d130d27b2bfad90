"""Erasing a workspace (the security page's "Erasure" right): what the dashboard's delete and
``shopmcp workspace delete`` call.

:func:`request_erasure` is the one entry point, and deliberately minimal. In one transaction it
marks the workspace ``pending_deletion`` (it serves no tool from then on), revokes every key,
deletes every connection with its sealed credential (crypto-shredding: the wrapped data key
goes with the row), records an :class:`~shopmcp_domain.erasure.ErasureRequest` (when, by whom)
and an audit entry; after the commit it drops the data keys this process may cache. Calling it
again returns the first request and changes nothing.

For the erasure sweep (built separately): the request row is the contract. The sweep finds
workspaces with a request older than its grace period and deletes the workspace row, which
cascades to everything else of the tenant (usage events, meter outbox, audit log, members,
playbooks, OAuth flows, the request itself), well within ``ERASURE_DEADLINE``; an export, if
asked for, is taken before that. Extend this function rather than adding a second path.
"""

from __future__ import annotations

from shopmcp_domain.audit import Actor, audit_entry
from shopmcp_domain.erasure import ErasureRequest
from shopmcp_domain.errors import NotFound
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.ports import (
    Clock,
    CredentialVault,
    TenantRepository,
)


async def request_erasure(
    tenants: TenantRepository,
    vault: CredentialVault,
    clock: Clock,
    workspace_id: WorkspaceId,
    actor: Actor,
) -> ErasureRequest:
    now = clock.now()
    async with tenants.unit_of_work(workspace_id) as uow:
        workspace = await uow.workspaces.get()
        if workspace is None:
            raise NotFound("workspace")
        earlier = await uow.erasure_requests.get()
        if earlier is not None:
            return earlier
        await uow.workspaces.update(workspace.mark_pending_deletion())
        revoked = 0
        for key in await uow.keys.list():
            if not key.is_revoked and await uow.keys.revoke(key.id, now):
                revoked += 1
        shredded = 0
        for connection in await uow.connections.list():
            if await uow.connections.delete(connection.id):
                shredded += 1
        request = ErasureRequest(
            workspace_id=workspace_id,
            requested_at=now,
            requested_by=actor.account_id,
            requested_by_label=actor.label,
        )
        await uow.erasure_requests.add(request)
        await uow.audit_entries.add(
            audit_entry(
                workspace_id,
                actor,
                "workspace.delete",
                "workspace",
                workspace_id,
                now,
                keys_revoked=str(revoked),
                connections_deleted=str(shredded),
            )
        )
    # After the commit, as disconnecting does: other replicas drop theirs on the change notice.
    vault.forget_workspace(workspace_id)
    return request
