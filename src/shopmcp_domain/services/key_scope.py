"""Keys scoped to some connections: a :class:`~shopmcp_domain.ports.ScopeSource` that leaves
every other connection (and its sealed credential) out of such a key's scope record, so the
request never sees it: its tools are not listed and no ``store`` argument can reach it.

A key's scopes never change after it is issued, so a cache in front of this (the gateway puts
:class:`~shopmcp_domain.services.scope_cache.CachedScopeSource` there) may keep the filtered
record; a connection deleted later disappears from it with the change notice as before.
"""

from __future__ import annotations

import attrs

from shopmcp_domain.ports import (
    ScopeRecord,
    ScopeSource,
)


class ConnectionScopedSource:
    """Implements :class:`~shopmcp_domain.ports.ScopeSource` over another one."""

    def __init__(self, source: ScopeSource) -> None:
        self._source = source

    def __repr__(self) -> str:
        return f"ConnectionScopedSource({self._source!r})"

    async def load(self, prefix: str) -> ScopeRecord | None:
        record = await self._source.load(prefix)
        if record is None or record.key.scopes.connections is None:
            return record
        scopes = record.key.scopes
        connections = tuple(c for c in record.connections if scopes.permits_connection(c.id))
        kept = {c.credential_id for c in connections}
        return attrs.evolve(
            record,
            connections=connections,
            credentials={k: v for k, v in record.credentials.items() if k in kept},
        )
