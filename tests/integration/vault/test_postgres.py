"""The vault serving the PostgreSQL tenant store: what reaches the database is useless without
the master key (pg_dump), a row copied to another workspace does not open there, and ``shopmcp
keys rewrap`` rotates a real database. (Provider rotations under row locks: the lease port
suite, ``test_lease_port.py``.)"""

from __future__ import annotations

import asyncio
import base64
import uuid
from pathlib import Path
from typing import Any

import attrs
import pytest
from pydantic import SecretStr

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.postgres import Database, open_database
from shopmcp_adapters.vault import KmsVault
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.ids import WorkspaceId, new_connection_id, new_credential_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import TenantRepository
from shopmcp_domain.services.credentials import VaultCredentialLease
from shopmcp_entrypoints.commands.vault import _rewrap_from_settings
from shopmcp_entrypoints.settings import Settings
from tests.factories import NOW, make_workspace
from tests.integration.conftest import fresh_database

pytestmark = pytest.mark.integration


def dump_forms(secret: bytes) -> set[str]:
    """Every way the secret could show in a text dump: raw, hex (either case) and base64
    (standard and URL-safe) at each of the three byte alignments it could sit at inside a
    longer encoded value (only the characters that depend on the secret alone)."""
    forms = {secret.decode(), secret.hex(), secret.hex().upper()}
    for pad in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            encoded = encode(b"\x00" * pad + secret).decode().rstrip("=")
            forms.add(encoded[4 if pad else 0 : -4])
    return forms


async def add_connection(
    tenants: TenantRepository, vault: KmsVault, secret: str, workspace_id: WorkspaceId | None = None
) -> tuple[Connection, SealedCredential]:
    workspace = make_workspace() if workspace_id is None else None
    ws_id = workspace.id if workspace is not None else workspace_id
    assert ws_id is not None
    credential_id = new_credential_id()
    sealed = await vault.seal(
        EncryptionContext(ws_id, credential_id), CredentialPayload({"access_token": secret})
    )
    connection = Connection(
        id=new_connection_id(),
        workspace_id=ws_id,
        platform=Platform.SHOPIFY,
        store_ref=f"{uuid.uuid4().hex[:12]}.myshopify.com",
        credential_id=credential_id,
        created_at=NOW,
    )
    async with tenants.unit_of_work(ws_id) as uow:
        if workspace is not None:
            await uow.workspaces.add(workspace)
        await uow.connections.add(connection, sealed)
    return connection, sealed


def test_dump_forms_catch_every_embedding() -> None:
    """The detector itself: the secret inside any longer hex or base64 value is found."""
    secret = b"shpat_0123456789abcdef_canary"
    forms = dump_forms(secret)
    for prefix in (b"", b"a", b"ab", b"abc", b'{"access_token":"'):
        for suffix in (b"", b"x", b'"}'):
            blob = prefix + secret + suffix
            for text in (
                blob.hex(),
                base64.b64encode(blob).decode(),
                base64.urlsafe_b64encode(blob).decode(),
            ):
                assert any(form in text for form in forms), (prefix, suffix)


@pytest.fixture
def vault(kms_client: Any, kms_key: str) -> KmsVault:
    return KmsVault(kms_client, kms_key, SystemClock())


async def test_pg_dump_holds_no_form_of_the_secret(
    vault: KmsVault, database: Database, postgres_database_url: str
) -> None:
    secret = "shpat_" + uuid.uuid4().hex + "_dump_canary"
    connection, sealed = await add_connection(database.tenants, vault, secret)
    lease = VaultCredentialLease(connection, vault, database.tenants)
    assert (await lease.current())["access_token"] == secret  # it really is stored

    proc = await asyncio.create_subprocess_exec(
        "pg_dump",
        "--no-password",
        f"--dbname={postgres_database_url}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 0, err.decode(errors="replace")
    dump = out.decode(errors="replace")
    # The dump does hold this credential row (so the check below is not vacuous) ...
    assert sealed.ciphertext.hex() in dump
    assert sealed.wrapped_dek.hex() in dump
    # ... but neither the secret nor the payload it travels in, in any encoding.
    payload = CredentialPayload({"access_token": secret}).to_bytes()
    for form in dump_forms(secret.encode()) | dump_forms(payload):
        assert len(form) >= 16
        assert form not in dump


async def test_a_row_copied_into_another_workspace_does_not_open_there(
    vault: KmsVault, database: Database
) -> None:
    _, sealed = await add_connection(database.tenants, vault, "secret-a")
    other = make_workspace()
    async with database.tenants.unit_of_work(other.id) as uow:
        await uow.workspaces.add(other)
    copied = attrs.evolve(sealed, workspace_id=other.id)
    connection = Connection(
        id=new_connection_id(),
        workspace_id=other.id,
        platform=Platform.SHOPIFY,
        store_ref="copied.myshopify.com",
        credential_id=copied.id,
        created_at=NOW,
    )
    async with database.tenants.unit_of_work(other.id) as uow:
        await uow.connections.add(connection, copied)
    vault.cache.clear()
    with pytest.raises(CredentialUnavailable):
        await VaultCredentialLease(connection, vault, database.tenants).current()


async def test_keys_rewrap_command_rotates_a_database(
    kms_client: Any, kms_key: str, postgres_admin_url: str, tmp_path: Path
) -> None:
    vault = KmsVault(kms_client, kms_key, SystemClock())
    second = kms_client.create_key()["KeyMetadata"]["Arn"]
    async with fresh_database(postgres_admin_url) as url:
        db = await open_database(url, tmp_path)
        try:
            stored = [await add_connection(db.tenants, vault, f"secret-{i}") for i in range(5)]
        finally:
            await db.close()

        settings = Settings(database_url=SecretStr(url), kms_key_id=kms_key, data_dir=tmp_path)
        report = await _rewrap_from_settings(settings, second, batch_size=2, after=None)
        assert (report.rewrapped, report.failed, report.complete) == (5, [], True)
        again = await _rewrap_from_settings(settings, second, batch_size=2, after=None)
        assert (again.rewrapped, again.skipped) == (0, 5)

        db = await open_database(url, tmp_path)
        try:
            vault.cache.clear()
            for i, (connection, original) in enumerate(stored):
                async with db.tenants.unit_of_work(connection.workspace_id) as uow:
                    row = await uow.credentials.get(connection.credential_id)
                assert row is not None
                assert row.kms_key_id == second
                assert (row.ciphertext, row.nonce) == (original.ciphertext, original.nonce)
                lease = VaultCredentialLease(connection, vault, db.tenants)
                assert (await lease.current())["access_token"] == f"secret-{i}"
        finally:
            await db.close()
