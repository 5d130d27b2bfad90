"""Done-when for playbooks (issue #23), against the demo sandboxes through the gateway and the
official MCP client: the built-in Shopify-to-Xero reconciliation, created from the chat with
create_playbook (previewed, then confirmed) and run with run_playbook, finds exactly the
mismatches the Xero sandbox seeds (SEEDED_MISMATCHES), and every step is in the usage review
with the playbook's id."""

from __future__ import annotations

import uuid
from typing import Any

from mcp import Client

from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ids import PlaybookId
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_library import LIBRARY
from shopmcp_domain.playbook_steps import normalise_key
from shopmcp_domain.usage import UsageQuery
from shopmcp_entrypoints.demo.sandboxes import shopify_data, xero_data
from tests.confirming import call_confirmed
from tests.integration.e2e.conftest import E2E

MODERN = "2026-07-28"


def _period() -> tuple[str, str]:
    days = sorted(o["createdAt"][:10] for o in shopify_data.sample_data()["orders"])
    return days[0], days[-1]


async def test_the_reconciliation_playbook_finds_the_seeded_mismatches_exactly(e2e: E2E) -> None:
    workspace, issued = await e2e.tenant(platforms=(Platform.SHOPIFY, Platform.XERO), write=True)
    definition = LIBRARY["reconcile-shopify-xero"].model_dump(mode="json", exclude_none=True)
    since, until = _period()
    async with Client(e2e.mcp_url(issued.token), mode=MODERN, cache=None) as mcp:
        # A write that needs confirmation: a preview (nothing saved), then the confirmed call.
        preview, created = await call_confirmed(mcp, "create_playbook", {"playbook": definition})
        assert created.is_error is False, created.content
        ran = await mcp.call_tool(
            "run_playbook",
            {"name": "reconcile-shopify-xero", "arguments": {"since": since, "until": until}},
        )
    assert ran.is_error is False, ran.content
    summary: dict[str, Any] = ran.structured_content or {}
    assert summary["status"] == "completed", summary
    result = {s["id"]: s for s in summary["steps"]}["orders_vs_invoices"]["result"]

    by_kind = {m.kind: m for m in xero_data.SEEDED_MISMATCHES}
    missing = by_kind[xero_data.MismatchKind.MISSING_INVOICE]
    duplicated = by_kind[xero_data.MismatchKind.DUPLICATE_INVOICE]
    wrong = by_kind[xero_data.MismatchKind.AMOUNT_MISMATCH]
    assert [m["key"] for m in result["missing_in_right"]] == [normalise_key(missing.shopify_order)]
    assert [(d["key"], d["count"]) for d in result["duplicates_in_right"]] == [
        (normalise_key(duplicated.shopify_order), 2)
    ]
    assert result["amount_mismatches"] == [
        {
            "key": normalise_key(wrong.shopify_order),
            "left_amount": float(wrong.shopify_total),
            "right_amount": float(wrong.xero_total or 0),
        }
    ]
    assert sorted(m["key"] for m in result["matched"]) == sorted(
        str(normalise_key(name)) for name in xero_data.MATCHED_ORDERS
    )
    assert result["missing_in_left"] == []

    async with e2e.database.tenants.unit_of_work(workspace.id) as uow:
        events = list(await uow.usage.recent(limit=50))
        # The usage review's own query, filtered to the playbook (its page's Playbook filter).
        reviewed = await uow.usage.search(
            UsageQuery(playbook_id=PlaybookId(uuid.UUID(summary["playbook_id"])))
        )
    run_steps = sorted((e.created_at, e.tool) for e in reviewed)
    assert [tool for _, tool in run_steps] == [
        "create_playbook",
        "shopify_list_orders",
        "xero_list_invoices",
        "xero_list_payments",
        "run_playbook",
    ]
    # The preview has its own row (before the playbook existed: no playbook id); every other
    # call succeeded.
    assert [(e.tool, e.status) for e in events if e.status is not UsageStatus.OK] == [
        ("create_playbook", UsageStatus.CONFIRMATION_REQUIRED)
    ]
    assert [e.tool for e in events].count("create_playbook") == 2
    assert (preview.structured_content or {})["action"] == "create"
