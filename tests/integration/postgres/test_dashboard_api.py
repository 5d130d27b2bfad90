"""The dashboard API on the real stores (PostgreSQL as the tenant, MCP and owner roles, the
LISTEN change feed, the local vault, the gateway's own scope cache), in process: the
newcomer's path from signing in to a revoked key refused on its very next call."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
import pytest_asyncio
from dependency_injector import providers

from shopmcp_adapters.memory import OutboxMailer
from shopmcp_adapters.postgres import Database
from shopmcp_domain.accounts import AuthSecret
from shopmcp_entrypoints.container import build_container
from shopmcp_entrypoints.http.app import create_app
from shopmcp_entrypoints.settings import Settings
from tests.asgi import asgi_app
from tests.unit.api.harness import FakeProbe
from tests.unit.entrypoints.harness import BASE, lifespan

pytestmark = pytest.mark.integration

MCP_HEADERS = {
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
    "mcp-protocol-version": "2025-11-25",
}
LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}


@pytest_asyncio.fixture(loop_scope="session")
async def client(
    database: Database, tmp_path: Path
) -> AsyncIterator[tuple[httpx2.AsyncClient, OutboxMailer]]:
    settings = Settings(data_dir=tmp_path, signup_open=True)
    container = build_container(settings)
    mailer = OutboxMailer()
    container.database.override(providers.Object(database))
    container.mailer.override(providers.Object(mailer))
    container.credential_probe.override(providers.Object(FakeProbe()))
    container.auth_secret.override(
        providers.Object(AuthSecret(b"auth-secret-for-the-integration-tests-0123"))
    )
    container.outbox_drainer.override(providers.Object(None))
    app = create_app(settings, container)
    async with lifespan(app):
        transport = httpx2.ASGITransport(app=asgi_app(app))
        async with httpx2.AsyncClient(transport=transport, base_url=BASE) as http:
            yield http, mailer


async def test_the_newcomers_path_on_postgresql(
    client: tuple[httpx2.AsyncClient, OutboxMailer],
) -> None:
    http, mailer = client
    await http.post("/api/v1/auth/code", json={"email": "pg@example.com"})
    code = re.search(r"code is (\d{8})", mailer.sent[-1].text)
    assert code is not None
    opened = await http.post(
        "/api/v1/auth/session", json={"email": "pg@example.com", "code": code.group(1)}
    )
    assert opened.status_code == 201, opened.text
    http.cookies.clear()
    auth = {"authorization": f"Bearer {opened.json()['token']}"}

    made = await http.post("/api/v1/workspaces", json={"name": "PG shop"}, headers=auth)
    workspace = made.json()["id"]
    assert [w["role"] for w in (await http.get("/api/v1/workspaces", headers=auth)).json()] == [
        "owner"
    ]
    connected = await http.post(
        f"/api/v1/workspaces/{workspace}/connections",
        json={
            "platform": "shopify",
            "store": "pg-shop.myshopify.com",
            "credentials": {"access_token": "shpat_pg"},
        },
        headers=auth,
    )
    assert connected.status_code == 201, connected.text
    issued = await http.post(f"/api/v1/workspaces/{workspace}/keys", json={}, headers=auth)
    token, prefix = issued.json()["token"], issued.json()["key"]["prefix"]
    listed = await http.post(f"/mcp/{token}", json=LIST, headers=MCP_HEADERS)
    assert listed.status_code == 200, listed.text
    assert "shopify_get_shop" in {t["name"] for t in listed.json()["result"]["tools"]}
    # Cached now; revoking drops it on this replica at once.
    assert (await http.post(f"/mcp/{token}", json=LIST, headers=MCP_HEADERS)).status_code == 200
    revoked = await http.delete(f"/api/v1/workspaces/{workspace}/keys/{prefix}", headers=auth)
    assert revoked.status_code == 204
    refused = await http.post(f"/mcp/{token}", json=LIST, headers=MCP_HEADERS)
    assert refused.status_code == 401

    audit = await http.get(f"/api/v1/workspaces/{workspace}/audit", headers=auth)
    assert {e["action"] for e in audit.json()["entries"]} == {
        "workspace.create",
        "connection.create",
        "key.create",
        "key.revoke",
    }
    stranger = await http.get(f"/api/v1/workspaces/{workspace}", headers={"authorization": "x"})
    assert stranger.status_code == 401
