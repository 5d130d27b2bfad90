"""Several stores of one platform through the MCP endpoint and the official client: the
``store`` argument in each scope's tool schemas, and each store reached by it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.workspaces import Workspace
from shopmcp_entrypoints.http import mcp as mcp_layer
from tests.factories import ADMITTED, NOW, World
from tests.unit.entrypoints.harness import Gateway

LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
MODES = ["legacy", "2026-07-28"]
STORE_A = "https://a.shop.example"
STORE_B = "https://b.shop.example"


def thing(call: UpstreamCall) -> ToolOutput:
    args = call.arguments.model_dump()
    return ToolOutput(
        structured={"thing_id": args["thing_id"], "title": call.connection.store_ref}, text="ok"
    )


@pytest.fixture(autouse=True)
def _answers(gateway: Gateway) -> None:
    for platform in (Platform.SHOPIFY, Platform.MAGENTO):
        gateway.world.upstream.answer(f"{platform.value}_get_thing", thing)
        gateway.world.upstream.answer(f"{platform.value}_update_thing", thing)


async def two_magento_stores(world: World, **tenant: Any) -> tuple[Workspace, str]:
    """Shopify plus two Magento stores: one known by its URL, one named "Outlet"."""
    workspace, issued = await world.tenant(platforms=(Platform.SHOPIFY,), **tenant)
    await world.connect(workspace.id, Platform.MAGENTO, STORE_A)
    # Connected later: labels are listed in the order the stores were connected.
    later = NOW + dt.timedelta(minutes=1)
    await world.connect(
        workspace.id, Platform.MAGENTO, STORE_B, display_name="Outlet", created_at=later
    )
    return workspace, issued.token


async def listed(gateway: Gateway, token: str) -> dict[str, dict[str, Any]]:
    response = await gateway.post(f"/mcp/{token}", LIST)
    assert response.status_code == 200
    return {tool["name"]: tool for tool in response.json()["result"]["tools"]}


def text(result: Any) -> str:
    return str(result.content[0].text)


# --------------------------------------------------------------------------- tools/list


async def test_tools_list_with_two_stores_requires_store_from_their_labels(
    gateway: Gateway,
) -> None:
    _, token = await two_magento_stores(gateway.world)
    tools = await listed(gateway, token)
    schema = tools["magento_get_thing"]["inputSchema"]
    assert schema["properties"]["store"] == {
        "type": "string",
        "title": "Store",
        "description": "Which connected Magento (Adobe Commerce) store",
        "enum": [STORE_A, "Outlet"],
    }
    assert schema["required"] == ["store", "thing_id"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["thing_id"]["minimum"] == 1
    # Shopify, connected once in the same workspace: an optional store of one.
    shopify = tools["shopify_get_thing"]["inputSchema"]
    assert len(shopify["properties"]["store"]["enum"]) == 1
    assert shopify["properties"]["store"]["description"] == "Which connected Shopify store"
    assert shopify["required"] == ["thing_id"]


async def test_tools_list_with_one_store_offers_an_optional_store_of_one(
    gateway: Gateway,
) -> None:
    workspace, issued = await gateway.world.tenant(platforms=(Platform.MAGENTO,))
    schema = (await listed(gateway, issued.token))["magento_get_thing"]["inputSchema"]
    assert schema["properties"]["store"]["enum"] == [f"magento-{str(workspace.id)[:8]}.example"]
    assert schema["required"] == ["thing_id"]


async def test_each_workspace_sees_its_own_stores(gateway: Gateway) -> None:
    _, two = await two_magento_stores(gateway.world)
    _, issued = await gateway.world.tenant(platforms=(Platform.MAGENTO,))
    one = issued.token
    first = (await listed(gateway, two))["magento_get_thing"]["inputSchema"]
    second = (await listed(gateway, one))["magento_get_thing"]["inputSchema"]
    again = (await listed(gateway, two))["magento_get_thing"]["inputSchema"]
    assert first == again
    assert first["properties"]["store"]["enum"] == [STORE_A, "Outlet"]
    assert second["properties"]["store"]["enum"] != first["properties"]["store"]["enum"]
    assert "store" not in second["required"]


async def test_wire_forms_are_cached_not_rebuilt_per_request(gateway: Gateway) -> None:
    _, token = await two_magento_stores(gateway.world)
    mcp_gateway = gateway.app.state.gateway
    await listed(gateway, token)
    built = mcp_gateway.wire_tools.cache_info().misses
    for _ in range(3):
        await listed(gateway, token)
    info = mcp_gateway.wire_tools.cache_info()
    assert info.misses == built
    assert info.hits >= 3 * 2  # two tools per listing, all from the cache


async def test_the_input_schema_lookup_gives_the_scope_s_schema(gateway: Gateway) -> None:
    """What the SDK asks on the 2026-07-28 path is what tools/list showed."""
    _, token = await two_magento_stores(gateway.world)
    shown = (await listed(gateway, token))["magento_get_thing"]["inputSchema"]
    mcp_gateway = gateway.app.state.gateway
    scope = await gateway.world.scope(token)
    reset = mcp_layer._REQUEST.set(mcp_layer.McpRequest(scope, ADMITTED))
    try:
        looked_up = mcp_gateway._tool_input_schema("magento_get_thing")
        hidden = mcp_gateway._tool_input_schema("magento_update_thing")
    finally:
        mcp_layer._REQUEST.reset(reset)
    assert looked_up == shown
    assert hidden is None


# --------------------------------------------------------------------------- tools/call


@pytest.mark.parametrize("mode", MODES)
async def test_two_magento_stores_are_each_called_by_store(gateway: Gateway, mode: str) -> None:
    world = gateway.world
    workspace, token = await two_magento_stores(world)
    async with gateway.client(token, mode=mode) as client:
        first = await client.call_tool("magento_get_thing", {"thing_id": 1, "store": STORE_A})
        second = await client.call_tool("magento_get_thing", {"thing_id": 2, "store": "Outlet"})
    assert first.is_error is False, text(first)
    assert second.is_error is False, text(second)
    assert first.structured_content == {"thing_id": 1, "title": STORE_A}
    assert second.structured_content == {"thing_id": 2, "title": STORE_B}
    assert [c.connection.store_ref for c in world.upstream.calls] == [STORE_A, STORE_B]
    async with world.store.unit_of_work(workspace.id) as uow:
        by_ref = {c.store_ref: c.id for c in await uow.connections.list()}
        events = list(await uow.usage.recent())
    assert {e.connection_id for e in events} == {by_ref[STORE_A], by_ref[STORE_B]}
    assert {e.status for e in events} == {UsageStatus.OK}


@pytest.mark.parametrize("mode", MODES)
async def test_a_connection_id_names_a_store_too(gateway: Gateway, mode: str) -> None:
    world = gateway.world
    workspace, token = await two_magento_stores(world)
    async with world.store.unit_of_work(workspace.id) as uow:
        outlet = next(c for c in await uow.connections.list() if c.label == "Outlet")
    async with gateway.client(token, mode=mode) as client:
        result = await client.call_tool(
            "magento_get_thing", {"thing_id": 3, "store": str(outlet.id)}
        )
    assert result.structured_content == {"thing_id": 3, "title": STORE_B}


@pytest.mark.parametrize("mode", MODES)
async def test_with_two_stores_a_call_without_store_is_refused_naming_them(
    gateway: Gateway, mode: str
) -> None:
    world = gateway.world
    workspace, token = await two_magento_stores(world)
    async with gateway.client(token, mode=mode) as client:
        missing = await client.call_tool("magento_get_thing", {"thing_id": 1})
        unknown = await client.call_tool("magento_get_thing", {"thing_id": 1, "store": "Main"})
    assert missing.is_error and "store: required" in text(missing)
    assert f"'{STORE_A}'" in text(missing) and "'Outlet'" in text(missing)
    assert unknown.is_error and "'Outlet'" in text(unknown)
    assert world.upstream.calls == []
    async with world.store.unit_of_work(workspace.id) as uow:
        statuses = [e.status for e in await uow.usage.recent()]
    assert statuses == [UsageStatus.INVALID_ARGUMENTS] * 2


@pytest.mark.parametrize("mode", MODES)
async def test_with_one_store_store_can_be_omitted_or_given(gateway: Gateway, mode: str) -> None:
    workspace, issued = await gateway.world.tenant(platforms=(Platform.MAGENTO,))
    ref = f"magento-{str(workspace.id)[:8]}.example"
    async with gateway.client(issued.token, mode=mode) as client:
        omitted = await client.call_tool("magento_get_thing", {"thing_id": 1})
        given = await client.call_tool("magento_get_thing", {"thing_id": 2, "store": ref})
    assert omitted.structured_content == {"thing_id": 1, "title": ref}
    assert given.structured_content == {"thing_id": 2, "title": ref}
