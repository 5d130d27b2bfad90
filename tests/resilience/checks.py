"""Checks more than one scenario makes, each recorded on the scenario with its numbers."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final

from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import WorkspaceId
from tests.resilience.load import (
    ANSWERED,
    Call,
    Load,
    Outcome,
    admitted_per_window,
    latency_ms,
    most_in_any_span,
    outcomes,
    samples,
)
from tests.resilience.report import Scenario
from tests.resilience.world import Gateway, Stack, Tenant, usage_json

MIB: Final = 1024 * 1024
# Resident memory may grow this much after warm-up and still count as flat; see check_memory.
RSS_TOLERANCE_BYTES: Final = 16 * MIB
RSS_TOLERANCE_FRACTION: Final = 0.05


def check_no_leaks(scenario: Scenario, calls: Sequence[Call]) -> None:
    leaks = [c for c in calls if c.outcome is Outcome.LEAK]
    scenario.check(
        "no_cross_tenant_data",
        not leaks,
        f"{len(leaks)} of {len(calls)} responses carried another workspace's orders"
        + (f": {samples(leaks, Outcome.LEAK)}" if leaks else ""),
    )


def check_all_answered(scenario: Scenario, calls: Sequence[Call], *, name: str) -> None:
    """Every request answered with the caller's own orders or a rate-limit refusal."""
    counts = outcomes(calls)
    bad = {k: v for k, v in counts.items() if v and k not in ("ok", "refused")}
    details = {k: samples(calls, Outcome(k), 2) for k in bad}
    scenario.check(
        name,
        not bad and counts["ok"] > 0,
        f"{counts['ok']} own-data answers, {counts['refused']} refusals"
        + (f"; otherwise {bad}: {details}" if bad else "; nothing else (no 5xx, no drop)"),
    )


def answers_of(calls: Sequence[Call], caller: int) -> Counter[str]:
    return Counter(c.outcome.value for c in calls if c.caller == caller)


def check_rows_match_answers(
    scenario: Scenario,
    load: Load,
    tenants: Sequence[Tenant],
    usage: Mapping[WorkspaceId, Counter[str]],
) -> None:
    """Every answered tools/call has its usage row (committed before the answer was sent):
    per workspace, rows with status ok >= answers with data, rows with status rate_limited >=
    refusals, all rows >= all answers; and at most one row more per request that got no
    answer (a row whose answer was lost). With every request answered, that is equality."""
    problems = []
    totals = {"answered": 0, "rows": 0, "unanswered": 0}
    for index, tenant in enumerate(tenants):
        client = answers_of(load.calls, index)
        answered = sum(n for outcome, n in client.items() if Outcome(outcome) in ANSWERED)
        unanswered = sum(client.values()) - answered
        rows = usage.get(tenant.workspace_id, Counter())
        total_rows = sum(rows.values())
        totals["answered"] += answered
        totals["rows"] += total_rows
        totals["unanswered"] += unanswered
        consistent = (
            rows[UsageStatus.OK.value] >= client[Outcome.OK.value]
            and rows[UsageStatus.RATE_LIMITED.value] >= client[Outcome.REFUSED.value]
            and answered <= total_rows <= answered + unanswered + load.abandoned
        )
        if not consistent:
            mine = [c for c in load.calls if c.caller == index]
            problems.append(
                f"{tenant.slug}: {answered} answered {dict(client)} but {total_rows} rows "
                f"{dict(rows)}; its tool errors: {samples(mine, Outcome.TOOL_ERROR, 2)}"
            )
    scenario.measured["usage_reconciliation"] = {**totals, "abandoned": load.abandoned}
    scenario.check(
        "usage_row_per_answer",
        not problems,
        f"{totals['rows']} usage rows for {totals['answered']} answered calls "
        f"({totals['unanswered']} requests unanswered, {load.abandoned} abandoned)"
        + (f"; mismatched: {problems[:5]}" if problems else ""),
    )


def check_outbox_rows(scenario: Scenario, usage_rows: int, outbox: Mapping[str, int]) -> None:
    scenario.check(
        "outbox_row_per_usage_row",
        outbox["rows"] == usage_rows,
        f"{outbox['rows']} meter-outbox rows for {usage_rows} usage rows",
    )


def check_rate_limits(
    scenario: Scenario,
    calls: Sequence[Call],
    tenants: Sequence[Tenant],
    limited: Sequence[int],
    *,
    context: str = "",
) -> None:
    """For each limited workspace, in every fixed window of the limiter (epoch-aligned, the
    windows the sliding-window counter keeps), the calls admitted in it (sent and answered
    inside it) are at most the plan's limit; refusals happened (the load exceeded the limit,
    or the check proved nothing); every other workspace was never refused. ``context`` (what
    the gateway logged about its limiter) is added to the first check's detail."""
    over = []
    windows: dict[str, Any] = {}
    for index in limited:
        tenant = tenants[index]
        counts = admitted_per_window(calls, index, tenant.window_seconds)
        ok_times = [c.received for c in calls if c.caller == index and c.outcome is Outcome.OK]
        windows[tenant.slug] = {
            "limit": tenant.limit,
            "windows": [w.as_json() for w in counts],
            "admitted": len(ok_times),
            "refused": sum(1 for c in calls if c.caller == index and c.outcome is Outcome.REFUSED),
            # The sliding-window counter weighs the previous window by how much of it is still
            # in the sliding window (Upstash's approximation), so a span of one window that
            # straddles two fixed windows may hold more than the limit: reported, not judged.
            "most_in_any_sliding_window": most_in_any_span(ok_times, tenant.window_seconds),
        }
        over += [
            f"{tenant.slug}: {w.definite} > {tenant.limit} in the window from {w.start:.0f}"
            for w in counts
            if w.definite > tenant.limit
        ]
    scenario.measured["rate_limited_workspaces"] = windows
    scenario.check(
        "rate_limit_per_window",
        not over,
        "admitted per fixed window, per limited workspace: "
        + "; ".join(
            f"{slug}: {[w['definite'] for w in data['windows']]} (limit {data['limit']})"
            for slug, data in windows.items()
        )
        + (f"; OVER: {over}" if over else "")
        + (f"; {context}" if context else ""),
    )
    unrefused = [slug for slug, data in windows.items() if not data["refused"]]
    scenario.check(
        "limit_exceeded_and_refused",
        not unrefused,
        "refusals per limited workspace: "
        + ", ".join(f"{slug}: {data['refused']}" for slug, data in windows.items())
        + (f"; never refused (load below the limit?): {unrefused}" if unrefused else ""),
    )
    others = [i for i in range(len(tenants)) if i not in limited]
    refused_others = Counter(
        tenants[c.caller].slug for c in calls if c.caller in others and c.outcome is Outcome.REFUSED
    )
    scenario.check(
        "others_never_refused",
        not refused_others,
        f"{len(others)} workspaces within their plan: "
        + (f"refused {dict(refused_others)}" if refused_others else "never refused"),
    )


def limiter_fallbacks(scenario: Scenario, gateways: Sequence[Gateway]) -> str:
    """What the gateways logged about their rate limiter leaving Redis for the per-process
    fallback window (a fresh count) and coming back, recorded and summarised."""
    entered: dict[str, list[str]] = {}
    left: dict[str, int] = {}
    for gateway in gateways:
        log = gateway.log_text()
        entered[gateway.name] = [
            line.split("rate limiter: ", 1)[1][:80]
            for line in log.splitlines()
            if "rate limiter: Redis unavailable" in line
        ]
        left[gateway.name] = log.count("leaving degraded mode")
    scenario.measured["limiter_fallbacks"] = {
        name: {"entered": entered[name], "left": left[name]} for name in entered
    }
    first = next((lines[0] for lines in entered.values() if lines), None)
    if first is None and not sum(left.values()):
        return "the limiter stayed on Redis throughout"
    return (
        f"the limiter fell back to its per-process window and returned to Redis "
        f"{sum(left.values())} time(s) (first: {first!r}; that warning is logged at most once "
        "a minute)"
    )


def check_upstream_per_answer(
    scenario: Scenario,
    calls: Sequence[Call],
    tenants: Sequence[Tenant],
    before: Mapping[str, int],
    after: Mapping[str, int],
) -> None:
    """Exactly one upstream request per call answered with data, none for a refusal."""
    wrong = []
    total = 0
    for index, tenant in enumerate(tenants):
        sent = after.get(tenant.slug, 0) - before.get(tenant.slug, 0)
        ok = sum(1 for c in calls if c.caller == index and c.outcome is Outcome.OK)
        total += sent
        if sent != ok:
            wrong.append(f"{tenant.slug}: {sent} upstream requests for {ok} answers")
    scenario.check(
        "one_upstream_request_per_answer",
        not wrong,
        f"{total} upstream requests in all" + (f"; {wrong[:5]}" if wrong else ", one per answer"),
    )


def check_memory(scenario: Scenario, gateway: Gateway, warmup_until: float) -> None:
    """Flat resident memory after warm-up.

    The samples after warm-up are split in thirds; the growth is the median of the last third
    minus the median of the first. "Flat" is a growth of at most 16 MiB or 5% of the warm
    size, whichever is larger: what the process legitimately settles into after warm-up
    (pymalloc arenas and the allocator's fragmentation under 200 concurrent requests, the
    bounded caches -- scopes, data keys, prepared statements -- and connection pools reaching
    their steady sizes) moves RSS by a few MiB, while a leak of one 13 KB upstream page (or of
    any per-call object graph of that order) per call grows it by more than 16 MiB within
    about 1,300 calls, far fewer than a run makes."""
    warm = [rss for at, rss in gateway.rss if at >= warmup_until]
    if len(warm) < 6:
        scenario.check("memory_flat", False, f"only {len(warm)} RSS samples after warm-up")
        return
    third = len(warm) // 3
    first, last = statistics.median(warm[:third]), statistics.median(warm[-third:])
    growth = last - first
    tolerance = max(RSS_TOLERANCE_BYTES, RSS_TOLERANCE_FRACTION * first)
    scenario.measured["rss"] = {
        "samples": len(gateway.rss),
        "after_warmup": len(warm),
        "peak_mib": round(max(rss for _, rss in gateway.rss) / MIB, 1),
        "first_third_median_mib": round(first / MIB, 1),
        "last_third_median_mib": round(last / MIB, 1),
        "growth_mib": round(growth / MIB, 2),
        "tolerance_mib": round(tolerance / MIB, 1),
        "series_mib": [
            [round(at, 1), round(rss / MIB, 1)]
            for at, rss in gateway.rss[:: max(1, len(gateway.rss) // 60)]
        ],
    }
    scenario.check(
        "memory_flat",
        growth <= tolerance,
        f"RSS after warm-up {first / MIB:.1f} -> {last / MIB:.1f} MiB "
        f"({growth / MIB:+.1f} MiB; flat means <= {tolerance / MIB:.1f} MiB)",
    )


def phase_outcomes(load: Load, start: float, end: float) -> dict[str, object]:
    calls = load.between(start, end)
    return {
        "seconds": round(end - start, 1),
        "outcomes": outcomes(calls),
        "latency_ms": latency_ms(calls),
    }


async def final_checks(scenario: Scenario, stack: Stack, load: Load, tenants: list[Tenant]) -> None:
    """The checks every fault scenario ends with: no leak, a usage row (and an outbox row) per
    answered call."""
    usage = await stack.usage()
    outbox = await stack.outbox()
    scenario.measured["usage_rows"] = usage_json(usage)
    check_no_leaks(scenario, load.calls)
    check_rows_match_answers(scenario, load, tenants, usage)
    check_outbox_rows(scenario, sum(sum(c.values()) for c in usage.values()), outbox)
