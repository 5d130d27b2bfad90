"""The two database roles, created if missing.

``shopmcp_owner`` (NOLOGIN) owns the schema, runs migrations and the cross-tenant jobs; the
connecting administrator reaches it with ``SET ROLE``. ``shopmcp_tenant`` (LOGIN) serves
requests: only DML grants, ``NOBYPASSRLS``, ``NOINHERIT``, and never a member of the owner.

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

_ROLE_EXISTS = "select exists (select 1 from pg_roles where rolname = $1)"

_TENANT_ATTRIBUTES = """
select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication
from pg_roles where rolname = 'shopmcp_tenant'
"""

_TENANT_IS_OWNER_MEMBER = "select pg_has_role('shopmcp_tenant', 'shopmcp_owner', 'MEMBER')"

_CAN_SET_OWNER = "select pg_has_role(current_user, 'shopmcp_owner', 'MEMBER')"


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


async def ensure_roles(conn: asyncpg.Connection) -> None:
    """Create the roles if missing and check (or repair) the tenant role's attributes.

    ``conn`` is an administrator's connection (superuser or CREATEROLE); when the roles were
    provisioned beforehand, a connection as ``shopmcp_owner`` itself is enough.
    """
    if not await conn.fetchval(_ROLE_EXISTS, OWNER_ROLE):
        await _retrying(conn, _CREATE_OWNER)
    if not await conn.fetchval(_ROLE_EXISTS, TENANT_ROLE):
        await _retrying(conn, _CREATE_TENANT)

    attributes = await conn.fetchrow(_TENANT_ATTRIBUTES)
    assert attributes is not None
    if any(attributes.values()):
        try:
            await _retrying(
                conn,
                "ALTER ROLE shopmcp_tenant NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB "
                "NOREPLICATION",
            )
        except asyncpg.InsufficientPrivilegeError as error:
            raise RoleSetupError(
                "role shopmcp_tenant has superuser, BYPASSRLS or other privileges it must not "
                "have, and this connection may not remove them"
            ) from error
    if await conn.fetchval(_TENANT_IS_OWNER_MEMBER):
        try:
            await _retrying(conn, "REVOKE shopmcp_owner FROM shopmcp_tenant")
        except asyncpg.InsufficientPrivilegeError as error:
            raise RoleSetupError(
                "role shopmcp_tenant is a member of shopmcp_owner and this connection may not "
                "revoke it"
            ) from error
    if not await conn.fetchval(_CAN_SET_OWNER):
        # A CREATEROLE administrator (not superuser) needs membership to SET ROLE to the owner.
        await _retrying(conn, "GRANT shopmcp_owner TO CURRENT_USER")
