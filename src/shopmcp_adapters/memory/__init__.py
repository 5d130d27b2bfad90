"""In-memory fakes of every port: the reference semantics the real adapters are held to.

One fake per port of :mod:`shopmcp_domain.ports`, each run through the same port suite as its
real adapters (``tests/ports``):

- ``Clock``: ``FakeClock`` (moved by hand); real: ``shopmcp_adapters.clock.SystemClock``
- ``CredentialVault``: ``FakeVault``; real: the local and KMS vaults
- ``ChangeFeed``: ``InMemoryChangeFeed`` (fed by ``InMemoryTenantStore(feed)``); real:
  ``PostgresChangeFeed`` (row triggers and LISTEN)
- ``TenantRepository``, ``MeterOutbox``, ``ScopeSource``, ``AuditLog``, and the people side
  (``IdentityStore``, ``AdminDirectory``): ``InMemoryTenantStore``; real: PostgreSQL
- ``EmailSender``: ``OutboxMailer``; real: the HTTP provider and the local outbox file
- ``RateLimiter``: ``InMemoryRateLimiter`` (also the embedded default's limiter and the Redis
  limiter's per-process fallback); real: Redis
- ``Meter``: ``InMemoryMeter``; real: the Stripe meter
- ``Cache``: ``InMemoryCache`` (TTL, bounded; also the embedded default's); real:
  ``shopmcp_adapters.cache.RedisCache``
- ``CredentialLease``: ``FakeLease``; real: the domain's ``VaultCredentialLease``
- ``ConfirmationStore``: ``InMemoryConfirmationStore``; real: PostgreSQL
- ``RetentionStore`` (the sweep): ``InMemoryTenantStore``; real: PostgreSQL's owner side
- ``ReadinessProbe``: ``FakeReadinessProbe`` (up, down or frozen by hand); real: PostgreSQL,
  Redis and the vault's key ring
- ``UpstreamClient``: ``RecordingUpstream``; real: the platform modules (held to their
  recorded upstream contracts in ``tests/contract`` instead)
"""

from typing import TYPE_CHECKING

from shopmcp_adapters.memory.billing import InMemoryMeter
from shopmcp_adapters.memory.cache import InMemoryCache
from shopmcp_adapters.memory.changes import InMemoryChangeFeed
from shopmcp_adapters.memory.clock import FakeClock
from shopmcp_adapters.memory.confirmations import InMemoryConfirmationStore
from shopmcp_adapters.memory.health import FakeReadinessProbe, ProbeState
from shopmcp_adapters.memory.identity import OutboxMailer
from shopmcp_adapters.memory.lease import FakeLease
from shopmcp_adapters.memory.ratelimit import InMemoryRateLimiter
from shopmcp_adapters.memory.store_check import FakeStoreCheck
from shopmcp_adapters.memory.tenants import InMemoryTenantStore
from shopmcp_adapters.memory.upstream import RecordingUpstream
from shopmcp_adapters.memory.vault import FakeVault

if TYPE_CHECKING:
    from shopmcp_domain import confirmation_ports, identity, limit_ports, operability_ports, ports

    # mypy --strict proves each fake satisfies its port.
    def _conforms(
        clock: FakeClock,
        vault: FakeVault,
        feed: InMemoryChangeFeed,
        store: InMemoryTenantStore,
        limiter: InMemoryRateLimiter,
        meter: InMemoryMeter,
        lease: FakeLease,
        upstream: RecordingUpstream,
        mailer: OutboxMailer,
        stores: FakeStoreCheck,
        confirmations: InMemoryConfirmationStore,
        probe: FakeReadinessProbe,
        cache: InMemoryCache,
    ) -> None:
        _clock: ports.Clock = clock
        _vault: ports.CredentialVault = vault
        _feed: ports.ChangeFeed = feed
        _tenants: ports.TenantRepository = store
        _scopes: ports.ScopeSource = store
        _audit: ports.AuditLog = store
        _outbox: ports.MeterOutbox = store
        _limiter: limit_ports.RateLimiter = limiter
        _meter: limit_ports.Meter = meter
        _lease: ports.CredentialLease = lease
        _upstream: ports.UpstreamClient = upstream
        _cache: limit_ports.Cache = cache
        _identity: identity.IdentityStore = store
        _admin: identity.AdminDirectory = store
        _mailer: identity.EmailSender = mailer
        _stores: ports.StoreAddressCheck = stores
        _confirmations: confirmation_ports.ConfirmationStore = confirmations
        _retention: ports.RetentionStore = store
        _backlog: operability_ports.OutboxBacklog = store
        _probe: operability_ports.ReadinessProbe = probe


__all__ = [
    "FakeClock",
    "FakeLease",
    "FakeReadinessProbe",
    "FakeStoreCheck",
    "FakeVault",
    "InMemoryCache",
    "InMemoryChangeFeed",
    "InMemoryConfirmationStore",
    "InMemoryMeter",
    "InMemoryRateLimiter",
    "InMemoryTenantStore",
    "OutboxMailer",
    "ProbeState",
    "RecordingUpstream",
]
