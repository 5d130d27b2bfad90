"""The targets' processes, and what the kernel says they spent.

* **CPU**: ``utime + stime`` of ``/proc/<pid>/stat`` (every thread of the process), read before
  and after a measured run. Linux only; elsewhere CPU figures are reported as unavailable.
* **Round trips** from a process to a service (PostgreSQL, Redis): the ``data_segs_out``
  counter of each of the process's TCP connections to that port, from ``ss -ti`` (the kernel's
  ``tcp_info``). The clients on the hot path (asyncpg, redis-py) write each request of a round
  trip in one ``send`` on a socket with ``TCP_NODELAY``, and wait for the answer before the
  next one, so on loopback (MSS 64 KB) one data segment is one round trip. Nothing is inserted
  on the path, so counting costs the measured process nothing. Connections opened during a run
  count in full (their start-up messages included); connections closed during a run are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Final

import attrs

_CLOCK_TICKS: Final = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_SEGMENTS_RE: Final = re.compile(r"\bdata_segs_out:(\d+)")


class ChildFailed(Exception):
    """A target process did not start, or died."""


@attrs.define
class Child:
    name: str
    process: asyncio.subprocess.Process
    log_path: Path
    log: IO[bytes]
    port: int = 0

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_tail(self, chars: int = 3000) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    def check_alive(self) -> None:
        if self.process.returncode is not None:
            raise ChildFailed(
                f"{self.name} exited with {self.process.returncode}; its log:\n{self.log_tail()}"
            )

    async def stop(self, grace_seconds: float = 15.0) -> None:
        """SIGTERM (a graceful shutdown: pools closed, so PostgreSQL flushes its statistics),
        then SIGKILL if it does not finish in time."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), grace_seconds)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
                await self.process.wait()
        self.log.close()


async def spawn(
    name: str,
    argv: Sequence[str],
    env: Mapping[str, str],
    log_dir: Path,
    *,
    cwd: Path,
    port_on_stdout: bool,
    startup_timeout: float = 60.0,
) -> Child:
    """Start a target. With ``port_on_stdout`` it must print ``{"port": N}`` on its first line
    of standard output once it serves; otherwise everything it writes goes to its log."""
    log_path = log_dir / f"{name}.log"
    log = log_path.open("wb")
    process = await asyncio.create_subprocess_exec(
        *argv,
        env=dict(env),
        cwd=cwd,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE if port_on_stdout else log,
        stderr=log,
    )
    child = Child(name=name, process=process, log_path=log_path, log=log)
    if port_on_stdout:
        assert process.stdout is not None
        try:
            line = await asyncio.wait_for(process.stdout.readline(), startup_timeout)
        except TimeoutError:
            await child.stop()
            raise ChildFailed(f"{name} did not start within {startup_timeout:.0f}s") from None
        if not line:
            await process.wait()
            child.check_alive()
        child.port = int(json.loads(line)["port"])
    return child


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU of a process so far, or None when it cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may contain spaces and parentheses: the fields follow the last ")".
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def rss_bytes(pid: int) -> int | None:
    """Resident memory of a process now (``VmRSS``), or None when it cannot be read."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return None


def cpu_of(pids: Sequence[int]) -> dict[int, float]:
    readings = {pid: cpu_seconds(pid) for pid in pids}
    return {pid: seconds for pid, seconds in readings.items() if seconds is not None}


def cpu_spent(before: Mapping[int, float], after: Mapping[int, float]) -> float:
    """CPU spent between two readings; a process first seen in ``after`` counts in full."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def is_process(pid: int, command: str) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == command
    except OSError:
        return False


async def data_segments_out(pid: int, port: int) -> dict[str, int] | None:
    """Per connection (by local address) of process ``pid`` to ``port`` on any host: data
    segments it has sent. None when ``ss`` is not available."""
    ss = shutil.which("ss")
    if ss is None:
        return None
    process = await asyncio.create_subprocess_exec(
        ss,
        "-tinpH",
        "state",
        "established",
        "dport",
        "=",
        f":{port}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        return None
    segments: dict[str, int] = {}
    local: str | None = None
    owner = f"pid={pid},"
    for line in output.decode(errors="replace").splitlines():
        if line[:1].isspace():
            if local is not None:
                match = _SEGMENTS_RE.search(line)
                segments[local] = int(match.group(1)) if match else 0
                local = None
        else:
            parts = line.split()
            local = parts[2] if owner in line and len(parts) > 2 else None
    return segments


def segments_sent(before: Mapping[str, int], after: Mapping[str, int]) -> int:
    return sum(count - before.get(local, 0) for local, count in after.items())
