"""Outside services a fault scenario starts and stops itself: a private ``redis-server`` on a
free port (never the machine's), and ``moto_server`` as the KMS endpoint. The fake Stripe is
the test suite's own (:func:`tests.fakes.stripe.serve_fake_stripe`)."""

from __future__ import annotations

import asyncio
import shutil
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import pytest
from benchmarks.hot_path import procs
from benchmarks.hot_path.targets import free_port

from tests.integration.services import in_ci

LOOPBACK: Final = "127.0.0.1"
STARTUP_SECONDS: Final = 30.0
AWS_TEST_ENV: Final = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def executable(name: str, beside_python: bool = False) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside_python and beside.exists() else shutil.which(name)
    if found is None:
        message = f"{name} is not installed"
        if in_ci():
            pytest.fail(f"{message} (CI=true: a missing service is a failure)")
        pytest.skip(message)
    return found


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=0.2):
            return True
    except OSError:
        return False


async def _wait_listening(child: procs.Child, port: int) -> None:
    deadline = asyncio.get_running_loop().time() + STARTUP_SECONDS
    while not _accepts(port):
        child.check_alive()
        if asyncio.get_running_loop().time() > deadline:
            await child.stop()
            raise procs.ChildFailed(f"{child.name} is not listening; its log:\n{child.log_tail()}")
        await asyncio.sleep(0.05)
    child.port = port


async def start_redis(logs: Path, port: int | None = None, name: str = "redis") -> procs.Child:
    """A private, empty, non-persistent Redis on ``port`` (a free one by default)."""
    port = port or free_port()
    child = await procs.spawn(
        name,
        [
            executable("redis-server"),
            "--port",
            str(port),
            "--bind",
            LOOPBACK,
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        {},
        logs,
        cwd=logs,
        port_on_stdout=False,
    )
    await _wait_listening(child, port)
    return child


async def start_moto(logs: Path) -> procs.Child:
    port = free_port()
    child = await procs.spawn(
        "moto",
        [executable("moto_server", beside_python=True), "-H", LOOPBACK, "-p", str(port)],
        {"PATH": str(Path(sys.executable).parent), **AWS_TEST_ENV},
        logs,
        cwd=logs,
        port_on_stdout=False,
    )
    await _wait_listening(child, port)
    return child


def aws_env(endpoint: str, home: Path) -> dict[str, str]:
    """What boto3 needs to reach moto and nothing else (no profile, no credential file)."""
    return {
        **AWS_TEST_ENV,
        "AWS_ENDPOINT_URL_KMS": endpoint,
        "AWS_CONFIG_FILE": str(home / "aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"),
    }


@contextmanager
def environment(values: dict[str, str], drop: tuple[str, ...] = ()) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in drop:
            patch.delenv(name, raising=False)
        for name, value in values.items():
            patch.setenv(name, value)
        yield
