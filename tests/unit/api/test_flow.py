"""A newcomer's whole path through the API alone: sign in, create a workspace, connect a store
(probed first), create a key, use it over MCP, enable writes, review the calls, revoke the key
and see the next call refused."""

from __future__ import annotations

from tests.unit.api.harness import Api

LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
MCP_HEADERS = {
    "content-type": "application/json",
    "accept": "application/json, text/event-stream",
    "mcp-protocol-version": "2025-11-25",
}


async def test_the_newcomers_path(api: Api) -> None:
    token = await api.sign_in("owner@example.com")
    workspace = await api.workspace(token)
    connected = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/connections",
        token,
        json={
            "platform": "shopify",
            "store": "acme.myshopify.com",
            "credentials": {"access_token": "shpat_candidate"},
        },
    )
    assert connected.status_code == 201, connected.text
    assert "scopes" in connected.json()["guidance"]
    assert "shpat_candidate" not in connected.text
    assert api.probe.probed == [(connected.json()["connection"]["platform"], "acme.myshopify.com")]

    issued = await api.call(
        "POST",
        f"/api/v1/workspaces/{workspace}/keys",
        token,
        json={"name": "laptop", "write": True},
    )
    assert issued.status_code == 201, issued.text
    mcp_token = issued.json()["token"]
    assert issued.json()["mcp_url"].endswith(f"/mcp/{mcp_token}")

    listed = await api.http.post(f"/mcp/{mcp_token}", json=LIST, headers=MCP_HEADERS)
    assert listed.status_code == 200
    names = {t["name"] for t in listed.json()["result"]["tools"]}
    assert "shopify_get_thing" in names and "shopify_update_thing" not in names

    enabled = await api.call(
        "PUT", f"/api/v1/workspaces/{workspace}/writes/shopify", token, json={"enabled": True}
    )
    assert enabled.status_code == 200, enabled.text
    assert enabled.json()["enabled"] is True
    listed = await api.http.post(f"/mcp/{mcp_token}", json=LIST, headers=MCP_HEADERS)
    assert "shopify_update_thing" in {t["name"] for t in listed.json()["result"]["tools"]}

    call = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "tools/call",
        "params": {"name": "shopify_get_thing", "arguments": {"thing_id": 7}},
    }
    answered = await api.http.post(f"/mcp/{mcp_token}", json=call, headers=MCP_HEADERS)
    assert answered.status_code == 200, answered.text

    usage = await api.call("GET", f"/api/v1/workspaces/{workspace}/usage", token)
    assert usage.status_code == 200, usage.text
    assert [e["tool"] for e in usage.json()["events"]] == ["shopify_get_thing"]
    prefix = issued.json()["key"]["prefix"]
    keys = await api.call("GET", f"/api/v1/workspaces/{workspace}/keys", token)
    assert keys.json()[0]["last_used_at"] is not None

    revoked = await api.call("DELETE", f"/api/v1/workspaces/{workspace}/keys/{prefix}", token)
    assert revoked.status_code == 204, revoked.text
    refused = await api.http.post(f"/mcp/{mcp_token}", json=LIST, headers=MCP_HEADERS)
    assert refused.status_code == 401

    audit = await api.call("GET", f"/api/v1/workspaces/{workspace}/audit", token)
    actions = [e["action"] for e in audit.json()["entries"]]
    assert sorted(actions) == sorted(
        [
            "key.revoke",
            "writes.enable",
            "key.create",
            "connection.create",
            "workspace.create",
        ]
    )
    assert {e["actor"] for e in audit.json()["entries"]} == {"owner@example.com"}
