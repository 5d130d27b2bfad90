"""Short-lived caching of read tools (the security page: "Repeated Xero read-only tool calls
can be cached briefly by workspace and connection id to avoid duplicate provider usage; writes
bypass cached reads immediately").

:class:`CachedReads` wraps one platform's :class:`UpstreamClient`:

- a **read** is looked up under a key made of the workspace, the connection, the tool and a
  SHA-256 of its validated arguments serialised canonically (defaults filled in, keys sorted),
  so ``{}`` and ``{"page": 1}`` are one call. The entry records the connection's *generation*
  when its read started; the lookup fetches the entry and the current generation together (one
  ``MGET``, both keys in the connection's hash slot), and an entry of another generation is a
  miss. A hit returns the stored result with no upstream request (``cache_hit``); a miss calls
  the upstream and stores a successful result for ``ttl_seconds``. Errors are never stored.
- a **write** (whatever its outcome: a failed write may still have changed something)
  increments the connection's generation, so every read cached before it is unreachable at
  once, in every process sharing the cache. A read that started before the write and stores
  its result after it records the old generation, so it is never served.

Nothing is shared across workspaces or connections: both ids are in every key. The cache's
own failures never fail a call: a read falls back to the upstream. A write whose generation
cannot be bumped is logged; reads cached before it may then be served until their TTL ends
(bounded by ``ttl_seconds``, 30 s by default).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, Final

import attrs

from shopmcp_domain.connections import Connection
from shopmcp_domain.limit_ports import Cache
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
    UpstreamClient,
)

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS: Final = 30.0
# Generations outlive any entry by far; after that an idle connection's counter may restart
# at 1, when every entry it could reach has long expired.
GENERATION_TTL_SECONDS: Final = 24 * 3600.0
CACHE_META_KEY: Final = "shopmcp/cache"


def _slot(connection: Connection) -> str:
    # A Redis hash tag: a connection's generation and entries share one slot, so one MGET
    # reads both even on a cluster.
    return f"{{{connection.workspace_id}:{connection.id}}}"


def generation_key(connection: Connection) -> str:
    return f"gen:{_slot(connection)}"


def arguments_digest(call: UpstreamCall) -> str:
    canonical = json.dumps(
        call.arguments.model_dump(mode="json"), sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def entry_key(call: UpstreamCall) -> str:
    return f"read:{_slot(call.connection)}:{call.tool.name}:{arguments_digest(call)}"


def _encode(output: ToolOutput, generation: int) -> bytes:
    return json.dumps(
        {
            "generation": generation,
            "structured": output.structured,
            "text": output.text,
            "meta": output.meta,
        },
        separators=(",", ":"),
    ).encode()


def _generation(raw: bytes | None) -> int | None:
    if raw is None:
        return 0
    try:
        return int(raw)
    except ValueError:
        return None


def _decode(raw: bytes, generation: int) -> ToolOutput | None:
    try:
        doc = json.loads(raw)
        structured, text, meta = doc["structured"], doc["text"], doc.get("meta")
        stored = doc["generation"]
    except (ValueError, KeyError, TypeError):
        return None
    if stored != generation or not isinstance(structured, dict) or not isinstance(text, str):
        return None
    marked: dict[str, Any] = dict(meta) if isinstance(meta, dict) else {}
    marked[CACHE_META_KEY] = {"hit": True}
    return ToolOutput(structured=structured, text=text, meta=marked, cache_hit=True)


@attrs.frozen
class CachedReads:
    """One platform's upstream with its reads cached (an :class:`UpstreamClient` itself)."""

    inner: UpstreamClient
    cache: Cache
    ttl_seconds: float = DEFAULT_TTL_SECONDS

    async def call(self, call: UpstreamCall) -> ToolOutput:
        if call.tool.is_write:
            try:
                return await self.inner.call(call)
            finally:
                await self._invalidate(call.connection)
        key = entry_key(call)
        generation, cached = await self._lookup(call.connection, key)
        if cached is not None:
            return cached
        output = await self.inner.call(call)
        if generation is not None:
            await self._set(key, output, generation)
        return output

    async def _lookup(
        self, connection: Connection, key: str
    ) -> tuple[int | None, ToolOutput | None]:
        """The connection's current generation (None: the cache cannot be used now) and the
        entry, if it is of that generation."""
        try:
            raw_generation, raw_entry = await self.cache.get_many([generation_key(connection), key])
        except Exception as error:
            logger.warning("read cache unavailable: %s", type(error).__name__)
            return None, None
        generation = _generation(raw_generation)
        if generation is None or raw_entry is None:
            return generation, None
        return generation, _decode(raw_entry, generation)

    async def _set(self, key: str, output: ToolOutput, generation: int) -> None:
        try:
            await self.cache.set(key, _encode(output, generation), self.ttl_seconds)
        except Exception as error:
            logger.warning("read cache not written: %s", type(error).__name__)

    async def _invalidate(self, connection: Connection) -> None:
        try:
            await self.cache.incr(generation_key(connection), GENERATION_TTL_SECONDS)
        except Exception as error:
            logger.error(
                "read cache not invalidated after a write: %s",
                type(error).__name__,
                extra={"workspace_id": str(connection.workspace_id)},
            )
