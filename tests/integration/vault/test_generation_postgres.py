"""Rollback protection on the real tenant store: a database writer (raw SQL as the tenant role)
who puts a rotated credential's previous sealing back, or edits a generation column, gets the
one generic refusal; and rows stored before migration 0002 (version 1 envelopes) still open."""

from __future__ import annotations

import uuid
from pathlib import Path

import asyncpg
import pytest

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.postgres import Database, load_migrations, migrate, open_database
from shopmcp_adapters.vault import LocalVault
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.errors import CredentialUnavailable
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import TenantRepository
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.credentials import VaultCredentialLease
from tests.integration.conftest import fresh_database
from tests.vault_v1 import V1_CREDENTIAL, V1_PAYLOAD, V1_SEALED, V1_WORKSPACE, v1_vault

pytestmark = pytest.mark.integration

CREDENTIAL_ROW = (
    "select ciphertext, nonce, wrapped_dek, kms_key_id, envelope_version, generation "
    "from shopmcp.credentials where workspace_id = $1 and id = $2"
)
WRITE_CREDENTIAL_ROW = (
    "update shopmcp.credentials set ciphertext = $3, nonce = $4, wrapped_dek = $5, "
    "kms_key_id = $6, envelope_version = $7, generation = $8 "
    "where workspace_id = $1 and id = $2"
)


@pytest.fixture
def vault(tmp_path: Path) -> LocalVault:
    return LocalVault.from_data_dir(tmp_path, SystemClock())


async def connected(tenants: TenantRepository, vault: LocalVault, token: str) -> Connection:
    clock = SystemClock()
    workspace = await onboarding.create_workspace(tenants, clock, "Acme")
    return await onboarding.connect_store(
        tenants,
        vault,
        clock,
        workspace.id,
        Platform.SHOPIFY,
        f"{uuid.uuid4().hex[:12]}.myshopify.com",
        CredentialPayload({"access_token": token}),
    )


async def as_writer(database: Database, connection: Connection, sql: str, *args: object) -> None:
    """What someone with the tenant role's database access (and no master key) can do."""
    async with database.tenants.unit_of_work(connection.workspace_id) as uow:
        await uow.connection.execute(sql, *args)


async def credential_row(database: Database, connection: Connection) -> tuple[object, ...]:
    async with database.tenants.unit_of_work(connection.workspace_id) as uow:
        row = await uow.connection.fetchrow(
            CREDENTIAL_ROW, connection.workspace_id, connection.credential_id
        )
    assert row is not None
    return tuple(row)


async def opened(
    database: Database, vault: LocalVault, connection: Connection
) -> CredentialPayload:
    """A new request: the connection row as stored now, a cold data-key cache."""
    async with database.tenants.unit_of_work(connection.workspace_id) as uow:
        current = await uow.connections.get(connection.id)
    assert current is not None
    vault.cache.clear()
    return await VaultCredentialLease(current, vault, database.tenants).current()


async def rotated(database: Database, vault: LocalVault, connection: Connection) -> None:
    lease = VaultCredentialLease(connection, vault, database.tenants)
    stale = await lease.current()

    async def refresh(old: CredentialPayload) -> CredentialPayload:
        return old.replace(access_token="rotated-token-2")

    await lease.rotate(refresh, stale)


async def test_rotation_records_the_generation_in_both_rows(
    database: Database, vault: LocalVault
) -> None:
    connection = await connected(database.tenants, vault, "token-1")
    await rotated(database, vault, connection)
    async with database.tenants.unit_of_work(connection.workspace_id) as uow:
        stored = await uow.connections.get(connection.id)
        sealed = await uow.credentials.get(connection.credential_id)
    assert stored is not None and sealed is not None
    assert (stored.credential_generation, sealed.generation, sealed.version) == (2, 2, 2)
    assert (await opened(database, vault, connection))["access_token"] == "rotated-token-2"


async def test_the_previous_sealing_put_back_is_refused(
    database: Database, vault: LocalVault
) -> None:
    connection = await connected(database.tenants, vault, "token-1")
    previous = await credential_row(database, connection)
    await rotated(database, vault, connection)
    current = await credential_row(database, connection)
    ids = (connection.workspace_id, connection.credential_id)

    await as_writer(database, connection, WRITE_CREDENTIAL_ROW, *ids, *previous)
    with pytest.raises(CredentialUnavailable):
        await opened(database, vault, connection)

    # Its generation number raised to match the connection row: the envelope disagrees.
    relabelled = (*previous[:-1], 2)
    await as_writer(database, connection, WRITE_CREDENTIAL_ROW, *ids, *relabelled)
    with pytest.raises(CredentialUnavailable):
        await opened(database, vault, connection)

    # The current sealing back in place opens again: the refusals were the rollback's.
    await as_writer(database, connection, WRITE_CREDENTIAL_ROW, *ids, *current)
    assert (await opened(database, vault, connection))["access_token"] == "rotated-token-2"


async def test_an_edited_generation_column_is_refused(
    database: Database, vault: LocalVault
) -> None:
    connection = await connected(database.tenants, vault, "token-1")
    await rotated(database, vault, connection)
    ids = (connection.workspace_id, connection.credential_id)
    await as_writer(
        database,
        connection,
        "update shopmcp.credentials set generation = 3 where workspace_id = $1 and id = $2",
        *ids,
    )
    with pytest.raises(CredentialUnavailable):
        await opened(database, vault, connection)
    await as_writer(
        database,
        connection,
        "update shopmcp.credentials set generation = 1 where workspace_id = $1 and id = $2",
        *ids,
    )
    with pytest.raises(CredentialUnavailable):
        await opened(database, vault, connection)


async def test_a_raised_connection_generation_refuses_the_stored_sealing(
    database: Database, vault: LocalVault
) -> None:
    connection = await connected(database.tenants, vault, "token-1")
    await as_writer(
        database,
        connection,
        "update shopmcp.connections set credential_generation = 2 "
        "where workspace_id = $1 and id = $2",
        connection.workspace_id,
        connection.id,
    )
    with pytest.raises(CredentialUnavailable):
        await opened(database, vault, connection)


async def test_the_database_refuses_a_version_1_row_with_another_generation(
    database: Database, vault: LocalVault
) -> None:
    connection = await connected(database.tenants, vault, "token-1")
    with pytest.raises(asyncpg.CheckViolationError):
        await as_writer(
            database,
            connection,
            "update shopmcp.credentials set envelope_version = 1, generation = 2 "
            "where workspace_id = $1 and id = $2",
            connection.workspace_id,
            connection.credential_id,
        )


async def test_rows_stored_before_the_migration_still_open(
    postgres_admin_url: str, tmp_path: Path
) -> None:
    """A version 1 credential and its connection, written under migration 0001 alone, open
    after the later migrations are applied; a rotation then moves them to generation 2."""
    first, *later = load_migrations()
    assert first.version == 1 and later
    async with fresh_database(postgres_admin_url) as url:
        conn = await asyncpg.connect(url)
        try:
            await migrate(conn, [first])
            await conn.execute(
                "insert into shopmcp.workspaces (id, name, plan, status, created_at) "
                "values ($1, 'Acme', 'solo', 'active', now())",
                V1_WORKSPACE,
            )
            await conn.execute(
                "insert into shopmcp.credentials (id, workspace_id, ciphertext, nonce, "
                "wrapped_dek, kms_key_id, envelope_version) values ($1, $2, $3, $4, $5, $6, 1)",
                V1_CREDENTIAL,
                V1_WORKSPACE,
                V1_SEALED.ciphertext,
                V1_SEALED.nonce,
                V1_SEALED.wrapped_dek,
                V1_SEALED.kms_key_id,
            )
            connection_id = uuid.uuid4()
            await conn.execute(
                "insert into shopmcp.connections (id, workspace_id, platform, store_ref, "
                "credential_id, status, created_at) "
                "values ($1, $2, 'shopify', 'acme.myshopify.com', $3, 'active', now())",
                connection_id,
                V1_WORKSPACE,
                V1_CREDENTIAL,
            )
        finally:
            await conn.close()

        database = await open_database(url, tmp_path)
        try:
            assert database.migration is not None
            assert database.migration.applied == tuple(m.version for m in later)
            async with database.tenants.unit_of_work(V1_WORKSPACE) as uow:
                [connection] = await uow.connections.list()
                sealed = await uow.credentials.get(V1_CREDENTIAL)
            assert connection.id == connection_id and connection.credential_generation == 1
            assert sealed is not None and (sealed.version, sealed.generation) == (1, 1)
            vault = v1_vault(SystemClock())
            lease = VaultCredentialLease(connection, vault, database.tenants)
            assert await lease.current() == V1_PAYLOAD

            async def refresh(old: CredentialPayload) -> CredentialPayload:
                return old.replace(access_token="after-migration")

            await lease.rotate(refresh, V1_PAYLOAD)
            async with database.tenants.unit_of_work(V1_WORKSPACE) as uow:
                resealed = await uow.credentials.get(V1_CREDENTIAL)
                [after] = await uow.connections.list()
            assert resealed is not None
            assert (resealed.version, resealed.generation, after.credential_generation) == (
                2,
                2,
                2,
            )
            async with database.tenants.unit_of_work(V1_WORKSPACE) as uow:
                await uow.credentials.replace(V1_SEALED)  # the version 1 sealing put back
            vault.cache.clear()
            with pytest.raises(CredentialUnavailable):
                await VaultCredentialLease(after, vault, database.tenants).current()
        finally:
            await database.close()
