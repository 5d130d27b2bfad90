"""The in-memory change feed: the reference semantics of
:class:`~shopmcp_domain.ports.ChangeFeed` within one process.

``InMemoryTenantStore(feed=...)`` publishes a notice for every credential, connection, key and
workspace row a unit of work wrote, once the unit of work commits (nothing for one that rolled
back), as PostgreSQL's row triggers do. Tests that stand for several replicas subscribe several
vaults to one feed; ``publish`` lets a test send any notice, a ``FeedReset`` included.
Delivery is synchronous, so a notice has reached every subscriber when the write returns.
"""

from __future__ import annotations

from shopmcp_adapters.changes import ChangeFanout


class InMemoryChangeFeed(ChangeFanout):
    pass
