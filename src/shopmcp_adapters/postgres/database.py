"""Opening the database: the two pools, the roles, the migrations and the safety checks."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import attrs

from shopmcp_adapters.postgres.embedded import EmbeddedPostgres, start_embedded
from shopmcp_adapters.postgres.migrate import MigrationReport, migrate
from shopmcp_adapters.postgres.owner import PostgresOwnerStore
from shopmcp_adapters.postgres.roles import TENANT_ROLE
from shopmcp_adapters.postgres.tenants import PostgresTenantStore
from shopmcp_domain.ports import KeyDirectory, MeterOutbox, TenantRepository

if TYPE_CHECKING:
    from shopmcp_adapters.postgres.changes import PostgresChangeFeed
    from shopmcp_domain.ports import ChangeFeed

    # mypy --strict proves the adapters satisfy the domain's ports. (That the owner store is
    # also the vault's RewrapSource is proven where the two meet: the composition root.)
    def _conforms(
        tenants: PostgresTenantStore, owner: PostgresOwnerStore, feed: PostgresChangeFeed
    ) -> None:
        _feed: ChangeFeed = feed
        _tenants: TenantRepository = tenants
        _directory: KeyDirectory = owner
        _outbox: MeterOutbox = owner


class UnsafeTenantRole(RuntimeError):
    """The tenant pool would not be confined by Row-Level Security; refusing to serve."""


@attrs.define
class Database:
    """What the composition root gets: the tenant store, the owner side, and ``close``."""

    tenants: PostgresTenantStore
    owner: PostgresOwnerStore
    tenant_pool: asyncpg.Pool = attrs.field(repr=False)
    owner_pool: asyncpg.Pool = attrs.field(repr=False)
    # A new connection outside the pools, as the tenant role (which needs no privilege to
    # LISTEN): the change feed holds one for as long as it runs.
    connect_tenant: Callable[[], Awaitable[asyncpg.Connection]] = attrs.field(repr=False)
    migration: MigrationReport | None = None
    embedded: EmbeddedPostgres | None = None

    @property
    def keys(self) -> PostgresOwnerStore:
        """The ``KeyDirectory`` (same object as ``owner``)."""
        return self.owner

    @property
    def outbox(self) -> PostgresOwnerStore:
        """The ``MeterOutbox`` (same object as ``owner``)."""
        return self.owner

    async def close(self, *, stop_embedded: bool = True) -> None:
        await self.tenant_pool.close()
        await self.owner_pool.close()
        if self.embedded is not None and stop_embedded:
            self.embedded.stop()


def tenant_url_from(admin_url: str) -> str:
    """The administrator's URL with its user and password removed: the tenant pool connects to
    the same server and database as ``shopmcp_tenant``. Its password, if the server asks for
    one, comes from the usual places (PGPASSFILE/.pgpass), never from the admin's URL."""
    scheme, sep, rest = admin_url.partition("://")
    if not sep:
        raise ValueError("database URL must look like postgresql://...")
    authority, slash, tail = rest.partition("/")
    return scheme + "://" + authority.rpartition("@")[2] + slash + tail


async def _set_owner_role(conn: asyncpg.Connection) -> None:
    await conn.execute("SET ROLE shopmcp_owner")


async def check_tenant_role(pool: asyncpg.Pool) -> None:
    """Refuse a tenant pool whose role could step around Row-Level Security."""
    row = await pool.fetchrow(
        "select current_user as name, r.rolsuper, r.rolbypassrls, "
        "pg_has_role(current_user, 'shopmcp_owner', 'MEMBER') as owner_member "
        "from pg_roles r where r.rolname = current_user"
    )
    assert row is not None
    if row["name"] != TENANT_ROLE or row["rolsuper"] or row["rolbypassrls"]:
        raise UnsafeTenantRole(
            "the tenant pool must connect as shopmcp_tenant (no superuser, NOBYPASSRLS)"
        )
    if row["owner_member"]:
        raise UnsafeTenantRole("shopmcp_tenant must not be a member of shopmcp_owner")


async def open_database(
    database_url: str | None,
    data_dir: Path,
    *,
    tenant_database_url: str | None = None,
    run_migrations: bool = True,
    tenant_pool_size: int = 10,
    owner_pool_size: int = 4,
) -> Database:
    """Open the tenant store (see the package docstring)."""
    embedded: EmbeddedPostgres | None = None
    if database_url is None:
        embedded = await start_embedded(data_dir)
        database_url = embedded.admin_url()
    try:
        report: MigrationReport | None = None
        if run_migrations:
            conn = await asyncpg.connect(database_url)
            try:
                report = await migrate(conn)
            finally:
                await conn.close()
        common: dict[str, Any] = {"min_size": 1, "command_timeout": 30}
        owner_pool = await asyncpg.create_pool(
            database_url, max_size=owner_pool_size, init=_set_owner_role, **common
        )
        try:
            # Without its own URL: the admin's server and database, as shopmcp_tenant.
            tenant_dsn = tenant_database_url or tenant_url_from(database_url)
            tenant_user = None if tenant_database_url else TENANT_ROLE
            tenant_pool = await asyncpg.create_pool(
                tenant_dsn, user=tenant_user, max_size=tenant_pool_size, **common
            )
            try:
                await check_tenant_role(tenant_pool)
            except BaseException:
                await tenant_pool.close()
                raise
        except BaseException:
            await owner_pool.close()
            raise
    except BaseException:
        if embedded is not None:
            embedded.stop()
        raise
    return Database(
        tenants=PostgresTenantStore(tenant_pool),
        owner=PostgresOwnerStore(owner_pool),
        tenant_pool=tenant_pool,
        owner_pool=owner_pool,
        migration=report,
        embedded=embedded,
        connect_tenant=functools.partial(
            asyncpg.connect, tenant_dsn, user=tenant_user, command_timeout=30
        ),
    )
