"""The data-key cache: plaintext data keys held in memory for at most 60 seconds.

Keyed by (digest of the master key id and wrapped key, canonical encryption context): the same
wrapped key asked for under another workspace's (or credential's) context is a miss, so the
cache can never open a row that KMS itself would refuse. Bounded (least recently used entries
go first); the TTL runs from when the key was unwrapped and is not extended by use. Its repr
shows only counts.

Eviction does not wait for the next access:

* ``forget_credential`` / ``forget_workspace`` drop a credential's (a workspace's) keys at once,
  when its row is deleted or re-sealed here or on another replica (the vault follows the
  change feed);
* once :meth:`start` ran, a sweeper task removes each entry when it expires. It sleeps until
  the next expiry, but never longer than ``sweep_interval`` seconds (so a clock that jumps,
  such as a test's fake clock, is noticed within that time), and not at all while the cache is
  empty; :meth:`stop` ends it. Without it, expired entries go on the next access, as before.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict, deque
from collections.abc import Callable

import attrs

from shopmcp_adapters.vault.envelope import wrapped_key_digest
from shopmcp_domain.credentials import EncryptionContext
from shopmcp_domain.ids import CredentialId, WorkspaceId
from shopmcp_domain.ports import Clock

MAX_TTL_SECONDS = 60.0
DEFAULT_MAX_ENTRIES = 1024
DEFAULT_SWEEP_INTERVAL = 0.5  # with real time the sweeper wakes at each expiry anyway

_Key = tuple[bytes, bytes]


@attrs.define(repr=False)
class _Entry:
    dek: bytes
    expires_at: float
    workspace_id: WorkspaceId
    credential_id: CredentialId


class DataKeyCache:
    def __init__(
        self,
        clock: Clock,
        ttl_seconds: float = MAX_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        sweep_interval: float = DEFAULT_SWEEP_INTERVAL,
    ) -> None:
        if not 0 <= ttl_seconds <= MAX_TTL_SECONDS:
            raise ValueError(f"data-key cache TTL must be between 0 and {MAX_TTL_SECONDS:g}s")
        if max_entries < 0:
            raise ValueError("max_entries must be >= 0")
        if not 0 < sweep_interval <= 1:
            raise ValueError("sweep_interval must be in (0, 1] seconds")
        self._clock = clock
        self.ttl_seconds = float(ttl_seconds)
        self.max_entries = max_entries
        self.sweep_interval = float(sweep_interval)
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        # Insertion order is expiry order (one TTL for all), so expired keys sit at the front.
        self._expiry: deque[tuple[float, _Key]] = deque()
        self._sweeper: asyncio.Task[None] | None = None
        self._filled = asyncio.Event()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.ttl_seconds > 0 and self.max_entries > 0

    @staticmethod
    def _key(key_id: str, wrapped_dek: bytes, context: EncryptionContext) -> _Key:
        return wrapped_key_digest(key_id, wrapped_dek), context.canonical_bytes()

    def get(self, key_id: str, wrapped_dek: bytes, context: EncryptionContext) -> bytes | None:
        self._evict_expired()
        key = self._key(key_id, wrapped_dek, context)
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.dek

    def put(self, key_id: str, wrapped_dek: bytes, context: EncryptionContext, dek: bytes) -> None:
        if not self.enabled:
            return
        self._evict_expired()
        key = self._key(key_id, wrapped_dek, context)
        if key in self._entries:
            self._entries.move_to_end(key)  # keep its original expiry: use never extends a TTL
            return
        expires_at = self._clock.monotonic() + self.ttl_seconds
        self._entries[key] = _Entry(
            dek=dek,
            expires_at=expires_at,
            workspace_id=context.workspace_id,
            credential_id=context.credential_id,
        )
        self._expiry.append((expires_at, key))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
        self._filled.set()

    def forget_credential(self, workspace_id: WorkspaceId, credential_id: CredentialId) -> int:
        """Drop every data key cached for this credential; returns how many."""
        return self._forget(
            lambda e: e.workspace_id == workspace_id and e.credential_id == credential_id
        )

    def forget_workspace(self, workspace_id: WorkspaceId) -> int:
        """Drop every data key cached for this workspace; returns how many."""
        return self._forget(lambda e: e.workspace_id == workspace_id)

    def _forget(self, matches: Callable[[_Entry], bool]) -> int:
        # A scan: at most max_entries, and only on deletes and rotations, never per request.
        doomed = [key for key, entry in self._entries.items() if matches(entry)]
        for key in doomed:
            del self._entries[key]
        return len(doomed)

    def clear(self) -> None:
        self._entries.clear()
        self._expiry.clear()

    def __len__(self) -> int:
        self._evict_expired()
        return len(self._entries)

    def _evict_expired(self) -> None:
        now = self._clock.monotonic()
        while self._expiry and self._expiry[0][0] <= now:
            expires_at, key = self._expiry.popleft()
            entry = self._entries.get(key)
            if entry is not None and entry.expires_at == expires_at:
                del self._entries[key]

    # ---- the sweeper

    @property
    def sweeping(self) -> bool:
        return self._sweeper is not None and not self._sweeper.done()

    def start(self) -> None:
        """Start evicting entries as they expire (on the running event loop)."""
        if self.sweeping or not self.enabled:
            return
        self._filled = asyncio.Event()  # bound to this loop
        self._sweeper = asyncio.get_running_loop().create_task(
            self._sweep(), name="shopmcp-data-key-sweeper"
        )

    async def stop(self) -> None:
        task, self._sweeper = self._sweeper, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _sweep(self) -> None:
        while True:
            self._evict_expired()
            if not self._expiry:
                self._filled.clear()
                await self._filled.wait()
                continue
            until_next = self._expiry[0][0] - self._clock.monotonic()
            await asyncio.sleep(min(self.sweep_interval, max(until_next, 0.0)))

    def __repr__(self) -> str:
        return (
            f"DataKeyCache(entries={len(self._entries)}, max_entries={self.max_entries}, "
            f"ttl_seconds={self.ttl_seconds:g})"
        )
