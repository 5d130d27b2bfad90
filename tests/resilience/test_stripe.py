"""Stripe down, then back: the meter outbox grows, then drains exactly once."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Final

from shopmcp_entrypoints.demo.servers import LocalTls
from tests.fakes.stripe import API_KEY, serve_fake_stripe
from tests.resilience.checks import final_checks
from tests.resilience.config import Config
from tests.resilience.load import Load
from tests.resilience.report import Report
from tests.resilience.standin import slug_for
from tests.resilience.world import Spec, Stack, StandIn, Tenant

# The meter drainer waits this long between rounds when idle (stripe_outbox_drainer's default).
DRAIN_IDLE_SECONDS: Final = 5.0


async def test_stripe_down(
    config: Config, report: Report, tls: LocalTls, standin: StandIn, work: Path
) -> None:
    """The gateway's meter drains to a fake Stripe (SHOPMCP_STRIPE_API_BASE) that answers 503
    to everything for a phase, then recovers: the outbox grows while Stripe is down, then
    drains, and Stripe accepts each billable usage event exactly once (the usage event id as
    the identifier); records that bill nothing are never sent."""
    # Down long enough for the drainer (idle 5 s between rounds) to try and fail.
    down, up = config.phase(DRAIN_IDLE_SECONDS + 3.0), config.phase()
    drain_timeout = 90.0
    with report.scenario("stripe_down", "Stripe failing, then recovering") as sc:
        with serve_fake_stripe() as fake:
            fake.down = True
            async with Stack.open(config, tls, standin, work) as stack:
                specs = [
                    Spec(slug_for("stripe", n), billing_customer=f"cus_rs_{n}") for n in range(2)
                ]
                specs.append(Spec(slug_for("stripe", 2)))  # no billing customer: never sent
                tenants = await stack.seed(specs)
                gateway = await stack.start_gateway(
                    "gateway",
                    extra={
                        "SHOPMCP_STRIPE_API_KEY": API_KEY,
                        "SHOPMCP_STRIPE_API_BASE": fake.base_url,
                    },
                )
                # Paced clients: an outage's backlog stays small enough to drain in the run.
                load = Load([t.caller for t in tenants], [gateway.port], [0, 1, 2], pause=0.3)
                await load.start()
                grew = [await stack.outbox()]
                await asyncio.sleep(down)
                grew.append(await stack.outbox())
                accepted_while_down = len(fake.accepted)
                statuses_while_down = list(fake.statuses)
                fake.down = False
                recovered_at = time.time()
                await asyncio.sleep(up)
                await load.stop()
                drained_after = await _drained(stack, recovered_at, drain_timeout)
                gateway.child.check_alive()
                await final_checks(sc, stack, load, tenants)
                billable = await stack.usage_event_ids(billable=True)
                not_billed = await stack.usage_event_ids(billable=False)
                unbilled_workspace = await _event_ids_of(stack, tenants[2])

        accepted_200: dict[str, int] = {}
        for request, status in zip(fake.received, fake.statuses, strict=True):
            identifier = dict(request.form).get("identifier", "")
            if status == 200:
                accepted_200[identifier] = accepted_200.get(identifier, 0) + 1
        billed = billable - unbilled_workspace
        sc.measured.update(
            {
                "outbox_while_down": grew,
                "stripe_requests_while_down": len(statuses_while_down),
                "drained_after_recovery_s": drained_after,
                "stripe_requests": len(fake.received),
                "stripe_statuses": {
                    str(s): fake.statuses.count(s) for s in sorted(set(fake.statuses))
                },
                "billable_events": len(billed),
            }
        )
        sc.check(
            "outbox_grew_while_down",
            grew[-1]["billable_unsent"] > grew[0]["billable_unsent"]
            and accepted_while_down == 0
            and bool(statuses_while_down)
            and set(statuses_while_down) == {503},
            f"billable unsent rows {grew[0]['billable_unsent']} -> {grew[-1]['billable_unsent']} "
            f"while Stripe was down ({len(statuses_while_down)} attempts answered "
            f"{sorted(set(statuses_while_down))}, {accepted_while_down} "
            "accepted)",
        )
        sc.check(
            "drained_after_recovery",
            drained_after is not None,
            f"every outbox row settled {drained_after}s after Stripe recovered "
            f"(limit {drain_timeout:g}s)",
        )
        twice = {k: n for k, n in accepted_200.items() if n != 1}
        sc.check(
            "billed_exactly_once_per_usage_event",
            set(accepted_200) == billed and not twice,
            f"{len(accepted_200)} events accepted for {len(billed)} billable usage events; "
            f"accepted more than once: {len(twice)}; accepted but not billable: "
            f"{len(set(accepted_200) - billed)}; billable never accepted: "
            f"{len(billed - set(accepted_200))}",
        )
        sent_ids = {dict(r.form).get("identifier", "") for r in fake.received}
        sc.check(
            "nothing_billed_that_bills_nothing",
            not (sent_ids & (not_billed | unbilled_workspace)),
            f"{len(sent_ids & not_billed)} zero-quantity and "
            f"{len(sent_ids & unbilled_workspace)} customer-less records sent to Stripe",
        )


async def _drained(stack: Stack, since: float, within: float) -> float | None:
    while time.time() < since + within:
        if (await stack.outbox())["unsent"] == 0:
            return round(time.time() - since, 1)
        await asyncio.sleep(0.5)
    return None


async def _event_ids_of(stack: Stack, tenant: Tenant) -> set[str]:
    async with stack.connection() as conn:
        rows = await conn.fetch(
            "select usage_event_id from shopmcp.meter_outbox where workspace_id = $1",
            tenant.workspace_id,
        )
    return {str(row["usage_event_id"]) for row in rows}
