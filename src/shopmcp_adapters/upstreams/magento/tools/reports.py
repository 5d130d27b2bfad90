"""The sales summary: totals, order statuses and best sellers over a date range, computed here
from the orders search.

It is the one tool that sends its operation more than once: it reads up to
``SUMMARY_PAGES`` pages of ``SUMMARY_PAGE_SIZE`` orders (oldest first), and says so when the
range holds more orders than that (``complete`` false, and the text says how many were
counted).
"""

from __future__ import annotations

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.orders import SalesSummaryInput
from shopmcp_adapters.upstreams.magento.operations import ORDERS_SEARCH
from shopmcp_adapters.upstreams.magento.outputs.reports import SalesSummary, SummaryOrder
from shopmcp_adapters.upstreams.magento.search import (
    Condition,
    Direction,
    Filter,
    FilterGroup,
    SearchCriteria,
    SearchField,
    SearchResults,
    created_between,
)
from shopmcp_adapters.upstreams.magento.tools.table import money, tools
from shopmcp_adapters.upstreams.module import Reply

SUMMARY_PAGES = 5
SUMMARY_PAGE_SIZE = 100


@tools.read(
    "magento_get_sales_summary",
    "Magento sales summary",
    "Sales over a date range (UTC days, inclusive; at most 366 days): order count, gross and "
    "net sales and average order value per currency, orders per status, and the best-selling "
    f"products by quantity. Computed from at most {SUMMARY_PAGES * SUMMARY_PAGE_SIZE} orders "
    "(the oldest in the range); when the range holds more, complete is false and the figures "
    "are partial: narrow the range. Canceled orders are left out unless include_canceled.",
    SalesSummaryInput,
    SalesSummary,
    ORDERS_SEARCH,
)
async def get_sales_summary(client: MagentoClient, args: SalesSummaryInput) -> Reply:
    groups: list[FilterGroup] = created_between(args.created_from, args.created_to)
    if not args.include_canceled:
        groups.append([Filter(SearchField.STATE, "canceled", Condition.NEQ)])
    orders: dict[int, SummaryOrder] = {}
    total = 0
    for page in range(1, SUMMARY_PAGES + 1):
        criteria = SearchCriteria(
            groups=groups,
            page_size=SUMMARY_PAGE_SIZE,
            current_page=page,
            # Oldest first and by id, so that pages do not overlap while orders come in.
            sort=[(SearchField.CREATED_AT, Direction.ASC), (SearchField.ENTITY_ID, Direction.ASC)],
        )
        found = SearchResults[SummaryOrder].model_validate(
            await client.get(ORDERS_SEARCH, criteria=criteria)
        )
        total = found.total_count
        # Past the last page Magento answers the last page again: keyed by id, it adds nothing.
        # An upstream that ignores pageSize is cut to the page, so the bound holds.
        orders.update((order.entity_id, order) for order in found.items[:SUMMARY_PAGE_SIZE])
        if len(orders) >= total or len(found.items) < SUMMARY_PAGE_SIZE:
            break
    result = SalesSummary.of(
        created_from=args.created_from.isoformat(),
        created_to=args.created_to.isoformat(),
        include_canceled=args.include_canceled,
        order_count=total,
        orders=orders.values(),
        top=args.top_products,
    )
    return Reply(result, _summary_text(result))


def _summary_text(result: SalesSummary) -> str:
    span = f"{result.created_from} to {result.created_to}"
    if not result.order_count:
        return f"No orders from {span}."
    totals = "; ".join(
        f"{t.orders} order(s), gross {money(t.gross_sales, t.currency)}, net "
        f"{money(t.net_sales, t.currency)}, average {money(t.average_order_value, t.currency)}"
        for t in result.totals
    )
    best = ", ".join(
        f"{p.sku} ({p.name}) x{p.quantity:g} = {money(p.revenue, p.currency)}"
        for p in result.top_products
    )
    text = f"Sales from {span}: {totals}. Best sellers: {best or 'none'}."
    if not result.complete:
        text = (
            f"PARTIAL: counted the oldest {result.orders_counted} of {result.order_count} "
            f"orders (narrow the dates for complete figures). " + text
        )
    return text
