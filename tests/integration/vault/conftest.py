"""A KMS-compatible endpoint for the vault's integration tests: ``moto_server`` (moto[server])
started by the test session on a free loopback port, waited for, and stopped at session end.

boto3 reaches it through ``AWS_ENDPOINT_URL_KMS`` with dummy credentials (set for the session;
no real AWS profile or credential file is read). Without the moto_server executable the tests
skip locally and fail with CI=true.

* ``moto_endpoint`` (session, str): the endpoint URL.
* ``kms_client`` (boto3 KMS client built by ``kms_client_from_environment``).
* ``kms_key`` (str): the ARN of a fresh symmetric key.
* ``kms_calls``: counts the KMS operations ``kms_client`` sends (botocore event hook).
"""

from __future__ import annotations

import collections
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shopmcp_adapters.vault import kms_client_from_environment
from tests.integration.services import in_ci, reachable

STARTUP_TIMEOUT = 30.0


def _moto_server() -> str:
    beside = Path(sys.executable).parent / "moto_server"
    found = str(beside) if beside.exists() else shutil.which("moto_server")
    if found is None:
        message = "moto_server (moto[server]) is not installed"
        if in_ci():
            pytest.fail(f"{message} (CI=true: a missing service is a failure)")
        pytest.skip(message)
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(executable: str, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    for _ in range(3):  # the free port may be taken between probe and bind: try another
        port = _free_port()
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [executable, "-H", "127.0.0.1", "-p", str(port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                break
            if reachable("127.0.0.1", port, timeout=0.2):
                return proc, port
            time.sleep(0.1)
        _stop(proc)
    pytest.fail(f"moto_server did not start; see {log}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def moto_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    executable = _moto_server()
    home = tmp_path_factory.mktemp("aws")
    proc, port = _start(executable, home / "moto_server.log")
    endpoint = f"http://127.0.0.1:{port}"
    patch = pytest.MonkeyPatch()
    try:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
            patch.delenv(name, raising=False)
        patch.setenv("AWS_ENDPOINT_URL_KMS", endpoint)
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        patch.setenv("AWS_CONFIG_FILE", str(home / "config"))
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield endpoint
    finally:
        patch.undo()
        _stop(proc)


@pytest.fixture
def kms_client(moto_endpoint: str) -> Any:
    client = kms_client_from_environment()
    assert client.meta.endpoint_url == moto_endpoint  # never real AWS
    return client


@pytest.fixture
def kms_key(kms_client: Any) -> str:
    return str(kms_client.create_key(Description="shopmcp test")["KeyMetadata"]["Arn"])


@pytest.fixture
def kms_calls(kms_client: Any) -> collections.Counter[str]:
    calls: collections.Counter[str] = collections.Counter()

    def count(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    kms_client.meta.events.register("before-call.kms", count)
    return calls
