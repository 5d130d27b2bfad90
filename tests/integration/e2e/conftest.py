"""End-to-end: the gateway as a real server process (``shopmcp serve``) on a fresh PostgreSQL
database and the machine's Redis, calling the sandbox stores over loopback HTTPS, driven by the
official MCP client over HTTP.

The test process runs the sandboxes (in its own event loop) and sets tenants up through the
same use cases the CLI uses, on the same database and the same local-vault key files as the
gateway process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import attrs
import httpx
import pytest
import pytest_asyncio

from shopmcp_adapters.clock import SystemClock
from shopmcp_adapters.postgres import Database
from shopmcp_adapters.upstreams.platforms import writes_locked
from shopmcp_adapters.vault import build_vault
from shopmcp_domain.keys import IssuedKey
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import CredentialVault
from shopmcp_domain.services import onboarding
from shopmcp_domain.workspaces import Workspace
from shopmcp_entrypoints.demo.runner import SandboxStores, sandbox_stores
from shopmcp_entrypoints.settings import Settings
from tests.integration.services import REDIS_HOST, REDIS_PORT, require

STARTUP_SECONDS = 60
# The platforms whose operator write lock the gateway process is started without.
UNLOCKED = (Platform.MAGENTO,)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@attrs.define
class E2E:
    url: str
    database: Database
    vault: CredentialVault
    stores: SandboxStores
    clock: SystemClock = attrs.Factory(SystemClock)
    # The gateway's operator write lock (what its settings make of UNLOCKED).
    writes_locked: frozenset[Platform] = writes_locked(unlocked=UNLOCKED)

    def mcp_url(self, token: str) -> str:
        return f"{self.url}/mcp/{token}"

    async def tenant(
        self,
        platforms: tuple[Platform, ...] = (Platform.SHOPIFY, Platform.MAGENTO),
        *,
        plan: PlanTier = PlanTier.BRAND,
        write: bool = False,
        shop: str | None = None,
    ) -> tuple[Workspace, IssuedKey]:
        tenants = self.database.tenants
        workspace = await onboarding.create_workspace(tenants, self.clock, "E2E", plan)
        for platform in platforms:
            store = shop if (shop and platform is Platform.SHOPIFY) else None
            await onboarding.connect_store(
                tenants,
                self.vault,
                self.clock,
                workspace.id,
                platform,
                store or self.stores.store_ref(platform),
                self.stores.credentials(platform),
            )
        issued = await onboarding.issue_workspace_key(
            tenants, self.clock, workspace.id, write=write
        )
        return workspace, issued


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def e2e(
    database: Database, postgres_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[E2E]:
    require("Redis", REDIS_HOST, REDIS_PORT)
    data_dir: Path = tmp_path_factory.mktemp("gateway")
    # The local vault's master key is created here, before the gateway starts, so both
    # processes use the same key file.
    vault = build_vault(None, data_dir, SystemClock())
    async with sandbox_stores(Settings(data_dir=data_dir)) as stores:
        port = free_port()
        settings = stores.gateway_settings(Settings(data_dir=data_dir))
        env = {
            **os.environ,
            "SHOPMCP_DATA_DIR": str(data_dir),
            "SHOPMCP_DATABASE_URL": postgres_database_url,
            "SHOPMCP_REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/0",
            "SHOPMCP_UPSTREAM_CA_BUNDLE": str(settings.upstream_ca_bundle),
            # Exactly the sandboxes' 127.0.0.1:<port> origins.
            "SHOPMCP_UPSTREAM_ALLOWED_HOSTS": json.dumps(settings.upstream_allowed_hosts),
            "SHOPMCP_UPSTREAM_BASE_URLS": json.dumps(
                {p.value: url for p, url in settings.upstream_base_urls.items()}
            ),
            "SHOPMCP_PORT": str(port),
            # Magento's writes are operator-locked by default; the e2e write test needs them.
            "SHOPMCP_WRITES_UNLOCKED_PLATFORMS": json.dumps([p.value for p in UNLOCKED]),
        }
        env.pop("SHOPMCP_STRIPE_API_KEY", None)
        log = (data_dir / "gateway.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from shopmcp_entrypoints.cli import main; main()",
            "serve",
            env=env,
            stdout=log,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            async with httpx.AsyncClient() as http:
                for _ in range(STARTUP_SECONDS * 10):
                    if process.returncode is not None:
                        break
                    with contextlib.suppress(httpx.TransportError):
                        if (await http.get(url + "/health")).status_code == 200:
                            break
                    await asyncio.sleep(0.1)
                else:
                    pytest.fail("the gateway did not start")
            if process.returncode is not None:
                log.flush()
                output = (data_dir / "gateway.log").read_text()[-3000:]
                pytest.fail(f"the gateway exited: {output}")
            yield E2E(url=url, database=database, vault=vault, stores=stores)
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 15)
                except TimeoutError:
                    process.kill()
                    await process.wait()
            log.close()
