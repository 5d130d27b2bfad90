"""The embedded PostgreSQL lives and dies with the gateway: ``shopmcp serve`` as a real
process on the embedded default, killed with SIGKILL (the server is left behind), started
again (the leftover is reused, not doubled, and its dead holder forgotten), then closed the
way a terminal closes (SIGHUP), which must take the server down."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import psutil
import pytest

from shopmcp_adapters.postgres.embedded import (
    HANDLES_FILE,
    POSTMASTER_PID,
    STARTS_FILE,
    repair_handles,
)

pytestmark = pytest.mark.integration

STARTUP_SECONDS = 90
STOP_SECONDS = 30
CLI = (sys.executable, "-c", "from shopmcp_entrypoints.cli import main; main()")


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # Unix socket paths are limited to ~107 bytes; pytest's tmp_path can be long.
    path = Path(tempfile.mkdtemp(prefix="smcp-life-"))
    try:
        yield path
    finally:
        for pid in postmasters(path / "postgres"):  # never leave a server behind
            psutil.Process(pid).kill()
        shutil.rmtree(path, ignore_errors=True)


def postmasters(pgdata: Path) -> list[int]:
    """The PostgreSQL servers (postmasters, not their backends) running on ``pgdata``."""
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and str(pgdata.resolve()) in cmdline:
            found.append(process.pid)
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPMCP_")}
    env["SHOPMCP_DATA_DIR"] = str(data_dir)
    return env


def start_gateway(data_dir: Path, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [*CLI, "serve"],
        env={**cli_env(data_dir), "SHOPMCP_PORT": str(port)},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/health"
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the gateway exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    pytest.fail(f"the gateway did not start: {log.read_text()[-3000:]}")


def wait_for(condition: Callable[[], bool], seconds: float = STOP_SECONDS) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_gateway_leaves_a_server_the_next_start_reuses_and_a_hangup_stops(
    data_dir: Path,
) -> None:
    pgdata = data_dir / "postgres"
    log = data_dir / "gateway.log"

    first, _ = start_gateway(data_dir, log)
    (server,) = postmasters(pgdata)
    first.send_signal(signal.SIGKILL)
    first.wait(STOP_SECONDS)
    # SIGKILL gives the process no chance to leave: the server stays, listing a dead holder.
    assert postmasters(pgdata) == [server]
    assert first.pid in json.loads((pgdata / HANDLES_FILE).read_text())

    second, health = start_gateway(data_dir, log)
    assert postmasters(pgdata) == [server], "the leftover server is reused, not doubled"
    assert first.pid not in json.loads((pgdata / HANDLES_FILE).read_text())

    # A CLI command sharing the server meanwhile leaves it running for the gateway.
    command = subprocess.run(
        [*CLI, "workspace", "create", "--name", "Lifecycle"],
        env=cli_env(data_dir),
        capture_output=True,
        timeout=STARTUP_SECONDS,
        check=False,
    )
    assert command.returncode == 0, command.stderr.decode()
    assert command.stderr == b"", "an ordinary command prints no warning"
    assert postmasters(pgdata) == [server]
    assert httpx.get(health, timeout=5).status_code == 200

    second.send_signal(signal.SIGHUP)  # the terminal closed
    second.wait(STOP_SECONDS)
    assert wait_for(lambda: postmasters(pgdata) == []), log.read_text()[-3000:]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_stop_the_server_with_the_gateway(
    data_dir: Path, stop: signal.Signals
) -> None:
    pgdata = data_dir / "postgres"
    gateway, _ = start_gateway(data_dir, data_dir / "gateway.log")
    assert len(postmasters(pgdata)) == 1
    gateway.send_signal(stop)
    assert gateway.wait(STOP_SECONDS) == 0
    assert wait_for(lambda: postmasters(pgdata) == [])


# --------------------------------------------------------------------------- the repair


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_repair_drops_dead_and_reused_holders_and_a_dead_lock_file(tmp_path: Path) -> None:
    (tmp_path / "PG_VERSION").write_text("18\n")
    dead = _dead_pid()
    me = os.getpid()
    parent = os.getppid()  # alive, but recorded with another start time: a reused pid
    (tmp_path / HANDLES_FILE).write_text(json.dumps([dead, me, parent]))
    me_started = psutil.Process(me).create_time()
    (tmp_path / STARTS_FILE).write_text(json.dumps({str(me): me_started, str(parent): 1.0}))
    (tmp_path / POSTMASTER_PID).write_text(f"{dead}\n{tmp_path}\n1\n5432\n/tmp\n\n1 2\nready\n")

    assert repair_handles(tmp_path) == [me]
    assert json.loads((tmp_path / HANDLES_FILE).read_text()) == [me]
    assert json.loads((tmp_path / STARTS_FILE).read_text()) == {str(me): me_started}
    assert not (tmp_path / POSTMASTER_PID).exists()


@pytest.mark.parametrize(
    "content", ["", "not a pid\n", f"{os.getpid()}\n/short\n"], ids=["empty", "garbage", "cut"]
)
def test_repair_removes_a_lock_file_no_server_owns(tmp_path: Path, content: str) -> None:
    (tmp_path / "PG_VERSION").write_text("18\n")
    (tmp_path / HANDLES_FILE).write_text("[1, 2")  # cut short by a kill mid-write
    (tmp_path / POSTMASTER_PID).write_text(content)
    assert repair_handles(tmp_path) == []
    assert json.loads((tmp_path / HANDLES_FILE).read_text()) == []
    assert not (tmp_path / POSTMASTER_PID).exists()


def test_repair_leaves_an_uninitialised_directory_empty(tmp_path: Path) -> None:
    assert repair_handles(tmp_path) == []
    assert list(tmp_path.iterdir()) == []
