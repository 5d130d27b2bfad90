"""Xero end to end: the gateway process (PostgreSQL, Redis) pointed at the Xero sandbox,
driven by the official MCP client over HTTP. Reads carry the organisation's rate budget in
``_meta``; an identical read within the TTL is answered by the shared Redis cache and its usage
row says so; a write makes the next read go to Xero again; writes appear only on opt-in."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from mcp import Client

from shopmcp_domain.platforms import Platform
from shopmcp_domain.services import onboarding
from tests.integration.e2e.conftest import E2E

pytestmark = pytest.mark.integration

MODERN = "2026-07-28"


def text(result: Any) -> str:
    return str(result.content[0].text)


async def _cache_hits(url: str, workspace_id: Any) -> list[tuple[str, bool]]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "select tool, cache_hit from shopmcp.usage_events where workspace_id = $1 "
            "order by created_at",
            workspace_id,
        )
    finally:
        await conn.close()
    return [(r["tool"], r["cache_hit"]) for r in rows]


async def test_xero_reads_are_cached_briefly_and_a_write_invalidates_them(
    e2e: E2E, postgres_database_url: str
) -> None:
    workspace, issued = await e2e.tenant(platforms=(Platform.XERO,), write=True)
    async with Client(e2e.mcp_url(issued.token), mode=MODERN, cache=None) as mcp:
        tools = {tool.name for tool in (await mcp.list_tools()).tools}
        assert len([t for t in tools if t.startswith("xero_")]) >= 18
        assert "xero_create_draft_invoice" not in tools  # not opted in

        first = await mcp.call_tool("xero_search_invoices", {"search_term": "#1007"})
        assert first.is_error is False, text(first)
        assert first.meta is not None and "shopmcp/xero-rate-limit" in first.meta
        assert len(first.structured_content["invoices"]) == 2  # the seeded duplicate
        again = await mcp.call_tool("xero_search_invoices", {"search_term": "#1007"})
        assert again.structured_content == first.structured_content
        assert again.meta is not None and again.meta.get("shopmcp/cache") == {"hit": True}

    await onboarding.set_writes(e2e.database.tenants, workspace.id, Platform.XERO, True)
    async with Client(e2e.mcp_url(issued.token), mode=MODERN, cache=None) as mcp:
        contacts = await mcp.call_tool("xero_list_contacts", {"search_term": "Lachlan"})
        contact_id = contacts.structured_content["contacts"][0]["contact_id"]
        draft = await mcp.call_tool(
            "xero_create_draft_invoice",
            {
                "contact_id": contact_id,
                "reference": "#1007 credit",
                "line_items": [{"description": "Adjustment", "quantity": 1, "unit_amount": 1}],
            },
        )
        assert draft.is_error is False, text(draft)
        after = await mcp.call_tool("xero_search_invoices", {"search_term": "#1007"})
        assert len(after.structured_content["invoices"]) == 3
        assert after.meta is None or "shopmcp/cache" not in after.meta

    hits = await _cache_hits(postgres_database_url, workspace.id)
    searches = [hit for tool, hit in hits if tool == "xero_search_invoices"]
    assert searches == [False, True, False]
