"""The change feed on PostgreSQL: LISTEN on the channel the row triggers of migration 0003
NOTIFY on, and hand every notice to this process's subscribers.

One dedicated connection (outside the pools: a pooled connection is reset, and its LISTEN
dropped, when it goes back) as the tenant role, which needs no privilege to listen. The
database delivers a notice only when the writing transaction commits, to every listening
session, whoever the writer was.

A connection can die without telling anyone (a restarted server, a dropped network), and the
notices sent meanwhile are gone for good. So the feed pings its connection every
``ping_interval`` seconds; when the connection is lost it tells subscribers to drop everything
(a ``FeedReset``) at once, reconnects with jittered exponential backoff, and sends another
reset once it listens again (for whatever was cached while it was deaf). A payload it cannot
read is treated the same way: it cannot know what changed, so everything is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Awaitable, Callable

import asyncpg
from pydantic import BaseModel, ConfigDict, ValidationError

from shopmcp_adapters.changes import ChangeFanout
from shopmcp_domain.changes import Change, ChangeKind, FeedReset
from shopmcp_domain.ids import WorkspaceId

CHANNEL = "shopmcp_changes"

log = logging.getLogger("shopmcp.changes")

Connect = Callable[[], Awaitable[asyncpg.Connection]]


class _Payload(BaseModel):
    """What ``shopmcp.notify_change()`` sends."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ChangeKind
    workspace_id: uuid.UUID
    id: uuid.UUID


class PostgresChangeFeed(ChangeFanout):
    """Implements :class:`~shopmcp_domain.ports.ChangeFeed`. ``start`` connects (and raises if
    it cannot: a gateway that would never hear of a revoked key should not start); ``stop``
    disconnects. In between it keeps listening, whatever happens to the connection."""

    def __init__(
        self,
        connect: Connect,
        *,
        ping_interval: float = 5.0,
        ping_timeout: float = 5.0,
        min_backoff: float = 0.05,
        max_backoff: float = 5.0,
    ) -> None:
        super().__init__()
        self._connect = connect
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self._conn: asyncpg.Connection | None = None
        self._lost = asyncio.Event()
        self._supervisor: asyncio.Task[None] | None = None
        self._jitter = random.SystemRandom()
        self.reconnects = 0

    def __repr__(self) -> str:
        return (
            f"PostgresChangeFeed(connected={self.connected}, subscribers={self.subscribers}, "
            f"reconnects={self.reconnects})"
        )

    @property
    def connected(self) -> bool:
        return self._conn is not None and not self._conn.is_closed()

    @property
    def live(self) -> bool:
        return self.connected

    @property
    def backend_pid(self) -> int | None:
        """The listening session's server process id (for operators and tests)."""
        return self._conn.get_server_pid() if self._conn is not None else None

    async def start(self) -> None:
        if self._supervisor is not None:
            return
        await self._listen()
        self._supervisor = asyncio.get_running_loop().create_task(
            self._supervise(), name="shopmcp-change-feed"
        )

    async def stop(self) -> None:
        task, self._supervisor = self._supervisor, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._close()

    # ---- the connection

    async def _listen(self) -> None:
        self._lost = asyncio.Event()
        lost = self._lost
        conn = await self._connect()
        try:
            conn.add_termination_listener(lambda _conn: lost.set())
            await conn.add_listener(CHANNEL, self._on_notify)
        except BaseException:
            await _close_quietly(conn)
            raise
        self._conn = conn

    async def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            await _close_quietly(conn)

    async def _supervise(self) -> None:
        while True:
            await self._until_lost()
            log.warning("change feed lost its connection; reconnecting")
            await self._close()
            self.publish(FeedReset())  # notices are being missed from now on
            await self._reconnect()
            self.reconnects += 1
            self.publish(FeedReset())  # and some were missed while it was away

    async def _until_lost(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._lost.wait(), timeout=self.ping_interval)
                return
            except TimeoutError:
                pass
            conn = self._conn
            if conn is None or conn.is_closed():
                return
            try:
                await asyncio.wait_for(conn.fetchval("select 1"), timeout=self.ping_timeout)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                return

    async def _reconnect(self) -> None:
        attempt = 0
        while True:
            ceiling = min(self.max_backoff, self.min_backoff * 2**attempt)
            await asyncio.sleep(self._jitter.uniform(ceiling / 2, ceiling))
            try:
                await self._listen()
                log.info("change feed listening again")
                return
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError):
                attempt += 1

    # ---- notices

    def _on_notify(
        self, _conn: asyncpg.Connection | object, _pid: int, _channel: str, payload: object
    ) -> None:
        try:
            parsed = _Payload.model_validate_json(payload if isinstance(payload, str) else "")
        except ValidationError:
            # Never logged: whatever it holds did not come from our trigger.
            log.warning("unreadable change notice; dropping every cached entry")
            self.publish(FeedReset())
            return
        self.publish(Change(parsed.kind, WorkspaceId(parsed.workspace_id), parsed.id))


async def _close_quietly(conn: asyncpg.Connection) -> None:
    with contextlib.suppress(Exception):
        await asyncio.wait_for(conn.close(), timeout=2)
    if not conn.is_closed():
        conn.terminate()
