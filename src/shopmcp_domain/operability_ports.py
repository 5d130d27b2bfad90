"""Ports of running the service: readiness probes, the per-call observer (metrics) and the
meter outbox's backlog."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from shopmcp_domain.errors import UsageStatus

# --------------------------------------------------------------------------- time


# --------------------------------------------------------------------------- operability


class ReadinessProbe(Protocol):
    """One dependency the gateway cannot serve without (``/ready``)."""

    @property
    def name(self) -> str:
        """What is checked, for the readiness answer: ``postgresql``, ``redis``, ``kms``."""
        ...

    async def check(self) -> None:
        """Return when the dependency answers; raise (anything) when it does not. The caller
        bounds the wait."""
        ...


class CallObserver(Protocol):
    """What the hot path reports for metrics: synchronous, cheap, never raising, never
    blocking (an in-process counter, not a network call). Labels are bounded: a tool the
    workspace may not call is reported as ``unknown``, never by the name a client sent."""

    def tool_call(self, platform: str, tool: str, status: UsageStatus, seconds: float) -> None:
        """One tools/call ended with ``status`` after ``seconds``."""
        ...

    def upstream_error(self, platform: str, status: str) -> None:
        """An upstream answered an error (``status``: its HTTP status, or ``unavailable``)."""
        ...

    def rate_limited(self, method: str) -> None:
        """A request was refused by the rate limit (``method``: ``tools/call`` or ``other``)."""
        ...


class OutboxBacklog(Protocol):
    """Cross-tenant: how far the billing drain is behind (for metrics)."""

    async def backlog(self) -> tuple[int, dt.datetime | None]:
        """How many meter records are unsent (not given up on), and the oldest one's time."""
        ...
