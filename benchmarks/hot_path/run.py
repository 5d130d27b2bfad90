"""One run: start the targets, check that they answer alike, measure each at each concurrency in
every repetition (the order of the targets rotating between repetitions), stop the gateway, read
what PostgreSQL counted over its life, and hand everything to :mod:`report`."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import socket
import sys
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import attrs

from benchmarks.hot_path import exchange, loadgen, postgres, procs, targets
from benchmarks.hot_path.targets import GatewayConfig, Target
from shopmcp_entrypoints.demo.servers import issue_local_tls

TARGET_NAMES: Final = ("direct", "bare", "gateway")
DEFAULT_POSTGRES: Final = "postgresql://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS: Final = "redis://127.0.0.1:6379/0"
RESULTS_DIR: Final = Path(__file__).resolve().parents[1] / "results"


class ServicesMissing(Exception):
    """PostgreSQL or Redis is not reachable."""


class CheckFailed(Exception):
    """A target did not answer as a successful call must, before anything was measured."""


def _env_float(name: str, default: float, minimum: float) -> float:
    value = float(os.environ.get(name, default))
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum:g}")
    return value


@attrs.frozen
class Config:
    """Sizes and services, from the environment (``SHOPMCP_BENCH_HOT_*``)."""

    seconds: float = 4.0
    warmup_seconds: float = 1.0
    repetitions: int = 3
    concurrency: tuple[int, ...] = (1, 32)
    workspaces: int = 32
    postgres_url: str = DEFAULT_POSTGRES
    redis_url: str = DEFAULT_REDIS
    results_dir: Path = RESULTS_DIR

    @classmethod
    def from_env(cls) -> Config:
        concurrency = tuple(
            sorted(
                {int(c) for c in os.environ.get("SHOPMCP_BENCH_HOT_CONCURRENCY", "1,32").split(",")}
            )
        )
        if not concurrency or concurrency[0] < 1:
            raise ValueError("SHOPMCP_BENCH_HOT_CONCURRENCY: positive integers, comma-separated")
        return cls(
            seconds=_env_float("SHOPMCP_BENCH_HOT_SECONDS", 4.0, 0.1),
            warmup_seconds=_env_float("SHOPMCP_BENCH_HOT_WARMUP_SECONDS", 1.0, 0.0),
            repetitions=int(_env_float("SHOPMCP_BENCH_HOT_REPETITIONS", 3, 1)),
            concurrency=concurrency,
            workspaces=int(_env_float("SHOPMCP_BENCH_HOT_WORKSPACES", 32, 1)),
            postgres_url=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
            redis_url=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
            results_dir=Path(os.environ.get("SHOPMCP_BENCH_RESULTS_DIR", RESULTS_DIR)),
        )

    def describe(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "warmup_seconds": self.warmup_seconds,
            "repetitions": self.repetitions,
            "concurrency": list(self.concurrency),
            "workspaces": self.workspaces,
            "plan": targets.PLAN.value,
            "mcp_protocol_version": loadgen.MCP_PROTOCOL_VERSION,
            "upstream_body_bytes": len(exchange.graphql_response_body()),
            "orders": exchange.ORDER_COUNT,
        }


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or default_port), 1):
            return True
    except OSError:
        return False


def require_services(config: Config) -> None:
    missing = []
    if not _reachable(config.postgres_url, 5432):
        missing.append("PostgreSQL at BENCH_POSTGRES_URL (default 127.0.0.1:5432)")
    if not _reachable(config.redis_url, 6379):
        missing.append("Redis at BENCH_REDIS_URL (default 127.0.0.1:6379)")
    if missing:
        raise ServicesMissing(
            "the hot-path benchmark runs the gateway on real PostgreSQL and Redis; not "
            "reachable: " + "; ".join(missing)
        )


# --------------------------------------------------------------------------- probes


@attrs.frozen
class Probes:
    """What is read around a measured run besides the load generator's own numbers."""

    direct: Target
    gateway_pid: int
    observer: postgres.Observer
    postgres_port: int
    redis_port: int

    async def read(self, target: Target, *, cpu_first: bool) -> dict[str, Any]:
        reading: dict[str, Any] = {}

        def cpu() -> None:
            reading["cpu"] = procs.cpu_seconds(target.child.pid)
            reading["upstream_cpu"] = procs.cpu_seconds(self.direct.child.pid)

        if cpu_first:
            cpu()
        if target.name != "direct":
            reading["served"] = await targets.standin_served(self.direct)
        if target.name == "gateway":
            reading["postgres_cpu"] = await self.observer.backends_cpu()
            reading["postgres_segments"] = await procs.data_segments_out(
                self.gateway_pid, self.postgres_port
            )
            reading["redis_segments"] = await procs.data_segments_out(
                self.gateway_pid, self.redis_port
            )
        if not cpu_first:
            cpu()
        return reading


def _per_call(value: float | None, calls: int, scale: float = 1.0) -> float | None:
    return value / calls * scale if value is not None and calls else None


def per_call(
    target: str, before: dict[str, Any], after: dict[str, Any], calls: int
) -> dict[str, Any]:
    def delta(key: str) -> float | None:
        if before.get(key) is None or after.get(key) is None:
            return None
        return float(after[key] - before[key])

    out: dict[str, Any] = {"server_cpu_ms_per_call": _per_call(delta("cpu"), calls, 1000)}
    if target != "direct":
        out["upstream_cpu_ms_per_call"] = _per_call(delta("upstream_cpu"), calls, 1000)
        out["upstream_requests_per_call"] = _per_call(delta("served"), calls)
    if target == "gateway":
        cpu_before, cpu_after = before["postgres_cpu"], after["postgres_cpu"]
        postgres_cpu = (
            procs.cpu_spent(cpu_before, cpu_after)
            if cpu_before is not None and cpu_after is not None
            else None
        )
        out["postgres_cpu_ms_per_call"] = _per_call(postgres_cpu, calls, 1000)
        for service in ("postgres", "redis"):
            seg_before, seg_after = before[f"{service}_segments"], after[f"{service}_segments"]
            sent = (
                procs.segments_sent(seg_before, seg_after)
                if seg_before is not None and seg_after is not None
                else None
            )
            out[f"{service}_round_trips_per_call"] = _per_call(sent, calls)
    return out


async def measure(
    target: Target, concurrency: int, config: Config, probes: Probes
) -> dict[str, Any]:
    """Warm up, then one measured run, on the same connections."""
    load = loadgen.Load(target.endpoint, concurrency)
    await load.open()
    try:
        warm = await load.run(config.warmup_seconds) if config.warmup_seconds else None
        before = await probes.read(target, cpu_first=False)
        result = await load.run(config.seconds)
        after = await probes.read(target, cpu_first=True)
    finally:
        await load.close()
    target.child.check_alive()
    phase: dict[str, Any] = {"target": target.name, "concurrency": concurrency}
    phase.update(loadgen.describe(result))
    phase.update(per_call(target.name, before, after, result.calls))
    phase["warmup_calls"] = warm.calls if warm else 0
    phase["warmup_failures"] = warm.failures if warm else 0
    phase["failure_samples"] = (warm.failure_samples if warm else []) + result.failure_samples
    return phase


# --------------------------------------------------------------------------- checks


async def check_targets(by_name: dict[str, Target]) -> dict[str, Any]:
    """Each target answers one call in full; the bare server and the gateway return the same
    result (the same structured content and text)."""
    results: dict[str, Any] = {}
    for name, target in by_name.items():
        status, body = await loadgen.call_once(target.endpoint)
        reason = target.endpoint.check(status, body)
        if reason is not None:
            raise CheckFailed(f"{target.label}: {reason}")
        if name != "direct":
            result = json.loads(body)["result"]
            results[name] = {k: result.get(k) for k in ("content", "structuredContent")}
    if results["bare"] != results["gateway"]:
        raise CheckFailed("the bare server and the gateway return different results")
    return {
        "same_result_bare_and_gateway": True,
        "mcp_result_bytes": len(json.dumps(results["gateway"], separators=(",", ":"))),
    }


async def _stop_started(task: asyncio.Task[Target]) -> None:
    with contextlib.suppress(Exception):
        await (await task).child.stop()


# --------------------------------------------------------------------------- the run


class Stages:
    """Seconds each stage of the run took (printed, and kept in the results)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def mark(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self._last, 2)
        self._last = now

    def __str__(self) -> str:
        return ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in self.seconds.items())


async def run(config: Config) -> dict[str, Any]:
    require_services(config)
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="smcp-hot-path-") as tmp:
        work = Path(tmp)
        logs = work / "logs"
        logs.mkdir()
        tls = issue_local_tls(work / "tls")
        async with AsyncExitStack() as stack:
            stages = Stages()
            database = await stack.enter_async_context(postgres.fresh_database(config.postgres_url))
            stages.mark("database")
            direct = await targets.start_direct(tls, logs)
            stages.mark("stand-in")
            stack.push_async_callback(direct.child.stop)
            bare_task = asyncio.create_task(targets.start_bare(tls, direct.child.port, logs))
            stack.push_async_callback(_stop_started, bare_task)
            gateway_config = GatewayConfig(
                data_dir=work / "gateway",
                database_url=postgres.database_url(config.postgres_url, database),
                redis_url=config.redis_url,
                tls=tls,
                standin_port=direct.child.port,
            )
            tokens = await targets.set_up_workspaces(gateway_config, config.workspaces)
            stages.mark("workspaces")
            observer = await stack.enter_async_context(
                postgres.Observer.open(config.postgres_url, database)
            )
            counters_before = await observer.settled_counters()
            gateway = await targets.start_gateway(gateway_config, tokens, logs)
            stack.push_async_callback(gateway.child.stop)
            stages.mark("gateway")
            by_name = {"direct": direct, "bare": await bare_task, "gateway": gateway}
            checks = await check_targets(by_name)
            stages.mark("checks")
            print(f"  set-up: {stages}", flush=True)
            probes = Probes(
                direct=direct,
                gateway_pid=gateway.child.pid,
                observer=observer,
                postgres_port=targets.port_of(config.postgres_url, 5432),
                redis_port=targets.port_of(config.redis_url, 6379),
            )
            repetitions: list[dict[str, Any]] = []
            for index in range(config.repetitions):
                shift = index % len(TARGET_NAMES)
                order = [*TARGET_NAMES[shift:], *TARGET_NAMES[:shift]]
                print(
                    f"  repetition {index + 1}/{config.repetitions}: {', '.join(order)}", flush=True
                )
                phases = []
                for name in order:
                    for concurrency in config.concurrency:
                        phases.append(await measure(by_name[name], concurrency, config, probes))
                repetitions.append({"repetition": index + 1, "order": order, "phases": phases})
            # The checks made one call each; every phase's calls and failures reached the gateway.
            checks["distinct_good_bodies"] = {
                name: target.endpoint.check.distinct_good_bodies for name, target in by_name.items()
            }
            gateway_requests = 1 + sum(
                p["calls"] + p["failures"] + p["warmup_calls"] + p["warmup_failures"]
                for r in repetitions
                for p in r["phases"]
                if p["target"] == "gateway"
            )
            stages.mark("measured")
            await gateway.child.stop()
            counters_after = await observer.settled_counters()
            rows = {table: await observer.rows(table) for table in ("usage_events", "meter_outbox")}
            stages.mark("gateway stopped")
    life = gateway_life(counters_before, counters_after, rows, gateway_requests)
    return {
        "benchmark": "hot_path",
        "started_at": started_at.isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - started, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in os.getloadavg()],
        },
        "config": config.describe(),
        "stages_s": stages.seconds,
        "checks": checks,
        "repetitions": repetitions,
        "gateway_life": life,
    }


def gateway_life(
    before: dict[str, int], after: dict[str, int], rows: dict[str, int], requests: int
) -> dict[str, Any]:
    """What PostgreSQL counted for the benchmark's database over the gateway's whole life."""
    delta = {name: after[name] - before[name] for name in postgres.COUNTERS}
    transactions = delta["xact_commit"] + delta["xact_rollback"]
    return {
        "tools_call_requests": requests,
        "counters": delta,
        "transactions_per_call": transactions / requests,
        "rows_inserted_per_call": delta["tup_inserted"] / requests,
        "rows_fetched_per_call": delta["tup_fetched"] / requests,
        "rows_returned_per_call": delta["tup_returned"] / requests,
        "usage_events": rows["usage_events"],
        "meter_outbox": rows["meter_outbox"],
    }
