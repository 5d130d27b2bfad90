"""The built-in Shopify-to-Xero reconciliation, run through run_playbook with the real tool
specs (their strict input models check what each step sends) and fake upstream answers in the
tools' output shapes: it finds the seeded missing, duplicate and mismatched ones exactly.
(The demo sandboxes' own Xero data is not on main yet; when it lands, the same playbook runs
against it in tests/integration.)"""

from typing import Any

from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_definitions import build_playbook
from shopmcp_domain.playbook_library import LIBRARY
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.services.playbooks import scope_tool_problem
from shopmcp_domain.services.run_playbook import PlaybookRunDeps, run_playbook
from shopmcp_domain.tools.registry import ToolRegistry
from tests.factories import NOW, World

REGISTRY = ToolRegistry(spec for package in PACKAGES for spec in package.tools.specs)


def _order(name: str, amount: str) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/Order/{name}",
        "name": name,
        "total": {"amount": amount, "currency": "AUD"},
    }


ORDERS = [
    _order("#1001", "10.00"),
    _order("#1002", "20.00"),
    _order("#1003", "30.00"),
    _order("#1004", "40.00"),
]
INVOICES = [
    {"invoice_number": "INV-1", "reference": "#1001", "total": 10.0, "amount_paid": 10.0},
    {"invoice_number": "INV-2", "reference": "1002", "total": 25.0, "amount_paid": 25.0},
    {"invoice_number": "INV-4", "reference": "1004", "total": 40.0, "amount_paid": 40.0},
    {"invoice_number": "INV-5", "reference": "1004", "total": 40.0, "amount_paid": 0.0},
    {"invoice_number": "INV-9", "reference": "9999", "total": 5.0, "amount_paid": 5.0},
]
PAYMENTS = [
    {"invoice_number": "INV-1", "amount": 10.0},
    {"invoice_number": "INV-2", "amount": 20.0},
    {"invoice_number": "INV-4", "amount": 40.0},
    {"invoice_number": "INV-9", "amount": 5.0},
]


async def test_reconciliation_finds_the_seeded_mismatches_exactly() -> None:
    world = World(registry=REGISTRY)
    _, issued = await world.tenant(platforms=(Platform.SHOPIFY, Platform.XERO))
    scope = await world.scope(issued.token)
    sent: dict[str, dict[str, Any]] = {}

    def answer(structured: dict[str, Any]) -> Any:
        def reply(call: UpstreamCall) -> ToolOutput:
            sent[call.tool.name] = call.arguments.model_dump(mode="json", exclude_none=True)
            return ToolOutput(structured, "ok")

        return reply

    world.upstream.answer("shopify_list_orders", answer({"orders": ORDERS}))
    world.upstream.answer("xero_list_invoices", answer({"invoices": INVOICES}))
    world.upstream.answer("xero_list_payments", answer({"payments": PAYMENTS}))
    playbook = build_playbook(
        LIBRARY["reconcile-shopify-xero"], scope.workspace.id, NOW, scope_tool_problem(scope)
    )

    summary = await run_playbook(
        PlaybookRunDeps(world.deps, world.limiter),
        scope,
        playbook,
        {"since": "2026-01-01", "until": "2026-01-31"},
    )

    assert summary["status"] == "completed", summary
    assert sent["shopify_list_orders"]["financial_status"] == "paid"
    assert sent["xero_list_invoices"]["invoice_type"] == "ACCREC"
    assert sent["xero_list_invoices"]["date_from"] == "2026-01-01"
    steps = {s["id"]: s for s in summary["steps"]}
    orders = steps["orders_vs_invoices"]["result"]
    assert [m["key"] for m in orders["matched"]] == ["1001"]
    assert orders["amount_mismatches"] == [
        {"key": "1002", "left_amount": 20.0, "right_amount": 25.0}
    ]
    assert [m["key"] for m in orders["missing_in_right"]] == ["1003"]
    assert [m["key"] for m in orders["missing_in_left"]] == ["9999"]
    assert [(d["key"], d["count"]) for d in orders["duplicates_in_right"]] == [("1004", 2)]
    payments = steps["invoices_vs_payments"]["result"]
    assert [m["key"] for m in payments["matched"]] == ["inv-1", "inv-4", "inv-9"]
    assert payments["amount_mismatches"] == [
        {"key": "inv-2", "left_amount": 25.0, "right_amount": 20.0}
    ]
    assert [m["key"] for m in payments["missing_in_right"]] == ["inv-5"]
