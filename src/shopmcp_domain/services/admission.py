"""Admission: a request counted once against its workspace's rate limit.

The entry point admits each request exactly once and passes the answer on as an immutable
value; nothing further down asks the limiter again. A refusal is a value too, so a refused
tools/call can still reach the use case, which raises it inside its audit block (every call,
refused or not, leaves one usage event and one meter record).
"""

from __future__ import annotations

import attrs

from shopmcp_domain.errors import (
    RateLimited,
    RateLimiterUnavailable,
    ShopMcpError,
    WorkspaceInactive,
)
from shopmcp_domain.limit_ports import (
    RateLimitDecision,
    RateLimiter,
)
from shopmcp_domain.workspaces import Workspace


@attrs.frozen
class Admitted:
    """Counted, and within the plan's limit."""

    decision: RateLimitDecision


@attrs.frozen
class RefusedInactive:
    """The workspace is pending deletion: it serves nothing, and the limiter is not asked."""

    def error(self) -> ShopMcpError:
        return WorkspaceInactive()


@attrs.frozen
class RefusedRateLimited:
    """Counted, and over the plan's limit."""

    decision: RateLimitDecision
    window_seconds: float

    def error(self) -> ShopMcpError:
        return RateLimited(self.decision.limit, self.window_seconds, self.decision.retry_after)


@attrs.frozen
class RefusedLimiterUnavailable:
    """The limiter could not decide; refused (fail closed). ``cause`` names the failure's
    class for the operator's log, never its message."""

    cause: str

    def error(self) -> ShopMcpError:
        return RateLimiterUnavailable()


Refusal = RefusedInactive | RefusedRateLimited | RefusedLimiterUnavailable
Admission = Admitted | Refusal


async def admit(workspace: Workspace, limiter: RateLimiter) -> Admission:
    """Count one request against the workspace's sliding window. Never raises: a limiter that
    fails is a refusal like any other, so no caller can forget to fail closed."""
    if not workspace.is_active:
        return RefusedInactive()
    limit = workspace.plan.rate_limit
    try:
        decision = await limiter.hit(f"ws:{workspace.id}", limit)
    except Exception as error:
        return RefusedLimiterUnavailable(cause=type(error).__name__)
    if not decision.allowed:
        return RefusedRateLimited(decision, limit.window_seconds)
    return Admitted(decision)


def raise_if_refused(admission: Admission) -> None:
    if not isinstance(admission, Admitted):
        raise admission.error()
