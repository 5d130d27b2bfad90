"""Ports of what bounds and bills a call: the rate limiter, the monthly quota, the meter and
Stripe's billing events, and the short-lived read cache."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

import attrs

from shopmcp_domain.ids import (
    WorkspaceId,
)
from shopmcp_domain.plans import PlanTier, RateLimit
from shopmcp_domain.usage import (
    MeterRecord,
)
from shopmcp_domain.workspaces import Workspace

# --------------------------------------------------------------------------- time


# --------------------------------------------------------------------------- limits, billing


@attrs.frozen
class RateLimitDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: float  # seconds until the window has fully room again
    retry_after: float  # seconds until one more request would be admitted (0 when allowed)


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: RateLimit) -> RateLimitDecision:
        """Count one request against ``key`` if the sliding window has room."""
        ...


class BillingEventTransaction(Protocol):
    """One owner-connection transaction applying one billing provider event (cross-tenant:
    the event names a customer, not a workspace)."""

    async def claim(self, event_id: str, event_type: str, at: dt.datetime) -> bool:
        """Record the event id; False when it was recorded before (a replay: change nothing).
        A concurrent claim of the same id waits for this transaction and then gets False."""
        ...

    async def workspace_for_customer(self, customer_id: str) -> Workspace | None:
        """The workspace whose billing customer this is (locked until the end)."""
        ...

    async def set_plan(self, workspace_id: WorkspaceId, plan: PlanTier) -> None: ...

    async def settle(self, event_id: str, outcome: str) -> None:
        """Record what processing the event did (for the operator)."""
        ...


class BillingEvents(Protocol):
    """The webhook's store: each transaction commits on a clean exit, rolls back otherwise."""

    def transaction(self) -> AbstractAsyncContextManager[BillingEventTransaction]: ...


class Meter(Protocol):
    """The billing sink. Idempotent per usage event id. A failure that the same request
    cannot cure (the provider refused it: a 4xx) carries ``retryable = False``."""

    async def send(self, record: MeterRecord, customer_id: str) -> None: ...


@attrs.frozen
class QuotaDecision:
    """One tools/call counted (or not) against a monthly quota."""

    allowed: bool
    # The month's count, this call included when it was counted.
    used: int
    quota: int
    # Counted past the quota, under a plan that bills overage.
    overage: bool

    @property
    def remaining(self) -> int:
        return max(self.quota - self.used, 0)


class QuotaCounter(Protocol):
    """Monthly tool-call quotas, counted atomically across every replica: however many
    processes count concurrently, no more than ``quota`` calls of one workspace and month are
    allowed unless ``overage`` is."""

    async def count(
        self, workspace_id: WorkspaceId, month: str, quota: int, *, overage: bool
    ) -> QuotaDecision:
        """Count one call if the month has room, or past it when ``overage`` (the plan bills
        it). A refusal counts nothing."""
        ...

    async def used(self, workspace_id: WorkspaceId, month: str) -> int:
        """The month's count so far (0 when nothing was counted)."""
        ...


# --------------------------------------------------------------------------- short-lived cache


class Cache(Protocol):
    """A short-lived key-value cache shared by the gateway's processes (Redis, Upstash) or
    held by one (in memory). Entries expire on their own; nothing in it is needed for
    correctness, so its failures are the caller's to tolerate. Keys are the caller's, already
    scoped (workspace, connection); the adapter adds only its own namespace."""

    async def get(self, key: str) -> bytes | None:
        """The value, or None when absent or expired."""
        ...

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """Each key's value (None when absent or expired), in one round trip."""
        ...

    async def set(self, key: str, value: bytes, ttl_seconds: float) -> None:
        """Store ``value`` for ``ttl_seconds`` (replacing any value)."""
        ...

    async def incr(self, key: str, ttl_seconds: float) -> int:
        """Atomically add one to the integer at ``key`` (absent counts as 0) and return the
        new value; the counter then lives ``ttl_seconds`` from now."""
        ...
