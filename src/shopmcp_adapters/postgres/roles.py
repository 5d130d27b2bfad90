"""The three database roles, created if missing.

``shopmcp_owner`` (NOLOGIN) owns the schema, runs migrations and the cross-tenant jobs; the
connecting administrator reaches it with ``SET ROLE``. Two login roles serve requests, each with
only the DML grants its job needs (migration 0005 says which), ``NOBYPASSRLS``, ``NOINHERIT``,
never a member of the owner: ``shopmcp_tenant`` (the dashboard and the CLI) and
``shopmcp_mcp`` (the MCP runtime). PUBLIC loses TEMPORARY on the database.

Roles are cluster-global, so several processes (or test sessions on different databases) may
run this at once and advisory locks, which are per database, cannot serialise them. Each
statement therefore tolerates having lost a race (``duplicate_object``/``unique_violation``
inside the DO block, "tuple concurrently updated" by a bounded retry), and every step only
changes what is not already as required.
"""

from __future__ import annotations

import asyncio
import random

import asyncpg

OWNER_ROLE = "shopmcp_owner"
TENANT_ROLE = "shopmcp_tenant"
MCP_ROLE = "shopmcp_mcp"

_CREATE_OWNER = """
DO $$
BEGIN
    CREATE ROLE shopmcp_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$
"""

_CREATE_TENANT = """
DO $$
BEGIN
    CREATE ROLE shopmcp_tenant LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS
        NOINHERIT NOREPLICATION;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$
"""

_CREATE_MCP = """
DO $$
BEGIN
    CREATE ROLE shopmcp_mcp LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS
        NOINHERIT NOREPLICATION;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$
"""

_ROLE_EXISTS = "select exists (select 1 from pg_roles where rolname = $1)"

# Anything that would let a login role step around Row-Level Security or the grants.
_LOGIN_ROLE_IS_UNSAFE = """
select rolsuper or rolbypassrls or rolcreaterole or rolcreatedb or rolreplication
    or pg_has_role(rolname, 'shopmcp_owner', 'MEMBER')
from pg_roles where rolname = $1
"""

_REPAIR_TENANT = (
    "ALTER ROLE shopmcp_tenant NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION"
)
_REPAIR_MCP = "ALTER ROLE shopmcp_mcp NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB NOREPLICATION"
_REVOKE_OWNER_FROM_TENANT = "REVOKE shopmcp_owner FROM shopmcp_tenant"
_REVOKE_OWNER_FROM_MCP = "REVOKE shopmcp_owner FROM shopmcp_mcp"

_CAN_SET_OWNER = "select pg_has_role(current_user, 'shopmcp_owner', 'MEMBER')"

# PUBLIC gets TEMPORARY on every new database: a runtime role must not create temporary
# objects (a temp table or function can shadow names for the rest of its session).
_PUBLIC_HAS_TEMP = (
    "select has_database_privilege('public', current_database(), 'TEMPORARY') "
    "or has_database_privilege('shopmcp_mcp', current_database(), 'TEMPORARY') "
    "or has_database_privilege('shopmcp_tenant', current_database(), 'TEMPORARY')"
)
# The database name is not a bind parameter in DDL: format() quotes it as an identifier.
_REVOKE_PUBLIC_TEMP = """
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
END
$$
"""


class RoleSetupError(RuntimeError):
    """The roles exist with attributes that break the isolation promise."""


async def _retrying(conn: asyncpg.Connection, sql: str, attempts: int = 8) -> None:
    for attempt in range(attempts):
        try:
            await conn.execute(sql)
            return
        except (asyncpg.UniqueViolationError, asyncpg.InternalServerError) as error:
            # InternalServerError covers "tuple concurrently updated" from a racing
            # ALTER/GRANT on the same catalog row; anything else is re-raised at the end.
            if attempt == attempts - 1:
                raise
            if isinstance(error, asyncpg.InternalServerError) and "concurrently" not in str(error):
                raise
            await asyncio.sleep(random.uniform(0.01, 0.05) * (attempt + 1))  # noqa: S311


async def _ensure_login_role(
    conn: asyncpg.Connection, role: str, create: str, repair: str, revoke_owner: str
) -> None:
    if not await conn.fetchval(_ROLE_EXISTS, role):
        await _retrying(conn, create)
    if not await conn.fetchval(_LOGIN_ROLE_IS_UNSAFE, role):
        return
    try:
        await _retrying(conn, repair)
        await _retrying(conn, revoke_owner)
    except asyncpg.InsufficientPrivilegeError as error:
        raise RoleSetupError(
            f"role {role} has superuser, BYPASSRLS, owner membership or other privileges it "
            "must not have, and this connection may not remove them"
        ) from error


async def ensure_roles(conn: asyncpg.Connection) -> None:
    """Create the roles if missing, check (or repair) the login roles' attributes, and take
    TEMPORARY on the database away from PUBLIC.

    ``conn`` is an administrator's connection (superuser or CREATEROLE, and the database's
    owner for the TEMPORARY revoke); when the roles were provisioned beforehand, a connection as
    ``shopmcp_owner`` itself is enough.
    """
    if not await conn.fetchval(_ROLE_EXISTS, OWNER_ROLE):
        await _retrying(conn, _CREATE_OWNER)
    await _ensure_login_role(
        conn, TENANT_ROLE, _CREATE_TENANT, _REPAIR_TENANT, _REVOKE_OWNER_FROM_TENANT
    )
    await _ensure_login_role(conn, MCP_ROLE, _CREATE_MCP, _REPAIR_MCP, _REVOKE_OWNER_FROM_MCP)
    if await conn.fetchval(_PUBLIC_HAS_TEMP):
        try:
            await _retrying(conn, _REVOKE_PUBLIC_TEMP)
        except asyncpg.InsufficientPrivilegeError as error:
            raise RoleSetupError(
                "PUBLIC may create temporary objects in this database and this connection may "
                "not revoke it: run REVOKE TEMPORARY ON DATABASE <name> FROM PUBLIC as its owner"
            ) from error
    if not await conn.fetchval(_CAN_SET_OWNER):
        # A CREATEROLE administrator (not superuser) needs membership to SET ROLE to the owner.
        await _retrying(conn, "GRANT shopmcp_owner TO CURRENT_USER")
