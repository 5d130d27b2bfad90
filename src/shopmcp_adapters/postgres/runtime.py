"""The MCP runtime's store: ``ScopeSource`` and ``AuditLog`` on a pool of ``shopmcp_mcp``
connections, one round trip each (migration 0005 grants that role nothing more).

* :meth:`PostgresRuntimeStore.load` is one statement, ``shopmcp.load_scope``: it sets the
  key-prefix setting the key policy reads, reads the key, sets the workspace setting and reads
  the workspace's connections and credentials, all in one implicit transaction.
* :meth:`PostgresRuntimeStore.record` is group commit: a call's usage event and meter record
  join the next batch, one writer sends each batch as one statement (``shopmcp.record_usage``,
  one commit for every call in it), and each caller returns only once its batch committed. A
  call that finds no write in flight is written at once, so a lone call waits for nothing; calls
  that arrive while a batch is being written share the next commit. A batch the database
  refuses is retried one call at a time, so one bad event never costs another call its row; a
batch whose connection failed is sent again on a fresh one (a terminated backend costs a call
some latency, not its row).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg
import attrs

from shopmcp_adapters.postgres import _rows
from shopmcp_domain.errors import NotFound
from shopmcp_domain.ids import CredentialId
from shopmcp_domain.ports import ScopeRecord
from shopmcp_domain.usage import MeterRecord, UsageEvent

LOAD_SCOPE_SQL = "select shopmcp.load_scope($1)"
RECORD_USAGE_SQL = (
    "select shopmcp.record_usage_metered($1::uuid[], $2::uuid[], $3::text[], $4::text[], "
    "$5::uuid[], $6::float8[], $7::text[], $8::text[], $9::timestamptz[], $10::int[], "
    "$11::bool[], $12::bool[], $13::uuid[], $14::int[], $15::int[])"
)
DEFAULT_MAX_BATCH = 500
# Pauses between attempts at a batch whose connection failed: about 4 s in all, the time a
# restarted or failed-over PostgreSQL takes to accept connections again, and within what a
# client waits for a tools/call.
AUDIT_RETRY_DELAYS = (0.05, 0.2, 0.5, 1.0, 2.0)
# A scope load waits less: the client is waiting for the request to start at all.
LOAD_RETRIES = 3
# The connection, not the statement, failed: the batch may be sent again.
_CONNECTION_LOST = (
    asyncpg.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.exceptions.AdminShutdownError,  # 57P01: the backend was terminated
    asyncpg.exceptions.CrashShutdownError,  # 57P02
    asyncpg.exceptions.CannotConnectNowError,  # 57P03: starting up or failing over
    asyncpg.InterfaceError,  # "connection is closed", "connection was closed in the middle"
    OSError,
    TimeoutError,
)


@attrs.define
class _Pending:
    event: UsageEvent
    meter: MeterRecord
    done: asyncio.Future[None]


def _columns(batch: Sequence[_Pending]) -> list[list[Any]]:
    return [
        [p.event.workspace_id for p in batch],
        [p.event.id for p in batch],
        [p.event.key_prefix for p in batch],
        [p.event.tool for p in batch],
        [p.event.connection_id for p in batch],
        [p.event.latency_ms for p in batch],
        [p.event.status.value for p in batch],
        [p.event.error_class for p in batch],
        [p.event.created_at for p in batch],
        [p.meter.quantity for p in batch],
        [p.event.cache_hit for p in batch],
        [p.meter.overage for p in batch],
        [p.event.playbook_id for p in batch],
        [p.event.playbook_version for p in batch],
        [p.event.redactions for p in batch],
    ]


class PostgresRuntimeStore:
    def __init__(
        self,
        pool: asyncpg.Pool,
        *,
        max_batch: int = DEFAULT_MAX_BATCH,
        retry_delays: Sequence[float] = AUDIT_RETRY_DELAYS,
    ) -> None:
        self._pool = pool
        self.max_batch = max_batch
        self.retry_delays = tuple(retry_delays)
        self._pending: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None
        # Round trips, for the benchmark and the tests that hold the hot path to its budget.
        self.loads = 0
        self.batches = 0
        self.events = 0

    def __repr__(self) -> str:
        return f"PostgresRuntimeStore(batches={self.batches}, events={self.events})"

    # ------------------------------------------------------------------ ScopeSource

    async def load(self, prefix: str) -> ScopeRecord | None:
        # A read: sent again on a fresh connection when its connection was lost.
        for delay in (*self.retry_delays[:LOAD_RETRIES], None):
            self.loads += 1
            try:
                raw = await self._pool.fetchval(LOAD_SCOPE_SQL, prefix)
                break
            except _CONNECTION_LOST:
                if delay is None:
                    raise
            await asyncio.sleep(delay)
        if raw is None:
            return None
        scope = json.loads(raw)
        if scope.get("workspace") is None:
            return None
        return _scope_record(scope)

    # ------------------------------------------------------------------ AuditLog

    async def record(self, event: UsageEvent, meter: MeterRecord) -> None:
        if meter.usage_event_id != event.id or meter.workspace_id != event.workspace_id:
            raise ValueError("a meter record belongs to its own usage event")
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending(event, meter, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending(), name="shopmcp-audit")
        # Shielded: a caller that goes away does not cancel the write it joined.
        await asyncio.shield(done)

    async def flush(self) -> None:
        """Wait until everything recorded so far is written (shutdown)."""
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def _write_pending(self) -> None:
        while self._pending:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            await self._write(batch)

    async def _write(self, batch: list[_Pending]) -> None:
        try:
            await self._send(batch)
        except asyncio.CancelledError:
            # Shutting down mid-write: nothing is acknowledged that may not have committed.
            for pending in (*batch, *self._pending):
                pending.done.cancel()
            self._pending.clear()
            raise
        except _CONNECTION_LOST as error:
            # Still unreachable after the retries: one at a time would only wait longer.
            _settle(batch, error)
            return
        except Exception as error:
            if len(batch) > 1:
                for one in batch:
                    await self._write([one])
                return
            _settle(batch, _domain_error(error))
            return
        self.events += len(batch)
        _settle(batch, None)

    async def _send(self, batch: list[_Pending]) -> None:
        """One batch, retried on a fresh connection when the connection (not the statement)
        failed: a backend terminated or restarted mid-write loses no call's row. The batch is
        one statement, so it committed whole or not at all; a retry that finds its rows
        already there means the lost acknowledgement was a commit."""
        columns = _columns(batch)
        for attempt, delay in enumerate((*self.retry_delays, None)):
            self.batches += 1
            try:
                await self._pool.execute(RECORD_USAGE_SQL, *columns)
                return
            except asyncpg.UniqueViolationError:
                if attempt == 0:
                    raise
                return
            except _CONNECTION_LOST:
                if delay is None:
                    raise
            await asyncio.sleep(delay)


def _settle(batch: Sequence[_Pending], error: BaseException | None) -> None:
    for pending in batch:
        if pending.done.done():
            continue
        if error is None:
            pending.done.set_result(None)
        else:
            pending.done.set_exception(error)


def _domain_error(error: Exception) -> Exception:
    if isinstance(error, asyncpg.ForeignKeyViolationError):
        return NotFound("workspace")
    return error


# ---------------------------------------------------------------------- the scope's JSON


def _uuid(value: str) -> uuid.UUID:
    return uuid.UUID(value)


def _time(value: str | None) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(value)


def _bytes(value: str) -> bytes:
    # Hex, not base64: PostgreSQL's base64 breaks lines every 76 characters.
    return bytes.fromhex(value)


def _scope_record(scope: Mapping[str, Any]) -> ScopeRecord:
    key = scope["key"]
    workspace = scope["workspace"]
    return ScopeRecord(
        key=_rows.key(
            {
                **key,
                "id": _uuid(key["id"]),
                "workspace_id": _uuid(key["workspace_id"]),
                "secret_hash": _bytes(key["secret_hash"]),
                "created_at": _time(key["created_at"]),
                "revoked_at": _time(key["revoked_at"]),
            }
        ),
        workspace=_rows.workspace(
            {
                **workspace,
                "id": _uuid(workspace["id"]),
                "created_at": _time(workspace["created_at"]),
                # Not the runtime's to read (migration 0005): billing is the owner side's.
                "billing_customer_id": None,
            }
        ),
        connections=tuple(
            _rows.connection(
                {
                    **c,
                    "id": _uuid(c["id"]),
                    "workspace_id": _uuid(c["workspace_id"]),
                    "credential_id": _uuid(c["credential_id"]),
                    "created_at": _time(c["created_at"]),
                }
            )
            for c in scope["connections"]
        ),
        credentials={
            CredentialId(_uuid(s["id"])): _rows.sealed(
                {
                    **s,
                    "id": _uuid(s["id"]),
                    "workspace_id": _uuid(s["workspace_id"]),
                    "ciphertext": _bytes(s["ciphertext"]),
                    "nonce": _bytes(s["nonce"]),
                    "wrapped_dek": _bytes(s["wrapped_dek"]),
                }
            )
            for s in scope["credentials"]
        },
    )
