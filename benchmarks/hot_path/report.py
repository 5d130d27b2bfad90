"""Medians over the repetitions, the issue's targets judged on them, the table, the JSON file."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from pathlib import Path
from typing import Any, Final

from benchmarks.hot_path.targets import LABELS

# The targets: throughput at the highest concurrency against the bare server's, and
# latency added at the lowest over what the bare server adds; ARCHITECTURE.md's budget of one
# database transaction per call.
THROUGHPUT_RATIO: Final = 1.5
ADDED_P50_MARGIN_MS: Final = 0.5
TRANSACTIONS_PER_CALL: Final = 1.0
METRICS: Final = (
    "calls_per_s",
    "p50_ms",
    "p90_ms",
    "p99_ms",
    "server_cpu_ms_per_call",
    "postgres_cpu_ms_per_call",
    "upstream_cpu_ms_per_call",
    "client_cpu_ms_per_call",
    "upstream_requests_per_call",
    "postgres_round_trips_per_call",
    "redis_round_trips_per_call",
)
ROUND_TRIPS_METHOD: Final = (
    "PostgreSQL and Redis round trips: data segments the gateway process sent on its TCP "
    "connections to each port during the measured run (the kernel's tcp_info, via ss -ti); "
    "one request per segment on loopback with TCP_NODELAY. pg_stat_statements is not preloaded "
    "on the local cluster."
)
TRANSACTIONS_METHOD: Final = (
    "Transactions and rows: pg_stat_database (xact_commit + xact_rollback, tup_*) for the "
    "benchmark's database, read before the gateway starts and after it has stopped and every "
    "backend has exited (backends publish them when they exit), divided by every tools/call "
    "the gateway answered (warm-ups included); start-up and shut-down are in it too."
)


def summarise(results: dict[str, Any]) -> dict[str, dict[str, dict[str, float | None]]]:
    """Per target and concurrency, the median of each metric over the repetitions."""
    grouped: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for repetition in results["repetitions"]:
        for phase in repetition["phases"]:
            grouped.setdefault((phase["target"], phase["concurrency"]), []).append(phase)
    summary: dict[str, dict[str, dict[str, float | None]]] = {}
    for (target, concurrency), phases in grouped.items():
        medians: dict[str, float | None] = {}
        for metric in METRICS:
            values = [p[metric] for p in phases if p.get(metric) is not None]
            medians[metric] = statistics.median(values) if values else None
        medians["failures"] = sum(p["failures"] + p["warmup_failures"] for p in phases)
        summary.setdefault(target, {})[str(concurrency)] = medians
    return summary


def _goal(name: str, met: bool | None, text: str, **values: Any) -> dict[str, Any]:
    return {"name": name, "met": met, "text": text, **values}


def judge(results: dict[str, Any]) -> list[dict[str, Any]]:
    summary = results["summary"]
    concurrency = results["config"]["concurrency"]
    low, high = str(min(concurrency)), str(max(concurrency))
    valid = results["failures"] == 0
    goals = []

    gateway, bare = summary["gateway"][high]["calls_per_s"], summary["bare"][high]["calls_per_s"]
    ratio = gateway / bare if gateway and bare else None
    goals.append(
        _goal(
            "throughput",
            valid and ratio is not None and ratio >= THROUGHPUT_RATIO,
            f"throughput at c={high}: gateway {gateway:,.0f}/s = {ratio:.2f}x the bare server's "
            f"{bare:,.0f}/s (target >= {THROUGHPUT_RATIO:.2f}x)",
            ratio=ratio,
            threshold=THROUGHPUT_RATIO,
        )
    )

    direct_p50 = summary["direct"][low]["p50_ms"]
    gateway_added = summary["gateway"][low]["p50_ms"] - direct_p50
    bare_added = summary["bare"][low]["p50_ms"] - direct_p50
    excess = gateway_added - bare_added
    goals.append(
        _goal(
            "added_p50",
            valid and excess <= ADDED_P50_MARGIN_MS,
            f"p50 added over the direct call at c={low}: gateway +{gateway_added:.2f} ms, bare "
            f"+{bare_added:.2f} ms; the gateway adds {excess:+.2f} ms more "
            f"(target <= +{ADDED_P50_MARGIN_MS:.2f} ms)",
            gateway_added_ms=gateway_added,
            bare_added_ms=bare_added,
            excess_ms=excess,
            threshold_ms=ADDED_P50_MARGIN_MS,
        )
    )

    life = results["gateway_life"]
    trips = {c: summary["gateway"][c]["postgres_round_trips_per_call"] for c in (low, high)}
    trips_text = ", ".join(
        f"{value:.2f} at c={c}" if value is not None else f"not counted at c={c}"
        for c, value in trips.items()
    )
    goals.append(
        _goal(
            "postgres_per_call",
            valid and life["transactions_per_call"] <= TRANSACTIONS_PER_CALL,
            f"PostgreSQL per tools/call: {trips_text} round trips; "
            f"{life['transactions_per_call']:.2f} transactions "
            f"(target <= {TRANSACTIONS_PER_CALL:.0f} transaction: ARCHITECTURE.md)",
            round_trips_per_call={f"c={c}": v for c, v in trips.items()},
            transactions_per_call=life["transactions_per_call"],
            threshold_transactions=TRANSACTIONS_PER_CALL,
        )
    )
    return goals


def sanity(results: dict[str, Any]) -> list[dict[str, Any]]:
    """What every valid run must show, whatever its speed."""
    summary, life = results["summary"], results["gateway_life"]
    checks = []
    for target in ("bare", "gateway"):
        for concurrency, medians in summary[target].items():
            value = medians["upstream_requests_per_call"]
            checks.append(
                _goal(
                    f"{target}_upstream_requests_c{concurrency}",
                    value is not None and abs(value - 1.0) < 1e-9,
                    f"{LABELS[target]}, c={concurrency}: {_number(value)} upstream requests per "
                    "call (must be 1)",
                )
            )
    for table in ("usage_events", "meter_outbox"):
        checks.append(
            _goal(
                f"{table}_rows",
                life[table] == life["tools_call_requests"],
                f"gateway: {life[table]:,} {table} rows for {life['tools_call_requests']:,} "
                "tools/call requests (must be equal)",
            )
        )
    return checks


def _number(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


COLUMNS: Final = (
    ("c", None, 3, 0),
    ("calls/s", "calls_per_s", 8, 0),
    ("p50 ms", "p50_ms", 8, 2),
    ("p90 ms", "p90_ms", 8, 2),
    ("p99 ms", "p99_ms", 8, 2),
    ("CPU ms", "server_cpu_ms_per_call", 7, 2),
    ("PG CPU", "postgres_cpu_ms_per_call", 7, 2),
    ("PG trips", "postgres_round_trips_per_call", 8, 2),
    ("Redis trips", "redis_round_trips_per_call", 11, 2),
    ("client CPU", "client_cpu_ms_per_call", 10, 3),
    ("failures", "failures", 8, 0),
)


def table(results: dict[str, Any]) -> str:
    summary = results["summary"]
    width = max(len(label) for label in LABELS.values())
    header = f"  {'target':<{width}}" + "".join(
        f" {title:>{size}}" for title, _, size, _ in COLUMNS
    )
    lines = [header, "  " + "-" * (len(header) - 2)]
    for target, label in LABELS.items():
        for n, concurrency in enumerate(sorted(summary[target], key=int)):
            medians = summary[target][concurrency]
            cells = [f" {concurrency:>3}"]
            for _, key, size, digits in COLUMNS[1:]:
                value = medians.get(key) if key else None
                cells.append(f" {_number(value, digits) if value is not None else '':>{size}}")
            lines.append(f"  {label if n == 0 else '':<{width}}" + "".join(cells))
    return "\n".join(lines)


def render(results: dict[str, Any]) -> str:
    config = results["config"]
    life = results["gateway_life"]
    out = [
        f"hot path: {config['repetitions']} repetition(s) x {config['seconds']:g}s per target "
        f"and concurrency (+{config['warmup_seconds']:g}s warm-up); medians of the repetitions",
        "  per call: CPU ms of the target's process, PG CPU ms of the PostgreSQL backends serving "
        "the gateway, round trips to PostgreSQL and Redis, client CPU ms of the load generator",
        "",
        table(results),
        "",
        "  upstream CPU per call (the stand-in, serving the bare server / the gateway): "
        + ", ".join(
            f"{t} c={c}: {_number(m['upstream_cpu_ms_per_call'])} ms"
            for t in ("bare", "gateway")
            for c, m in sorted(results["summary"][t].items(), key=lambda kv: int(kv[0]))
        ),
        f"  gateway's whole life: {life['tools_call_requests']:,} tools/call requests, "
        f"{life['transactions_per_call']:.2f} transactions, "
        f"{life['rows_inserted_per_call']:.2f} rows inserted, "
        f"{life['rows_fetched_per_call']:.2f} rows fetched per call",
        "",
        "targets:",
    ]
    for goal in results["goals"]:
        out.append(f"  [{'met' if goal['met'] else 'NOT MET':>7}] {goal['text']}")
    out.append("checks:")
    for check in results["sanity"]:
        out.append(f"  [{'ok' if check['met'] else 'FAILED':>7}] {check['text']}")
    if results["failures"]:
        out.append(f"  INVALID RUN: {results['failures']} calls failed; first failures:")
        out.extend(f"    {sample}" for sample in results["failure_samples"][:5])
    out.append(
        f"  load average before / after: {results['machine']['load_average_before']} / "
        f"{results['machine']['load_average_after']} on {results['machine']['cpus']} CPUs"
    )
    return "\n".join(out)


def finish(results: dict[str, Any]) -> dict[str, Any]:
    """Add the summary, the goals and the checks to a run's raw results."""
    phases = [p for r in results["repetitions"] for p in r["phases"]]
    results["failures"] = sum(p["failures"] + p["warmup_failures"] for p in phases)
    results["failure_samples"] = [s for p in phases for s in p["failure_samples"]]
    results["summary"] = summarise(results)
    results["methods"] = {"round_trips": ROUND_TRIPS_METHOD, "transactions": TRANSACTIONS_METHOD}
    results["goals"] = judge(results)
    results["sanity"] = sanity(results)
    results["valid"] = results["failures"] == 0 and all(c["met"] for c in results["sanity"])
    return results


def write(results: dict[str, Any], directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"hot_path-{stamp}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path
