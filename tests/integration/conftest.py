"""Integration fixtures shared by every engineer's suites.

PostgreSQL (this machine's server on 127.0.0.1:5432, trust auth, user ``postgres``):

* ``postgres_admin_url`` (session, str): the administrator URL of the ``postgres`` database.
  Skips (or, with CI=true, fails) when the server is unreachable.
* ``postgres_database_url`` (session, str): administrator URL of a FRESH database created for
  this test session (``shopmcp_test_<hex>``) and dropped at its end. Not migrated by itself.
* ``database`` (session, ``shopmcp_adapters.postgres.Database``): ``open_database`` on that
  database: roles ensured, migrations applied, a tenant pool as ``shopmcp_tenant`` and an
  owner pool as ``shopmcp_owner``. Closed at session end.
* ``tenant_store`` (``PostgresTenantStore``), ``owner_store`` (``PostgresOwnerStore``: key
  directory, meter outbox, rewrap source), ``tenant_pool`` and ``owner_pool`` (asyncpg pools):
  the parts of ``database``.
* ``fresh_database(admin_url)``: an async context manager for a test that needs a database
  of its own (created on enter, dropped on exit); yields its administrator URL.

The session database is shared by the whole session: create your own workspaces (random
UUIDs) and never assume a table is empty.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from shopmcp_adapters.postgres import (
    Database,
    PostgresOwnerStore,
    PostgresTenantStore,
    open_database,
)
from tests.integration.services import POSTGRES_HOST, POSTGRES_PORT, require

_TEST_DB_RE = re.compile(r"^shopmcp_test_[0-9a-f]{16}$")


def postgres_url(database: str) -> str:
    return f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{database}"


def _quoted_test_db(name: str) -> str:
    # CREATE/DROP DATABASE take an identifier, which cannot be a bind parameter; the name is
    # generated here and checked against a strict pattern before it is quoted.
    if not _TEST_DB_RE.fullmatch(name):
        raise ValueError("not a test database name")
    return '"' + name + '"'


@asynccontextmanager
async def fresh_database(admin_url: str) -> AsyncIterator[str]:
    name = "shopmcp_test_" + uuid.uuid4().hex[:16]
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute("CREATE DATABASE " + _quoted_test_db(name))
    finally:
        await conn.close()
    try:
        yield postgres_url(name)
    finally:
        conn = await asyncpg.connect(admin_url)
        try:
            await conn.execute("DROP DATABASE IF EXISTS " + _quoted_test_db(name) + " WITH (FORCE)")
        finally:
            await conn.close()


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    require("PostgreSQL", POSTGRES_HOST, POSTGRES_PORT)
    return postgres_url("postgres")


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def postgres_database_url(postgres_admin_url: str) -> AsyncIterator[str]:
    async with fresh_database(postgres_admin_url) as url:
        yield url


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database(
    postgres_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    data_dir: Path = tmp_path_factory.mktemp("shopmcp-data")
    db = await open_database(postgres_database_url, data_dir)
    try:
        yield db
    finally:
        await db.close()


@pytest.fixture(scope="session")
def tenant_store(database: Database) -> PostgresTenantStore:
    return database.tenants


@pytest.fixture(scope="session")
def owner_store(database: Database) -> PostgresOwnerStore:
    return database.owner


@pytest.fixture(scope="session")
def tenant_pool(database: Database) -> asyncpg.Pool:
    return database.tenant_pool


@pytest.fixture(scope="session")
def owner_pool(database: Database) -> asyncpg.Pool:
    return database.owner_pool
