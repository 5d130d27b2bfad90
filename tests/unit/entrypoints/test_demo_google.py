"""The demo serves a Google sandbox and connects the demo workspace to it: the gateway reaches
every Google API through the sandbox's origin (a path prefix per API), refreshes tokens at the
sandbox's ``/token`` with the sandbox's OAuth client, and the connection holds what the OAuth
flow would store for the sandbox's account."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.upstreams.google import PACKAGE as GOOGLE
from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_domain.oauth import expires_at_of
from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.demo.runner import SANDBOXES, SandboxStores
from shopmcp_entrypoints.demo.sandboxes import google_data
from shopmcp_entrypoints.demo.sandboxes.google import refresh_token_for
from shopmcp_entrypoints.demo.servers import LocalTls
from shopmcp_entrypoints.oauth_connect import oauth_clients
from shopmcp_entrypoints.settings import Settings

ORIGIN = "https://127.0.0.1:40005"
SECRET = "sandbox_0123456789abcdefghij"


def _stores(tmp_path: Path) -> SandboxStores:
    tls = LocalTls(tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem")
    return SandboxStores(
        tls=tls,
        origins={Platform.SHOPIFY: "https://127.0.0.1:40001", Platform.GOOGLE: ORIGIN},
        tokens={Platform.GOOGLE: SECRET},
    )


def test_the_demo_runs_a_google_sandbox() -> None:
    assert Platform.GOOGLE in dict(SANDBOXES)


async def test_the_gateway_reaches_google_and_its_token_endpoint_through_the_sandbox(
    tmp_path: Path,
) -> None:
    settings = _stores(tmp_path).gateway_settings(Settings(data_dir=tmp_path))
    assert settings.upstream_base_urls[Platform.GOOGLE] == ORIGIN
    assert "127.0.0.1:40005" in settings.upstream_allowed_hosts
    assert settings.google_client_id == google_data.CLIENT_ID
    async with httpx.AsyncClient() as client:
        clients = oauth_clients(settings, UpstreamHttp("oauth", client), FakeClock())
    oauth = clients[Platform.GOOGLE]
    assert oauth.configured
    assert oauth.provider.token_url == f"{ORIGIN}/token"


def test_without_a_google_sandbox_the_google_settings_are_left_alone(tmp_path: Path) -> None:
    tls = LocalTls(tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem")
    stores = SandboxStores(tls=tls, origins={Platform.SHOPIFY: "https://127.0.0.1:1"}, tokens={})
    settings = stores.gateway_settings(Settings(data_dir=tmp_path))
    assert settings.google_client_id is None
    assert Platform.GOOGLE not in settings.upstream_base_urls


def test_the_demo_connection_is_the_sandbox_account_with_an_oauth_grant(tmp_path: Path) -> None:
    stores = _stores(tmp_path)
    assert GOOGLE.check_store_ref(stores.store_ref(Platform.GOOGLE)) == google_data.ACCOUNT_SUB
    payload = stores.credentials(Platform.GOOGLE)
    GOOGLE.check_credential_fields(payload.keys())
    assert payload["access_token"] == SECRET
    assert payload["refresh_token"] == refresh_token_for(SECRET)
    expires = expires_at_of(payload)
    assert expires is not None and expires > dt.datetime.now(dt.UTC)
