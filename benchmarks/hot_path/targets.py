"""Starting the three targets, each a real process on loopback, and the requests that reach them.

* ``direct``: the Shopify stand-in (:mod:`standin`), called with the GraphQL POST itself;
* ``bare``: the bare MCP SDK server (:mod:`bare_server`), calling the stand-in;
* ``gateway``: ``shopmcp serve`` on a fresh PostgreSQL database and the machine's Redis, with
  ``workspaces`` workspaces set up through the same use cases and container the CLI uses
  (``shopmcp workspace create --plan scale``, ``connect shopify``, ``key issue``), each connected
  to the stand-in (``SHOPMCP_UPSTREAM_BASE_URLS``, trusted through ``SHOPMCP_UPSTREAM_CA_BUNDLE``,
  allowed past the SSRF guard by ``SHOPMCP_UPSTREAM_ALLOWED_HOSTS``: exactly its host and port).

Why several workspaces: the highest plan (scale) admits 6,000 requests a minute per workspace,
100 a second, and the gateway answers more than that at concurrency 32. No plan can be raised
without changing the gateway, and weakening a limit is not the benchmark's call; so the load is
spread over several workspaces (the load generator rotates their keys call by call), each far
below its limit, and every call still pays the whole rate-limit path (its Redis script runs; a
refusal would come back as a tool error and count as a failed call). The rate-limit counters
live under the workspaces' own keys (``shopmcp:rl:{ws:<uuid>}:…``), fresh UUIDs every run, so
the run starts from an empty key space in whatever Redis database it is given.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import ssl
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import attrs
import httpx
from pydantic import SecretStr

from benchmarks.hot_path import exchange, loadgen, procs
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify.client import TOKEN_HEADER
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from shopmcp_entrypoints.commands._admin import admin
from shopmcp_entrypoints.demo.servers import LOOPBACK, LocalTls
from shopmcp_entrypoints.settings import Settings

REPO: Final = Path(__file__).resolve().parents[2]
PLAN: Final = PlanTier.PORTFOLIO
LABELS: Final = {
    "direct": "the stand-in called directly",
    "bare": "bare mcp SDK server",
    "gateway": "ShopMCP gateway",
}


@attrs.frozen
class Target:
    name: str
    child: procs.Child
    endpoint: loadgen.Endpoint

    @property
    def label(self) -> str:
        return LABELS[self.name]


def child_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This environment without any SHOPMCP_* setting (the run decides every one of them),
    with the repository and its sources first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPMCP_")}
    path = [str(REPO), str(REPO / "src"), *filter(None, [env.get("PYTHONPATH")])]
    env["PYTHONPATH"] = os.pathsep.join(path)
    env.update(extra)
    return env


def client_tls(tls: LocalTls) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(tls.ca_bundle))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- the stand-in


async def start_direct(tls: LocalTls, logs: Path) -> Target:
    child = await procs.spawn(
        "standin",
        [sys.executable, "-m", "benchmarks.hot_path.standin"],
        child_env({"BENCH_TLS_CERT": str(tls.certfile), "BENCH_TLS_KEY": str(tls.keyfile)}),
        logs,
        cwd=REPO,
        port_on_stdout=True,
    )
    body = json.dumps(exchange.graphql_request(), separators=(",", ":")).encode()
    request = loadgen.http_post(
        f"{LOOPBACK}:{child.port}",
        docs.GRAPHQL_PATH,
        body,
        [
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
            (TOKEN_HEADER, exchange.STORE_TOKEN),
        ],
    )
    endpoint = loadgen.Endpoint(
        LOOPBACK,
        child.port,
        client_tls(tls),
        (request,),
        loadgen.BodyCheck(loadgen.graphql_failure),
    )
    return Target("direct", child, endpoint)


async def standin_served(direct: Target) -> int:
    """Upstream requests the stand-in has answered with the page of orders so far."""
    request = (
        f"GET {exchange.STATS_PATH} HTTP/1.1\r\nHost: {LOOPBACK}:{direct.child.port}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    reader, writer = await asyncio.open_connection(
        LOOPBACK, direct.child.port, ssl=direct.endpoint.tls, server_hostname=LOOPBACK
    )
    try:
        writer.write(request)
        status, body, _ = await loadgen.read_response(reader)
    finally:
        writer.close()
    if status != 200:
        raise procs.ChildFailed(f"the stand-in's statistics answered HTTP {status}")
    return int(json.loads(body)["served"])


# --------------------------------------------------------------------------- the bare server


def _mcp_requests(port: int, paths: list[str]) -> tuple[bytes, ...]:
    body = loadgen.tools_call_body()
    authority = f"{LOOPBACK}:{port}"
    return tuple(loadgen.http_post(authority, path, body, loadgen.MCP_HEADERS) for path in paths)


async def start_bare(tls: LocalTls, standin_port: int, logs: Path) -> Target:
    child = await procs.spawn(
        "bare",
        [sys.executable, "-m", "benchmarks.hot_path.bare_server"],
        child_env(
            {
                "BENCH_UPSTREAM_URL": f"https://{LOOPBACK}:{standin_port}{docs.GRAPHQL_PATH}",
                "BENCH_TLS_CA": str(tls.ca_bundle),
            }
        ),
        logs,
        cwd=REPO,
        port_on_stdout=True,
    )
    endpoint = loadgen.Endpoint(
        LOOPBACK,
        child.port,
        None,
        _mcp_requests(child.port, ["/mcp"]),
        loadgen.BodyCheck(loadgen.mcp_failure),
    )
    return Target("bare", child, endpoint)


# --------------------------------------------------------------------------- the gateway


@attrs.frozen
class GatewayConfig:
    data_dir: Path
    database_url: str
    redis_url: str
    tls: LocalTls
    standin_port: int

    def env(self, port: int) -> dict[str, str]:
        return {
            "SHOPMCP_HOST": LOOPBACK,
            "SHOPMCP_PORT": str(port),
            "SHOPMCP_DATA_DIR": str(self.data_dir),
            "SHOPMCP_DATABASE_URL": self.database_url,
            "SHOPMCP_REDIS_URL": self.redis_url,
            "SHOPMCP_UPSTREAM_CA_BUNDLE": str(self.tls.ca_bundle),
            "SHOPMCP_UPSTREAM_ALLOWED_HOSTS": json.dumps([f"{LOOPBACK}:{self.standin_port}"]),
            "SHOPMCP_UPSTREAM_BASE_URLS": json.dumps(
                {Platform.SHOPIFY.value: f"https://{LOOPBACK}:{self.standin_port}"}
            ),
        }

    def settings(self) -> Settings:
        """The same settings, for the set-up done in this process (explicit values: nothing is
        taken from this process's own SHOPMCP_* environment)."""
        return Settings(
            data_dir=self.data_dir,
            database_url=SecretStr(self.database_url),
            tenant_database_url=None,
            kms_key_id=None,
            redis_url=None,
            stripe_api_key=None,
            sentry_dsn=None,
        )


async def set_up_workspaces(config: GatewayConfig, count: int) -> list[str]:
    """``count`` workspaces on the scale plan, each with its Shopify store connected and a
    read-only key; returns the keys' tokens. Runs the migrations on the fresh database and
    creates the local vault's master key, both shared with the gateway process."""
    async with admin(config.settings()) as ports:
        tokens = []
        for n in range(count):
            workspace = await onboarding.create_workspace(
                ports.tenants, ports.clock, f"Bench {n + 1}", PLAN
            )
            await onboarding.connect_store(
                ports.tenants,
                ports.vault,
                ports.clock,
                workspace.id,
                Platform.SHOPIFY,
                exchange.SHOP,
                CredentialPayload({"access_token": exchange.STORE_TOKEN}),
                display_name="stand-in",
            )
            issued = await onboarding.issue_workspace_key(
                ports.tenants, ports.clock, workspace.id, name="bench"
            )
            tokens.append(issued.token)
        return tokens


async def spawn_gateway(
    env: Mapping[str, str],
    port: int,
    logs: Path,
    *,
    name: str = "gateway",
    startup_timeout: float = 60.0,
) -> procs.Child:
    """``shopmcp serve`` with exactly ``env``'s settings (see :func:`child_env`), listening on
    ``port``; returns once ``/health`` answers. Its output goes to ``logs/<name>.log``."""
    child = await procs.spawn(
        name,
        [sys.executable, "-c", "from shopmcp_entrypoints.cli import main; main()", "serve"],
        child_env(env),
        logs,
        cwd=REPO,
        port_on_stdout=False,
    )
    child.port = port
    loop = asyncio.get_running_loop()
    deadline = loop.time() + startup_timeout
    async with httpx.AsyncClient() as http:
        while True:
            child.check_alive()
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(f"http://{LOOPBACK}:{port}/health")).status_code == 200:
                    return child
            if loop.time() > deadline:
                await child.stop()
                raise procs.ChildFailed(f"{name} did not start; its log:\n{child.log_tail()}")
            await asyncio.sleep(0.1)


async def start_gateway(
    config: GatewayConfig, tokens: list[str], logs: Path, startup_timeout: float = 60.0
) -> Target:
    port = free_port()
    child = await spawn_gateway(config.env(port), port, logs, startup_timeout=startup_timeout)
    endpoint = loadgen.Endpoint(
        LOOPBACK,
        port,
        None,
        _mcp_requests(port, [f"/mcp/{token}" for token in tokens]),
        loadgen.BodyCheck(loadgen.mcp_failure),
    )
    return Target("gateway", child, endpoint)


def port_of(url: str, default: int) -> int:
    return urlsplit(url).port or default
