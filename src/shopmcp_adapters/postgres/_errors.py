"""Map the database's refusals to the domain's errors, in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from shopmcp_adapters.postgres._rows import Conn
from shopmcp_domain.errors import (
    Conflict,
    CrossTenantWrite,
    NotFound,
)

_RLS_REFUSAL = "row-level security"


@asynccontextmanager
async def domain_errors(
    conn: Conn, conflict: str, missing_parent: str = "workspace"
) -> AsyncIterator[None]:
    """Run a write inside a savepoint and translate what PostgreSQL refused.

    The savepoint keeps the unit of work usable after a refused write, as the in-memory fake
    is: the caller may catch ``Conflict`` and go on (without it the whole transaction would be
    aborted and its COMMIT would silently roll back). Row-Level Security's WITH CHECK becomes
    ``CrossTenantWrite``; a unique violation ``Conflict(conflict)``; a missing parent row
    ``NotFound(missing_parent)``.
    """
    try:
        async with conn.transaction():
            yield
    except asyncpg.InsufficientPrivilegeError as error:
        if _RLS_REFUSAL in str(error):
            raise CrossTenantWrite() from None
        raise
    except asyncpg.UniqueViolationError:
        raise Conflict(conflict) from None
    except asyncpg.ForeignKeyViolationError:
        raise NotFound(missing_parent) from None
