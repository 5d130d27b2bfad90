"""The gateway process, end to end, through the official MCP client over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import asyncpg
import pytest
from mcp import Client

from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from shopmcp_domain.services.playbook_tools import PLAYBOOK_TOOLS
from tests.confirming import call_confirmed
from tests.integration.e2e.conftest import E2E

pytestmark = pytest.mark.integration

MODERN = "2026-07-28"  # pinned: no handshake round trips, so every POST is one tools/* request


def client(e2e: E2E, token: str, mode: str = "legacy") -> Client:
    return Client(e2e.mcp_url(token), mode=mode, cache=None)


async def statuses(e2e: E2E, workspace_id: Any) -> list[UsageStatus]:
    async with e2e.database.tenants.unit_of_work(workspace_id) as uow:
        return [event.status for event in await uow.usage.recent(limit=500)]


def text(result: Any) -> str:
    return str(result.content[0].text)


async def test_tools_list_and_read_calls_against_the_sandboxes(e2e: E2E) -> None:
    workspace, issued = await e2e.tenant()
    async with client(e2e, issued.token) as mcp:
        names = {tool.name for tool in (await mcp.list_tools()).tools}
        assert {"shopify_get_shop", "shopify_list_products", "magento_get_store"} <= names
        assert not any(name.endswith(("update_product", "set_inventory")) for name in names)
        shop = await mcp.call_tool("shopify_get_shop", {})
        assert shop.is_error is False, text(shop)
        assert shop.structured_content is not None
        products = await mcp.call_tool("shopify_list_products", {"first": 5})
        assert products.is_error is False, text(products)
        store = await mcp.call_tool("magento_get_store", {})
        assert store.is_error is False, text(store)
        orders = await mcp.call_tool("magento_search_orders", {"page_size": 5})
        assert orders.is_error is False, text(orders)
    assert sorted(await statuses(e2e, workspace.id)) == [UsageStatus.OK] * 4


async def test_usage_events_and_meter_rows_are_written_with_each_call(
    e2e: E2E, postgres_database_url: str
) -> None:
    workspace, issued = await e2e.tenant(platforms=(Platform.SHOPIFY,))
    async with client(e2e, issued.token, MODERN) as mcp:
        await mcp.call_tool("shopify_get_shop", {})
        await mcp.call_tool("shopify_get_order", {"order_id": "not-an-id"})
        await mcp.call_tool("magento_get_store", {})
    conn = await asyncpg.connect(postgres_database_url)
    try:
        rows = await conn.fetch(
            "select u.tool, u.status, u.key_prefix, m.quantity from shopmcp.usage_events u "
            "join shopmcp.meter_outbox m on m.usage_event_id = u.id "
            "where u.workspace_id = $1 order by u.created_at",
            workspace.id,
        )
    finally:
        await conn.close()
    assert len(rows) == 3
    assert {row["key_prefix"] for row in rows} == {issued.key.prefix}
    by_tool = {row["tool"]: (row["status"], row["quantity"]) for row in rows}
    assert by_tool["shopify_get_shop"] == ("ok", 1)
    assert by_tool["magento_get_store"] == ("not_allowed", 0)
    assert by_tool["shopify_get_order"][1] == 0


async def test_write_tools_refused_until_opted_in(e2e: E2E) -> None:
    workspace, issued = await e2e.tenant(write=True)
    arguments = {"sku": "MS-TEE-M", "name": "Renamed by e2e"}
    async with client(e2e, issued.token, MODERN) as mcp:
        assert "magento_update_product" not in {t.name for t in (await mcp.list_tools()).tools}
        refused = await mcp.call_tool("magento_update_product", arguments)
        assert refused.is_error and "not enabled" in text(refused)
    await onboarding.set_writes(
        e2e.database.tenants,
        workspace.id,
        Platform.MAGENTO,
        True,
        writes_locked=e2e.writes_locked,
    )
    async with client(e2e, issued.token, MODERN) as mcp:
        tools = {t.name: t for t in (await mcp.list_tools()).tools}
        assert "magento_update_product" in tools
        assert "shopify_update_product" not in tools  # opt-in is per platform
        assert tools["magento_update_product"].annotations is not None
        assert tools["magento_update_product"].annotations.read_only_hint is False
        preview, allowed = await call_confirmed(mcp, "magento_update_product", arguments)
        assert "not enabled" not in text(preview) and "not enabled" not in text(allowed)
    seen = await statuses(e2e, workspace.id)
    assert {UsageStatus.NOT_ALLOWED, UsageStatus.CONFIRMATION_REQUIRED} <= set(seen)


async def test_a_stale_stock_write_is_a_tool_error_and_changes_nothing(e2e: E2E) -> None:
    workspace, issued = await e2e.tenant(platforms=(Platform.SHOPIFY,), write=True)
    await onboarding.set_writes(e2e.database.tenants, workspace.id, Platform.SHOPIFY, True)
    async with client(e2e, issued.token, MODERN) as mcp:

        async def stock() -> dict[str, Any]:
            read = await mcp.call_tool("shopify_get_inventory", {"sku": "BLA-TEE-L"})
            assert read.structured_content is not None, text(read)
            variant = read.structured_content["variants"][0]
            level = variant["levels"][0]
            return {
                "inventory_item_id": variant["inventory_item_id"],
                "location_id": level["location_id"],
                "expected_quantity": level["available"],
            }

        seen = await stock()
        before = seen["expected_quantity"]
        stale = {**seen, "expected_quantity": before + 1, "quantity": before + 5}
        # The preview changes nothing; the confirmed stale write is the store's refusal.
        _, refused = await call_confirmed(mcp, "shopify_set_inventory", stale)
        assert refused.is_error, text(refused)
        assert f"is no longer {before + 1}" in text(refused)
        assert "Read it again with shopify_get_inventory" in text(refused)
        assert await stock() == seen

        _, applied = await call_confirmed(
            mcp, "shopify_set_inventory", {**seen, "quantity": before + 5}
        )
        assert applied.is_error is False, text(applied)
        assert (await stock())["expected_quantity"] == before + 5
    assert UsageStatus.UPSTREAM_ERROR in await statuses(e2e, workspace.id)


async def test_concurrent_calls_beyond_the_limit_admit_exactly_the_limit(e2e: E2E) -> None:
    limit = PlanTier.SOLO.rate_limit.limit
    workspace, issued = await e2e.tenant(platforms=(Platform.SHOPIFY,), plan=PlanTier.SOLO)

    # Enough calls that the burst goes past the limit whatever the plan's limit is.
    clients = 15
    per_client = limit // clients + 5
    # The sliding window weighs the previous minute's count: start early in a minute, so the
    # listing and the burst (a few seconds for this many calls) share one window.
    into_minute = time.time() % 60
    if into_minute > 30:
        await asyncio.sleep(61 - into_minute)
    async with contextlib.AsyncExitStack() as stack:
        sessions = [
            await stack.enter_async_context(client(e2e, issued.token, MODERN))
            for _ in range(clients)
        ]
        # Phase 1: each client lists tools once (the client needs the output schemas to check
        # results), so 15 of the window's requests are spent before the burst.
        for mcp in sessions:
            await mcp.list_tools()
        # Phase 2: every call at once.
        results = await asyncio.gather(
            *[mcp.call_tool("shopify_get_shop", {}) for mcp in sessions for _ in range(per_client)]
        )
    limit -= clients
    extra = clients * per_client - limit
    refused = [r for r in results if r.is_error and "rate limit" in text(r)]
    admitted = [r for r in results if r not in refused]
    assert len(admitted) == limit
    assert len(refused) == extra
    assert all(not r.is_error for r in admitted), [text(r) for r in admitted if r.is_error][:3]
    assert "retry after" in text(refused[0])
    recorded = await statuses(e2e, workspace.id)
    assert recorded.count(UsageStatus.OK) == limit
    assert recorded.count(UsageStatus.RATE_LIMITED) == extra

    # Other methods are refused at the HTTP layer, with the headers.
    import httpx

    async with httpx.AsyncClient() as http:
        response = await http.post(
            e2e.mcp_url(issued.token),
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"accept": "application/json, text/event-stream"},
        )
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["ratelimit-remaining"] == "0"


async def test_two_workspaces_calling_concurrently_never_see_each_other(e2e: E2E) -> None:
    shop_ws, shop_key = await e2e.tenant(platforms=(Platform.SHOPIFY,), shop="alpha.myshopify.com")
    mage_ws, mage_key = await e2e.tenant(platforms=(Platform.MAGENTO,))

    async def shopify_session() -> None:
        async with client(e2e, shop_key.token, MODERN) as mcp:
            for _ in range(8):
                names = {t.name for t in (await mcp.list_tools()).tools} - set(PLAYBOOK_TOOLS)
                assert names and all(n.startswith("shopify_") for n in names)
                result = await mcp.call_tool("shopify_get_shop", {})
                assert result.is_error is False, text(result)
                foreign = await mcp.call_tool("magento_get_store", {})
                assert foreign.is_error and "no active magento connection" in text(foreign)

    async def magento_session() -> None:
        async with client(e2e, mage_key.token, MODERN) as mcp:
            for _ in range(8):
                names = {t.name for t in (await mcp.list_tools()).tools} - set(PLAYBOOK_TOOLS)
                assert names and all(n.startswith("magento_") for n in names)
                result = await mcp.call_tool("magento_get_store", {})
                assert result.is_error is False, text(result)
                foreign = await mcp.call_tool("shopify_get_shop", {})
                assert foreign.is_error and "no active shopify connection" in text(foreign)

    # Fresh coroutines each time (gather would run one coroutine object passed thrice once).
    await asyncio.gather(
        *[session() for _ in range(3) for session in (shopify_session, magento_session)]
    )
    assert set(await statuses(e2e, shop_ws.id)) == {UsageStatus.OK, UsageStatus.NOT_ALLOWED}
    assert set(await statuses(e2e, mage_ws.id)) == {UsageStatus.OK, UsageStatus.NOT_ALLOWED}
    assert len(await statuses(e2e, shop_ws.id)) == 3 * 8 * 2
    assert len(await statuses(e2e, mage_ws.id)) == 3 * 8 * 2


async def test_unknown_token_gets_401_from_the_process(e2e: E2E) -> None:
    import httpx

    async with httpx.AsyncClient() as http:
        response = await http.post(
            e2e.url + "/mcp/smcp_aaaaaaaaaaaa_" + "A" * 43,
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"accept": "application/json, text/event-stream"},
        )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == -32001
