"""Opening the database: the three pools, the roles, the migrations and the safety checks."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import attrs

from shopmcp_adapters.postgres.audit_chain import PostgresAuditChain
from shopmcp_adapters.postgres.billing_events import PostgresBillingEvents
from shopmcp_adapters.postgres.confirmations import (
    PostgresConfirmationStore,
    PostgresWriteApprovalReview,
)
from shopmcp_adapters.postgres.embedded import EmbeddedPostgres, start_embedded
from shopmcp_adapters.postgres.identity import PostgresIdentityStore
from shopmcp_adapters.postgres.migrate import MigrationReport, migrate
from shopmcp_adapters.postgres.owner import PostgresOwnerStore
from shopmcp_adapters.postgres.retention import PostgresRetentionStore
from shopmcp_adapters.postgres.roles import MCP_ROLE, TENANT_ROLE
from shopmcp_adapters.postgres.runtime import PostgresRuntimeStore
from shopmcp_adapters.postgres.tenants import PostgresTenantStore
from shopmcp_domain.confirmation_ports import ConfirmationStore
from shopmcp_domain.ports import (
    AuditLog,
    MeterOutbox,
    ScopeSource,
    TenantRepository,
)

if TYPE_CHECKING:
    from shopmcp_adapters.postgres.changes import PostgresChangeFeed
    from shopmcp_domain.identity import AdminDirectory, IdentityStore
    from shopmcp_domain.ports import ChangeFeed

    # mypy --strict proves the adapters satisfy the domain's ports. (That the owner store is
    # also the vault's RewrapSource is proven where the two meet: the composition root.)
    def _conforms(
        tenants: PostgresTenantStore,
        owner: PostgresOwnerStore,
        feed: PostgresChangeFeed,
        runtime: PostgresRuntimeStore,
        identity: PostgresIdentityStore,
        confirmations: PostgresConfirmationStore,
    ) -> None:
        _feed: ChangeFeed = feed
        _identity: IdentityStore = identity
        _admin: AdminDirectory = owner
        _tenants: TenantRepository = tenants
        _outbox: MeterOutbox = owner
        _scopes: ScopeSource = runtime
        _audit: AuditLog = runtime
        _confirmations: ConfirmationStore = confirmations


class UnsafeTenantRole(RuntimeError):
    """The tenant pool would not be confined by Row-Level Security; refusing to serve."""


@attrs.define
class Database:
    """What the composition root gets: the tenant store (dashboard, CLI), the MCP runtime's
    stores, the owner side, and ``close``."""

    tenants: PostgresTenantStore
    owner: PostgresOwnerStore
    # The MCP runtime's whole view (migration 0005): scopes and audit rows (``runtime``), and
    # units of work as shopmcp_mcp for a lease's rotation and the playbooks (``mcp_tenants``).
    runtime: PostgresRuntimeStore
    mcp_tenants: PostgresTenantStore
    # The people side (accounts, sessions, sign-in codes) on the tenant pool (migration 0006).
    identity: PostgresIdentityStore
    tenant_pool: asyncpg.Pool = attrs.field(repr=False)
    owner_pool: asyncpg.Pool = attrs.field(repr=False)
    mcp_pool: asyncpg.Pool = attrs.field(repr=False)
    # A new connection outside the pools, as the tenant role (which needs no privilege to
    # LISTEN): the change feed holds one for as long as it runs.
    connect_tenant: Callable[[], Awaitable[asyncpg.Connection]] = attrs.field(repr=False)
    migration: MigrationReport | None = None
    embedded: EmbeddedPostgres | None = None

    @property
    def billing_events(self) -> PostgresBillingEvents:
        """The Stripe webhook's ``BillingEvents`` (cross-tenant, on the owner pool)."""
        return PostgresBillingEvents(self.owner_pool)

    @property
    def confirmations(self) -> PostgresConfirmationStore:
        """Write confirmations and idempotency keys as the MCP runtime (migration 0010); the
        owner pool purges expired ones."""
        return PostgresConfirmationStore(self.mcp_pool, self.owner_pool)

    @property
    def write_approvals(self) -> PostgresWriteApprovalReview:
        """The dashboard's side of write approvals, as the tenant role (migration 0017)."""
        return PostgresWriteApprovalReview(self.tenant_pool)

    @property
    def audit_chain(self) -> PostgresAuditChain:
        """The audit chain's ``AuditChainReader`` (cross-tenant, on the owner pool)."""
        return PostgresAuditChain(self.owner_pool)

    @property
    def retention(self) -> PostgresRetentionStore:
        """The retention sweep's ``RetentionStore`` (cross-tenant, on the owner pool)."""
        return PostgresRetentionStore(self.owner_pool)

    @property
    def outbox(self) -> PostgresOwnerStore:
        """The ``MeterOutbox`` (same object as ``owner``)."""
        return self.owner

    async def close(self, *, stop_embedded: bool = True) -> None:
        await self.runtime.flush()
        await self.mcp_pool.close()
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


_ROLE_CHECK_SQL = (
    "select current_user as name, r.rolsuper, r.rolbypassrls, "
    "pg_has_role(current_user, 'shopmcp_owner', 'MEMBER') as owner_member, "
    "has_database_privilege(current_user, current_database(), 'TEMPORARY') as temporary "
    "from pg_roles r where r.rolname = current_user"
)


async def _check_login_role(pool: asyncpg.Pool, role: str) -> None:
    row = await pool.fetchrow(_ROLE_CHECK_SQL)
    assert row is not None
    if row["name"] != role or row["rolsuper"] or row["rolbypassrls"]:
        raise UnsafeTenantRole(f"the pool must connect as {role} (no superuser, NOBYPASSRLS)")
    if row["owner_member"]:
        raise UnsafeTenantRole(f"{role} must not be a member of shopmcp_owner")
    if row["temporary"]:
        raise UnsafeTenantRole(f"{role} must not be able to create temporary objects")


async def check_tenant_role(pool: asyncpg.Pool) -> None:
    """Refuse a tenant pool whose role could step around Row-Level Security."""
    await _check_login_role(pool, TENANT_ROLE)


async def check_mcp_role(pool: asyncpg.Pool) -> None:
    """Refuse a runtime pool that is not exactly the MCP runtime's confined role."""
    await _check_login_role(pool, MCP_ROLE)


async def _keep_settings(conn: asyncpg.Connection) -> None:
    """The runtime pool's reset on release. Every setting it makes is transaction-local and
    gone at commit, so asyncpg's default reset (a ``RESET ALL`` and more, one round trip on
    every release) buys nothing; an unfinished transaction is still rolled back."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def open_database(
    database_url: str | None,
    data_dir: Path,
    *,
    tenant_database_url: str | None = None,
    mcp_database_url: str | None = None,
    run_migrations: bool = True,
    tenant_pool_size: int = 10,
    mcp_pool_size: int = 10,
    owner_pool_size: int = 4,
) -> Database:
    """Open the tenant store (see the package docstring)."""
    async with AsyncExitStack() as cleanup:
        embedded: EmbeddedPostgres | None = None
        if database_url is None:
            embedded = await start_embedded(data_dir)
            cleanup.callback(embedded.stop)
            database_url = embedded.admin_url()
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
        cleanup.push_async_callback(owner_pool.close)
        # Without their own URLs: the admin's server and database, as the login roles.
        tenant_dsn = tenant_database_url or tenant_url_from(database_url)
        tenant_user = None if tenant_database_url else TENANT_ROLE
        tenant_pool = await asyncpg.create_pool(
            tenant_dsn, user=tenant_user, max_size=tenant_pool_size, **common
        )
        cleanup.push_async_callback(tenant_pool.close)
        await check_tenant_role(tenant_pool)
        mcp_pool = await asyncpg.create_pool(
            mcp_database_url or tenant_url_from(database_url),
            user=None if mcp_database_url else MCP_ROLE,
            max_size=mcp_pool_size,
            reset=_keep_settings,
            **common,
        )
        cleanup.push_async_callback(mcp_pool.close)
        await check_mcp_role(mcp_pool)
        cleanup.pop_all()
    return Database(
        tenants=PostgresTenantStore(tenant_pool),
        owner=PostgresOwnerStore(owner_pool),
        runtime=PostgresRuntimeStore(mcp_pool),
        mcp_tenants=PostgresTenantStore(mcp_pool),
        identity=PostgresIdentityStore(tenant_pool),
        tenant_pool=tenant_pool,
        owner_pool=owner_pool,
        mcp_pool=mcp_pool,
        migration=report,
        embedded=embedded,
        connect_tenant=functools.partial(
            asyncpg.connect, tenant_dsn, user=tenant_user, command_timeout=30
        ),
    )
