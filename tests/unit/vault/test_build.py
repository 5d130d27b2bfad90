"""build_vault, the composition root's factory, and the local-to-KMS migration path."""

from __future__ import annotations

from pathlib import Path

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.vault import KmsVault, LocalVault, build_vault
from shopmcp_adapters.vault.rotation import InMemoryRewrapSource, rewrap_all
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext
from shopmcp_domain.ids import new_credential_id, new_workspace_id
from tests.fakes.kms import FakeKms

PAYLOAD = CredentialPayload({"api_key": "neto-key"})


def test_without_a_key_id_it_is_the_local_vault(tmp_path: Path, clock: FakeClock) -> None:
    vault = build_vault(None, tmp_path, clock, cache_seconds=30)
    assert isinstance(vault, LocalVault)
    assert vault.key_id.startswith("local:")
    assert vault.cache.ttl_seconds == 30
    assert build_vault("", tmp_path, clock).key_id == vault.key_id


def test_with_a_key_id_it_is_the_kms_vault(tmp_path: Path, clock: FakeClock) -> None:
    kms = FakeKms()
    kms.create_key(alias="alias/prod")
    vault = build_vault("alias/prod", tmp_path, clock, kms_client=kms)
    assert isinstance(vault, KmsVault)
    assert not (tmp_path / "vault").exists()  # no local key is created when KMS is configured


async def test_migrating_from_local_keys_to_kms(tmp_path: Path, clock: FakeClock) -> None:
    local = build_vault(None, tmp_path, clock)
    context = EncryptionContext(new_workspace_id(), new_credential_id())
    sealed = await local.seal(context, PAYLOAD)

    kms = FakeKms()
    arn = kms.create_key(alias="alias/prod")
    vault = build_vault("alias/prod", tmp_path, clock, kms_client=kms)
    assert isinstance(vault, KmsVault)
    assert await vault.open(context, sealed) == PAYLOAD  # old rows still open
    assert (await vault.seal(context, PAYLOAD)).kms_key_id == arn  # new rows go to KMS

    source = InMemoryRewrapSource([sealed])
    report = await rewrap_all(source, vault, "alias/prod")
    assert report.rewrapped == 1
    [row] = source.rows.values()
    assert row.kms_key_id == arn
    assert row.ciphertext == sealed.ciphertext
    for key_file in (tmp_path / "vault").glob("*.key"):
        key_file.unlink()
    for extra in (tmp_path / "vault").iterdir():
        extra.unlink()
    kms_only = build_vault("alias/prod", tmp_path, clock, kms_client=kms)
    assert await kms_only.open(context, row) == PAYLOAD
