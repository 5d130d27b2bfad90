"""The sales summary: one period's orders, read page by page (a bounded number of pages of
``GET /v2/orders``, oldest first) and added up per currency.

It is the one tool that may send its operation more than once: a period's orders do not fit
one page, and BigCommerce has no sales-report endpoint in its REST API. The bound is the
input's ``max_pages``; when it is reached with a full last page, the summary says it is partial
and up to which order creation time it counts.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient
from shopmcp_adapters.upstreams.bigcommerce.inputs.orders import (
    SUMMARY_PAGE_SIZE,
    SalesSummaryInput,
)
from shopmcp_adapters.upstreams.bigcommerce.outputs.common import V2List
from shopmcp_adapters.upstreams.bigcommerce.outputs.orders import StatusCount
from shopmcp_adapters.upstreams.bigcommerce.outputs.sales import (
    CurrencyTotals,
    SalesOrder,
    SalesSummaryOutput,
)
from shopmcp_adapters.upstreams.bigcommerce.tools import operations as op
from shopmcp_adapters.upstreams.bigcommerce.tools.table import tools
from shopmcp_adapters.upstreams.bigcommerce.tools.texts import money, plural
from shopmcp_adapters.upstreams.module import Reply

# Orders that are not sales: 0 Incomplete and 1 Pending (checkout never completed),
# 5 Cancelled and 6 Declined.
NOT_SALES = {0: "Incomplete", 1: "Pending", 5: "Cancelled", 6: "Declined"}
CENT = Decimal("0.01")


async def _read_orders(
    client: BigCommerceClient, args: SalesSummaryInput
) -> tuple[list[SalesOrder], int, bool]:
    orders: list[SalesOrder] = []
    for page in range(1, args.max_pages + 1):
        params: dict[str, str | int] = {
            "min_date_created": args.created_from.isoformat(),
            "max_date_created": args.created_to.isoformat(),
            "sort": "date_created:asc",
            "page": page,
            "limit": SUMMARY_PAGE_SIZE,
        }
        body = await client.call(op.ORDERS, params=params, empty=[])
        batch = V2List[SalesOrder].model_validate(body).root
        orders += batch
        if len(batch) < SUMMARY_PAGE_SIZE:
            return orders, page, False
    return orders, args.max_pages, True


def _sum(values: list[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def _totals(orders: list[SalesOrder]) -> list[CurrencyTotals]:
    by_currency: dict[str, list[SalesOrder]] = {}
    for order in orders:
        by_currency.setdefault(order.transactional_currency, []).append(order)
    out = []
    for currency, group in sorted(by_currency.items()):
        gross = _sum([o.total_inc_tax for o in group])
        refunded = _sum([o.refunded_amount for o in group])
        out.append(
            CurrencyTotals(
                currency_code=currency,
                orders=len(group),
                items=sum(o.items_total or 0 for o in group),
                gross=gross,
                discounts=_sum([o.discount_amount for o in group]),
                refunded=refunded,
                net=gross - refunded,
                average_order_value=(gross / len(group)).quantize(CENT),
            )
        )
    return out


def _statuses(orders: list[SalesOrder]) -> list[StatusCount]:
    counts = Counter((o.status_id, o.status) for o in orders)
    return [
        StatusCount(status_id=status_id, name=name, count=count)
        for (status_id, name), count in sorted(counts.items())
    ]


@tools.read(
    "bigcommerce_get_sales_summary",
    "Sales summary for a period",
    "Orders, revenue (gross, discounts, refunded, net), items and average order value per "
    "currency for orders created in a period, and the orders per status. Incomplete, pending, "
    "cancelled and declined orders are not counted as sales. Reads at most max_pages pages of "
    f"{SUMMARY_PAGE_SIZE} orders and says when the period holds more (partial).",
    SalesSummaryInput,
    SalesSummaryOutput,
    op.ORDERS,
)
async def get_sales_summary(client: BigCommerceClient, args: SalesSummaryInput) -> Reply:
    orders, pages, partial = await _read_orders(client, args)
    sales = [o for o in orders if o.status_id not in NOT_SALES]
    out = SalesSummaryOutput(
        created_from=args.created_from,
        created_to=args.created_to,
        orders_read=len(orders),
        orders_counted=len(sales),
        excluded_statuses=sorted(NOT_SALES.values()),
        by_currency=_totals(sales),
        by_status=_statuses(orders),
        pages_read=pages,
        partial=partial,
        covered_to=orders[-1].date_created if partial and orders else None,
    )
    return Reply(out, _text(out))


def _text(out: SalesSummaryOutput) -> str:
    period = f"{out.created_from.date().isoformat()} to {out.created_to.date().isoformat()}"
    parts = [
        f"{plural(t.orders, 'order')}, {money(t.gross, t.currency_code)} gross, "
        f"{money(t.refunded)} refunded, {money(t.net)} net, "
        f"average {money(t.average_order_value)}, {plural(t.items, 'item')}"
        for t in out.by_currency
    ]
    text = f"Sales {period}: " + ("; ".join(parts) if parts else "no sales")
    excluded = out.orders_read - out.orders_counted
    if excluded:
        text += f" ({excluded} incomplete, pending, cancelled or declined not counted)"
    text += "."
    if out.partial:
        until = out.covered_to.isoformat() if out.covered_to else "?"
        text += (
            f" PARTIAL: read the first {out.orders_read} orders ({out.pages_read} pages), up "
            f"to {until}; the period holds more. Narrow the period or raise max_pages."
        )
    return text
