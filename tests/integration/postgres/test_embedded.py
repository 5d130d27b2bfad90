"""The embedded default: no database URL means a real PostgreSQL under the data directory,
with the same roles, migrations and Row-Level Security (works as root)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from shopmcp_adapters.postgres import load_migrations, open_database
from tests.factories import make_workspace


@pytest.fixture
def short_data_dir() -> Iterator[Path]:
    # Unix socket paths are limited to ~107 bytes; pytest's tmp_path can be long.
    path = Path(tempfile.mkdtemp(prefix="smcp-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


async def test_embedded_server_migrates_and_isolates(short_data_dir: Path) -> None:
    db = await open_database(None, short_data_dir)
    try:
        assert db.embedded is not None
        assert (short_data_dir / "postgres" / "PG_VERSION").exists()
        shipped = tuple(m.version for m in load_migrations())
        assert shipped[0] == 1
        assert db.migration is not None and db.migration.applied == shipped
        version = await db.owner_pool.fetchval("show server_version_num")
        assert int(version) >= 180000
        workspace = make_workspace()
        async with db.tenants.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
        async with db.tenants.unit_of_work(workspace.id) as uow:
            assert await uow.workspaces.get() == workspace
            assert await uow.connection.fetchval("select current_user") == "shopmcp_tenant"
            assert not await uow.connection.fetchval(
                "select rolbypassrls from pg_roles where rolname = current_user"
            )
        async with db.tenants.unit_of_work(make_workspace().id) as uow:
            assert await uow.connection.fetchval("select count(*) from shopmcp.workspaces") == 0
    finally:
        await db.close()
    pid_file = short_data_dir / "postgres" / "postmaster.pid"
    assert not pid_file.exists() or not _alive(pid_file)


def _alive(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (ProcessLookupError, ValueError):
        return False
    return True
