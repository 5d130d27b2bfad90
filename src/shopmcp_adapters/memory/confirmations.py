"""The in-memory ``ConfirmationStore``: the reference semantics the PostgreSQL adapter is held
to (``tests/ports/confirmations.py``). One process, so one dict per workspace suffices; the
methods do no await between reading and writing, so each is atomic on the event loop."""

from __future__ import annotations

import datetime as dt

import attrs

from shopmcp_domain.confirmations import (
    Confirmation,
    IdempotentWrite,
    WriteOutcome,
    WriteState,
)
from shopmcp_domain.ids import WorkspaceId


class InMemoryConfirmationStore:
    def __init__(self) -> None:
        self._confirmations: dict[tuple[WorkspaceId, str], Confirmation] = {}
        self._writes: dict[tuple[WorkspaceId, str], IdempotentWrite] = {}
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
        for key in stale_confirmations:
            del self._confirmations[key]
        for key in stale_writes:
            del self._writes[key]
        return len(stale_confirmations) + len(stale_writes)

    def forget_workspace(self, workspace_id: WorkspaceId) -> None:
        for table in (self._confirmations, self._writes):
            for key in [k for k in table if k[0] == workspace_id]:
                del table[key]
