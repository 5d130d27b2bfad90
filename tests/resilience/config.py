"""The resilience run's sizes and services, from the environment.

* ``SHOPMCP_RESILIENCE_SECONDS`` (default :data:`DEFAULT_LOAD_SECONDS`): how long the load
  scenario drives its 200 clients, after which every response and every row is checked;
* ``SHOPMCP_RESILIENCE_PHASE_SECONDS`` (default :data:`DEFAULT_PHASE_SECONDS`): how long each
  phase of a fault scenario lasts under load (before the fault, during it, after it). A phase
  never goes below what the mechanism under test needs (Redis is probed every 5 s, so the
  phase after Redis returns lasts at least 8 s; see each scenario);
* ``BENCH_POSTGRES_URL`` / ``BENCH_REDIS_URL``: an administrator of PostgreSQL (each scenario
  gets a fresh database, dropped after) and the machine's Redis (the load and two-replica
  scenarios; the Redis fault scenario runs a private ``redis-server`` on a free port);
* ``SHOPMCP_RESILIENCE_RESULTS_DIR``: where the JSON report goes (``benchmarks/results/``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Final

import attrs
from benchmarks.hot_path.run import DEFAULT_POSTGRES, DEFAULT_REDIS, RESULTS_DIR

# 200 clients for 60 s is the load; CI runs it in full (the whole suite stays under
# about four minutes on two cores).
DEFAULT_LOAD_SECONDS: Final = 60.0
DEFAULT_PHASE_SECONDS: Final = 4.0
CLIENTS: Final = 200
WORKSPACES: Final = 50


def _seconds(name: str, default: float, minimum: float) -> float:
    value = float(os.environ.get(name, default))
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum:g} seconds")
    return value


@attrs.frozen
class Config:
    load_seconds: float = DEFAULT_LOAD_SECONDS
    phase_seconds: float = DEFAULT_PHASE_SECONDS
    clients: int = CLIENTS
    workspaces: int = WORKSPACES
    postgres_url: str = DEFAULT_POSTGRES
    redis_url: str = DEFAULT_REDIS
    results_dir: Path = RESULTS_DIR

    @classmethod
    def from_env(cls) -> Config:
        return cls(
            load_seconds=_seconds("SHOPMCP_RESILIENCE_SECONDS", DEFAULT_LOAD_SECONDS, 5.0),
            phase_seconds=_seconds("SHOPMCP_RESILIENCE_PHASE_SECONDS", DEFAULT_PHASE_SECONDS, 2.0),
            postgres_url=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
            redis_url=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS),
            results_dir=Path(os.environ.get("SHOPMCP_RESILIENCE_RESULTS_DIR", RESULTS_DIR)),
        )

    def phase(self, at_least: float = 0.0) -> float:
        return max(self.phase_seconds, at_least)

    def describe(self) -> dict[str, Any]:
        return {
            "load_seconds": self.load_seconds,
            "phase_seconds": self.phase_seconds,
            "clients": self.clients,
            "workspaces": self.workspaces,
        }
