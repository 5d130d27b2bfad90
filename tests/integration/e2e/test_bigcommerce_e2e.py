"""BigCommerce end to end: the gateway process, pointed at the BigCommerce sandbox through
``SHOPMCP_UPSTREAM_BASE_URLS``, driven by the official MCP client over HTTP."""

from __future__ import annotations

import re
from typing import Any

import pytest
from mcp import Client

from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from tests.confirming import call_confirmed
from tests.integration.e2e.conftest import E2E

pytestmark = pytest.mark.integration

MODERN = "2026-07-28"


def text(result: Any) -> str:
    return str(result.content[0].text)


async def test_bigcommerce_reads_and_a_vip_code_through_the_gateway(e2e: E2E) -> None:
    workspace, issued = await e2e.tenant(platforms=(Platform.BIGCOMMERCE,), write=True)
    await onboarding.set_writes(e2e.database.tenants, workspace.id, Platform.BIGCOMMERCE, True)
    async with Client(e2e.mcp_url(issued.token), mode=MODERN, cache=None) as mcp:
        tools = {tool.name: tool for tool in (await mcp.list_tools()).tools}
        bigcommerce = {
            name: tool for name, tool in tools.items() if name.startswith("bigcommerce_")
        }
        reads = [t for t in bigcommerce.values() if t.annotations and t.annotations.read_only_hint]
        assert len(reads) >= 20 and len(bigcommerce) - len(reads) >= 8
        refund = bigcommerce["bigcommerce_create_refund"].annotations
        assert refund is not None and refund.destructive_hint and not refund.idempotent_hint

        summary = await mcp.call_tool(
            "bigcommerce_get_sales_summary",
            {"created_from": "2026-03-01T00:00:00Z", "created_to": "2026-03-31T23:59:59Z"},
        )
        assert summary.is_error is False, text(summary)
        assert text(summary).startswith("Sales 2026-03-01 to 2026-03-31: 7 orders")

        groups = await mcp.call_tool("bigcommerce_list_customer_groups", {"name": "VIP"})
        [vip] = re.findall(r"#(\d+) VIP", text(groups))
        _, promotion = await call_confirmed(
            mcp,
            "bigcommerce_create_promotion",
            {
                "name": "VIP 10% code",
                "redemption_type": "COUPON",
                "percent_off": 10,
                "customer_group_ids": [int(vip)],
            },
        )
        assert promotion.is_error is False, text(promotion)
        [promotion_id] = re.findall(r"promotion_id (\d+)", text(promotion))
        _, code = await call_confirmed(
            mcp,
            "bigcommerce_create_promotion_code",
            {"promotion_id": int(promotion_id), "code": "VIPTEN"},
        )
        assert code.is_error is False, text(code)
        # A nested SKU in a stock write is refused by the gateway; nothing reaches the store.
        refused = await mcp.call_tool(
            "bigcommerce_set_inventory",
            {"items": [{"location_id": 1, "sku": "SEN-100-TIN", "quantity": 1}]},
        )
        assert refused.is_error
    async with e2e.database.tenants.unit_of_work(workspace.id) as uow:
        seen = [event.status for event in await uow.usage.recent(limit=50)]
    assert seen.count(UsageStatus.OK) == 4
    assert UsageStatus.WRITE_FIELD_REJECTED in seen
