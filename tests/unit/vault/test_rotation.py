"""rewrap_all over the in-memory RewrapSource: complete, idempotent, resumable, safe against a
concurrent re-seal."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import pytest

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.vault.rotation import InMemoryRewrapSource, RewrapReport, rewrap_all
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.ids import CredentialId, new_credential_id, new_workspace_id
from tests.unit.vault.conftest import VaultCase, kms_case


async def populate(case: VaultCase, n: int) -> tuple[InMemoryRewrapSource, dict[CredentialId, str]]:
    workspaces = [new_workspace_id() for _ in range(3)]
    rows, secrets = [], {}
    for i in range(n):
        context = EncryptionContext(workspaces[i % 3], new_credential_id())
        rows.append(await case.vault.seal(context, CredentialPayload({"token": f"s-{i}"})))
        secrets[context.credential_id] = f"s-{i}"
    return InMemoryRewrapSource(rows), secrets


async def test_rewraps_everything_without_touching_ciphertexts(case: VaultCase) -> None:
    source, secrets = await populate(case, 23)
    before = dict(source.rows)
    old_key = next(iter(before.values())).kms_key_id
    new_key = case.new_key()
    progress: list[int] = []
    report = await rewrap_all(
        source, case.vault, new_key, batch_size=5, on_progress=lambda r: progress.append(r.seen)
    )
    assert report.rewrapped == 23
    assert report.complete
    assert progress == [5, 10, 15, 20, 23]
    assert report.total == 23
    target = await case.vault.resolve_key_id(new_key)
    for cid, row in source.rows.items():
        assert row.kms_key_id == target
        assert row.ciphertext == before[cid].ciphertext
        assert row.nonce == before[cid].nonce
        assert row.wrapped_dek != before[cid].wrapped_dek
    case.remove_key(old_key)
    case.vault.cache.clear()
    for cid, row in source.rows.items():
        assert (await case.vault.open(row.context, row))["token"] == secrets[cid]


async def test_a_second_run_skips_everything(case: VaultCase) -> None:
    source, _ = await populate(case, 7)
    new_key = case.new_key()
    await rewrap_all(source, case.vault, new_key, batch_size=3)
    writes = source.writes
    report = await rewrap_all(source, case.vault, new_key, batch_size=3)
    assert (report.rewrapped, report.skipped, source.writes) == (0, 7, writes)


class Interrupted(Exception):
    pass


class FlakySource(InMemoryRewrapSource):
    """Dies on the n-th batch read, like a process killed mid-run."""

    def __init__(self, rows: Sequence[SealedCredential], die_on: int) -> None:
        super().__init__(rows)
        self.reads = 0
        self.die_on = die_on

    async def iter_credentials(
        self, after: CredentialId | None, limit: int
    ) -> Sequence[SealedCredential]:
        self.reads += 1
        if self.reads == self.die_on:
            raise Interrupted()
        return await super().iter_credentials(after, limit)


async def test_resumes_after_an_interruption(case: VaultCase) -> None:
    source, _ = await populate(case, 10)
    flaky = FlakySource(list(source.rows.values()), die_on=3)
    new_key = case.new_key()
    seen: list[RewrapReport] = []
    with pytest.raises(Interrupted):
        await rewrap_all(flaky, case.vault, new_key, batch_size=4, on_progress=seen.append)
    assert flaky.writes == 8  # two whole batches done before the crash
    last = seen[-1].last_id
    ordered = sorted(flaky.rows)
    assert last == ordered[7]
    # Rerun from the start: the finished ones are skipped.
    flaky.die_on = 0
    again = await rewrap_all(flaky, case.vault, new_key, batch_size=4)
    assert (again.skipped, again.rewrapped) == (8, 2)
    # Or resume from the checkpoint.
    source2, _ = await populate(case, 6)
    ids = sorted(source2.rows)
    resumed = await rewrap_all(source2, case.vault, new_key, after=ids[2])
    assert resumed.rewrapped == 3
    target = await case.vault.resolve_key_id(new_key)
    assert [source2.rows[i].kms_key_id == target for i in ids] == [False] * 3 + [True] * 3


class ResealingSource(InMemoryRewrapSource):
    """A provider rotation re-seals one credential between the read and the rewrap's write."""

    def __init__(self, rows: Sequence[SealedCredential], case: VaultCase) -> None:
        super().__init__(rows)
        self.case = case
        self.victim = sorted(self.rows)[0]
        self.resealed: SealedCredential | None = None

    async def iter_credentials(
        self, after: CredentialId | None, limit: int
    ) -> Sequence[SealedCredential]:
        batch = await super().iter_credentials(after, limit)
        if self.resealed is None:
            row = self.rows[self.victim]
            self.resealed = await self.case.vault.seal(
                row.context, CredentialPayload({"token": "rotated"})
            )
            self.rows[self.victim] = self.resealed
        return batch


async def test_a_concurrent_reseal_is_not_overwritten(case: VaultCase) -> None:
    source, _ = await populate(case, 4)
    racing = ResealingSource(list(source.rows.values()), case)
    new_key = case.new_key()
    report = await rewrap_all(racing, case.vault, new_key)
    assert (report.rewrapped, report.changed) == (3, 1)
    assert not report.complete
    row = racing.rows[racing.victim]
    assert row == racing.resealed
    case.vault.cache.clear()
    assert (await case.vault.open(row.context, row))["token"] == "rotated"
    # The next run finishes the job.
    assert (await rewrap_all(racing, case.vault, new_key)).rewrapped == 1


async def test_a_broken_credential_is_reported_and_the_rest_proceed(case: VaultCase) -> None:
    source, _ = await populate(case, 5)
    broken_id = sorted(source.rows)[2]
    row = source.rows[broken_id]
    # The last byte flipped (overwriting it with a fixed value left it unchanged 1 time in 256).
    tampered = row.ciphertext[:-1] + bytes([row.ciphertext[-1] ^ 1])
    source.rows[broken_id] = attrs.evolve(row, ciphertext=tampered)
    report = await rewrap_all(source, case.vault, case.new_key(), batch_size=2)
    assert report.failed == [broken_id]
    assert report.rewrapped == 4


async def test_an_unknown_target_fails_before_any_write(case: VaultCase) -> None:
    source, _ = await populate(case, 3)
    unknown = "local:ffffffffffffffff" if case.keys is not None else "alias/missing"
    with pytest.raises(ValueError, match="unknown or unusable"):
        await rewrap_all(source, case.vault, unknown)
    assert source.writes == 0


async def test_target_named_by_alias_is_recognised_as_already_done(clock: FakeClock) -> None:
    case = kms_case(clock)
    assert case.kms is not None
    source, _ = await populate(case, 3)
    arn = case.kms.create_key(alias="alias/next")
    await rewrap_all(source, case.vault, "alias/next")
    assert {r.kms_key_id for r in source.rows.values()} == {arn}
    assert (await rewrap_all(source, case.vault, arn)).skipped == 3
