"""The hot-path benchmark's instrument, run end to end with tiny durations so it cannot rot:
``python -m benchmarks hot_path`` starts the three targets as processes (the HTTPS stand-in,
the bare MCP server, ``shopmcp serve`` on PostgreSQL and Redis), measures each at concurrency 1
and 32, and writes a results file with every target and numbers that make sense. Nothing is
asserted about speed: the machine is shared, and the targets are judged by the report."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.integration.services import (
    POSTGRES_HOST,
    POSTGRES_PORT,
    REDIS_HOST,
    REDIS_PORT,
    require,
)

REPO = Path(__file__).resolve().parents[2]
TARGETS = {"direct", "bare", "gateway"}


def run_benchmark(results_dir: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(REPO), str(REPO / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
        "SHOPMCP_BENCH_HOT_SECONDS": "0.4",
        "SHOPMCP_BENCH_HOT_WARMUP_SECONDS": "0.1",
        "SHOPMCP_BENCH_HOT_REPETITIONS": "1",
        "SHOPMCP_BENCH_HOT_CONCURRENCY": "1,32",
        "SHOPMCP_BENCH_HOT_WORKSPACES": "4",
        "SHOPMCP_BENCH_RESULTS_DIR": str(results_dir),
        "BENCH_POSTGRES_URL": f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/postgres",
        "BENCH_REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/0",
    }
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "hot_path"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    [path] = results_dir.glob("hot_path-*.json")
    return completed, json.loads(path.read_text())


def test_the_hot_path_benchmark_measures_every_target(tmp_path: Path) -> None:
    require("PostgreSQL", POSTGRES_HOST, POSTGRES_PORT)
    require("Redis", REDIS_HOST, REDIS_PORT)

    completed, results = run_benchmark(tmp_path)

    assert results["valid"] is True
    assert results["failures"] == 0
    assert results["checks"]["same_result_bare_and_gateway"] is True
    summary = results["summary"]
    assert set(summary) == TARGETS
    for target in TARGETS:
        assert set(summary[target]) == {"1", "32"}, target
        for concurrency, medians in summary[target].items():
            where = f"{target} c={concurrency}"
            assert medians["failures"] == 0, where
            assert medians["calls_per_s"] > 0, where
            assert 0 < medians["p50_ms"] <= medians["p90_ms"] <= medians["p99_ms"], where
            assert medians["server_cpu_ms_per_call"] is not None, where
            assert medians["server_cpu_ms_per_call"] >= 0, where
            assert 0 < medians["client_cpu_ms_per_call"] < 50, where
            if target != "direct":
                assert medians["upstream_requests_per_call"] == 1.0, where
    for concurrency, medians in summary["gateway"].items():
        assert medians["postgres_cpu_ms_per_call"] is not None, concurrency
        if shutil.which("ss"):
            # Every call writes its usage event and is admitted by the Redis limiter (concurrent
            # calls may share a commit, so no lower bound of one per call).
            assert medians["postgres_round_trips_per_call"] > 0, concurrency
            assert medians["redis_round_trips_per_call"] > 0, concurrency

    life = results["gateway_life"]
    assert life["tools_call_requests"] > 0
    assert life["usage_events"] == life["meter_outbox"] == life["tools_call_requests"]
    assert life["transactions_per_call"] > 0
    # One usage event and one meter-outbox row per call.
    assert life["rows_inserted_per_call"] >= 2

    goals = {goal["name"]: goal for goal in results["goals"]}
    assert set(goals) == {"throughput", "added_p50", "postgres_per_call"}
    assert all(isinstance(goal["met"], bool) for goal in goals.values())
    assert goals["throughput"]["ratio"] > 0

    report = completed.stdout
    assert "the stand-in called directly" in report
    assert "bare mcp SDK server" in report
    assert "ShopMCP gateway" in report
    assert "targets:" in report
