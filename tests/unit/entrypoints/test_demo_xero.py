"""The demo serves a Xero sandbox and connects the demo workspace to its organisation: the
gateway reaches the Accounting API and Xero's token endpoint through the sandbox's origin with
the sandbox's OAuth client, and the connection holds what the OAuth flow would store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx

from shopmcp_adapters.memory import FakeClock
from shopmcp_adapters.upstreams.http import UpstreamHttp
from shopmcp_adapters.upstreams.xero import PACKAGE as XERO
from shopmcp_domain.oauth import expires_at_of
from shopmcp_domain.platforms import Platform
from shopmcp_entrypoints.demo.runner import SANDBOXES, SandboxStores
from shopmcp_entrypoints.demo.sandboxes import xero_data
from shopmcp_entrypoints.demo.sandboxes.xero_state import refresh_token_for
from shopmcp_entrypoints.demo.servers import LocalTls
from shopmcp_entrypoints.oauth_connect import oauth_clients
from shopmcp_entrypoints.settings import Settings

ORIGIN = "https://127.0.0.1:40006"
SECRET = "sandbox_0123456789abcdefghij"


def _stores(tmp_path: Path) -> SandboxStores:
    tls = LocalTls(tmp_path / "ca.pem", tmp_path / "cert.pem", tmp_path / "key.pem")
    return SandboxStores(
        tls=tls,
        origins={Platform.SHOPIFY: "https://127.0.0.1:40001", Platform.XERO: ORIGIN},
        tokens={Platform.XERO: SECRET},
    )


def test_the_demo_runs_a_sandbox_for_every_platform() -> None:
    from shopmcp_adapters.upstreams.platforms import AVAILABLE

    assert set(dict(SANDBOXES)) == set(AVAILABLE) == set(Platform)


async def test_the_gateway_reaches_xero_and_its_token_endpoint_through_the_sandbox(
    tmp_path: Path,
) -> None:
    settings = _stores(tmp_path).gateway_settings(Settings(data_dir=tmp_path))
    assert settings.upstream_base_urls[Platform.XERO] == ORIGIN
    assert "127.0.0.1:40006" in settings.upstream_allowed_hosts
    assert settings.xero_client_id == xero_data.CLIENT_ID
    async with httpx.AsyncClient() as client:
        clients = oauth_clients(settings, UpstreamHttp("oauth", client), FakeClock())
    oauth = clients[Platform.XERO]
    assert oauth.configured
    assert oauth.provider.token_url == f"{ORIGIN}/connect/token"


def test_the_demo_connection_is_the_sandbox_organisation_with_an_oauth_grant(
    tmp_path: Path,
) -> None:
    stores = _stores(tmp_path)
    assert XERO.check_store_ref(stores.store_ref(Platform.XERO)) == xero_data.TENANT_ID
    payload = stores.credentials(Platform.XERO)
    XERO.check_credential_fields(payload.keys())
    assert payload["access_token"] == SECRET
    assert payload["refresh_token"] == refresh_token_for(SECRET)
    expires = expires_at_of(payload)
    assert expires is not None and expires > dt.datetime.now(dt.UTC)
