"""The built-in library: tool-steps playbooks a workspace can enable (``shopmcp playbook enable``,
``POST .../playbooks/library/{key}``). Enabling one stores a copy validated like any other
playbook, against the tools the caller may use.

Two kinds of entry, both data (steps in the same shape an import takes), so what the library
offers is auditable on one screen and a test checks every entry, for every combination of
platforms, against the real tool registry:

- **per store** (low stock, refunds and cancellations, the daily sales digest, slow movers,
  customers at risk): a group of steps per store platform. The playbook a workspace stores is
  built when it is enabled, from the stores it has connected: the group of each of their
  platforms, once per store, without a platform whose tools the caller may not use; none left
  is refused with each reason (:mod:`shopmcp_domain.playbook_library_stores`).
- **fixed** (the reconciliations against Xero): one store platform's orders against Xero's
  invoices and payments. Stored as they are; a run needs both connected.

What the listing shows (``LIBRARY``) is each entry with every platform's steps. Where a
platform lacks the tool or the field an entry needs, it has no group, and the entry's
description says so: BigCommerce's and Neto's sales summaries have no per-product figures (no
slow movers there), Neto has no sales summary at all (its digest is the day's orders), and
Neto's refunds are its RMAs' refunded totals. Each list is one page of its tool (50 or 100
records, in the tool's own order): a bigger store's run sees that page, not all of it.

A reconciliation's key is what a merchant (or a connector) puts in the Xero invoice's
reference: Shopify's order name, BigCommerce's order id, Magento's increment id (the order
number shown to customers, e.g. ``000000042``) and Neto's order id (``N10155``), compared by
:func:`~shopmcp_domain.playbook_steps.normalise_key`; the amount is the order's grand total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_definitions import (
    ArgumentDefinition,
    PlaybookDefinition,
)
from shopmcp_domain.playbook_steps import (
    AnyStep,
    FilterStep,
    ReconcileSide,
    ReconcileStep,
    ToolStep,
)
from shopmcp_domain.playbooks import PlaybookMode

Steps = tuple[AnyStep, ...]

_SINCE = ArgumentDefinition(name="since", description="First day, YYYY-MM-DD (UTC).")
_UNTIL = ArgumentDefinition(name="until", description="Last day, YYYY-MM-DD (UTC).")
_DAY = ArgumentDefinition(name="day", description="The day, YYYY-MM-DD (UTC).")
# BigCommerce's order filters take date-times.
_BC_FROM = "{{ args.since }}T00:00:00Z"
_BC_TO = "{{ args.until }}T23:59:59Z"
# BigCommerce's order status ids.
_BC_REFUNDED = 4
_BC_CANCELLED = 5
# Paid and not refunded or cancelled: shipped, partially shipped, awaiting pickup, awaiting
# shipment, completed, awaiting fulfillment.
_BC_PAID_STATUSES: list[str | float | int] = [2, 3, 8, 9, 10, 11]
# Magento's order states once the order is invoiced (paid): a closed order was paid, then
# refunded. Not new, pending_payment, payment_review (not captured), holded (either), canceled.
_MAGENTO_PAID_STATES: list[str | float | int] = ["processing", "complete", "closed"]
# Magento's single-source inventory: a multi-source store lists one source here.
_MAGENTO_SOURCE = "default"
STORE_PLATFORMS = (Platform.SHOPIFY, Platform.BIGCOMMERCE, Platform.MAGENTO, Platform.NETO)


@attrs.frozen
class LibraryEntry:
    """``groups``: the steps per store platform (per-store entries), or the one platform's
    steps of a fixed entry. ``per_store``: built from the workspace's stores when enabled."""

    key: str
    summary: str
    arguments: tuple[ArgumentDefinition, ...]
    groups: Mapping[Platform, Steps]
    per_store: bool = True
    notes: str = ""

    @property
    def platforms(self) -> tuple[Platform, ...]:
        return tuple(self.groups)

    @property
    def description(self) -> str:
        """What the listing says: the entry, and for a per-store one, its platforms."""
        if not self.per_store:
            return self.summary
        names = ", ".join(p.value for p in self.platforms)
        text = (
            f"{self.summary} Steps per store for {names}: enabling keeps those of the stores "
            "the workspace has connected, once per store."
        )
        return f"{text} {self.notes}" if self.notes else text

    def definition(
        self, steps: Iterable[AnyStep] | None = None, description: str = ""
    ) -> PlaybookDefinition:
        """The entry as a playbook: ``steps`` when given, else every platform's."""
        chosen = list(steps) if steps is not None else [s for g in self.groups.values() for s in g]
        return PlaybookDefinition(
            name=self.key,
            description=description or self.description,
            mode=PlaybookMode.TOOL_STEPS,
            arguments=list(self.arguments),
            steps=chosen,
            builtin=self.key,
        )


# --------------------------------------------------------------------------- per-store groups


def _low(prefix: str, tool: str, arguments: dict[str, object], items: str, field: str) -> Steps:
    return (
        ToolStep(id=f"{prefix}_products", tool=tool, arguments=arguments),
        FilterStep(
            id=f"{prefix}_low",
            source=f"steps.{prefix}_products.{items}",
            field=field,
            op="le",
            value="{{ args.threshold }}",
        ),
    )


LOW_STOCK = LibraryEntry(
    key="low-stock",
    summary="Products at or below a stock level, in every connected store.",
    arguments=(ArgumentDefinition(name="threshold", description="Stock level, e.g. 5."),),
    groups={
        Platform.SHOPIFY: _low(
            "shopify", "shopify_list_products", {"first": 50}, "products", "total_inventory"
        ),
        Platform.BIGCOMMERCE: _low(
            "bigcommerce", "bigcommerce_list_products", {"limit": 50}, "products", "inventory_level"
        ),
        Platform.MAGENTO: _low(
            "magento",
            "magento_list_source_items",
            {"source_code": _MAGENTO_SOURCE, "page_size": 100},
            "items",
            "quantity",
        ),
        Platform.NETO: _low(
            "neto",
            "neto_list_items",
            {"is_active": True, "limit": 100},
            "items",
            "available_quantity",
        ),
    },
    notes=f"Magento: the {_MAGENTO_SOURCE!r} inventory source.",
)


def _over(prefix: str, tool: str, arguments: dict[str, object], items: str, field: str) -> Steps:
    return (
        ToolStep(id=prefix, tool=tool, arguments=arguments),
        FilterStep(
            id=f"{prefix}_over",
            source=f"steps.{prefix}.{items}",
            field=field,
            op="gt",
            value="{{ args.amount }}",
        ),
    )


_SHOPIFY_PERIOD = {"created_from": "{{ args.since }}", "created_to": "{{ args.until }}"}
_BC_PERIOD = {"created_from": _BC_FROM, "created_to": _BC_TO}
_MAGENTO_PERIOD = {"created_from": "{{ args.since }}", "created_to": "{{ args.until }}"}
_NETO_PERIOD = {"placed_from": "{{ args.since }}", "placed_to": "{{ args.until }}"}

REFUNDS_OVER_THRESHOLD = LibraryEntry(
    key="refunds-over-threshold",
    summary="Refunded and cancelled orders in a period whose total is over an amount.",
    arguments=(_SINCE, _UNTIL, ArgumentDefinition(name="amount", description="e.g. 200")),
    groups={
        Platform.SHOPIFY: _over(
            "shopify_refunded",
            "shopify_list_orders",
            {"financial_status": "refunded", **_SHOPIFY_PERIOD, "first": 50},
            "orders",
            "total.amount",
        )
        + _over(
            "shopify_cancelled",
            "shopify_list_orders",
            {"status": "cancelled", **_SHOPIFY_PERIOD, "first": 50},
            "orders",
            "total.amount",
        ),
        Platform.BIGCOMMERCE: _over(
            "bigcommerce_refunded",
            "bigcommerce_list_orders",
            {"status_id": _BC_REFUNDED, **_BC_PERIOD, "limit": 50},
            "orders",
            "total_inc_tax",
        )
        + _over(
            "bigcommerce_cancelled",
            "bigcommerce_list_orders",
            {"status_id": _BC_CANCELLED, **_BC_PERIOD, "limit": 50},
            "orders",
            "total_inc_tax",
        ),
        Platform.MAGENTO: _over(
            "magento_refunded",
            "magento_search_orders",
            {"status": "closed", **_MAGENTO_PERIOD, "page_size": 100},
            "orders",
            "grand_total",
        )
        + _over(
            "magento_cancelled",
            "magento_search_orders",
            {"status": "canceled", **_MAGENTO_PERIOD, "page_size": 100},
            "orders",
            "grand_total",
        ),
        Platform.NETO: _over(
            "neto_refunded",
            "neto_list_rmas",
            {"issued_from": "{{ args.since }}", "issued_to": "{{ args.until }}", "limit": 100},
            "rmas",
            "refunded_total",
        )
        + _over(
            "neto_cancelled",
            "neto_list_orders",
            {"statuses": ["Cancelled"], **_NETO_PERIOD, "limit": 100},
            "orders",
            "grand_total",
        ),
    },
    notes="Neto: refunds are the RMAs issued in the period, by refunded total.",
)

DAILY_SALES_DIGEST = LibraryEntry(
    key="daily-sales-digest",
    summary="One day's sales per store: each store's sales summary.",
    arguments=(_DAY,),
    groups={
        Platform.SHOPIFY: (
            ToolStep(
                id="shopify",
                tool="shopify_sales_summary",
                arguments={"created_from": "{{ args.day }}", "created_to": "{{ args.day }}"},
            ),
        ),
        Platform.BIGCOMMERCE: (
            ToolStep(
                id="bigcommerce",
                tool="bigcommerce_get_sales_summary",
                arguments={
                    "created_from": "{{ args.day }}T00:00:00Z",
                    "created_to": "{{ args.day }}T23:59:59Z",
                },
            ),
        ),
        Platform.MAGENTO: (
            ToolStep(
                id="magento",
                tool="magento_get_sales_summary",
                arguments={"created_from": "{{ args.day }}", "created_to": "{{ args.day }}"},
            ),
        ),
        Platform.NETO: (
            ToolStep(
                id="neto",
                tool="neto_list_orders",
                arguments={
                    "placed_from": "{{ args.day }}",
                    "placed_to": "{{ args.day }}",
                    "limit": 100,
                },
            ),
        ),
    },
    notes="Neto has no sales summary: its digest is the day's orders.",
)

SLOW_MOVERS = LibraryEntry(
    key="slow-movers",
    summary="Products with stock on hand, beside the period's sales by product, to see what "
    "is not selling.",
    arguments=(_SINCE, _UNTIL),
    groups={
        Platform.SHOPIFY: (
            ToolStep(id="shopify_products", tool="shopify_list_products", arguments={"first": 50}),
            FilterStep(
                id="shopify_in_stock",
                source="steps.shopify_products.products",
                field="total_inventory",
                op="gt",
                value=0,
            ),
            ToolStep(id="shopify_sales", tool="shopify_sales_summary", arguments=_SHOPIFY_PERIOD),
        ),
        Platform.MAGENTO: (
            ToolStep(
                id="magento_stock",
                tool="magento_list_source_items",
                arguments={"source_code": _MAGENTO_SOURCE, "page_size": 100},
            ),
            FilterStep(
                id="magento_in_stock",
                source="steps.magento_stock.items",
                field="quantity",
                op="gt",
                value=0,
            ),
            ToolStep(
                id="magento_sales",
                tool="magento_get_sales_summary",
                arguments={**_MAGENTO_PERIOD, "top_products": 20},
            ),
        ),
    },
    notes="Not for BigCommerce or Neto: their tools give no sales by product.",
)


def _at_risk(
    prefix: str,
    tool: str,
    before: dict[str, object],
    since: dict[str, object],
    key: str,
    amount: str,
) -> Steps:
    """Orders up to the day against orders from it, by customer: those with an earlier order
    and none since are ``missing_in_right`` (guests, without the key, are counted apart)."""
    return (
        ToolStep(id=f"{prefix}_before", tool=tool, arguments=before),
        ToolStep(id=f"{prefix}_since", tool=tool, arguments=since),
        ReconcileStep(
            id=f"{prefix}_at_risk",
            left=ReconcileSide(source=f"steps.{prefix}_before.orders", key=key, amount=amount),
            right=ReconcileSide(source=f"steps.{prefix}_since.orders", key=key, amount=amount),
        ),
    )


CUSTOMERS_AT_RISK = LibraryEntry(
    key="customers-at-risk",
    summary="Customers with orders before, but none since a day (no order in N days): each "
    "store's reconcile step lists them as missing_in_right.",
    arguments=(ArgumentDefinition(name="since", description="YYYY-MM-DD: N days ago."),),
    groups={
        Platform.SHOPIFY: (
            ToolStep(
                id="shopify_customers", tool="shopify_list_customers", arguments={"first": 50}
            ),
            FilterStep(
                id="shopify_buyers",
                source="steps.shopify_customers.customers",
                field="number_of_orders",
                op="gt",
                value=0,
            ),
            ToolStep(
                id="shopify_recent_orders",
                tool="shopify_list_orders",
                arguments={"created_from": "{{ args.since }}", "first": 50},
            ),
            ReconcileStep(
                id="shopify_at_risk",
                left=ReconcileSide(
                    source="steps.shopify_buyers.items", key="id", amount="number_of_orders"
                ),
                right=ReconcileSide(
                    source="steps.shopify_recent_orders.orders",
                    key="customer_id",
                    amount="item_count",
                ),
            ),
        ),
        Platform.BIGCOMMERCE: _at_risk(
            "bigcommerce",
            "bigcommerce_list_orders",
            {"created_to": "{{ args.since }}T00:00:00Z", "limit": 50},
            {"created_from": "{{ args.since }}T00:00:00Z", "limit": 50},
            "customer_id",
            "total_inc_tax",
        ),
        Platform.MAGENTO: _at_risk(
            "magento",
            "magento_search_orders",
            {"created_to": "{{ args.since }}", "page_size": 100},
            {"created_from": "{{ args.since }}", "page_size": 100},
            "customer_id",
            "grand_total",
        ),
        Platform.NETO: _at_risk(
            "neto",
            "neto_list_orders",
            {"placed_to": "{{ args.since }}", "limit": 100},
            {"placed_from": "{{ args.since }}", "limit": 100},
            "username",
            "grand_total",
        ),
    },
    notes="Shopify compares its customers with an order to the recent orders; the others "
    "compare the orders before the day to those since, by customer (BigCommerce's guests are "
    "customer 0).",
)


# --------------------------------------------------------------------------- reconciliations


def _reconcile_with_xero(
    platform: Platform, name: str, orders: ToolStep, side: ReconcileSide, how: str
) -> LibraryEntry:
    return LibraryEntry(
        key=f"reconcile-{platform.value}-xero",
        summary=f"{name} orders paid in a period matched against Xero sales invoices (by "
        f"{how} in the invoice reference) and Xero payments against those invoices: "
        "missing, duplicate and mismatched-amount ones.",
        arguments=(_SINCE, _UNTIL),
        per_store=False,
        groups={
            platform: (
                orders,
                *_paid_filter(platform),
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
                    right=ReconcileSide(
                        source="steps.invoices.invoices", key="reference", amount="total"
                    ),
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
        },
    )


def _paid_filter(platform: Platform) -> Steps:
    """The step keeping the paid orders, where the orders tool cannot filter them itself."""
    paid: dict[Platform, tuple[str, list[str | float | int]]] = {
        Platform.BIGCOMMERCE: ("status_id", _BC_PAID_STATUSES),
        Platform.MAGENTO: ("state", _MAGENTO_PAID_STATES),
    }
    if platform not in paid:
        return ()
    field, values = paid[platform]
    return (
        FilterStep(id="paid", source="steps.orders.orders", field=field, op="in", value=values),
    )


RECONCILIATIONS = (
    _reconcile_with_xero(
        Platform.SHOPIFY,
        "Shopify",
        ToolStep(
            id="orders",
            tool="shopify_list_orders",
            arguments={"financial_status": "paid", **_SHOPIFY_PERIOD, "first": 50},
        ),
        ReconcileSide(source="steps.orders.orders", key="name", amount="total.amount"),
        "order name",
    ),
    _reconcile_with_xero(
        Platform.BIGCOMMERCE,
        "BigCommerce",
        ToolStep(
            id="orders",
            tool="bigcommerce_list_orders",
            arguments={**_BC_PERIOD, "limit": 50},
        ),
        ReconcileSide(source="steps.paid.items", key="id", amount="total_inc_tax"),
        "order id",
    ),
    _reconcile_with_xero(
        Platform.MAGENTO,
        "Magento",
        ToolStep(
            id="orders",
            tool="magento_search_orders",
            arguments={**_MAGENTO_PERIOD, "page_size": 100},
        ),
        ReconcileSide(source="steps.paid.items", key="increment_id", amount="grand_total"),
        "increment id, the order number,",
    ),
    _reconcile_with_xero(
        Platform.NETO,
        "Neto",
        ToolStep(
            id="orders",
            tool="neto_list_orders",
            arguments={"payment_status": "FullyPaid", **_NETO_PERIOD, "limit": 100},
        ),
        ReconcileSide(source="steps.orders.orders", key="order_id", amount="grand_total"),
        "order id",
    ),
)

ENTRIES: dict[str, LibraryEntry] = {
    e.key: e
    for e in (
        LOW_STOCK,
        REFUNDS_OVER_THRESHOLD,
        DAILY_SALES_DIGEST,
        SLOW_MOVERS,
        CUSTOMERS_AT_RISK,
        *RECONCILIATIONS,
    )
}
# What the listing shows: each entry with every platform's steps.
LIBRARY: dict[str, PlaybookDefinition] = {key: e.definition() for key, e in ENTRIES.items()}
