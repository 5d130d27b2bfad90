"""The order tools: search and read orders, their comment history, and the order actions
(add a comment, hold, release the hold, cancel), each one POST to the order."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.orders import (
    AddOrderCommentInput,
    GetOrderInput,
    SearchOrdersInput,
)
from shopmcp_adapters.upstreams.magento.operations import (
    ORDER_CANCEL,
    ORDER_COMMENT_ADD,
    ORDER_COMMENTS,
    ORDER_GET,
    ORDER_HOLD,
    ORDER_UNHOLD,
    ORDERS_SEARCH,
)
from shopmcp_adapters.upstreams.magento.outputs.orders import (
    OrderAction,
    OrderActionResult,
    OrderComment,
    OrderCommentsOutput,
    OrderDetail,
    OrderSearchOutput,
    OrderSummary,
)
from shopmcp_adapters.upstreams.magento.parsing import CONFIRMATION
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
from shopmcp_domain.tools.spec import ToolAnnotations
from shopmcp_domain.tools.whitelist import WriteWhitelist
from shopmcp_domain.untrusted import clean_upstream_text, mark_untrusted


@tools.read(
    "magento_search_orders",
    "Search Magento orders",
    "Find orders by status, order number, creation date range (UTC days, inclusive), "
    "customer e-mail or customer id; newest first, paged (page_size at most 100). Each "
    "order's id (entity_id) is what the other order tools take.",
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
        f"#{o.increment_id} (id {o.entity_id}) {o.status} {money(o.grand_total, o.currency)}"
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


@tools.read(
    "magento_list_order_comments",
    "List a Magento order's comments",
    "The comment history of one order (by entity_id), newest first: merchant notes, status "
    "changes, and whether the customer was notified.",
    GetOrderInput,
    OrderCommentsOutput,
    ORDER_COMMENTS,
)
async def list_order_comments(client: MagentoClient, args: GetOrderInput) -> Reply:
    found = SearchResults[OrderComment].model_validate(
        await client.get(ORDER_COMMENTS, {"order_id": args.order_id})
    )
    newest_first = sorted(found.items, key=lambda c: c.created_at or "", reverse=True)
    result = OrderCommentsOutput(
        order_id=args.order_id, comments=newest_first, total_count=found.total_count
    )
    return Reply(result, _comments_text(result))


def _comments_text(result: OrderCommentsOutput) -> str:
    text = f"Order {result.order_id} has {result.total_count} comment(s)"
    shown = [
        f"{c.created_at} ({c.status or 'no status'}): "
        + mark_untrusted(clean_upstream_text(c.comment or "", 200), "magento")
        for c in result.comments[:5]
    ]
    return text + (": " + "; ".join(shown) if shown else "") + "."


# --------------------------------------------------------------------------- order actions

# Adding a comment adds to the history: nothing is overwritten, and a repeat adds another.
ADDITIVE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False)
# Hold, release and cancel overwrite the order's state; a repeat changes nothing more (Magento
# refuses to hold a held order, and answers false to cancelling a cancelled one).
STATE_CHANGE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True)
ORDER_LOCATOR = WriteWhitelist(writable=frozenset(), locators=frozenset({"order_id"}))


@tools.write(
    "magento_add_order_comment",
    "Add a comment to a Magento order",
    "Adds a comment to one order's history (by entity_id), optionally e-mailed to the "
    "customer and shown in their account. The order's status is left as it is.",
    AddOrderCommentInput,
    OrderActionResult,
    ORDER_COMMENT_ADD,
    whitelist=WriteWhitelist(
        writable=frozenset({"comment", "notify_customer", "visible_on_storefront"}),
        locators=frozenset({"order_id"}),
    ),
    annotations=ADDITIVE,
)
async def add_order_comment(client: MagentoClient, args: AddOrderCommentInput) -> Reply:
    body = {
        "statusHistory": {
            "comment": args.comment,
            "parent_id": args.order_id,
            "is_customer_notified": int(args.notify_customer),
            "is_visible_on_front": int(args.visible_on_storefront),
        }
    }
    answer = await client.post(ORDER_COMMENT_ADD, {"order_id": args.order_id}, body)
    return _action_reply(args.order_id, "comment", answer)


@tools.write(
    "magento_hold_order",
    "Put a Magento order on hold",
    "Puts one order (by entity_id) on hold: it cannot be invoiced, shipped or refunded until "
    "released with magento_unhold_order. Magento refuses an order that cannot be held "
    "(already held, complete, closed or canceled).",
    GetOrderInput,
    OrderActionResult,
    ORDER_HOLD,
    whitelist=ORDER_LOCATOR,
    annotations=STATE_CHANGE,
)
async def hold_order(client: MagentoClient, args: GetOrderInput) -> Reply:
    answer = await client.post(ORDER_HOLD, {"order_id": args.order_id}, {})
    return _action_reply(args.order_id, "hold", answer)


@tools.write(
    "magento_unhold_order",
    "Release a Magento order's hold",
    "Releases the hold on one order (by entity_id), back to the state it had before. Magento "
    "refuses an order that is not on hold.",
    GetOrderInput,
    OrderActionResult,
    ORDER_UNHOLD,
    whitelist=ORDER_LOCATOR,
    annotations=STATE_CHANGE,
)
async def unhold_order(client: MagentoClient, args: GetOrderInput) -> Reply:
    answer = await client.post(ORDER_UNHOLD, {"order_id": args.order_id}, {})
    return _action_reply(args.order_id, "unhold", answer)


@tools.write(
    "magento_cancel_order",
    "Cancel a Magento order",
    "Cancels one order (by entity_id): its unshipped, uninvoiced quantities are cancelled and "
    "cannot be restored. Magento declines (applied false) an order that cannot be cancelled "
    "in its state: fully invoiced, complete, closed, on hold or already canceled; refund an "
    "invoiced order with magento_create_credit_memo instead.",
    GetOrderInput,
    OrderActionResult,
    ORDER_CANCEL,
    whitelist=ORDER_LOCATOR,
    annotations=STATE_CHANGE,
)
async def cancel_order(client: MagentoClient, args: GetOrderInput) -> Reply:
    answer = await client.post(ORDER_CANCEL, {"order_id": args.order_id}, {})
    return _action_reply(args.order_id, "cancel", answer)


_DONE: dict[OrderAction, str] = {
    "comment": "Comment added to order {id}.",
    "hold": "Order {id} is on hold.",
    "unhold": "Order {id} is released from hold.",
    "cancel": "Order {id} is cancelled.",
}
_DECLINED: dict[OrderAction, str] = {
    "comment": "Magento did not add the comment to order {id}.",
    "hold": "Magento did not put order {id} on hold.",
    "unhold": "Magento did not release order {id}.",
    "cancel": "Magento declined to cancel order {id}: it cannot be cancelled in its state.",
}


def _action_reply(order_id: int, action: OrderAction, answer: Any) -> Reply:
    applied = CONFIRMATION.validate_python(answer)
    result = OrderActionResult(order_id=order_id, action=action, applied=applied)
    return Reply(result, (_DONE if applied else _DECLINED)[action].format(id=order_id))
