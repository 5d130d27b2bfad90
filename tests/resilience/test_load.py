"""Load: 200 closed-loop clients over 50 workspaces (each connected to its own store on the
stand-in) against one gateway for ``SHOPMCP_RESILIENCE_SECONDS`` (default 60 s).

Three workspaces are on the Solo plan (300 requests a minute) with 20 clients each, so the load
exceeds their limit whatever this machine's speed; the other 47 are on the Portfolio plan (1,200 a
minute) with the remaining 140 clients, far below it. Every response is checked against its
own workspace's orders; at the end every answered call must have its usage row."""

from __future__ import annotations

from pathlib import Path

from shopmcp_domain.plans import PlanTier
from shopmcp_entrypoints.demo.servers import LocalTls
from tests.resilience import checks
from tests.resilience.config import Config
from tests.resilience.load import Load, latency_ms, outcomes, rpc_body, send_once, tools_call
from tests.resilience.report import Report, Scenario
from tests.resilience.standin import slug_for
from tests.resilience.world import Gateway, Spec, Stack, StandIn, Tenant, usage_json

LIMITED_WORKSPACES = 3
CLIENTS_PER_LIMITED = 20
RATE_LIMITED_CODE = -32029


def workspaces(config: Config) -> tuple[list[Spec], list[int]]:
    """The specs, and for each client the index of its workspace."""
    specs = [
        Spec(
            slug_for("load", n),
            PlanTier.SOLO if n < LIMITED_WORKSPACES else PlanTier.PORTFOLIO,
        )
        for n in range(config.workspaces)
    ]
    assignment = [n for n in range(LIMITED_WORKSPACES) for _ in range(CLIENTS_PER_LIMITED)]
    others = range(LIMITED_WORKSPACES, config.workspaces)
    rest = config.clients - len(assignment)
    assignment += [others[n % len(others)] for n in range(rest)]
    return specs, assignment


async def check_refusal_of_other_methods(
    scenario: Scenario, gateway: Gateway, tenant: Tenant
) -> None:
    """A refused request that is not a tools/call is a JSON-RPC error -32029, HTTP 429, with
    Retry-After (the README's contract). Asks until the window is full."""
    request = tools_call(gateway.port, tenant.token, rpc_body("tools/list"))
    for attempt in range(tenant.limit + 5):
        status, head, body = await send_once(gateway.port, request)
        if status != 200:
            break
    refused = (
        status == 429
        and f'"code":{RATE_LIMITED_CODE}'.encode() in body
        and b"\r\nretry-after: " in head
    )
    scenario.check(
        "refusal_outside_tools_call",
        refused,
        f"tools/list over the limit (after {attempt} admitted): HTTP {status}, {body[:160]!r}",
    )


async def test_load(
    config: Config, report: Report, tls: LocalTls, standin: StandIn, work: Path
) -> None:
    title = (
        f"{config.clients} clients over {config.workspaces} workspaces for {config.load_seconds:g}s"
    )
    with report.scenario("load", title) as scenario:
        specs, assignment = workspaces(config)
        limited = list(range(LIMITED_WORKSPACES))
        async with Stack.open(config, tls, standin, work) as stack:
            tenants = await stack.seed(specs)
            gateway = await stack.start_gateway("gateway")
            gateway.start_sampling()
            load = Load([t.caller for t in tenants], [gateway.port], assignment)
            upstream_before = await standin.requests()
            await load.run(config.load_seconds)
            await gateway.stop_sampling()
            upstream_after = await standin.requests()
            usage = await stack.usage()
            outbox = await stack.outbox()
            await check_refusal_of_other_methods(scenario, gateway, tenants[limited[0]])
            gateway.child.check_alive()

        calls = load.calls
        assert load.started_at is not None and load.stopped_at is not None
        elapsed = load.stopped_at - load.started_at
        scenario.measured.update(
            {
                "calls": len(calls),
                "elapsed_s": round(elapsed, 1),
                "calls_per_s": round(len(calls) / elapsed, 1),
                "outcomes": outcomes(calls),
                "latency_ms": latency_ms(calls),
                "usage_rows": usage_json(usage),
                "outbox": outbox,
            }
        )
        checks.check_no_leaks(scenario, calls)
        checks.check_all_answered(scenario, calls, name="answered_own_data_or_refusal")
        limiter = checks.limiter_fallbacks(scenario, [gateway])
        checks.check_rate_limits(scenario, calls, tenants, limited, context=limiter)
        checks.check_upstream_per_answer(scenario, calls, tenants, upstream_before, upstream_after)
        warmup = max(5.0, elapsed / 4)
        checks.check_memory(scenario, gateway, load.started_at + warmup)
        checks.check_rows_match_answers(scenario, load, tenants, usage)
        checks.check_outbox_rows(scenario, sum(sum(c.values()) for c in usage.values()), outbox)
