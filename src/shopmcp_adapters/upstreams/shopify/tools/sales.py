"""The sales summary: a period's order count, sales, average order value and best sellers,
computed from the period's orders read a bounded number of pages at a time.

This is the one tool that sends its operation more than once: each page is the same
``SalesOrders`` query with the next cursor, at most ``max_pages`` times, and the summary says
when the period had more orders than it read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from shopmcp_adapters.upstreams.module import Reply
from shopmcp_adapters.upstreams.shopify import documents as docs
from shopmcp_adapters.upstreams.shopify import search
from shopmcp_adapters.upstreams.shopify.client import ShopifyClient
from shopmcp_adapters.upstreams.shopify.inputs import sales as inputs
from shopmcp_adapters.upstreams.shopify.outputs import sales as outputs
from shopmcp_adapters.upstreams.shopify.outputs.common import Money
from shopmcp_adapters.upstreams.shopify.tools.table import money, op, plural, tools


@tools.read(
    "shopify_sales_summary",
    "Sales summary",
    "Orders, sales, average order value and best-selling products for a period (created "
    "dates, UTC), without cancelled and test orders. It reads the period's orders page by "
    f"page (up to max_pages pages of {inputs.SALES_PAGE_SIZE}) and says when it stopped "
    "before the end of the period.",
    inputs.SalesSummaryInput,
    outputs.SalesSummaryOutput,
    op(docs.SALES_ORDERS),
)
async def sales_summary(client: ShopifyClient, args: inputs.SalesSummaryInput) -> Reply:
    query = search.join(
        [
            search.date_from("created_at", args.created_from),
            search.date_to("created_at", args.created_to),
        ]
    )
    pages: list[outputs.SalesOrdersPage] = []
    after: str | None = None
    for _ in range(args.max_pages):
        variables = {"first": inputs.SALES_PAGE_SIZE, "after": after, "query": query}
        page = outputs.SalesOrdersPage.model_validate(
            await client.query(docs.SALES_ORDERS, variables)
        )
        pages.append(page)
        after = page.page_info.end_cursor
        if not page.page_info.has_next_page or after is None:
            break
    summary = summarise(args, pages)
    return Reply(summary, summary_text(summary, args))


# --------------------------------------------------------------------------- the arithmetic


@attrs.define
class _Seller:
    product_id: str | None
    title: str
    sku: str | None
    units: int = 0
    sales: Decimal = Decimal(0)


def _places(amounts: Iterable[str]) -> int:
    """The decimal places the shop's amounts are written with (2 for most currencies)."""
    exponents = [Decimal(a).as_tuple().exponent for a in amounts]
    return max((-e for e in exponents if isinstance(e, int)), default=2)


def _money(amount: Decimal, currency: str, places: int) -> Money:
    quantum = Decimal(1).scaleb(-places)
    return Money.model_validate({"amount": str(amount.quantize(quantum)), "currencyCode": currency})


def _best_sellers(orders: Sequence[outputs.SoldOrder]) -> list[_Seller]:
    sellers: dict[str, _Seller] = {}
    for order in orders:
        for line in order.lines:
            if line.quantity <= 0:
                continue  # removed or refunded in full
            key = line.product_id or f"{line.title}|{line.sku}"
            seller = sellers.setdefault(key, _Seller(line.product_id, line.title, line.sku))
            if seller.sku != line.sku:
                seller.sku = None  # the product sold several variants
            seller.units += line.quantity
            seller.sales += Decimal(line.unit_price.amount) * line.quantity
    return sorted(sellers.values(), key=lambda s: (-s.sales, -s.units, s.title))


def summarise(
    args: inputs.SalesSummaryInput, pages: Sequence[outputs.SalesOrdersPage]
) -> outputs.SalesSummaryOutput:
    read = [order for page in pages for order in page.orders]
    counted = [o for o in read if o.cancelled_at is None and not o.test]
    currency = counted[0].total.currency if counted else None
    places = _places(
        [o.total.amount for o in counted]
        + [line.unit_price.amount for o in counted for line in o.lines]
    )
    total = sum((Decimal(o.total.amount) for o in counted), Decimal(0))
    partial = bool(pages) and pages[-1].page_info.has_next_page
    return outputs.SalesSummaryOutput(
        created_from=args.created_from.isoformat(),
        created_to=args.created_to.isoformat(),
        currency=currency,
        order_count=len(counted),
        total_sales=_money(total, currency, places) if currency else None,
        average_order_value=_money(total / len(counted), currency, places) if currency else None,
        excluded_orders=len(read) - len(counted),
        top_products=[
            outputs.TopProduct(
                product_id=s.product_id,
                title=s.title,
                sku=s.sku,
                units=s.units,
                sales=_money(s.sales, currency, places),
            )
            for s in _best_sellers(counted)[: args.top]
            if currency
        ],
        orders_read=len(read),
        pages_read=len(pages),
        partial=partial,
        covered_until=read[-1].created_at if partial and read else None,
        orders_with_unread_lines=sum(1 for o in counted if o.more_lines),
    )


# --------------------------------------------------------------------------- reply text


def summary_text(summary: outputs.SalesSummaryOutput, args: inputs.SalesSummaryInput) -> str:
    period = f"{summary.created_from} to {summary.created_to}"
    figures = (
        f"{money(summary.total_sales)} in total, average {money(summary.average_order_value)}"
        if summary.order_count
        else "no sales"
    )
    lines = [
        f"Sales {period}: {plural(summary.order_count, 'order')}, {figures}"
        + (
            f" ({plural(summary.excluded_orders, 'cancelled or test order')} left out)"
            if summary.excluded_orders
            else ""
        )
    ]
    if summary.partial:
        lines.append(
            f"PARTIAL: read {plural(summary.orders_read, 'order')} in "
            f"{plural(summary.pages_read, 'page')}, created up to {summary.covered_until}; the "
            f"period has more orders. Ask again with more max_pages (up to "
            f"{inputs.MAX_SALES_PAGES}, now {args.max_pages}) or a shorter period."
        )
    if summary.orders_with_unread_lines:
        lines.append(
            f"{plural(summary.orders_with_unread_lines, 'order')} had more lines than were "
            "read: their totals count, but the best sellers leave those lines out."
        )
    lines += [
        f"{rank}. {p.title} ({p.sku or 'no SKU'}): {plural(p.units, 'unit')}, {money(p.sales)}"
        + (f", product {p.product_id}" if p.product_id else "")
        for rank, p in enumerate(summary.top_products, start=1)
    ]
    return "\n".join(lines)
