"""Migrations: once each, checksummed, safe to run concurrently; roles safe to ensure
concurrently (they are cluster-global); and ``shopmcp migrate`` on a database URL."""

from __future__ import annotations

import asyncio

import asyncpg
import attrs
import pytest
from typer.testing import CliRunner

from shopmcp_adapters.postgres import (
    Database,
    MigrationChecksumMismatch,
    ensure_roles,
    load_migrations,
    migrate,
)
from shopmcp_entrypoints.cli import app
from tests.integration.conftest import fresh_database


async def _ledger(url: str) -> list[tuple[int, str, object]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "select version, checksum, applied_at from shopmcp.schema_migrations order by 1"
        )
        return [(r["version"], r["checksum"], r["applied_at"]) for r in rows]
    finally:
        await conn.close()


async def test_second_migrate_is_a_no_op(postgres_database_url: str, database: Database) -> None:
    before = await _ledger(postgres_database_url)
    assert [v for v, _, _ in before] == [m.version for m in load_migrations()]
    conn = await asyncpg.connect(postgres_database_url)
    try:
        report = await migrate(conn)
    finally:
        await conn.close()
    assert report.applied == ()
    assert report.already_applied == tuple(m.version for m in load_migrations())
    assert await _ledger(postgres_database_url) == before


async def test_a_changed_applied_migration_is_an_error(postgres_admin_url: str) -> None:
    async with fresh_database(postgres_admin_url) as url:
        conn = await asyncpg.connect(url)
        try:
            migrations = load_migrations()
            await migrate(conn, migrations)
            tampered = [
                attrs.evolve(m, sql=m.sql + "\n-- edited after release\n") if i == 0 else m
                for i, m in enumerate(migrations)
            ]
            extra = attrs.evolve(
                migrations[-1],
                version=migrations[-1].version + 1,
                name="never_applied",
                sql="CREATE TABLE shopmcp.should_not_exist (id int)",
            )
            with pytest.raises(MigrationChecksumMismatch, match="changed after it was applied"):
                await migrate(conn, [*tampered, extra])
            # Nothing after the mismatch ran.
            assert not await conn.fetchval("select to_regclass('shopmcp.should_not_exist')")
            # The connection is left usable and as its own user.
            assert await conn.fetchval("select current_user") == "postgres"
        finally:
            await conn.close()


async def test_concurrent_migrations_apply_once(postgres_admin_url: str) -> None:
    async with fresh_database(postgres_admin_url) as url:
        conns = [await asyncpg.connect(url) for _ in range(3)]
        try:
            reports = await asyncio.gather(*(migrate(c) for c in conns))
        finally:
            for c in conns:
                await c.close()
        applied = [r.applied for r in reports if r.applied]
        assert applied == [tuple(m.version for m in load_migrations())]
        assert len(await _ledger(url)) == len(load_migrations())


async def test_roles_can_be_ensured_concurrently(postgres_admin_url: str) -> None:
    """Roles are cluster-global: other sessions (other databases) ensure them at the same
    time. None may fail and the result must keep the tenant role's restrictions."""
    conns = [await asyncpg.connect(postgres_admin_url) for _ in range(6)]
    try:
        await asyncio.gather(*(ensure_roles(c) for c in conns))
        row = await conns[0].fetchrow(
            "select rolsuper, rolbypassrls, "
            "pg_has_role('shopmcp_tenant', 'shopmcp_owner', 'MEMBER') as member "
            "from pg_roles where rolname = 'shopmcp_tenant'"
        )
    finally:
        for c in conns:
            await c.close()
    assert row is not None and not any(row.values())


def test_cli_migrate_on_a_database_url(
    postgres_database_url: str, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHOPMCP_DATABASE_URL", postgres_database_url)
    result = CliRunner().invoke(app, ["migrate"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output
    assert "postgres@" not in result.output  # never echo the URL


def test_cli_migrate_reports_a_checksum_mismatch(
    postgres_admin_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def prepare(url: str) -> None:
        conn = await asyncpg.connect(url)
        try:
            await migrate(conn)
            await conn.execute("update shopmcp.schema_migrations set checksum = 'f00d'")
        finally:
            await conn.close()

    async def scenario() -> None:
        async with fresh_database(postgres_admin_url) as url:
            await prepare(url)
            monkeypatch.setenv("SHOPMCP_DATABASE_URL", url)
            result = await asyncio.to_thread(CliRunner().invoke, app, ["migrate"])
            assert result.exit_code == 1, result.output
            assert "0001_tenant_store was changed after it was applied" in result.output

    asyncio.run(scenario())
