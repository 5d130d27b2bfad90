"""Versioned SQL migrations: ``migrations/NNNN_name.sql``, applied in order, once each.

Each migration runs in its own transaction as ``shopmcp_owner`` and is recorded in
``shopmcp.schema_migrations`` with the SHA-256 of its text. A second run applies nothing. If
the text of an applied migration changed, the run stops with :class:`MigrationChecksumMismatch`
before applying anything: applied migrations are history, and a new change is a new file.
Concurrent runners on one database are serialised by an advisory lock.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from importlib import resources

import asyncpg
import attrs

from shopmcp_adapters.postgres.roles import ensure_roles

SCHEMA = "shopmcp"
_FILE_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any constant; advisory locks are scoped to the current database.
_MIGRATION_LOCK_KEY = 0x5350_4D43_0001

_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS shopmcp.schema_migrations (
    version    integer     PRIMARY KEY,
    name       text        NOT NULL,
    checksum   text        NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


class MigrationError(RuntimeError):
    pass


class MigrationChecksumMismatch(MigrationError):
    def __init__(self, version: int, name: str, recorded: str, current: str) -> None:
        self.version = version
        super().__init__(
            f"migration {version:04d}_{name} was changed after it was applied "
            f"(recorded sha256 {recorded[:12]}..., file sha256 {current[:12]}...); "
            "applied migrations must not be edited: restore the file and add a new migration"
        )


@attrs.frozen
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


@attrs.frozen
class MigrationReport:
    applied: tuple[int, ...]
    already_applied: tuple[int, ...]
    # Versions recorded in the database that this code does not know (a newer release ran).
    unknown: tuple[int, ...] = ()


def load_migrations() -> list[Migration]:
    """The migrations shipped in this package, in version order."""
    found: list[Migration] = []
    for entry in resources.files("shopmcp_adapters.postgres.migrations").iterdir():
        match = _FILE_RE.fullmatch(entry.name)
        if match is None:
            continue
        found.append(Migration(int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migration files share a version number")
    return found


async def migrate(
    conn: asyncpg.Connection, migrations: Sequence[Migration] | None = None
) -> MigrationReport:
    """Create the roles if missing, then apply pending migrations on ``conn``'s database.

    ``conn`` is an administrator's connection (see :func:`ensure_roles`); it must not be in a
    transaction. ``migrations`` defaults to the shipped ones.
    """
    todo = list(load_migrations() if migrations is None else migrations)
    await ensure_roles(conn)
    await conn.execute("select pg_advisory_lock($1)", _MIGRATION_LOCK_KEY)
    try:
        schema_exists = await conn.fetchval(
            "select exists (select 1 from pg_namespace where nspname = $1)", SCHEMA
        )
        if not schema_exists:
            await conn.execute("CREATE SCHEMA shopmcp AUTHORIZATION shopmcp_owner")
        await conn.execute("SET ROLE shopmcp_owner")
        try:
            return await _apply(conn, todo)
        finally:
            await conn.execute("RESET ROLE")
    finally:
        await conn.execute("select pg_advisory_unlock($1)", _MIGRATION_LOCK_KEY)


async def _apply(conn: asyncpg.Connection, todo: list[Migration]) -> MigrationReport:
    await conn.execute(_CREATE_LEDGER)
    rows = await conn.fetch("select version, name, checksum from shopmcp.schema_migrations")
    recorded = {row["version"]: row for row in rows}
    known = {m.version for m in todo}
    for migration in todo:
        row = recorded.get(migration.version)
        if row is not None and row["checksum"] != migration.checksum:
            raise MigrationChecksumMismatch(
                migration.version, migration.name, row["checksum"], migration.checksum
            )
    applied: list[int] = []
    for migration in todo:
        if migration.version in recorded:
            continue
        async with conn.transaction():
            await conn.execute(migration.sql)
            await conn.execute(
                "insert into shopmcp.schema_migrations (version, name, checksum) "
                "values ($1, $2, $3)",
                migration.version,
                migration.name,
                migration.checksum,
            )
        applied.append(migration.version)
    return MigrationReport(
        applied=tuple(applied),
        already_applied=tuple(sorted(v for v in recorded if v in known)),
        unknown=tuple(sorted(v for v in recorded if v not in known)),
    )
