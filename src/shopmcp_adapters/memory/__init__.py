"""In-memory fakes of every port: the reference semantics the real adapters are held to."""

from shopmcp_adapters.memory.billing import InMemoryMeter
from shopmcp_adapters.memory.changes import InMemoryChangeFeed
from shopmcp_adapters.memory.clock import FakeClock
from shopmcp_adapters.memory.lease import FakeLease
from shopmcp_adapters.memory.ratelimit import InMemoryRateLimiter
from shopmcp_adapters.memory.tenants import InMemoryTenantStore
from shopmcp_adapters.memory.upstream import RecordingUpstream
from shopmcp_adapters.memory.vault import FakeVault

__all__ = [
    "FakeClock",
    "FakeLease",
    "FakeVault",
    "InMemoryChangeFeed",
    "InMemoryMeter",
    "InMemoryRateLimiter",
    "InMemoryTenantStore",
    "RecordingUpstream",
]
