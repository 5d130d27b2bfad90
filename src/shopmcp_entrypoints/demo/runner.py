"""The demo: sandbox stores on loopback HTTPS, the gateway on embedded defaults, and a demo
workspace connected to them.

Shopify shop domains must look like ``*.myshopify.com`` and BigCommerce stores are a store hash
on ``api.bigcommerce.com``: their sandboxes answer on loopback origins, so the gateway is pointed
at them with ``SHOPMCP_UPSTREAM_BASE_URLS`` (a setting meant only for sandboxes) and their
connections keep a real-looking store reference. Magento and Neto stores are addressed by URL,
so their connections' stores are simply the sandboxes' ``https://127.0.0.1:<port>``.
Exactly the sandboxes' ``127.0.0.1:<port>`` origins are allow-listed for the SSRF guard
(``SHOPMCP_UPSTREAM_ALLOWED_HOSTS``); the guard stays on for everything else, other loopback
ports included.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import attrs
import httpx
from litestar import Litestar

from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.keys import IssuedKey
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbooks import PlaybookArgument
from shopmcp_domain.services import onboarding
from shopmcp_domain.workspaces import Workspace
from shopmcp_entrypoints.commands._admin import mcp_url
from shopmcp_entrypoints.container import Container, build_container, resolve
from shopmcp_entrypoints.demo.sandboxes import bigcommerce, magento, neto, shopify
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_data import STORE_HASH as BIGCOMMERCE_STORE
from shopmcp_entrypoints.demo.servers import LocalTls, issue_local_tls, serve_asgi
from shopmcp_entrypoints.http.app import create_app
from shopmcp_entrypoints.settings import Settings

DEMO_SHOP = "demo-store.myshopify.com"


SandboxFactory = Callable[[str], Litestar]

SANDBOXES: tuple[tuple[Platform, SandboxFactory], ...] = (
    (Platform.SHOPIFY, shopify.create_sandbox_app),
    (Platform.BIGCOMMERCE, bigcommerce.create_sandbox_app),
    (Platform.MAGENTO, magento.create_sandbox_app),
    (Platform.NETO, neto.create_sandbox_app),
)
# Platforms whose store reference is not a URL: the gateway reaches their sandbox through
# ``upstream_base_urls``, and the connection names this store.
STORE_REFS: dict[Platform, str] = {
    Platform.SHOPIFY: DEMO_SHOP,
    Platform.BIGCOMMERCE: BIGCOMMERCE_STORE,
}


def _access_token(secret: str) -> dict[str, str]:
    return {"access_token": secret}


def _neto_key(secret: str) -> dict[str, str]:
    # Neto authenticates an API user and its key (NETOAPI_USERNAME, NETOAPI_KEY).
    return {"username": neto.SANDBOX_USERNAME, "api_key": secret}


# The credential each sandbox's generated secret makes, in its platform's credential fields.
_CREDENTIALS: dict[Platform, Callable[[str], dict[str, str]]] = {Platform.NETO: _neto_key}


@attrs.frozen
class SandboxStores:
    """The running sandboxes: what the gateway must trust and where each store lives."""

    tls: LocalTls
    origins: dict[Platform, str]
    tokens: dict[Platform, str] = attrs.field(repr=False)

    def gateway_settings(self, base: Settings, **changes: Any) -> Settings:
        update: dict[str, Any] = {
            "upstream_ca_bundle": str(self.tls.ca_bundle),
            "upstream_allowed_hosts": sorted({*base.upstream_allowed_hosts, *self.allowed_hosts()}),
            **changes,
        }
        redirected = {p: self.origins[p] for p in STORE_REFS if p in self.origins}
        if redirected:
            update["upstream_base_urls"] = {**base.upstream_base_urls, **redirected}
        return base.model_copy(update=update)

    def allowed_hosts(self) -> list[str]:
        """The sandboxes' ``host:port`` entries for the SSRF guard's allow-list."""
        return sorted(f"{url.host}:{url.port}" for url in map(httpx.URL, self.origins.values()))

    def store_ref(self, platform: Platform) -> str:
        return STORE_REFS[platform] if platform in STORE_REFS else self.origins[platform]

    def credentials(self, platform: Platform) -> CredentialPayload:
        return CredentialPayload(_CREDENTIALS.get(platform, _access_token)(self.tokens[platform]))


@asynccontextmanager
async def sandbox_stores(settings: Settings) -> AsyncIterator[SandboxStores]:
    """Start every sandbox on its own loopback HTTPS port, with a CA made for this run."""
    tls = issue_local_tls(settings.data_dir / "sandbox-tls")
    async with AsyncExitStack() as stack:
        origins: dict[Platform, str] = {}
        tokens: dict[Platform, str] = {}
        for platform, create_sandbox_app in SANDBOXES:
            token = f"sandbox_{secrets.token_urlsafe(24)}"
            running = await stack.enter_async_context(
                serve_asgi(create_sandbox_app(token), tls=tls)
            )
            origins[platform] = f"https://{running.origin}"
            tokens[platform] = token
        yield SandboxStores(tls=tls, origins=origins, tokens=tokens)


async def create_demo_workspace(
    container: Container, stores: SandboxStores, name: str = "Demo store"
) -> tuple[Workspace, IssuedKey]:
    tenants = await resolve(container.tenants)
    vault = await resolve(container.vault)
    clock = await resolve(container.clock)
    workspace = await onboarding.create_workspace(tenants, clock, name)
    for platform in stores.origins:
        await onboarding.connect_store(
            tenants,
            vault,
            clock,
            workspace.id,
            platform,
            stores.store_ref(platform),
            stores.credentials(platform),
            display_name=f"{platform.value} sandbox",
        )
    await onboarding.add_playbook(
        tenants,
        clock,
        workspace.id,
        "refund-review",
        "Review recent refunds across the connected stores",
        "Look at the refunds issued in the last {days} days on every connected store, group "
        "them by reason and product, and point out anything unusual.",
        (PlaybookArgument("days", "How many days to look back"),),
    )
    issued = await onboarding.issue_workspace_key(tenants, clock, workspace.id, name="demo")
    return workspace, issued


def client_configuration(url: str) -> str:
    """Ready-to-paste JSON: a generic Streamable HTTP entry and Claude Desktop's (which speaks
    stdio, bridged by ``mcp-remote``)."""
    config = {
        "mcpServers": {
            "shopmcp-demo": {"type": "http", "url": url},
            "shopmcp-demo-claude-desktop": {
                "command": "npx",
                "args": ["-y", "mcp-remote", url],
            },
        }
    }
    return json.dumps(config, indent=2)


async def run_demo(settings: Settings, echo: Callable[[str], None]) -> None:
    """Run until the gateway stops (Ctrl-C)."""
    async with sandbox_stores(settings) as stores:
        gateway_settings = stores.gateway_settings(settings)
        container = build_container(gateway_settings)
        app = create_app(gateway_settings, container)
        async with serve_asgi(app, port=gateway_settings.port, log_level="info") as gateway:
            workspace, issued = await create_demo_workspace(container, stores)
            url = mcp_url(gateway_settings.model_copy(update={"port": gateway.port}), issued.token)
            echo("")
            echo("ShopMCP demo is running.")
            for platform, origin in stores.origins.items():
                echo(f"  {platform.value} sandbox: {origin} (local CA {stores.tls.ca_bundle})")
            echo(f"  workspace: {workspace.id} ({workspace.name}, read-only key)")
            echo("")
            echo("MCP URL (keep it secret; it is the key):")
            echo(f"  {url}")
            echo("")
            echo("Client configuration (Claude Desktop, Cursor, Claude Code, MCP Inspector):")
            echo(client_configuration(url))
            echo("")
            echo("Press Ctrl-C to stop.")
            await gateway.task
