"""Two replicas behind the same PostgreSQL and Redis (the machine's), every client alternating
between them request by request: a workspace's rate limit holds across both, either replica
answers any request, and a change made from another process is honoured by both replicas
within a second: a key revoked with ``shopmcp key revoke`` (its own process), a write opt-in
and a deleted connection (through the tenant store, as the CLI and the dashboard make them:
this process's commit time is exact, where a command's is known only from its clock)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_domain.keys import Access
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from shopmcp_entrypoints.demo.servers import LocalTls
from tests.resilience import checks
from tests.resilience.config import Config
from tests.resilience.load import Load, Outcome, latency_ms, outcomes, rpc_body, tools_call
from tests.resilience.probes import PROPAGATION_LIMIT, Answer, Propagation, measure_change
from tests.resilience.report import Report, Scenario
from tests.resilience.standin import slug_for
from tests.resilience.world import Gateway, Spec, Stack, StandIn, Tenant

WRITE_TOOLS = frozenset(s.name for s in SHOPIFY.specs if s.access is Access.WRITE)
READ_TOOLS = frozenset(s.name for s in SHOPIFY.specs if s.access is Access.READ)


def tool_names(answer: Answer) -> set[str] | None:
    if answer.status != 200:
        return None
    try:
        tools = json.loads(answer.body)["result"]["tools"]
    except (ValueError, KeyError, TypeError):
        return None
    return {tool["name"] for tool in tools}


def revoked(answer: Answer) -> bool:
    return answer.status == 401


def writes_listed(answer: Answer) -> bool:
    names = tool_names(answer)
    return names is not None and bool(names & WRITE_TOOLS)


def store_gone(answer: Answer) -> bool:
    names = tool_names(answer)
    return names is not None and not names & READ_TOOLS


async def measure(
    scenario: Scenario,
    name: str,
    gateways: list[Gateway],
    tenant: Tenant,
    changed: Callable[[Answer], bool],
    change: Callable[[], Awaitable[float | None]],
) -> None:
    port = gateways[0].port
    request = tools_call(port, tenant.token, rpc_body("tools/list"))
    propagation, clean = await measure_change(
        [(g.name, g.port) for g in gateways], request, changed, change
    )
    scenario.measured.setdefault("propagation", {})[name] = [p.as_json() for p in propagation]
    scenario.check(
        f"{name}_on_both_replicas_within_{PROPAGATION_LIMIT:g}s",
        clean and all(p.within_limit for p in propagation),
        "; ".join(_describe(p) for p in propagation)
        + ("" if clean else "; the change was seen before it was made"),
    )


async def revoked_at(stack: Stack, tenant: Tenant) -> float:
    """When the CLI revoked the key (its clock, read inside the transaction that committed
    the revocation): no later than the commit, so delays measured from it are upper bounds."""
    async with stack.connection() as conn:
        at = await conn.fetchval(
            "select revoked_at from shopmcp.mcp_keys where id = $1", tenant.key_id
        )
    assert at is not None, "the key is not revoked"
    return float(at.timestamp())


def _describe(p: Propagation) -> str:
    text = f"{p.replica}: seen {p.seen_after_s}s after the commit"
    if p.stale_until_s is not None:
        text += f" (last stale request sent at {p.stale_until_s:+.3f}s)"
    return text + (", then the old state again" if p.flapped else "")


async def test_two_replicas(
    config: Config, report: Report, tls: LocalTls, standin: StandIn, work: Path
) -> None:
    seconds = config.phase(8.0)
    with report.scenario("two_replicas", "two gateways, requests alternated") as scenario:
        async with Stack.open(config, tls, standin, work) as stack:
            specs = [Spec(slug_for("two", 0), PlanTier.SOLO)]
            specs += [Spec(slug_for("two", n)) for n in range(1, 4)]
            specs += [Spec(slug_for("two", 10)), Spec(slug_for("two", 11), write_key=True)]
            specs += [Spec(slug_for("two", 12))]
            tenants = await stack.seed(specs)
            serving, (revoking, opting_in, disconnecting) = tenants[:4], tenants[4:]
            gateways = [await stack.start_gateway(name) for name in ("replica-a", "replica-b")]
            load = Load(
                [t.caller for t in serving],
                [g.port for g in gateways],
                [0] * 16 + [1, 2, 3] * 4,
                alternate=True,
            )
            await load.run(seconds)
            usage = await stack.usage()
            outbox = await stack.outbox()

            async with stack.admin() as ports:

                async def revoke() -> float:
                    printed = await stack.cli(
                        "key",
                        "revoke",
                        "--workspace",
                        str(revoking.workspace_id),
                        "--prefix",
                        revoking.key_prefix,
                    )
                    assert f"revoked key {revoking.key_prefix}" in printed, printed
                    return await revoked_at(stack, revoking)

                async def opt_in() -> None:
                    await onboarding.set_writes(
                        ports.tenants, opting_in.workspace_id, Platform.SHOPIFY, True
                    )

                async def disconnect() -> None:
                    await onboarding.disconnect_store(
                        ports.tenants,
                        ports.vault,
                        disconnecting.workspace_id,
                        disconnecting.connection_id,
                    )

                await measure(scenario, "revoked_key", gateways, revoking, revoked, revoke)
                await measure(scenario, "write_opt_in", gateways, opting_in, writes_listed, opt_in)
                await measure(
                    scenario, "deleted_connection", gateways, disconnecting, store_gone, disconnect
                )
            for gateway in gateways:
                gateway.child.check_alive()

        calls = load.calls
        scenario.measured.update(
            {
                "seconds": seconds,
                "outcomes": outcomes(calls),
                "latency_ms": latency_ms(calls),
                "per_replica": {
                    gateways[r].name: outcomes([c for c in calls if c.replica == r])
                    for r in range(len(gateways))
                },
            }
        )
        checks.check_no_leaks(scenario, calls)
        checks.check_all_answered(scenario, calls, name="answered_own_data_or_refusal")
        unserved = [
            f"{t.slug} on {g.name}"
            for i, t in enumerate(serving)
            for r, g in enumerate(gateways)
            if not any(c.caller == i and c.replica == r and c.outcome is Outcome.OK for c in calls)
        ]
        scenario.check(
            "either_replica_answers_any_request",
            not unserved,
            "every workspace answered with its data by both replicas"
            if not unserved
            else f"never answered with data: {unserved}",
        )
        limiter = checks.limiter_fallbacks(scenario, gateways)
        checks.check_rate_limits(scenario, calls, serving, [0], context=limiter)
        checks.check_rows_match_answers(scenario, load, serving, usage)
        checks.check_outbox_rows(scenario, sum(sum(c.values()) for c in usage.values()), outbox)
