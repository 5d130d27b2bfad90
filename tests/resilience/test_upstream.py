"""Upstream timeouts, 5xx, 429 and 4xx: bounded retries and clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from shopmcp_adapters.upstreams.http import HttpPolicy
from shopmcp_entrypoints.demo.servers import LocalTls
from tests.resilience import checks
from tests.resilience.checks import final_checks
from tests.resilience.config import Config
from tests.resilience.load import Load, Outcome, latency_ms, outcomes, samples
from tests.resilience.report import Report
from tests.resilience.standin import slug_for
from tests.resilience.world import Spec, Stack, StandIn

FAULTS: Final = {"hold": None, "http_503": 503, "http_429": 429, "http_403": 403}


async def test_upstream_faults(
    config: Config, report: Report, tls: LocalTls, standin: StandIn, work: Path
) -> None:
    """Four workspaces' stores fail (no answer, 503, 429, 403) while four others serve load:
    each call costs a bounded number of upstream requests (reads retried twice on a timeout or
    a 5xx, a 4xx sent exactly once), fails with a tool error naming the cause, and the healthy
    workspaces are served throughout. Cleared, the faulty stores are served again."""
    timeout = 1.0
    policy = HttpPolicy()
    attempts = 1 + policy.max_read_retries
    backoff = sum(min(policy.backoff_max, policy.backoff_base * 2**n) for n in range(attempts - 1))
    expected = {"hold": attempts, "http_503": attempts, "http_429": 1, "http_403": 1}
    texts = {
        "hold": "shopify is unavailable: timed out",
        "http_503": "shopify is unavailable: HTTP 503",
        "http_429": "shopify answered 429:",
        "http_403": "shopify answered 403:",
    }
    duration = config.phase(attempts * timeout + backoff + 1.0)
    with report.scenario("upstream_faults", "upstream timeouts, 503, 429 and 403") as sc:
        async with Stack.open(config, tls, standin, work) as stack:
            healthy_specs = [Spec(slug_for("up", n)) for n in range(4)]
            faulty_specs = [Spec(slug_for("up", 10 + n)) for n in range(len(FAULTS))]
            tenants = await stack.seed(healthy_specs + faulty_specs)
            faulty = dict(zip(FAULTS, tenants[4:], strict=True))
            gateway = await stack.start_gateway(
                "gateway", extra={"SHOPMCP_UPSTREAM_READ_TIMEOUT_SECONDS": str(timeout)}
            )
            for kind, tenant in faulty.items():
                status = FAULTS[kind]
                await standin.set_fault(tenant.slug, status=status, hold=status is None)
            before = await standin.requests()
            assignment = [0, 1, 2, 3] * 2 + [4, 5, 6, 7] * 3
            load = Load([t.caller for t in tenants], [gateway.port], assignment)
            await load.run(duration)
            after = await standin.requests()
            for tenant in faulty.values():
                await standin.clear_fault(tenant.slug)
            cleared_before = await standin.requests()
            recovered = [await load.probe(n) for n in range(4, len(tenants))]
            cleared_after = await standin.requests()
            gateway.child.check_alive()
            await final_checks(sc, stack, load, tenants)

        per_fault: dict[str, dict[str, object]] = {}
        hold_ms: float | None = None
        for index, (kind, tenant) in enumerate(faulty.items(), start=4):
            calls = [c for c in load.calls if c.caller == index and c not in recovered]
            requests = after.get(tenant.slug, 0) - before.get(tenant.slug, 0)
            if kind == "hold":
                hold_ms = latency_ms(calls)["max"]
            per_fault[kind] = {
                "calls": len(calls),
                "upstream_requests": requests,
                "requests_per_call": round(requests / len(calls), 2) if calls else None,
                "outcomes": outcomes(calls),
                "latency_ms": latency_ms(calls),
                "errors": samples(calls, Outcome.TOOL_ERROR, 2),
            }
            sc.check(
                f"{kind}_requests_per_call",
                bool(calls) and requests == expected[kind] * len(calls),
                f"{requests} upstream requests for {len(calls)} calls (expected "
                f"{expected[kind]} each)",
            )
            sc.check(
                f"{kind}_tool_error",
                bool(calls)
                and all(c.outcome is Outcome.TOOL_ERROR and texts[kind] in c.detail for c in calls),
                f"{outcomes(calls)}; {samples(calls, Outcome.TOOL_ERROR, 1)}",
            )
        # The attempts' timeouts and the longest backoffs, plus 2 s for a busy machine.
        bound_ms = (attempts * timeout + backoff + 2.0) * 1000
        sc.check(
            "timed_out_calls_bounded",
            hold_ms is not None and hold_ms <= bound_ms,
            f"a call to a store that never answers took at most {hold_ms} ms (bound "
            f"{bound_ms:.0f} ms: {attempts} attempts of {timeout:g}s, backoff, slack)",
        )
        healthy_calls = [c for c in load.calls if c.caller < 4]
        checks.check_all_answered(sc, healthy_calls, name="healthy_workspaces_served")
        cleared = {
            slug: cleared_after.get(slug, 0) - cleared_before.get(slug, 0)
            for slug in (t.slug for t in faulty.values())
        }
        sc.check(
            "served_again_once_cleared",
            all(call.outcome is Outcome.OK for call in recovered)
            and all(n == 1 for n in cleared.values()),
            f"after clearing: {[call.outcome.value for call in recovered]}, "
            f"upstream requests {cleared}",
        )
        sc.measured.update(
            {
                "read_timeout_s": timeout,
                "faults": per_fault,
                "healthy": {
                    "outcomes": outcomes(healthy_calls),
                    "latency_ms": latency_ms(healthy_calls),
                },
            }
        )
