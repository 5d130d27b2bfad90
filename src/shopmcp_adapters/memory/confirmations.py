"""The in-memory ``ConfirmationStore`` and ``WriteApprovalReview`` (one object: the runtime's
and the dashboard's sides of the same approvals): the reference semantics the PostgreSQL
adapters are held to (``tests/ports/confirmations.py``). One process, so one dict per
workspace suffices; the methods do no await between reading and writing, so each is atomic on
the event loop."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from shopmcp_domain.approvals import (
    APPROVALS_PER_BINDING,
    ApprovalBinding,
    ApprovalId,
    ApprovalState,
    WriteApproval,
)
from shopmcp_domain.confirmations import (
    Confirmation,
    IdempotentWrite,
    WriteOutcome,
    WriteState,
)
from shopmcp_domain.ids import AccountId, WorkspaceId


class InMemoryConfirmationStore:
    def __init__(self) -> None:
        self._confirmations: dict[tuple[WorkspaceId, str], Confirmation] = {}
        self._writes: dict[tuple[WorkspaceId, str], IdempotentWrite] = {}
        self._approvals: dict[tuple[WorkspaceId, ApprovalId], WriteApproval] = {}
        # For tests: how many confirmations were ever issued.
        self.issued = 0

    async def issue(self, confirmation: Confirmation) -> None:
        key = (confirmation.workspace_id, confirmation.code_hash)
        if key in self._confirmations:
            raise ValueError("a confirmation with this code already exists")
        self._confirmations[key] = confirmation
        self.issued += 1

    async def consume(
        self, workspace_id: WorkspaceId, code_hash: str, at: dt.datetime
    ) -> Confirmation | None:
        found = self._confirmations.get((workspace_id, code_hash))
        if found is None or found.used_at is not None:
            return None
        used = attrs.evolve(found, used_at=at)
        self._confirmations[(workspace_id, code_hash)] = used
        return used

    async def find(self, workspace_id: WorkspaceId, code_hash: str) -> Confirmation | None:
        return self._confirmations.get((workspace_id, code_hash))

    async def claim(self, write: IdempotentWrite) -> IdempotentWrite | None:
        key = (write.workspace_id, write.idempotency_key)
        earlier = self._writes.get(key)
        if earlier is not None and earlier.expires_at > write.created_at:
            return earlier
        self._writes[key] = write
        return None

    async def written(
        self, workspace_id: WorkspaceId, idempotency_key: str, at: dt.datetime
    ) -> IdempotentWrite | None:
        found = self._writes.get((workspace_id, idempotency_key))
        return found if found is not None and found.expires_at > at else None

    async def finish(
        self,
        workspace_id: WorkspaceId,
        idempotency_key: str,
        state: WriteState,
        outcome: WriteOutcome,
    ) -> None:
        key = (workspace_id, idempotency_key)
        write = self._writes.get(key)
        if write is not None:
            self._writes[key] = attrs.evolve(write, state=state, outcome=outcome)

    async def purge(self, before: dt.datetime) -> int:
        stale_confirmations = [k for k, c in self._confirmations.items() if c.expires_at < before]
        stale_writes = [k for k, w in self._writes.items() if w.expires_at < before]
        stale_approvals = [k for k, a in self._approvals.items() if a.expires_at < before]
        for key in stale_confirmations:
            del self._confirmations[key]
        for key in stale_writes:
            del self._writes[key]
        for approval_key in stale_approvals:
            del self._approvals[approval_key]
        return len(stale_confirmations) + len(stale_writes) + len(stale_approvals)

    def forget_workspace(self, workspace_id: WorkspaceId) -> None:
        for table in (self._confirmations, self._writes):
            for key in [k for k in table if k[0] == workspace_id]:
                del table[key]
        for approval_key in [k for k in self._approvals if k[0] == workspace_id]:
            del self._approvals[approval_key]

    # ---- dashboard approvals: the runtime's side

    async def request_approval(self, approval: WriteApproval) -> None:
        if approval.state is not ApprovalState.PENDING or approval.decided_by is not None:
            raise ValueError("the runtime stores pending approvals only")
        key = (approval.workspace_id, approval.id)
        if key in self._approvals:
            raise ValueError("an approval with this id already exists")
        self._approvals[key] = approval

    async def approvals_for(
        self, workspace_id: WorkspaceId, binding: ApprovalBinding
    ) -> Sequence[WriteApproval]:
        found = [
            a
            for (ws, _), a in self._approvals.items()
            if ws == workspace_id and a.binding == binding
        ]
        found.sort(key=lambda a: a.created_at, reverse=True)
        return found[:APPROVALS_PER_BINDING]

    async def close_approval(
        self, workspace_id: WorkspaceId, approval_id: ApprovalId, at: dt.datetime
    ) -> WriteApproval | None:
        found = self._approvals.get((workspace_id, approval_id))
        if found is None or found.used_at is not None:
            return None
        closed = attrs.evolve(found, used_at=at)
        self._approvals[(workspace_id, approval_id)] = closed
        return closed

    # ---- dashboard approvals: the dashboard's side (``WriteApprovalReview``)

    async def list(self, workspace_id: WorkspaceId, limit: int = 100) -> Sequence[WriteApproval]:
        found = [a for (ws, _), a in self._approvals.items() if ws == workspace_id]
        found.sort(key=lambda a: (a.created_at, a.id), reverse=True)
        return found[:limit]

    async def get(self, workspace_id: WorkspaceId, approval_id: ApprovalId) -> WriteApproval | None:
        return self._approvals.get((workspace_id, approval_id))

    async def decide(
        self,
        workspace_id: WorkspaceId,
        approval_id: ApprovalId,
        state: ApprovalState,
        by: AccountId,
        at: dt.datetime,
    ) -> WriteApproval | None:
        if state is ApprovalState.PENDING:
            raise ValueError("a decision approves or rejects")
        found = self._approvals.get((workspace_id, approval_id))
        if found is None or not found.decidable(at):
            return None
        decided = attrs.evolve(found, state=state, decided_by=by, decided_at=at)
        self._approvals[(workspace_id, approval_id)] = decided
        return decided
