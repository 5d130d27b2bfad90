"""Readiness (``/ready``): whether every dependency the gateway needs answers now.

Liveness (``/health``) says the process runs; readiness says it can serve. A load balancer or
orchestrator stops sending traffic to a replica that is not ready (its database unreachable or
frozen, Redis or KMS gone) instead of letting requests hang on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

import attrs

from shopmcp_domain.operability_ports import ReadinessProbe

OK = "ok"
TIMEOUT = "timeout"
UNAVAILABLE = "unavailable"

# A dependency slower than this to answer a trivial question is not serving.
DEFAULT_TIMEOUT_SECONDS = 2.0


@attrs.frozen
class Readiness:
    # Each probe's outcome: "ok", "timeout", or "unavailable".
    checks: Mapping[str, str]
    # The failures' exception class names (never their messages: they may hold a DSN).
    errors: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def ready(self) -> bool:
        return all(outcome == OK for outcome in self.checks.values())


def _retrieve(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()  # a probe abandoned at its time limit: its late error is not news


async def _outcome(probe: ReadinessProbe, limit_seconds: float) -> tuple[str, str | None]:
    # A separate task, abandoned (cancelled, not awaited) at the limit: a client of a frozen
    # server may itself wait for the server while it is being cancelled (asyncpg does, for
    # the server's answer to its cancel request), and readiness must answer regardless.
    task = asyncio.ensure_future(probe.check())
    task.add_done_callback(_retrieve)
    done, _ = await asyncio.wait({task}, timeout=limit_seconds)
    if not done:
        task.cancel()
        return TIMEOUT, "TimeoutError"
    error = task.exception()
    if error is not None:
        return UNAVAILABLE, type(error).__name__
    return OK, None


async def check_readiness(
    probes: Sequence[ReadinessProbe], limit_seconds: float = DEFAULT_TIMEOUT_SECONDS
) -> Readiness:
    """Every probe at once, each bounded by ``limit_seconds``; ready only when all answered."""
    outcomes = await asyncio.gather(*(_outcome(probe, limit_seconds) for probe in probes))
    return Readiness(
        checks={probe.name: outcome for probe, (outcome, _) in zip(probes, outcomes, strict=True)},
        errors={
            probe.name: error
            for probe, (_, error) in zip(probes, outcomes, strict=True)
            if error is not None
        },
    )


@attrs.frozen
class ReadinessChecks:
    """The probes ``/ready`` runs (one value, so the web layer injects it as it is)."""

    probes: tuple[ReadinessProbe, ...]

    async def run(self, limit_seconds: float = DEFAULT_TIMEOUT_SECONDS) -> Readiness:
        return await check_readiness(self.probes, limit_seconds)
