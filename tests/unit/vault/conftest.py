"""Vault fixtures: the envelope vaults' tests run against a KmsVault over the fake KMS and a
LocalVault over a temporary data dir; ``VaultCase.port()`` is the same vault as the port suite
sees it (``tests/ports/vault.py``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.vault import EnvelopeVault, KmsVault, LocalKeyRing, LocalVault
from tests.fakes.kms import FakeKms
from tests.ports.vault import VaultPort


@attrs.define
class VaultCase:
    """A vault under test plus what the tests need to poke its master keys."""

    name: str
    vault: EnvelopeVault
    clock: FakeClock
    new_key: Callable[[], str]  # another usable master key id
    remove_key: Callable[[str], None]  # make a master key unusable
    unwrap_calls: Callable[[], int]
    kms: FakeKms | None = None
    keys: LocalKeyRing | None = None

    def port(self) -> VaultPort:
        return VaultPort(
            name=self.name,
            vault=self.vault,
            new_key=self.new_key,
            retire_key=self.remove_key,
            master_key_uses=self.unwrap_calls,
            unknown_key="local:ffffffffffffffff" if self.keys else "alias/none",
            cold=self.vault.cache.clear,
        )


def kms_case(clock: FakeClock, cache_seconds: float = 60) -> VaultCase:
    kms = FakeKms()
    kms.create_key(alias="alias/shopmcp")
    vault = KmsVault(kms, "alias/shopmcp", clock, cache_seconds=cache_seconds)

    def remove(key_id: str) -> None:
        kms.enabled[key_id] = False

    return VaultCase(
        name="kms",
        vault=vault,
        clock=clock,
        new_key=kms.create_key,
        remove_key=remove,
        unwrap_calls=lambda: kms.calls["Decrypt"],
        kms=kms,
    )


def local_case(clock: FakeClock, data_dir: Path, cache_seconds: float = 60) -> VaultCase:
    vault = LocalVault.from_data_dir(data_dir, clock, cache_seconds=cache_seconds)
    keys = vault.keys
    unwraps = {"n": 0}
    original = keys.unwrap

    async def counting_unwrap(key_id: str, wrapped: bytes, context: object) -> bytes:
        unwraps["n"] += 1
        return await original(key_id, wrapped, context)  # type: ignore[arg-type]

    keys.unwrap = counting_unwrap  # type: ignore[method-assign]

    def remove(key_id: str) -> None:
        (keys.directory / f"{key_id.removeprefix('local:')}.key").unlink()
        keys._keys.pop(key_id)

    return VaultCase(
        name="local",
        vault=vault,
        clock=clock,
        new_key=keys.create_key,
        remove_key=remove,
        unwrap_calls=lambda: unwraps["n"],
        keys=keys,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["kms", "local"])
def case(request: pytest.FixtureRequest, clock: FakeClock, tmp_path: Path) -> VaultCase:
    if request.param == "kms":
        return kms_case(clock)
    return local_case(clock, tmp_path / "data")
