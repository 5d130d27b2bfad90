"""What each scenario checked and measured: pass/fail checks with the numbers behind them,
written as one JSON file under ``benchmarks/results/`` and summarised on stdout."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs


@attrs.frozen
class Check:
    name: str
    passed: bool
    detail: str


@attrs.define
class Scenario:
    name: str
    title: str
    checks: list[Check] = attrs.Factory(list)
    measured: dict[str, Any] = attrs.Factory(dict)
    duration_s: float | None = None
    error: str | None = None

    def check(self, name: str, passed: bool, detail: str) -> bool:
        self.checks.append(Check(name, bool(passed), detail))
        return bool(passed)

    @property
    def passed(self) -> bool:
        return self.error is None and bool(self.checks) and all(c.passed for c in self.checks)

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "passed": self.passed,
            "duration_s": self.duration_s,
            "error": self.error,
            "checks": [attrs.asdict(c) for c in self.checks],
            "measured": self.measured,
        }


@attrs.define
class Report:
    config: dict[str, Any]
    scenarios: list[Scenario] = attrs.Factory(list)
    started_at: dt.datetime = attrs.Factory(lambda: dt.datetime.now(dt.UTC))
    started: float = attrs.Factory(time.perf_counter)
    load_before: tuple[float, ...] = attrs.Factory(os.getloadavg)
    written_to: Path | None = None

    @contextmanager
    def scenario(self, name: str, title: str) -> Iterator[Scenario]:
        """The scenario's record; when the block ends, the scenario fails (AssertionError
        naming every failed check) unless every check passed."""
        scenario = Scenario(name, title)
        self.scenarios.append(scenario)
        started = time.perf_counter()
        try:
            yield scenario
        except BaseException as error:
            scenario.error = "".join(traceback.format_exception_only(error)).strip()[:2000]
            raise
        finally:
            scenario.duration_s = round(time.perf_counter() - started, 1)
        if not scenario.checks:
            raise AssertionError(f"{name}: no check was made")
        failed = scenario.failures()
        if failed:
            lines = "\n".join(f"  {c.name}: {c.detail}" for c in failed)
            raise AssertionError(f"{name}: {len(failed)} check(s) failed:\n{lines}")

    def as_json(self) -> dict[str, Any]:
        return {
            "suite": "resilience",
            "started_at": self.started_at.isoformat(timespec="seconds"),
            "duration_s": round(time.perf_counter() - self.started, 1),
            "passed": bool(self.scenarios) and all(s.passed for s in self.scenarios),
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": sys.version.split()[0],
                "load_average_before": [round(v, 2) for v in self.load_before],
                "load_average_after": [round(v, 2) for v in os.getloadavg()],
            },
            "config": self.config,
            "scenarios": [s.as_json() for s in self.scenarios],
        }

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = self.started_at.strftime("%Y%m%dT%H%M%SZ")
        path = directory / f"resilience-{stamp}.json"
        path.write_text(json.dumps(self.as_json(), indent=2, default=str) + "\n")
        self.written_to = path
        return path

    def render(self) -> str:
        lines = ["resilience: every scenario's checks (details in the JSON report)"]
        for scenario in self.scenarios:
            verdict = "PASS" if scenario.passed else "FAIL"
            lines.append(
                f"  [{verdict}] {scenario.name}: {scenario.title} ({scenario.duration_s}s)"
            )
            for check in scenario.checks:
                mark = "ok" if check.passed else "FAILED"
                lines.append(f"      [{mark:>6}] {check.name}: {check.detail}")
            if scenario.error:
                lines.append(f"      [ error] {scenario.error.splitlines()[-1][:300]}")
        loads = self.as_json()["machine"]
        lines.append(
            f"  load average before / after: {loads['load_average_before']} / "
            f"{loads['load_average_after']} on {loads['cpus']} CPUs"
        )
        return "\n".join(lines)
