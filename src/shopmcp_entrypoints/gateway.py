"""What the MCP endpoint needs from the composition root. Here rather than in ``http/`` so the
container builds it without importing the HTTP layer (the app imports the container)."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from shopmcp_adapters.observability.metrics import PrometheusMetrics
from shopmcp_domain.confirmation_ports import ConfirmationStore
from shopmcp_domain.limit_ports import (
    QuotaCounter,
    RateLimiter,
)
from shopmcp_domain.operability_ports import (
    CallObserver,
    OutboxBacklog,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    AuditLog,
    Clock,
    CredentialVault,
    ScopeSource,
    TenantRepository,
    UpstreamClient,
)
from shopmcp_domain.services.call_tool import NO_OBSERVER, ToolCallDeps
from shopmcp_domain.services.playbook_tools import PlaybookToolDeps
from shopmcp_domain.services.run_playbook import PlaybookRunDeps
from shopmcp_domain.tools.registry import ToolRegistry


@attrs.frozen
class GatewayPorts:
    """Resolved once in the app's lifespan."""

    clock: Clock
    # The request's scope in one read (or none: a cache invalidated across replicas).
    scopes: ScopeSource
    # One usage and meter row per tools/call, group-committed.
    audit: AuditLog
    # Units of work for what a request rarely needs: a credential's rotation, the playbooks.
    tenants: TenantRepository
    vault: CredentialVault
    limiter: RateLimiter
    # Monthly tool-call quotas (one count per tools/call that reaches its store).
    quota: QuotaCounter
    registry: ToolRegistry
    upstreams: Mapping[Platform, UpstreamClient]
    # Platforms whose write tools the operator has locked (the tool policy hides them).
    writes_locked: frozenset[Platform]
    # How merchants read each platform's name ("Which connected Shopify store").
    platform_names: Mapping[Platform, str]
    # Write confirmations and idempotency keys (every write tool goes through them).
    confirmations: ConfirmationStore
    # Metrics (or nothing, when they are off).
    observer: CallObserver = NO_OBSERVER

    @property
    def tool_call(self) -> ToolCallDeps:
        return ToolCallDeps(
            clock=self.clock,
            audit=self.audit,
            upstreams=self.upstreams,
            confirmations=self.confirmations,
            quota=self.quota,
            observer=self.observer,
        )

    @property
    def playbook_tools(self) -> PlaybookToolDeps:
        # A run's steps are admitted against the same limiter as direct calls.
        return PlaybookToolDeps(
            clock=self.clock,
            audit=self.audit,
            run=PlaybookRunDeps(tool_call=self.tool_call, limiter=self.limiter),
            confirmations=self.confirmations,
        )


@attrs.frozen
class MetricsEndpoint:
    """What ``/metrics`` needs: the metrics (None when off), the outbox's backlog (read at
    scrape time), and the scraper's token (None: loopback clients only)."""

    metrics: PrometheusMetrics | None
    backlog: OutboxBacklog
    clock: Clock
    token: str | None = attrs.field(default=None, repr=False)
