"""The MCP hot path, end to end: ``tools/call`` of ``shopify_list_orders`` through the whole
gateway, against a bare MCP SDK server making the same call and against the upstream called
directly, each a real process on loopback, measured in the same run by the same load generator.

Targets (:mod:`targets`):

* ``direct``: a local HTTPS Shopify stand-in answering Admin GraphQL ``ListOrders`` with a fixed
  page of 20 orders (TLS from a ``trustme`` CA made for the run); the limit of what any MCP
  server in front of it can do;
* ``bare``: a bare low-level ``mcp`` SDK server, stateless JSON Streamable HTTP under uvicorn,
  whose one tool makes the same upstream call and returns the same result;
* ``gateway``: ``shopmcp serve`` on a fresh PostgreSQL database and the machine's Redis, every
  security layer on (token authentication, Row-Level Security, the vault, the rate limit, the
  usage and meter-outbox rows), with workspaces connected to the stand-in through the normal
  use cases.

For each target, at each concurrency (default 1 and 32): a warm-up, then a measured run of
persistent connections sending calls back to back (:mod:`loadgen`); calls/s, p50/p90/p99, the
CPU per call of the target's process (``/proc``), of the PostgreSQL backends serving the
gateway, of the stand-in and of the load generator; PostgreSQL and Redis round trips per call
(the gateway's sockets, :mod:`procs`); and, over the gateway's whole life, transactions and rows
per call (``pg_stat_database``, :mod:`postgres`). Three repetitions, the order of the targets
rotating between them; the report gives medians, judges the issue's targets (gateway
throughput at c=32 >= 1.5x the bare server's; p50 the gateway adds over the direct call at c=1
<= what the bare server adds + 0.5 ms; <= 1 PostgreSQL transaction per call) and checks that
the run measured successes (every response checked; one upstream request per call; one usage
event and one outbox row per call).

Needs PostgreSQL (``BENCH_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/
postgres``: an administrator who may create databases) and Redis (``BENCH_REDIS_URL``, default
``redis://127.0.0.1:6379/0``), and Linux (``/proc``; ``ss`` from iproute2 for round trips).

Sizes: ``SHOPMCP_BENCH_HOT_SECONDS`` (measured seconds per target and concurrency, default 4),
``SHOPMCP_BENCH_HOT_WARMUP_SECONDS`` (1), ``SHOPMCP_BENCH_HOT_REPETITIONS`` (3),
``SHOPMCP_BENCH_HOT_CONCURRENCY`` (``1,32``), ``SHOPMCP_BENCH_HOT_WORKSPACES`` (32). The table
goes to stdout, everything to ``benchmarks/results/hot_path-<UTC time>.json``
(``SHOPMCP_BENCH_RESULTS_DIR``; result files are not committed).

Run alone: ``python -m benchmarks hot_path``.
"""

from __future__ import annotations

import asyncio

from benchmarks.hot_path import report
from benchmarks.hot_path.run import Config, run


def main() -> None:
    config = Config.from_env()
    print(
        f"hot path: direct / bare mcp server / gateway, real processes on loopback; "
        f"c={','.join(map(str, config.concurrency))}, {config.repetitions} repetition(s)",
        flush=True,
    )
    results = report.finish(asyncio.run(run(config)))
    print(report.render(results))
    path = report.write(results, config.results_dir)
    print(f"  results: {path}")
    if not results["valid"]:
        raise RuntimeError("the run is not valid: calls failed or a check did not hold")
