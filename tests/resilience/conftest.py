"""The resilience suite (``make resilience``; not part of ``make test``): the gateway as real
processes under load, faults and two replicas, each scenario a pass/fail test whose checks and
measurements go into one JSON report under ``benchmarks/results/`` and a summary on stdout.

Session fixtures: the configuration (:mod:`tests.resilience.config`), the report, a local CA,
the Shopify stand-in process, and a scratch directory. Each scenario opens its own
:class:`~tests.resilience.world.Stack` (a fresh database, its workspaces and gateways).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from _pytest.terminal import TerminalReporter
from benchmarks.hot_path.targets import port_of

from shopmcp_entrypoints.demo.servers import LocalTls, issue_local_tls
from tests.integration.services import require
from tests.resilience.config import Config
from tests.resilience.report import Report
from tests.resilience.world import StandIn, start_standin

_REPORT = pytest.StashKey[Report]()


@pytest.fixture(scope="session")
def config() -> Config:
    config = Config.from_env()
    require("PostgreSQL", "127.0.0.1", port_of(config.postgres_url, 5432))
    require("Redis", "127.0.0.1", port_of(config.redis_url, 6379))
    return config


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("resilience")


@pytest.fixture(scope="session")
def report(config: Config, scratch: Path, pytestconfig: pytest.Config) -> Report:
    # The processes' logs stay under the scratch directory (pytest keeps the last three runs).
    report = Report({**config.describe(), "logs": str(scratch)})
    pytestconfig.stash[_REPORT] = report
    return report


@pytest.fixture(scope="session")
def tls(scratch: Path) -> LocalTls:
    return issue_local_tls(scratch / "tls")


@pytest_asyncio.fixture(scope="session")
async def standin(tls: LocalTls, scratch: Path) -> AsyncIterator[StandIn]:
    stand_in = await start_standin(tls, scratch)
    try:
        yield stand_in
    finally:
        await stand_in.child.stop()


@pytest.fixture
def work(scratch: Path, request: pytest.FixtureRequest) -> Path:
    name: str = request.node.name
    return scratch / name


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: pytest.Config) -> None:
    report = config.stash.get(_REPORT, None)
    if report is None:
        return
    path = report.write(Config.from_env().results_dir)
    terminalreporter.section("resilience report")
    terminalreporter.write_line(report.render())
    terminalreporter.write_line(f"  results: {path}")
