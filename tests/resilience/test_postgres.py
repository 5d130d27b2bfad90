"""PostgreSQL backends terminated under load: pools, change feed and audit rows."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Final

from shopmcp_domain.plans import PlanTier
from shopmcp_entrypoints.demo.servers import LocalTls
from tests.resilience.checks import final_checks, phase_outcomes
from tests.resilience.config import Config
from tests.resilience.load import ANSWERED, Call, Load, Outcome, outcomes, rpc_body, tools_call
from tests.resilience.probes import PROPAGATION_LIMIT, Propagation, measure_change
from tests.resilience.report import Report
from tests.resilience.standin import slug_for
from tests.resilience.world import Gateway, Spec, Stack, StandIn, Tenant

# How many times every backend of the gateway is terminated, and how far apart.
KILLS: Final = 3
KILL_INTERVAL: Final = 1.5


async def test_postgres_backends_killed_mid_load(
    config: Config, report: Report, tls: LocalTls, standin: StandIn, work: Path
) -> None:
    """Every backend serving the gateway is terminated three times under load: its pools and
    its change feed must recover, and no answered call may lack its usage row.

    Whether a kill lands while a call's audit write is in flight is luck under load, so the
    scenario then makes it certain once: the harness locks the usage table, one call reaches
    its audit write and waits there, the gateway's backends are terminated, the lock is
    released; the call's answer must still have its row."""
    before, after = config.phase(), config.phase(6.0)
    recovery = 5.0
    with report.scenario("postgres_killed", "the gateway's PostgreSQL backends terminated") as sc:
        async with Stack.open(config, tls, standin, work) as stack:
            specs = [Spec(slug_for("pg", 0), PlanTier.SOLO)]
            specs += [Spec(slug_for("pg", n)) for n in range(1, 7)]
            tenants = await stack.seed(specs)
            # 0-4 under load, 5 called alone while its audit write is killed, 6 revoked.
            load_tenants, probe = tenants[:6], tenants[6]
            gateway = await stack.start_gateway("gateway")
            load = Load(
                [t.caller for t in load_tenants], [gateway.port], [0] * 8 + [1, 2, 3, 4] * 4
            )
            await load.start()
            await asyncio.sleep(before)
            kills: list[tuple[float, list[str]]] = []
            for _ in range(KILLS):
                kills.append((time.time(), await stack.terminate_backends(gateway)))
                await asyncio.sleep(KILL_INTERVAL)
            first_kill, last_kill = kills[0][0], kills[-1][0]
            await asyncio.sleep(after)
            await load.stop()
            in_flight = await _kill_during_audit_write(stack, gateway, load, 5, tenants[5])
            propagation = await _revocation(stack, gateway, probe)
            gateway.child.check_alive()
            await final_checks(sc, stack, load, load_tenants)

        assert load.started_at is not None
        # Calls in flight at a kill count too: answered after it, whenever they were sent.
        killed_window = [c for c in load.calls if first_kill <= c.received < last_kill + recovery]
        assert load.stopped_at is not None
        settled = load.between(last_kill + recovery, load.stopped_at)
        sc.measured.update(
            {
                "kills": [
                    {"after_s": round(at - load.started_at, 1), "roles": roles}
                    for at, roles in kills
                ],
                "phases": {
                    "before": phase_outcomes(load, load.started_at, first_kill),
                    "kills_and_recovery": phase_outcomes(load, first_kill, last_kill + recovery),
                    "after": phase_outcomes(load, last_kill + recovery, load.stopped_at),
                },
                "failures_while_killed": [
                    {
                        "outcome": c.outcome.value,
                        "workspace": load.callers[c.caller].slug,
                        "sent_s": round(c.sent - first_kill, 3),
                        "answered_s": round(c.received - first_kill, 3),
                        "detail": c.detail,
                    }
                    for c in killed_window
                    if c.outcome not in (Outcome.OK, Outcome.REFUSED)
                ],
                "revocation_after_kills": [p.as_json() for p in propagation],
            }
        )
        sc.check(
            "backends_terminated",
            all(roles for _, roles in kills),
            "terminated per kill: " + "; ".join(str(sorted(roles)) for _, roles in kills),
        )
        recovered = [c for c in settled if c.outcome in (Outcome.OK, Outcome.REFUSED)]
        failed = {
            k: n for k, n in outcomes(killed_window).items() if n and k not in ("ok", "refused")
        }
        sc.check(
            "recovered",
            bool(settled) and len(recovered) == len(settled),
            f"{len(settled)} calls sent from {recovery:g}s after the last kill: "
            f"{len(recovered)} answered with data or a refusal (while the backends were being "
            f"killed: {failed or 'no failure'})",
        )
        call, roles, rows = in_flight
        sc.measured["audit_write_killed_in_flight"] = {
            "terminated": roles,
            "answer": call.outcome.value,
            "detail": call.detail,
            "usage_rows": rows,
        }
        sc.check(
            "audit_write_killed_in_flight",
            call.outcome not in ANSWERED or rows == 1,
            f"a call whose audit write was in flight when its backend was terminated "
            f"({len(roles)} backends) was answered {call.outcome.value}"
            + (f" ({call.detail!r})" if call.detail else "")
            + f" with {rows} usage row(s)",
        )
        sc.check(
            "change_feed_recovered",
            all(p.within_limit for p in propagation),
            "a key revoked after the kills was refused "
            + ", ".join(f"{p.seen_after_s}s" for p in propagation)
            + f" after the commit (limit {PROPAGATION_LIMIT:g}s)",
        )


async def _kill_during_audit_write(
    stack: Stack, gateway: Gateway, load: Load, caller: int, tenant: Tenant
) -> tuple[Call, list[str], int]:
    """One call whose audit write is waiting (on a lock the harness holds on the usage table)
    when the gateway's backends are terminated; then the lock is released. Returns the call,
    the roles of the terminated backends, and the usage rows its workspace has."""
    async with stack.connection() as locker:
        transaction = locker.transaction()
        await transaction.start()
        await locker.execute("lock table shopmcp.usage_events in share row exclusive mode")
        answer = asyncio.create_task(load.probe(caller))
        try:
            await _until_waiting_on_a_lock(stack)
            roles = await stack.terminate_backends(gateway)
        finally:
            await transaction.rollback()
        call = await answer
    await asyncio.sleep(0.5)  # a retried write, if any, commits
    usage = await stack.usage()
    return call, roles, sum(usage.get(tenant.workspace_id, Counter()).values())


async def _until_waiting_on_a_lock(stack: Stack, within: float = 10.0) -> None:
    deadline = time.time() + within
    async with stack.connection() as conn:
        while time.time() < deadline:
            waiting = await conn.fetchval(
                "select count(*) from pg_stat_activity where datname = $1"
                " and wait_event_type = 'Lock' and query like '%record_usage%'",
                stack.database,
            )
            if waiting:
                return
            await asyncio.sleep(0.02)
    raise TimeoutError("no audit write came to wait on the usage table's lock")


async def _revocation(stack: Stack, gateway: Gateway, tenant: Tenant) -> list[Propagation]:
    async with stack.admin() as ports:

        async def revoke() -> None:
            async with ports.tenants.unit_of_work(tenant.workspace_id) as uow:
                await uow.keys.revoke(tenant.key_id, ports.clock.now())

        propagation, _ = await measure_change(
            [(gateway.name, gateway.port)],
            tools_call(gateway.port, tenant.token, rpc_body("ping")),
            lambda answer: answer.status == 401,
            revoke,
        )
    return propagation
