"""End to end: ``shopmcp serve`` and ``shopmcp connect xero`` as real processes on one
PostgreSQL database and data dir, the fake Xero on loopback HTTPS (reached through the sandbox
settings: its origin, CA bundle and allow-listed port). The command prints the authorization
URL; a browser consents and comes back to the gateway's callback; the command sees the flow
finish and prints the organisation it connected."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import ssl
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import httpx
import pytest

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.postgres import Database
from shopmcp_adapters.vault import build_vault
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from tests.integration.oauth.conftest import ServedFake, free_port
from tests.oauth_fakes import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
STARTUP_SECONDS = 60
CLI = "from shopmcp_entrypoints.cli import main; main()"


@contextlib.asynccontextmanager
async def gateway(env: dict[str, str], url: str, log: Path) -> AsyncIterator[None]:
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLI, "serve", env=env, stdout=out, stderr=out, cwd=ROOT
        )
        try:
            async with httpx.AsyncClient() as http:
                for _ in range(STARTUP_SECONDS * 10):
                    if process.returncode is not None:
                        output = await asyncio.to_thread(log.read_text)
                        pytest.fail(f"the gateway exited: {output[-3000:]}")
                    with contextlib.suppress(httpx.TransportError):
                        if (await http.get(url + "/health")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
                else:
                    pytest.fail("the gateway did not start")
            yield
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 15)
                except TimeoutError:
                    process.kill()
                    await process.wait()


async def test_connect_xero_through_the_running_gateway(
    database: Database,
    postgres_database_url: str,
    tmp_path: Path,
    https_fake: Callable[..., AbstractAsyncContextManager[ServedFake]],
) -> None:
    data_dir = tmp_path / "data"
    clock = SystemClock()
    vault = build_vault(None, data_dir, clock)  # the key file every process shares
    workspace = await onboarding.create_workspace(database.tenants, clock, "E2E OAuth")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    async with https_fake(Platform.XERO) as served:
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
            "SHOPMCP_DATA_DIR": str(data_dir),
            "SHOPMCP_DATABASE_URL": postgres_database_url,
            "SHOPMCP_HOST": "127.0.0.1",
            "SHOPMCP_PORT": str(port),
            "SHOPMCP_UPSTREAM_CA_BUNDLE": str(served.ca_bundle),
            "SHOPMCP_UPSTREAM_ALLOWED_HOSTS": json.dumps([served.allowed_host]),
            "SHOPMCP_UPSTREAM_BASE_URLS": json.dumps({"xero": served.origin}),
            "SHOPMCP_XERO_CLIENT_ID": CLIENT_ID,
            "SHOPMCP_XERO_CLIENT_SECRET": CLIENT_SECRET,
        }
        for name in ("SHOPMCP_REDIS_URL", "SHOPMCP_STRIPE_API_KEY", "SHOPMCP_PUBLIC_BASE_URL"):
            env.pop(name, None)
        async with gateway(env, url, tmp_path / "gateway.log"):
            command = await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                CLI,
                "connect",
                "xero",
                "--workspace",
                str(workspace.id),
                env=env,
                cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            assert command.stdout is not None and command.stderr is not None
            try:
                printed: list[str] = []
                while not any(line.startswith(served.origin) for line in printed):
                    line = await asyncio.wait_for(command.stdout.readline(), 60)
                    if not line:
                        pytest.fail((await command.stderr.read()).decode()[-3000:])
                    printed.append(line.decode().strip())
                [authorize] = [line for line in printed if line.startswith(served.origin)]

                trusted = ssl.create_default_context(cafile=str(served.ca_bundle))
                async with httpx.AsyncClient(verify=trusted) as browser:
                    consent = await browser.get(authorize)
                    assert consent.status_code == 302
                    callback = consent.headers["location"]
                    assert callback.startswith(f"{url}/oauth/xero/callback?")
                    page = await browser.get(callback)
                assert page.status_code == 200, page.text
                assert "Demo Company (NZ)" in page.text

                out, err = await asyncio.wait_for(command.communicate(), 60)
                assert command.returncode == 0, err.decode()[-3000:]
            finally:
                if command.returncode is None:
                    command.kill()
                    await command.wait()

    assert "connected xero Demo Company (NZ)" in out.decode()
    async with database.tenants.unit_of_work(workspace.id) as uow:
        [connection] = await uow.connections.list()
        sealed = await uow.credentials.get(connection.credential_id)
    assert sealed is not None
    credential = await vault.open(connection.credential_context, sealed)
    assert credential["refresh_token"] in served.fake.refresh_tokens
    assert CLIENT_SECRET not in out.decode() + err.decode()
    assert (data_dir / "oauth" / "state.secret").stat().st_mode & 0o077 == 0
