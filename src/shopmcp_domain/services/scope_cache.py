"""Authenticated scopes kept in memory, so a tools/call costs no database read to authenticate.

A cached :class:`~shopmcp_domain.ports.ScopeRecord` holds only what the database holds (the
key's hash, the workspace, its connections, the sealed credentials: nothing opened), keyed by
the key's public prefix; every request still compares its secret with the hash. What makes it
safe is invalidation, not expiry:

* every committed change to a key, workspace, connection or credential reaches every replica's
  :class:`~shopmcp_domain.ports.ChangeFeed` within about a second, and drops every cached record
  of that workspace (so a revoked key, a changed write opt-in or a deleted connection is seen
  on the next request after the notice);
* the replica that made a change drops the workspace at once (:meth:`forget_workspace`), before
  the notice comes back, so its very next request is refused;
* a load that raced a notice is not cached (an epoch counter says whether any notice arrived
  while it was in flight);
* while the feed is not live, nothing is cached or served from cache, and a ``FeedReset`` (lost
  notices) drops everything;
* an entry also expires after ``max_age`` seconds, a bound on staleness should a notice be lost
  without the feed noticing.
"""

from __future__ import annotations

from collections import OrderedDict

import attrs

from shopmcp_domain.changes import Change, ChangeNotice, FeedReset
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.ports import (
    ChangeFeed,
    Clock,
    ScopeRecord,
    ScopeSource,
)

DEFAULT_MAX_AGE = 30.0
DEFAULT_MAX_ENTRIES = 10_000


@attrs.define
class _Entry:
    record: ScopeRecord
    expires_at: float


class CachedScopeSource:
    """Implements :class:`~shopmcp_domain.ports.ScopeSource` over another one."""

    def __init__(
        self,
        source: ScopeSource,
        feed: ChangeFeed,
        clock: Clock,
        *,
        max_age: float = DEFAULT_MAX_AGE,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        self._source = source
        self._feed = feed
        self._clock = clock
        self.max_age = max_age
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._by_workspace: dict[WorkspaceId, set[str]] = {}
        self._epoch = 0
        self.hits = 0
        self.misses = 0
        self._unsubscribe = feed.subscribe(self._on_notice)

    def __repr__(self) -> str:
        return f"CachedScopeSource(entries={len(self._entries)}, hits={self.hits})"

    def close(self) -> None:
        self._unsubscribe()
        self.clear()

    async def load(self, prefix: str) -> ScopeRecord | None:
        live = self._feed.live
        if not live and self._entries:
            # Notices may be going missing: what is held now may already be stale, and stays
            # so after the feed comes back.
            self.clear()
        entry = self._entries.get(prefix) if live else None
        if entry is not None and entry.expires_at > self._clock.monotonic():
            self._entries.move_to_end(prefix)
            self.hits += 1
            return entry.record
        self.misses += 1
        epoch = self._epoch
        record = await self._source.load(prefix)
        # Cache only what no notice can have overtaken: the feed was and is live, and no
        # notice arrived while the record was being read.
        if record is not None and live and self._feed.live and epoch == self._epoch:
            self._store(prefix, record)
        return record

    def forget_workspace(self, workspace_id: WorkspaceId) -> None:
        """Drop every record of a workspace: the replica that just changed it calls this, so
        its own next request does not wait for the notice to come back."""
        self._epoch += 1
        for prefix in self._by_workspace.pop(workspace_id, set()):
            self._entries.pop(prefix, None)

    def clear(self) -> None:
        self._epoch += 1
        self._entries.clear()
        self._by_workspace.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def _on_notice(self, notice: ChangeNotice) -> None:
        if isinstance(notice, FeedReset):
            self.clear()
        elif isinstance(notice, Change):
            self.forget_workspace(notice.workspace_id)

    def _store(self, prefix: str, record: ScopeRecord) -> None:
        self._drop(prefix)
        self._entries[prefix] = _Entry(record, self._clock.monotonic() + self.max_age)
        self._by_workspace.setdefault(record.workspace.id, set()).add(prefix)
        while len(self._entries) > self.max_entries:
            oldest, _ = next(iter(self._entries.items()))
            self._drop(oldest)

    def _drop(self, prefix: str) -> None:
        entry = self._entries.pop(prefix, None)
        if entry is None:
            return
        prefixes = self._by_workspace.get(entry.record.workspace.id)
        if prefixes is not None:
            prefixes.discard(prefix)
            if not prefixes:
                del self._by_workspace[entry.record.workspace.id]
