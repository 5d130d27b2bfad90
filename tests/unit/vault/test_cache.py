"""The 60-second data-key cache, alone and inside the KMS vault (fake KMS, fake clock)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.vault import DataKeyCache, KmsVault, build_vault
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import new_credential_id, new_workspace_id
from tests.fakes.kms import FakeKms
from tests.unit.vault.conftest import kms_case


def ctx() -> EncryptionContext:
    return EncryptionContext(new_workspace_id(), new_credential_id())


PAYLOAD = CredentialPayload({"access_token": "tok"})


@pytest.mark.parametrize("ttl", [60.0001, 61, 3600, -1])
def test_ttl_above_sixty_seconds_or_negative_is_refused(clock: FakeClock, ttl: float) -> None:
    with pytest.raises(ValueError, match="TTL"):
        DataKeyCache(clock, ttl_seconds=ttl)
    with pytest.raises(ValueError):
        KmsVault(FakeKms(), "alias/x", clock, cache_seconds=ttl)


def test_build_vault_refuses_a_ttl_above_sixty(clock: FakeClock, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at most 60"):
        build_vault("alias/x", tmp_path, clock, cache_seconds=61, kms_client=FakeKms())
    with pytest.raises(ValueError, match="at most 60"):
        build_vault(None, tmp_path, clock, cache_seconds=120)


def test_entries_expire_and_are_evicted(clock: FakeClock) -> None:
    cache = DataKeyCache(clock, ttl_seconds=30)
    context = ctx()
    cache.put("k", b"w" * 60, context, b"d" * 32)
    clock.advance(29.9)
    assert cache.get("k", b"w" * 60, context) == b"d" * 32
    clock.advance(0.1)
    assert cache.get("k", b"w" * 60, context) is None
    assert len(cache) == 0
    assert not cache._entries  # gone from memory, not just hidden


def test_use_does_not_extend_the_ttl(clock: FakeClock) -> None:
    cache = DataKeyCache(clock, ttl_seconds=60)
    context = ctx()
    cache.put("k", b"w" * 60, context, b"d" * 32)
    for _ in range(5):
        clock.advance(11)
        assert cache.get("k", b"w" * 60, context) is not None
        cache.put("k", b"w" * 60, context, b"d" * 32)
    clock.advance(5)
    assert cache.get("k", b"w" * 60, context) is None


def test_another_context_or_key_id_is_a_miss(clock: FakeClock) -> None:
    cache = DataKeyCache(clock)
    context = ctx()
    cache.put("k", b"w" * 60, context, b"d" * 32)
    other_workspace = EncryptionContext(new_workspace_id(), context.credential_id)
    other_credential = EncryptionContext(context.workspace_id, new_credential_id())
    assert cache.get("k", b"w" * 60, other_workspace) is None
    assert cache.get("k", b"w" * 60, other_credential) is None
    assert cache.get("k2", b"w" * 60, context) is None
    assert cache.get("k", b"w" * 61, context) is None
    assert cache.get("k", b"w" * 60, context) == b"d" * 32


def test_bounded_least_recently_used_goes_first(clock: FakeClock) -> None:
    cache = DataKeyCache(clock, max_entries=2)
    a, b, c = ctx(), ctx(), ctx()
    cache.put("k", b"a" * 60, a, b"1" * 32)
    cache.put("k", b"b" * 60, b, b"2" * 32)
    assert cache.get("k", b"a" * 60, a) is not None  # a is now the most recent
    cache.put("k", b"c" * 60, c, b"3" * 32)
    assert len(cache) == 2
    assert cache.get("k", b"b" * 60, b) is None
    assert cache.get("k", b"a" * 60, a) is not None
    assert cache.get("k", b"c" * 60, c) is not None


def test_zero_ttl_disables_caching(clock: FakeClock) -> None:
    cache = DataKeyCache(clock, ttl_seconds=0)
    context = ctx()
    cache.put("k", b"w" * 60, context, b"d" * 32)
    assert cache.get("k", b"w" * 60, context) is None


async def test_expired_entry_calls_kms_again(clock: FakeClock) -> None:
    case = kms_case(clock)
    assert case.kms is not None
    context = ctx()
    sealed = await case.vault.seal(context, PAYLOAD)
    for _ in range(3):
        assert await case.vault.open(context, sealed) == PAYLOAD
        clock.advance(19)
    assert case.kms.calls["Decrypt"] == 0  # 57 s: the data key from seal is still cached
    clock.advance(3)  # 60 s since seal
    assert await case.vault.open(context, sealed) == PAYLOAD
    assert case.kms.calls["Decrypt"] == 1
    clock.advance(59)
    assert await case.vault.open(context, sealed) == PAYLOAD
    assert case.kms.calls["Decrypt"] == 1
    clock.advance(1)
    assert await case.vault.open(context, sealed) == PAYLOAD
    assert case.kms.calls["Decrypt"] == 2


async def test_a_lower_ttl_is_honoured(clock: FakeClock) -> None:
    case = kms_case(clock, cache_seconds=5)
    assert case.kms is not None
    context = ctx()
    sealed = await case.vault.seal(context, PAYLOAD)
    clock.advance(5)
    await case.vault.open(context, sealed)
    await case.vault.open(context, sealed)
    assert case.kms.calls["Decrypt"] == 1


async def test_cached_key_under_another_workspace_goes_to_kms_and_is_refused(
    clock: FakeClock,
) -> None:
    case = kms_case(clock)
    assert case.kms is not None
    context = ctx()
    sealed = await case.vault.seal(context, PAYLOAD)
    await case.vault.open(context, sealed)
    other = EncryptionContext(new_workspace_id(), context.credential_id)
    with pytest.raises(CredentialUnavailable):
        await case.vault.open(other, attrs.evolve(sealed, workspace_id=other.workspace_id))
    assert case.kms.calls["Decrypt"] == 1  # a miss: KMS asked (and refused)
    assert case.vault.cache.misses == 1


async def test_failed_open_caches_nothing(clock: FakeClock) -> None:
    case = kms_case(clock)
    assert case.kms is not None
    context = ctx()
    sealed = await case.vault.seal(context, PAYLOAD)
    case.vault.cache.clear()
    # The last byte flipped (overwriting it with a fixed value left it unchanged 1 time in 256).
    bad = attrs.evolve(
        sealed, ciphertext=sealed.ciphertext[:-1] + bytes([sealed.ciphertext[-1] ^ 1])
    )
    with pytest.raises(CredentialUnavailable):
        await case.vault.open(context, bad)
    assert len(case.vault.cache) == 0


async def test_kms_runs_in_bounded_worker_threads(clock: FakeClock) -> None:
    kms = FakeKms(delay=0.02)
    kms.create_key(alias="alias/k")
    vault = KmsVault(kms, "alias/k", clock, cache_seconds=0, max_concurrency=3)
    contexts = [ctx() for _ in range(12)]
    sealed = await asyncio.gather(*(vault.seal(c, PAYLOAD) for c in contexts))
    opened = await asyncio.gather(
        *(vault.open(c, s) for c, s in zip(contexts, sealed, strict=True))
    )
    assert opened == [PAYLOAD] * 12
    assert threading.get_ident() not in kms.threads
    assert 1 < kms.max_in_flight <= 3
    assert kms.calls["Decrypt"] == 12


# ------------------------------------------------------------------ eviction without access


async def eventually(condition: Callable[[], bool], within: float) -> float:
    """Real seconds until ``condition`` held; fails after ``within``. Polls without touching
    the cache through any method that would evict on access."""
    started = time.monotonic()
    while not condition():
        elapsed = time.monotonic() - started
        assert elapsed < within, f"not within {within}s"
        await asyncio.sleep(0.01)
    return time.monotonic() - started


def put(cache: DataKeyCache, context: EncryptionContext, marker: bytes = b"w") -> None:
    cache.put("k", marker * 60, context, b"d" * 32)


async def test_an_expired_entry_leaves_memory_within_a_second_untouched(clock: FakeClock) -> None:
    cache = DataKeyCache(clock, ttl_seconds=30)
    cache.start()
    try:
        put(cache, ctx())
        clock.advance(29.9)
        await asyncio.sleep(0.6)  # more than a sweep interval: the sweeper ran, kept it
        assert len(cache._entries) == 1
        clock.advance(0.1)
        await eventually(lambda: not cache._entries, within=1.0)
        assert not cache._expiry
        # Asleep while empty, it still wakes for a key put later.
        await asyncio.sleep(0.05)
        put(cache, ctx(), b"x")
        clock.advance(30)
        await eventually(lambda: not cache._entries, within=1.0)
    finally:
        await cache.stop()


async def test_with_real_time_an_entry_goes_at_its_expiry() -> None:
    cache = DataKeyCache(SystemClock(), ttl_seconds=0.2)
    cache.start()
    try:
        put(cache, ctx())
        waited = await eventually(lambda: not cache._entries, within=1.2)
        assert waited >= 0.15
    finally:
        await cache.stop()


async def test_the_sweeper_stops_and_leaves_nothing_running(clock: FakeClock) -> None:
    threads = threading.active_count()
    cache = DataKeyCache(clock)
    cache.start()
    cache.start()  # idempotent: one sweeper
    sweepers = [t for t in asyncio.all_tasks() if t.get_name() == "shopmcp-data-key-sweeper"]
    assert len(sweepers) == 1 and cache.sweeping
    put(cache, ctx())
    await cache.stop()
    assert not cache.sweeping and sweepers[0].done()
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "shopmcp-data-key-sweeper"]
    assert threading.active_count() == threads
    await cache.stop()  # twice is harmless
    # Stopped, it still evicts on access as before.
    clock.advance(60)
    assert cache.get("k", b"w" * 60, ctx()) is None and len(cache) == 0


async def test_a_disabled_cache_starts_no_sweeper(clock: FakeClock) -> None:
    cache = DataKeyCache(clock, ttl_seconds=0)
    cache.start()
    assert not cache.sweeping
    await cache.stop()


def test_the_sweep_interval_is_at_most_a_second(clock: FakeClock) -> None:
    for interval in (0, -1, 1.5):
        with pytest.raises(ValueError, match="sweep_interval"):
            DataKeyCache(clock, sweep_interval=interval)


def test_forgetting_a_credential_or_a_workspace(clock: FakeClock) -> None:
    cache = DataKeyCache(clock)
    workspace, other_workspace = new_workspace_id(), new_workspace_id()
    first = EncryptionContext(workspace, new_credential_id())
    second = EncryptionContext(workspace, new_credential_id())
    elsewhere = EncryptionContext(other_workspace, first.credential_id)
    put(cache, first, b"a")
    put(cache, first, b"b")  # a second data key of the same credential (a rotation)
    put(cache, second, b"c")
    put(cache, elsewhere, b"d")
    assert cache.forget_credential(workspace, first.credential_id) == 2
    assert cache.get("k", b"a" * 60, first) is None
    assert cache.get("k", b"b" * 60, first) is None
    assert cache.get("k", b"c" * 60, second) is not None
    assert cache.get("k", b"d" * 60, elsewhere) is not None  # same id, another workspace
    assert cache.forget_workspace(workspace) == 1
    assert cache.get("k", b"c" * 60, second) is None
    assert cache.get("k", b"d" * 60, elsewhere) is not None
    assert cache.forget_credential(workspace, first.credential_id) == 0
