"""The ports of write confirmation: pending confirmations and idempotent writes (the runtime's
side, ``ConfirmationStore``) and dashboard approvals (the dashboard's side,
``WriteApprovalReview``). Protocols only, implemented in ``shopmcp_adapters.memory`` and
``shopmcp_adapters.postgres``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from shopmcp_domain.approvals import ApprovalBinding, ApprovalId, ApprovalState, WriteApproval
from shopmcp_domain.confirmations import (
    Confirmation,
    IdempotentWrite,
    WriteOutcome,
    WriteState,
)
from shopmcp_domain.ids import AccountId, WorkspaceId


class ConfirmationStore(Protocol):
    """Pending write confirmations and the idempotency keys of confirmed writes, per workspace.
    Codes are stored hashed; every method is scoped to the workspace it names."""

    async def issue(self, confirmation: Confirmation) -> None: ...

    async def consume(
        self, workspace_id: WorkspaceId, code_hash: str, at: dt.datetime
    ) -> Confirmation | None:
        """Mark the workspace's confirmation with this code hash used, atomically, and return
        it; None when there is none or it was already used (two concurrent consumers of one
        code: exactly one gets it). Expiry and binding are the caller's checks."""
        ...

    async def find(self, workspace_id: WorkspaceId, code_hash: str) -> Confirmation | None:
        """The confirmation with this code hash, used or not (to answer a repeated call)."""
        ...

    async def claim(self, write: IdempotentWrite) -> IdempotentWrite | None:
        """Claim ``write.idempotency_key`` for this write: None when claimed now; else the
        earlier, unexpired claim of the key (in progress or finished), left as it is."""
        ...

    async def written(
        self, workspace_id: WorkspaceId, idempotency_key: str, at: dt.datetime
    ) -> IdempotentWrite | None:
        """The unexpired claim of this key, if any."""
        ...

    async def finish(
        self,
        workspace_id: WorkspaceId,
        idempotency_key: str,
        state: WriteState,
        outcome: WriteOutcome,
    ) -> None: ...

    async def purge(self, before: dt.datetime) -> int:
        """Drop confirmations, dashboard approvals and kept outcomes that expired before
        ``before``; how many."""
        ...

    # Dashboard approvals (migration 0017), the runtime's side: it requests them and closes
    # them, never decides them.

    async def request_approval(self, approval: WriteApproval) -> None:
        """Store a new pending approval (always pending: the runtime cannot store a decided
        one)."""
        ...

    async def approvals_for(
        self, workspace_id: WorkspaceId, binding: ApprovalBinding
    ) -> Sequence[WriteApproval]:
        """The workspace's approvals of exactly this binding, newest first (at most
        ``APPROVALS_PER_BINDING``), open or closed."""
        ...

    async def close_approval(
        self, workspace_id: WorkspaceId, approval_id: ApprovalId, at: dt.datetime
    ) -> WriteApproval | None:
        """Mark the approval answered for good (executed, or refused), atomically, and return
        it as it is now; None when it was already closed or does not exist (two concurrent
        closers of one approval: exactly one gets it)."""
        ...


class WriteApprovalReview(Protocol):
    """Dashboard approvals (migration 0017), the dashboard's side: list them and decide them,
    as the tenant role. Every method is scoped to the workspace it names."""

    async def list(self, workspace_id: WorkspaceId, limit: int = 100) -> Sequence[WriteApproval]:
        """The workspace's approvals, newest first (pending and decided, until purged)."""
        ...

    async def get(
        self, workspace_id: WorkspaceId, approval_id: ApprovalId
    ) -> WriteApproval | None: ...

    async def decide(
        self,
        workspace_id: WorkspaceId,
        approval_id: ApprovalId,
        state: ApprovalState,
        by: AccountId,
        at: dt.datetime,
    ) -> WriteApproval | None:
        """Approve or reject, atomically, only while it is pending, open and unexpired at
        ``at``; the decided approval, or None when it was not decidable (or does not exist)."""
        ...
