"""The demo: sandbox stores on loopback HTTPS, the gateway on embedded defaults, and a demo
workspace connected to them.

Shopify shop domains must look like ``*.myshopify.com``, BigCommerce stores are a store hash
on ``api.bigcommerce.com``, a Xero connection is an organisation (tenant id) on Xero's hosts
and a Google connection is an account on Google's own hosts: their
sandboxes answer on loopback origins, so the gateway is pointed at them with
``SHOPMCP_UPSTREAM_BASE_URLS`` (a setting meant only for sandboxes) and their connections keep
a real-looking store reference. The Google sandbox serves every Google API under a path prefix
of the API's name and Google's token endpoint at ``/token``; the demo gives the gateway the
sandbox's OAuth client, so expired access tokens are refreshed there as they would be at
Google. The Xero sandbox likewise serves the Accounting API, ``/connections`` and the token
endpoint (``/connect/token``, rotating refresh tokens) of Xero's own hosts, with its OAuth
client. Magento and Neto stores are addressed by URL,
so their connections' stores are simply the sandboxes' ``https://127.0.0.1:<port>``.
Exactly the sandboxes' ``127.0.0.1:<port>`` origins are allow-listed for the SSRF guard
(``SHOPMCP_UPSTREAM_ALLOWED_HOSTS``); the guard stays on for everything else, other loopback
ports included.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import attrs
import httpx
from litestar import Litestar
from pydantic import SecretStr

from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.commands._admin import mcp_url
from shopmcp_entrypoints.container import (
    build_container,
    resolve,
)
from shopmcp_entrypoints.demo.clients import client_snippets, render
from shopmcp_entrypoints.demo.sandboxes import (
    bigcommerce,
    google,
    google_data,
    magento,
    neto,
    shopify,
    xero,
    xero_data,
    xero_state,
)
from shopmcp_entrypoints.demo.sandboxes.bigcommerce_data import STORE_HASH as BIGCOMMERCE_STORE
from shopmcp_entrypoints.demo.servers import LocalTls, issue_local_tls, serve_asgi
from shopmcp_entrypoints.demo.state import (
    DemoStore,
    PreparedDemo,
    load_state,
    prepare_demo_workspace,
    save_state,
)
from shopmcp_entrypoints.http.app import create_app
from shopmcp_entrypoints.lifecycle import stop_requested
from shopmcp_entrypoints.settings import Settings

DEMO_SHOP = "demo-store.myshopify.com"


SandboxFactory = Callable[[str], Litestar]

SANDBOXES: tuple[tuple[Platform, SandboxFactory], ...] = (
    (Platform.SHOPIFY, shopify.create_sandbox_app),
    (Platform.BIGCOMMERCE, bigcommerce.create_sandbox_app),
    (Platform.MAGENTO, magento.create_sandbox_app),
    (Platform.NETO, neto.create_sandbox_app),
    (Platform.XERO, xero.create_sandbox_app),
    (Platform.GOOGLE, google.create_sandbox_app),
)
# Platforms whose store reference is not a URL: the gateway reaches their sandbox through
# ``upstream_base_urls``, and the connection names this store.
STORE_REFS: dict[Platform, str] = {
    Platform.SHOPIFY: DEMO_SHOP,
    Platform.BIGCOMMERCE: BIGCOMMERCE_STORE,
    Platform.XERO: xero_data.TENANT_ID,
    Platform.GOOGLE: google_data.ACCOUNT_SUB,
}


def _access_token(secret: str) -> dict[str, str]:
    return {"access_token": secret}


def _neto_key(secret: str) -> dict[str, str]:
    # Neto authenticates an API user and its key (NETOAPI_USERNAME, NETOAPI_KEY).
    return {"username": neto.SANDBOX_USERNAME, "api_key": secret}


def _google_grant(secret: str) -> dict[str, str]:
    # What the OAuth flow stores: the sandbox accepts the secret as an access token until it
    # "expires" within the hour, then the gateway refreshes it at the sandbox's /token.
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=55)
    return {
        "access_token": secret,
        "refresh_token": google.refresh_token_for(secret),
        "expires_at": expires.isoformat(),
        "scopes": google_data.SCOPES,
    }


def _xero_grant(secret: str) -> dict[str, str]:
    # As the OAuth flow stores it; the sandbox's token endpoint rotates the refresh token on
    # every refresh, as Xero does.
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=25)
    return {
        "access_token": secret,
        "refresh_token": xero_state.refresh_token_for(secret),
        "expires_at": expires.isoformat(),
        "scopes": xero_data.SCOPES,
    }


# The credential each sandbox's generated secret makes, in its platform's credential fields.
_CREDENTIALS: dict[Platform, Callable[[str], dict[str, str]]] = {
    Platform.NETO: _neto_key,
    Platform.XERO: _xero_grant,
    Platform.GOOGLE: _google_grant,
}


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
        if Platform.GOOGLE in self.origins:
            # The sandbox's OAuth client: its token endpoint is the sandbox (base URL above).
            update["google_client_id"] = google_data.CLIENT_ID
            update["google_client_secret"] = SecretStr(google_data.CLIENT_SECRET)
        if Platform.XERO in self.origins:
            # The sandbox's OAuth client: its token endpoint is the sandbox (base URL above).
            update["xero_client_id"] = xero_data.CLIENT_ID
            update["xero_client_secret"] = SecretStr(xero_data.CLIENT_SECRET)
        return base.model_copy(update=update)

    def allowed_hosts(self) -> list[str]:
        """The sandboxes' ``host:port`` entries for the SSRF guard's allow-list."""
        return sorted(f"{url.host}:{url.port}" for url in map(httpx.URL, self.origins.values()))

    def store_ref(self, platform: Platform) -> str:
        return STORE_REFS[platform] if platform in STORE_REFS else self.origins[platform]

    def credentials(self, platform: Platform) -> CredentialPayload:
        return CredentialPayload(_CREDENTIALS.get(platform, _access_token)(self.tokens[platform]))


@asynccontextmanager
async def sandbox_stores(
    settings: Settings,
    tokens: Mapping[Platform, str] | None = None,
    ports: Mapping[Platform, int] | None = None,
) -> AsyncIterator[SandboxStores]:
    """Start every sandbox on its own loopback HTTPS port, with a CA made for this run. Each
    takes its token from ``tokens`` (else a fresh one) and its port from ``ports`` when that
    port is free (else any)."""
    tls = issue_local_tls(settings.data_dir / "sandbox-tls")
    async with AsyncExitStack() as stack:
        origins: dict[Platform, str] = {}
        used: dict[Platform, str] = {}
        for platform, create_sandbox_app in SANDBOXES:
            token = (tokens or {}).get(platform) or f"sandbox_{secrets.token_urlsafe(24)}"
            app = create_sandbox_app(token)
            try:
                running = await stack.enter_async_context(
                    serve_asgi(app, port=(ports or {}).get(platform, 0), tls=tls)
                )
            except OSError:  # the port the last run had is taken now
                running = await stack.enter_async_context(serve_asgi(app, tls=tls))
            origins[platform] = f"https://{running.origin}"
            used[platform] = token
        yield SandboxStores(tls=tls, origins=origins, tokens=used)


async def run_demo(settings: Settings, echo: Callable[[str], None]) -> None:
    """Run until Ctrl-C, SIGTERM or SIGHUP (or the gateway stops by itself)."""
    state = load_state(settings.data_dir)
    tokens = {platform: state.secret_for(platform) for platform, _ in SANDBOXES}
    async with (
        stop_requested() as stop,
        sandbox_stores(settings, tokens, state.sandbox_ports) as stores,
    ):
        state.sandbox_ports = {
            platform: int(httpx.URL(origin).port or 0)
            for platform, origin in stores.origins.items()
        }
        gateway_settings = stores.gateway_settings(settings)
        container = build_container(gateway_settings)
        app = create_app(gateway_settings, container)
        async with serve_asgi(app, port=gateway_settings.port, log_level="info") as gateway:
            demo = await prepare_demo_workspace(
                await resolve(container.tenants),
                await resolve(container.vault),
                await resolve(container.clock),
                [DemoStore(p, stores.store_ref(p), stores.credentials(p)) for p in stores.origins],
                state,
            )
            save_state(settings.data_dir, state)
            url = mcp_url(gateway_settings.model_copy(update={"port": gateway.port}), demo.token)
            for line in banner(stores, demo, url):
                echo(line)
            waiting = asyncio.create_task(stop.wait())
            await asyncio.wait({gateway.task, waiting}, return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
    echo("ShopMCP demo stopped.")


def banner(stores: SandboxStores, demo: PreparedDemo, url: str) -> list[str]:
    workspace = demo.workspace
    lines = ["", "ShopMCP demo is running."]
    lines += [
        f"  {platform.value} sandbox: {origin} (local CA {stores.tls.ca_bundle})"
        for platform, origin in stores.origins.items()
    ]
    if Platform.SHOPIFY in stores.tokens:
        # For trying the dashboard API (README): connect the sandbox shop to a workspace of
        # your own. The token opens only this local sandbox.
        lines.append(
            f"  to connect it through /api/v1: store {DEMO_SHOP}, access_token "
            f"{stores.tokens[Platform.SHOPIFY]}"
        )
    lines += [
        f"  workspace: {workspace.id} ({workspace.name}, plan {workspace.plan.value}: "
        f"{workspace.plan.rate_limit.limit} requests/min, read-only key)",
        "",
        "MCP URL (keep it secret; it is the key"
        + ("; the same as last run" if demo.reused_key else "; new: earlier demo URLs are revoked")
        + "):",
        f"  {url}",
        "",
        "Add it to ONE of these clients (each snippet is that client's own format):",
        "",
        *render(client_snippets(url)),
        "Press Ctrl-C to stop.",
    ]
    return lines
