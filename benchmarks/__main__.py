"""Run every benchmark module in this package (or those named on the command line)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import benchmarks


def _modules() -> list[str]:
    return sorted(
        info.name
        for info in pkgutil.iter_modules(benchmarks.__path__)
        if not info.name.startswith("_")
    )


def main(argv: list[str]) -> int:
    available = _modules()
    wanted = argv or available
    unknown = sorted(set(wanted) - set(available))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    failed = []
    for name in wanted:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        try:
            module.main()
        except Exception as error:  # report and go on with the other benchmarks
            failed.append(name)
            print(f"{name} failed: {type(error).__name__}: {error}", flush=True)
        print(f"=== {name}: {time.perf_counter() - started:.1f}s ===", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
