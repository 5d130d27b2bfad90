"""What the workspace routes do: connect (probed, nothing saved on failure), replace a
credential, disconnect; keys scoped to connections and revoked through a real scope cache;
the operator's write lock; deleting a workspace; members and the last owner; the staff
console."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from dependency_injector import providers

from shopmcp_adapters.memory import InMemoryChangeFeed
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.services.key_scope import ConnectionScopedSource
from shopmcp_domain.services.scope_cache import CachedScopeSource
from shopmcp_entrypoints.container import Container
from tests.factories import World
from tests.unit.api.harness import Api, running_api

MCP_HEADERS = {
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
    "mcp-protocol-version": "2025-11-25",
}
LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}


async def _connect(api: Api, token: str, workspace: str, platform: str, store: str) -> Any:
    return await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/connections",
        token,
        json={"platform": platform, "store": store, "credentials": {"access_token": "tok"}},
    )


async def _tools(api: Api, mcp_token: str) -> Any:
    return await api.http.post(f"/mcp/{mcp_token}", json=LIST, headers=MCP_HEADERS)


async def test_a_refused_credential_saves_nothing_and_says_why(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    api.probe.refusals["typo.myshopify.com"] = "shopify answered 401: Invalid API key"
    refused = await _connect(api, token, workspace, "shopify", "typo.myshopify.com")
    assert refused.status_code == 422
    assert refused.json()["code"] == "credential_rejected"
    assert "Invalid API key" in refused.json()["detail"]
    listed = await api.call("GET", f"/api/v1/workspaces/{workspace}/connections", token)
    assert listed.json() == []


async def test_a_store_address_the_guard_refuses_is_never_tried(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    api.store_check.refused = frozenset({"https://10.0.0.5"})
    refused = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/connections",
        token,
        json={
            "platform": "magento",
            "store": "https://10.0.0.5",
            "credentials": {"access_token": "x"},
        },
    )
    assert refused.status_code >= 400 and refused.status_code < 500, refused.text
    assert api.probe.probed == []


async def test_an_oauth_platform_is_not_connected_with_a_token(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    refused = await _connect(api, token, workspace, "google", "someone@example.com")
    assert refused.status_code == 422, refused.text
    platforms = {p["platform"]: p for p in (await api.call("GET", "/api/v1/platforms")).json()}
    assert platforms["google"]["oauth"] is True and platforms["google"]["credential_fields"] == []
    assert platforms["shopify"]["oauth"] is False


async def test_connecting_again_is_a_conflict_and_replacing_works(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    first = await _connect(api, token, workspace, "shopify", "acme.myshopify.com")
    again = await _connect(api, token, workspace, "shopify", "acme.myshopify.com")
    assert again.status_code == 409
    connection = first.json()["connection"]["id"]
    api.probe.refusals["acme.myshopify.com"] = "still wrong"
    path = f"/api/v1/workspaces/{workspace}/connections/{connection}/credential"
    refused = await api.call("PUT", path, token, json={"credentials": {"access_token": "x"}})
    assert refused.status_code == 422
    del api.probe.refusals["acme.myshopify.com"]
    replaced = await api.call("PUT", path, token, json={"credentials": {"access_token": "new"}})
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["connection"]["credential_generation"] == 2
    workspace_id = WorkspaceId(uuid.UUID(workspace))
    async with api.world.store.unit_of_work(workspace_id) as uow:
        [stored] = await uow.connections.list()
        [sealed] = await uow.credentials.list()
    opened = await api.world.vault.open(stored.credential_context, sealed)
    assert opened["access_token"] == "new"


async def test_disconnecting_shreds_the_credential(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    made = await _connect(api, token, workspace, "shopify", "acme.myshopify.com")
    path = f"/api/v1/workspaces/{workspace}/connections/{made.json()['connection']['id']}"
    assert (await api.call("DELETE", path, token)).status_code == 204
    assert (await api.call("DELETE", path, token)).status_code == 404
    async with api.world.store.unit_of_work(WorkspaceId(uuid.UUID(workspace))) as uow:
        assert await uow.credentials.list() == []


async def test_the_operator_lock_refuses_enabling_writes(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    locked = await api.call(
        "PUT", f"/api/v1/workspaces/{workspace}/writes/magento", token, json={"enabled": True}
    )
    assert locked.status_code == 409 and locked.json()["code"] == "writes_locked"
    writes = await api.call("GET", f"/api/v1/workspaces/{workspace}/writes", token)
    magento = next(w for w in writes.json() if w["platform"] == "magento")
    assert magento == {"platform": "magento", "enabled": False, "locked": True, "connected": False}
    unknown = await api.call(
        "PUT", f"/api/v1/workspaces/{workspace}/writes/woocommerce", token, json={"enabled": True}
    )
    assert unknown.status_code == 422


@pytest.fixture
async def cached() -> AsyncIterator[Api]:
    """The gateway's real scope cache, on a feed that stays silent: only the API's own
    ``forget_workspace`` after a change can make it reload."""
    world = World()
    feed = InMemoryChangeFeed()

    def configure(container: Container) -> None:
        source = CachedScopeSource(ConnectionScopedSource(world.store), feed, world.clock)
        container.scope_source.override(providers.Object(source))

    async with running_api(world, configure) as api:
        yield api


async def test_a_revoked_key_is_refused_on_the_very_next_request(cached: Api) -> None:
    api = cached
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    await _connect(api, token, workspace, "shopify", "acme.myshopify.com")
    issued = await api.call("POST", f"/api/v1/workspaces/{workspace}/keys", token, json={})
    mcp_token, prefix = issued.json()["token"], issued.json()["key"]["prefix"]
    assert (await _tools(api, mcp_token)).status_code == 200  # now cached
    assert (await _tools(api, mcp_token)).status_code == 200
    revoked = await api.call("DELETE", f"/api/v1/workspaces/{workspace}/keys/{prefix}", token)
    assert revoked.status_code == 204
    assert (await _tools(api, mcp_token)).status_code == 401


async def test_a_key_scoped_to_one_connection_sees_only_its_platform(cached: Api) -> None:
    api = cached
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    shop = await _connect(api, token, workspace, "shopify", "acme.myshopify.com")
    await _connect(api, token, workspace, "bigcommerce", "abc123")
    scoped = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/keys",
        token,
        json={"connections": [shop.json()["connection"]["id"]]},
    )
    assert scoped.status_code == 201, scoped.text
    assert scoped.json()["key"]["scopes"]["connections"] == [shop.json()["connection"]["id"]]
    names = {
        t["name"] for t in (await _tools(api, scoped.json()["token"])).json()["result"]["tools"]
    }
    assert names == {"shopify_get_thing"}
    everything = await api.call("POST", f"/api/v1/workspaces/{workspace}/keys", token, json={})
    names = {
        t["name"] for t in (await _tools(api, everything.json()["token"])).json()["result"]["tools"]
    }
    assert names == {"shopify_get_thing", "bigcommerce_get_thing"}
    foreign = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/keys",
        token,
        json={"connections": [str(uuid.uuid4())]},
    )
    assert foreign.status_code == 422


async def test_deleting_a_workspace_revokes_shreds_and_stops_serving(cached: Api) -> None:
    api = cached
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    await _connect(api, token, workspace, "shopify", "acme.myshopify.com")
    issued = await api.call("POST", f"/api/v1/workspaces/{workspace}/keys", token, json={})
    assert (await _tools(api, issued.json()["token"])).status_code == 200
    gone = await api.call("DELETE", f"/api/v1/workspaces/{workspace}", token)
    assert gone.status_code == 202 and gone.json()["status"] == "pending_deletion"
    refused_call = await _tools(api, issued.json()["token"])
    assert refused_call.status_code == 401
    # The key's holder is told why; a guess at the key's secret learns nothing.
    assert "pending deletion" in refused_call.json()["error"]["message"]
    prefix = issued.json()["key"]["prefix"]
    guessed = await _tools(api, f"smcp_{prefix}_{'A' * 43}")
    assert guessed.status_code == 401
    assert guessed.json()["error"]["message"] == "invalid or revoked MCP key"
    assert uuid.UUID(workspace) in api.world.vault.forgotten_workspaces
    shown = await api.call("GET", f"/api/v1/workspaces/{workspace}", token)
    assert shown.json()["status"] == "pending_deletion"
    keys = await api.call("GET", f"/api/v1/workspaces/{workspace}/keys", token)
    assert all(k["revoked_at"] for k in keys.json())
    assert (
        await api.call("GET", f"/api/v1/workspaces/{workspace}/connections", token)
    ).json() == []
    again = await api.call("DELETE", f"/api/v1/workspaces/{workspace}", token)
    assert again.json()["requested_at"] == gone.json()["requested_at"]
    refused = await _connect(api, token, workspace, "shopify", "acme.myshopify.com")
    assert refused.status_code == 409 and refused.json()["code"] == "workspace_not_active"


async def test_a_workspace_keeps_an_owner(api: Api) -> None:
    token = await api.sign_in("a@example.com")
    workspace = await api.workspace(token)
    me = (await api.call("GET", "/api/v1/session", token)).json()["account"]["id"]
    demote = await api.call(
        "PATCH", f"/api/v1/workspaces/{workspace}/members/{me}", token, json={"role": "admin"}
    )
    assert demote.status_code == 409 and demote.json()["code"] == "last_owner"
    added = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/members",
        token,
        json={"email": "b@example.com", "role": "owner"},
    )
    assert added.status_code == 201
    demote = await api.call(
        "PATCH", f"/api/v1/workspaces/{workspace}/members/{me}", token, json={"role": "viewer"}
    )
    assert demote.status_code == 200 and demote.json()["role"] == "viewer"
    assert (
        await api.call("DELETE", f"/api/v1/workspaces/{workspace}/keys/nope", token)
    ).status_code == 403


async def test_the_staff_console(cached: Api) -> None:
    api = cached
    token = await api.sign_in("merchant@example.com")
    workspace = await api.workspace(token)
    await _connect(api, token, workspace, "shopify", "acme.myshopify.com")
    issued = await api.call("POST", f"/api/v1/workspaces/{workspace}/keys", token, json={})
    staff = await api.sign_in("staff@example.com")
    refused = await api.call("GET", "/api/v1/admin/workspaces", staff)
    assert refused.status_code == 403 and refused.json()["code"] == "staff_only"
    assert await api.world.store.set_staff("staff@example.com", True) is not None

    listed = await api.call("GET", "/api/v1/admin/workspaces", staff)
    assert workspace in {w["id"] for w in listed.json()["workspaces"]}
    shown = await api.call("GET", f"/api/v1/admin/workspaces/{workspace}", staff)
    assert shown.json()["connections"] == 1 and shown.json()["platforms"] == ["shopify"]
    assert "tok" not in shown.text
    assert (await _tools(api, issued.json()["token"])).status_code == 200
    suspended = await api.call("POST", f"/api/v1/admin/workspaces/{workspace}/suspend", staff)
    assert suspended.json()["status"] == "suspended"
    assert (await _tools(api, issued.json()["token"])).status_code == 403
    resumed = await api.call("POST", f"/api/v1/admin/workspaces/{workspace}/resume", staff)
    assert resumed.json()["status"] == "active"
    assert (await _tools(api, issued.json()["token"])).status_code == 200
    audit = await api.call("GET", f"/api/v1/workspaces/{workspace}/audit", token)
    staff_actions = {
        e["action"] for e in audit.json()["entries"] if e["actor"].startswith("staff:")
    }
    assert staff_actions == {"admin.inspect", "admin.suspend", "admin.resume"}
    missing = await api.call("POST", f"/api/v1/admin/workspaces/{uuid.uuid4()}/suspend", staff)
    assert missing.status_code == 404
