"""The built-in library: tool-steps playbooks a workspace can enable (``shopmcp playbook enable``,
``POST .../playbooks/library/{key}``). Enabling one stores a copy validated like any other
playbook, against the tools the workspace has: a library entry for a platform it has not
connected is refused with the reason.

Each entry is data in the same shape an import takes, so what the library offers is auditable
on one screen, and a test checks every entry against the real tool registry.
"""

from __future__ import annotations

from typing import Any

from shopmcp_domain.playbook_definitions import ArgumentDefinition, PlaybookDefinition
from shopmcp_domain.playbook_steps import (
    FilterStep,
    ReconcileSide,
    ReconcileStep,
    ToolStep,
)
from shopmcp_domain.playbooks import PlaybookMode

_SINCE = ArgumentDefinition(name="since", description="First day, YYYY-MM-DD (UTC).")
_UNTIL = ArgumentDefinition(name="until", description="Last day, YYYY-MM-DD (UTC).")


def _steps(
    key: str, description: str, arguments: list[ArgumentDefinition], *steps: Any
) -> PlaybookDefinition:
    return PlaybookDefinition(
        name=key,
        description=description,
        mode=PlaybookMode.TOOL_STEPS,
        arguments=arguments,
        steps=list(steps),
        builtin=key,
    )


def _reconcile_with_xero(
    platform: str, orders: ToolStep, side: ReconcileSide
) -> PlaybookDefinition:
    return _steps(
        f"reconcile-{platform}-xero",
        f"{platform.title()} orders paid in a period matched against Xero sales invoices (by "
        "order number in the invoice reference) and Xero payments against those invoices: "
        "missing, duplicate and mismatched-amount ones.",
        [_SINCE, _UNTIL],
        orders,
        ToolStep(
            id="invoices",
            tool="xero_list_invoices",
            arguments={
                "invoice_type": "ACCREC",
                "date_from": "{{ args.since }}",
                "date_to": "{{ args.until }}",
                "page_size": 100,
            },
        ),
        ToolStep(
            id="payments",
            tool="xero_list_payments",
            arguments={"date_from": "{{ args.since }}", "date_to": "{{ args.until }}"},
        ),
        ReconcileStep(
            id="orders_vs_invoices",
            left=side,
            right=ReconcileSide(source="steps.invoices.invoices", key="reference", amount="total"),
        ),
        ReconcileStep(
            id="invoices_vs_payments",
            left=ReconcileSide(
                source="steps.invoices.invoices", key="invoice_number", amount="amount_paid"
            ),
            right=ReconcileSide(
                source="steps.payments.payments", key="invoice_number", amount="amount"
            ),
        ),
    )


LIBRARY: dict[str, PlaybookDefinition] = {
    d.name: d
    for d in (
        _steps(
            "low-stock",
            "Products at or below a stock level, in the Shopify and BigCommerce stores.",
            [ArgumentDefinition(name="threshold", description="Stock level, e.g. 5.")],
            ToolStep(id="shopify_products", tool="shopify_list_products", arguments={"first": 50}),
            FilterStep(
                id="shopify_low",
                source="steps.shopify_products.products",
                field="total_inventory",
                op="le",
                value="{{ args.threshold }}",
            ),
            ToolStep(
                id="bigcommerce_products", tool="bigcommerce_list_products", arguments={"limit": 50}
            ),
            FilterStep(
                id="bigcommerce_low",
                source="steps.bigcommerce_products.products",
                field="inventory_level",
                op="le",
                value="{{ args.threshold }}",
            ),
        ),
        _steps(
            "refunds-over-threshold",
            "Refunded and cancelled Shopify orders in a period whose total is over an amount.",
            [_SINCE, _UNTIL, ArgumentDefinition(name="amount", description="e.g. 200")],
            ToolStep(
                id="refunded",
                tool="shopify_list_orders",
                arguments={
                    "financial_status": "refunded",
                    "created_from": "{{ args.since }}",
                    "created_to": "{{ args.until }}",
                    "first": 50,
                },
            ),
            FilterStep(
                id="refunded_over",
                source="steps.refunded.orders",
                field="total.amount",
                op="gt",
                value="{{ args.amount }}",
            ),
            ToolStep(
                id="cancelled",
                tool="shopify_list_orders",
                arguments={
                    "status": "cancelled",
                    "created_from": "{{ args.since }}",
                    "created_to": "{{ args.until }}",
                    "first": 50,
                },
            ),
            FilterStep(
                id="cancelled_over",
                source="steps.cancelled.orders",
                field="total.amount",
                op="gt",
                value="{{ args.amount }}",
            ),
        ),
        _steps(
            "daily-sales-digest",
            "One day's sales per store: Shopify and BigCommerce sales summaries.",
            [ArgumentDefinition(name="day", description="The day, YYYY-MM-DD (UTC).")],
            ToolStep(
                id="shopify",
                tool="shopify_sales_summary",
                arguments={"created_from": "{{ args.day }}", "created_to": "{{ args.day }}"},
            ),
            ToolStep(
                id="bigcommerce",
                tool="bigcommerce_get_sales_summary",
                arguments={
                    "created_from": "{{ args.day }}T00:00:00Z",
                    "created_to": "{{ args.day }}T23:59:59Z",
                },
            ),
        ),
        _steps(
            "slow-movers",
            "Shopify products with stock on hand, beside the period's sales by product, to see "
            "what is not selling.",
            [_SINCE, _UNTIL],
            ToolStep(id="products", tool="shopify_list_products", arguments={"first": 50}),
            FilterStep(
                id="in_stock",
                source="steps.products.products",
                field="total_inventory",
                op="gt",
                value=0,
            ),
            ToolStep(
                id="sales",
                tool="shopify_sales_summary",
                arguments={"created_from": "{{ args.since }}", "created_to": "{{ args.until }}"},
            ),
        ),
        _steps(
            "customers-at-risk",
            "Shopify customers with orders before, but none since a day (no order in N days): "
            "the customers the reconcile step lists as missing_in_right.",
            [ArgumentDefinition(name="since", description="YYYY-MM-DD: N days ago.")],
            ToolStep(id="customers", tool="shopify_list_customers", arguments={"first": 50}),
            FilterStep(
                id="buyers",
                source="steps.customers.customers",
                field="number_of_orders",
                op="gt",
                value=0,
            ),
            ToolStep(
                id="recent_orders",
                tool="shopify_list_orders",
                arguments={"created_from": "{{ args.since }}", "first": 50},
            ),
            ReconcileStep(
                id="at_risk",
                left=ReconcileSide(
                    source="steps.buyers.items", key="id", amount="number_of_orders"
                ),
                right=ReconcileSide(
                    source="steps.recent_orders.orders", key="customer_id", amount="item_count"
                ),
            ),
        ),
        _reconcile_with_xero(
            "shopify",
            ToolStep(
                id="orders",
                tool="shopify_list_orders",
                arguments={
                    "financial_status": "paid",
                    "created_from": "{{ args.since }}",
                    "created_to": "{{ args.until }}",
                    "first": 50,
                },
            ),
            ReconcileSide(source="steps.orders.orders", key="name", amount="total.amount"),
        ),
        _reconcile_with_xero(
            "bigcommerce",
            ToolStep(
                id="orders",
                tool="bigcommerce_list_orders",
                arguments={
                    "created_from": "{{ args.since }}T00:00:00Z",
                    "created_to": "{{ args.until }}T23:59:59Z",
                    "limit": 50,
                },
            ),
            ReconcileSide(source="steps.orders.orders", key="id", amount="total_inc_tax"),
        ),
    )
}
