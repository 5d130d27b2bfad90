"""The order tools."""

from __future__ import annotations

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.orders import GetOrderInput, SearchOrdersInput
from shopmcp_adapters.upstreams.magento.operations import ORDER_GET, ORDERS_SEARCH
from shopmcp_adapters.upstreams.magento.outputs.orders import (
    OrderDetail,
    OrderSearchOutput,
    OrderSummary,
)
from shopmcp_adapters.upstreams.magento.search import (
    Direction,
    FilterGroup,
    SearchCriteria,
    SearchField,
    SearchResults,
    created_between,
    equals,
)
from shopmcp_adapters.upstreams.magento.tools.table import money, page_text, paging, tools
from shopmcp_adapters.upstreams.module import Reply


@tools.read(
    "magento_search_orders",
    "Search Magento orders",
    "Find orders by status, order number, creation date range (UTC days, inclusive), "
    "customer e-mail or customer id; newest first, paged (page_size at most 100).",
    SearchOrdersInput,
    OrderSearchOutput,
    ORDERS_SEARCH,
)
async def search_orders(client: MagentoClient, args: SearchOrdersInput) -> Reply:
    criteria = _orders_query(args)
    found = SearchResults[OrderSummary].model_validate(
        await client.get(ORDERS_SEARCH, criteria=criteria)
    )
    result = OrderSearchOutput(orders=found.items, paging=paging(found, criteria))
    return Reply(result, _orders_text(result))


def _orders_query(args: SearchOrdersInput) -> SearchCriteria:
    groups: list[FilterGroup] = []
    if args.status:
        groups.append(equals(SearchField.STATUS, args.status))
    if args.increment_id:
        groups.append(equals(SearchField.ORDER_INCREMENT_ID, args.increment_id))
    if args.customer_email:
        groups.append(equals(SearchField.CUSTOMER_EMAIL, args.customer_email))
    if args.customer_id:
        groups.append(equals(SearchField.CUSTOMER_ID, args.customer_id))
    groups += created_between(args.created_from, args.created_to)
    return SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.CREATED_AT, Direction.DESC)],
    )


def _orders_text(result: OrderSearchOutput) -> str:
    shown = ", ".join(
        f"#{o.increment_id} {o.status} {money(o.grand_total, o.currency)}"
        for o in result.orders[:10]
    )
    return page_text("order(s)", result.paging, len(result.orders), shown)


@tools.read(
    "magento_get_order",
    "Get a Magento order",
    "One order by its entity_id: totals, line items, shipping method and address, and a "
    "fulfilment status computed from the items' shipped quantities. For its refunds use "
    "magento_list_credit_memos with the same order id.",
    GetOrderInput,
    OrderDetail,
    ORDER_GET,
)
async def get_order(client: MagentoClient, args: GetOrderInput) -> Reply:
    result = OrderDetail.model_validate(await client.get(ORDER_GET, {"order_id": args.order_id}))
    return Reply(result, _order_text(result))


def _order_text(result: OrderDetail) -> str:
    order = result.order
    return (
        f"Order #{order.increment_id} ({order.status}), {money(order.grand_total, order.currency)}"
        f", {order.item_count} line(s), {result.fulfilment_status.replace('_', ' ')}."
    )
