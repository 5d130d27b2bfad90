"""Master-key rotation: re-wrap every data key under a new master key, ciphertexts untouched.

Cross-tenant by nature, so it reads credentials through a :class:`RewrapSource` (the owner-side
view of the credential table) rather than the tenant store. Batches are ordered by credential
id; a credential already wrapped under the target key is skipped, so a run that was
interrupted is simply run again (or resumed with ``after``). The write is a compare-and-swap
on the wrapped key: if a provider rotation re-sealed the credential meanwhile (new ciphertext,
new data key), the stale rewrap is dropped rather than pairing the new ciphertext with the old
data key; the next run picks the credential up if it still needs it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Protocol

import attrs

from shopmcp_domain.credentials import SealedCredential
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import CredentialId, WorkspaceId


class RewrapSource(Protocol):
    async def count(self) -> int:
        """How many credentials exist (for progress; may be approximate)."""
        ...

    async def iter_credentials(
        self, after: CredentialId | None, limit: int
    ) -> Sequence[SealedCredential]:
        """Up to ``limit`` credentials with id > ``after``, ordered by id, across workspaces."""
        ...

    async def replace_wrapped_key(
        self,
        credential_id: CredentialId,
        workspace_id: WorkspaceId,
        wrapped_dek: bytes,
        kms_key_id: str,
        *,
        expected_wrapped_dek: bytes,
    ) -> bool:
        """Store the new wrapped key only if the row still holds ``expected_wrapped_dek``.
        Ciphertext and nonce are never written. Returns whether the row was updated."""
        ...


class Rewrapper(Protocol):
    async def resolve_key_id(self, key_id: str) -> str: ...

    async def rewrap(self, sealed: SealedCredential, to_key_id: str) -> SealedCredential: ...


@attrs.define
class RewrapReport:
    target_key_id: str
    total: int = 0
    seen: int = 0
    rewrapped: int = 0
    skipped: int = 0  # already under the target key
    changed: int = 0  # re-sealed concurrently; left for the next run
    failed: list[CredentialId] = attrs.Factory(list)
    last_id: CredentialId | None = None

    @property
    def complete(self) -> bool:
        return not self.failed and not self.changed


async def rewrap_all(
    source: RewrapSource,
    vault: Rewrapper,
    to_key_id: str,
    *,
    batch_size: int = 100,
    concurrency: int = 8,
    after: CredentialId | None = None,
    on_progress: Callable[[RewrapReport], None] | None = None,
) -> RewrapReport:
    if batch_size < 1 or concurrency < 1:
        raise ValueError("batch_size and concurrency must be >= 1")
    target = await vault.resolve_key_id(to_key_id)  # unknown target: fail before any row
    report = RewrapReport(target_key_id=target, total=await source.count(), last_id=after)
    gate = asyncio.Semaphore(concurrency)

    async def one(sealed: SealedCredential) -> None:
        if sealed.kms_key_id == target:
            report.skipped += 1
            return
        async with gate:
            try:
                fresh = await vault.rewrap(sealed, target)
            except CredentialUnavailable:
                report.failed.append(sealed.id)
                return
            updated = await source.replace_wrapped_key(
                sealed.id,
                sealed.workspace_id,
                fresh.wrapped_dek,
                fresh.kms_key_id,
                expected_wrapped_dek=sealed.wrapped_dek,
            )
        if updated:
            report.rewrapped += 1
        else:
            report.changed += 1

    cursor = after
    while True:
        batch = await source.iter_credentials(cursor, batch_size)
        if not batch:
            break
        await asyncio.gather(*(one(sealed) for sealed in batch))
        cursor = batch[-1].id
        report.seen += len(batch)
        report.last_id = cursor
        if on_progress is not None:
            on_progress(report)
        if len(batch) < batch_size:
            break
    return report


async def count_wrapped_under(source: RewrapSource, key_id: str, *, batch_size: int = 500) -> int:
    """How many credentials still have their data key wrapped under ``key_id`` (a master key
    may be retired only when none does)."""
    count = 0
    after: CredentialId | None = None
    while True:
        batch = await source.iter_credentials(after, batch_size)
        count += sum(1 for sealed in batch if sealed.kms_key_id == key_id)
        if len(batch) < batch_size:
            return count
        after = batch[-1].id


class InMemoryRewrapSource:
    """The reference semantics of :class:`RewrapSource`, over a dict of sealed credentials."""

    def __init__(self, credentials: Sequence[SealedCredential] = ()) -> None:
        self.rows: dict[CredentialId, SealedCredential] = {c.id: c for c in credentials}
        self.writes = 0

    def __repr__(self) -> str:
        return f"InMemoryRewrapSource(rows={len(self.rows)})"

    async def count(self) -> int:
        return len(self.rows)

    async def iter_credentials(
        self, after: CredentialId | None, limit: int
    ) -> Sequence[SealedCredential]:
        ids = sorted(i for i in self.rows if after is None or i > after)
        return [self.rows[i] for i in ids[:limit]]

    async def replace_wrapped_key(
        self,
        credential_id: CredentialId,
        workspace_id: WorkspaceId,
        wrapped_dek: bytes,
        kms_key_id: str,
        *,
        expected_wrapped_dek: bytes,
    ) -> bool:
        row = self.rows.get(credential_id)
        if (
            row is None
            or row.workspace_id != workspace_id
            or row.wrapped_dek != expected_wrapped_dek
        ):
            return False
        self.rows[credential_id] = attrs.evolve(row, wrapped_dek=wrapped_dek, kms_key_id=kms_key_id)
        self.writes += 1
        return True
