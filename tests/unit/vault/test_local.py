"""Local master keys: created once with mode 0600, refused when exposed, rotated."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.vault import LocalKeyFileError, LocalKeyRing, LocalVault
from shopmcp_adapters.vault.local import fingerprint
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import new_credential_id, new_workspace_id

PAYLOAD = CredentialPayload({"refresh_token": "xero-refresh"})


def key_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "vault").glob("*.key"))


def test_first_run_creates_one_private_key(tmp_path: Path, clock: FakeClock) -> None:
    vault = LocalVault.from_data_dir(tmp_path, clock)
    [path] = key_files(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "vault").stat().st_mode) == 0o700
    key = path.read_bytes()
    assert len(key) == 32
    assert vault.key_id == f"local:{fingerprint(key)}"
    assert path.name == f"{fingerprint(key)}.key"
    assert not [p for p in (tmp_path / "vault").iterdir() if p.name.endswith(".tmp")]
    # Later runs reuse it.
    assert LocalVault.from_data_dir(tmp_path, clock).key_id == vault.key_id
    assert len(key_files(tmp_path)) == 1


def test_mode_is_0600_even_with_a_permissive_umask(tmp_path: Path, clock: FakeClock) -> None:
    old = os.umask(0)
    try:
        LocalVault.from_data_dir(tmp_path, clock)
    finally:
        os.umask(old)
    [path] = key_files(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_a_new_run_opens_what_the_last_one_sealed(tmp_path: Path, clock: FakeClock) -> None:
    context = EncryptionContext(new_workspace_id(), new_credential_id())
    sealed = await LocalVault.from_data_dir(tmp_path, clock).seal(context, PAYLOAD)
    assert await LocalVault.from_data_dir(tmp_path, clock).open(context, sealed) == PAYLOAD
    # A different data dir (another master key) cannot.
    with pytest.raises(CredentialUnavailable):
        await LocalVault.from_data_dir(tmp_path / "other", clock).open(context, sealed)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644, 0o620])
def test_key_file_exposed_to_group_or_others_is_refused(
    tmp_path: Path, clock: FakeClock, mode: int
) -> None:
    LocalVault.from_data_dir(tmp_path, clock)
    [path] = key_files(tmp_path)
    path.chmod(mode)
    with pytest.raises(LocalKeyFileError, match="chmod 600") as info:
        LocalVault.from_data_dir(tmp_path, clock)
    assert path.read_bytes().hex() not in str(info.value)


def test_symlinked_or_malformed_key_file_is_refused(tmp_path: Path, clock: FakeClock) -> None:
    LocalVault.from_data_dir(tmp_path, clock)
    [path] = key_files(tmp_path)
    target = tmp_path / "elsewhere"
    target.write_bytes(path.read_bytes())
    target.chmod(0o600)
    path.unlink()
    path.symlink_to(target)
    with pytest.raises(LocalKeyFileError, match="symlink"):
        LocalKeyRing.load(tmp_path)
    path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"short")
    os.close(fd)
    with pytest.raises(LocalKeyFileError, match="32-byte"):
        LocalKeyRing.load(tmp_path)


def test_renamed_key_file_is_refused(tmp_path: Path, clock: FakeClock) -> None:
    LocalVault.from_data_dir(tmp_path, clock)
    [path] = key_files(tmp_path)
    path.rename(path.with_name("0123456789abcdef.key"))
    with pytest.raises(LocalKeyFileError):
        LocalKeyRing.load(tmp_path)


async def test_rotate_between_local_keys(tmp_path: Path, clock: FakeClock) -> None:
    vault = LocalVault.from_data_dir(tmp_path, clock)
    old_key = vault.key_id
    context = EncryptionContext(new_workspace_id(), new_credential_id())
    sealed = await vault.seal(context, PAYLOAD)

    ring = LocalKeyRing.load(tmp_path)
    new_key = ring.create_key()
    ring.activate(new_key)
    assert len(key_files(tmp_path)) == 2
    restarted = LocalVault.from_data_dir(tmp_path, clock)
    assert restarted.key_id == new_key  # new seals use the new key
    assert (await restarted.seal(context, PAYLOAD)).kms_key_id == new_key
    rewrapped = await restarted.rewrap(sealed, new_key)
    assert rewrapped.ciphertext == sealed.ciphertext

    # Retire the old key file: the rewrapped credential still opens, the old one no longer.
    (tmp_path / "vault" / f"{old_key.removeprefix('local:')}.key").unlink()
    retired = LocalVault.from_data_dir(tmp_path, clock)
    assert await retired.open(context, rewrapped) == PAYLOAD
    with pytest.raises(CredentialUnavailable):
        await retired.open(context, sealed)


def test_active_file_naming_a_missing_key_is_refused(tmp_path: Path, clock: FakeClock) -> None:
    vault = LocalVault.from_data_dir(tmp_path, clock)
    (tmp_path / "vault" / f"{vault.key_id.removeprefix('local:')}.key").unlink()
    with pytest.raises(LocalKeyFileError, match="not present"):
        LocalVault.from_data_dir(tmp_path, clock)
