"""What the MCP endpoint needs from the composition root. Here rather than in ``http/`` so the
container builds it without importing the HTTP layer (the app imports the container)."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    AuditLog,
    Clock,
    CredentialVault,
    RateLimiter,
    ScopeSource,
    TenantRepository,
    UpstreamClient,
)
from shopmcp_domain.services.call_tool import ToolCallDeps
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
    registry: ToolRegistry
    upstreams: Mapping[Platform, UpstreamClient]
    # Platforms whose write tools the operator has locked (the tool policy hides them).
    writes_locked: frozenset[Platform]
    # How merchants read each platform's name ("Which connected Shopify store").
    platform_names: Mapping[Platform, str]

    @property
    def tool_call(self) -> ToolCallDeps:
        return ToolCallDeps(clock=self.clock, audit=self.audit, upstreams=self.upstreams)

    @property
    def playbook_tools(self) -> PlaybookToolDeps:
        # A run's steps are admitted against the same limiter as direct calls.
        return PlaybookToolDeps(
            clock=self.clock,
            audit=self.audit,
            run=PlaybookRunDeps(tool_call=self.tool_call, limiter=self.limiter),
        )
