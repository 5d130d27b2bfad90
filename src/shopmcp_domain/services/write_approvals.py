"""The dashboard's side of write approval: list a workspace's pending writes, approve or reject
one. Used by the REST API and the Writes page alike.

Who: a member with the admin or owner role (the same people who may enable writes); a viewer
is refused (:class:`RoleRequired`), and an approval of another workspace is not found (404),
whatever its id. Each decision is recorded in the workspace's audit log with who and when
(``writes.approve`` / ``writes.reject``), and on the approval itself (``decided_by``): both in
one unit of work, so a decision whose audit entry cannot be written is not made.

A decision only ever moves a pending, unanswered, unexpired approval, atomically (the store's
``decide``): a second decision, or one after the expiry, is refused with nothing changed.
Approving sends nothing: the write runs when the model calls the tool again.
"""

from __future__ import annotations

from collections.abc import Sequence

from shopmcp_domain.accounts import Role
from shopmcp_domain.approvals import ApprovalId, ApprovalState, WriteApproval
from shopmcp_domain.audit import audit_entry
from shopmcp_domain.confirmation_ports import WriteApprovalReview
from shopmcp_domain.dashboard_errors import RoleRequired
from shopmcp_domain.errors import NotFound
from shopmcp_domain.ports import (
    Clock,
    TenantRepository,
)
from shopmcp_domain.services.dashboard import Access

# Who may approve or reject a pending write.
DECIDES = Role.ADMIN


async def list_approvals(
    review: WriteApprovalReview, access: Access, limit: int = 100
) -> Sequence[WriteApproval]:
    """The workspace's approvals, newest first: pending ones and those decided (until the
    sweep purges them after their expiry)."""
    return await review.list(access.workspace_id, limit)


async def decide_approval(
    review: WriteApprovalReview,
    tenants: TenantRepository,
    clock: Clock,
    access: Access,
    approval_id: ApprovalId,
    *,
    approve: bool,
) -> WriteApproval:
    """Approve or reject one pending write of the workspace, as ``access``'s account."""
    if not access.role.allows(DECIDES):
        raise RoleRequired(DECIDES.value)
    access.ensure_active()
    found = await review.get(access.workspace_id, approval_id)
    if found is None:
        raise NotFound("pending write")
    now = clock.now()
    # The domain's refusal says why (already decided, answered, expired) ...
    found.decide(approve, access.account.id, now)
    state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
    async with tenants.unit_of_work(access.workspace_id) as uow:
        # ... and the store's atomic update decides a race (two people, or the expiry), in the
        # same transaction as its audit entry: a decision is never left unaudited.
        decided = await uow.write_approvals.decide(approval_id, state, access.account.id, now)
        if decided is None:
            current = await review.get(access.workspace_id, approval_id)
            if current is None:
                raise NotFound("pending write")
            current.decide(approve, access.account.id, now)  # raises: no longer pending
            raise RuntimeError("an approval was neither decided nor refused")
        await uow.audit_entries.add(
            audit_entry(
                access.workspace_id,
                access.actor,
                "writes.approve" if approve else "writes.reject",
                "write_approval",
                approval_id,
                now,
                tool=decided.tool,
                store=decided.store,
            )
        )
    return decided
