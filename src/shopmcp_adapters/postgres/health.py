"""PostgreSQL's readiness probe: a trivial statement on each of the runtime's pools (a pool
whose server is unreachable, frozen or out of connections does not answer it in time)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

_PING_SQL = "select 1"


class PostgresReadiness:
    name = "postgresql"

    def __init__(self, pools: Sequence[asyncpg.Pool]) -> None:
        self._pools = tuple(pools)

    async def check(self) -> None:
        for pool in self._pools:
            await pool.fetchval(_PING_SQL)
