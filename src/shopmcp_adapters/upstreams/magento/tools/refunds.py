"""The refund tools: list and read credit memos, refund an order offline, and refund an invoice
to the original payment through the gateway (or offline).

Magento's REST API has no refund to store credit: the documented refund arguments are the
shipping amount, the two adjustments and the lines returned to stock
(``sales-data-creditmemo-creation-arguments-interface`` of admin-schema 2.4.9, and
magento/magento2#32812). A refund to store credit is made in the Admin.
"""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.sales import (
    CreateCreditMemoInput,
    GetCreditMemoInput,
    ListCreditMemosInput,
    RefundAmounts,
    RefundInvoiceInput,
)
from shopmcp_adapters.upstreams.magento.operations import (
    CREDITMEMO_GET,
    CREDITMEMOS_SEARCH,
    INVOICE_REFUND,
    ORDER_REFUND,
)
from shopmcp_adapters.upstreams.magento.outputs.sales import (
    CreditMemo,
    CreditMemoDetail,
    CreditMemoListOutput,
    DocumentCreated,
)
from shopmcp_adapters.upstreams.magento.parsing import CREATED_ID
from shopmcp_adapters.upstreams.magento.search import (
    Direction,
    SearchCriteria,
    SearchField,
    SearchResults,
    equals,
)
from shopmcp_adapters.upstreams.magento.tools.documents import (
    NOTE_FIELDS,
    REFUNDS,
    comments_count,
    creation_body,
)
from shopmcp_adapters.upstreams.magento.tools.table import money, paging, tools
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.tools.whitelist import WriteWhitelist

REFUND_FIELDS = NOTE_FIELDS | {
    "items",
    "shipping_amount",
    "adjustment_refund",
    "adjustment_fee",
    "return_to_stock_item_ids",
}


@tools.read(
    "magento_list_credit_memos",
    "List a Magento order's credit memos",
    "The credit memos (refunds) of one order, by the order's entity_id: totals, "
    "adjustments and refunded items.",
    ListCreditMemosInput,
    CreditMemoListOutput,
    CREDITMEMOS_SEARCH,
)
async def list_credit_memos(client: MagentoClient, args: ListCreditMemosInput) -> Reply:
    criteria = SearchCriteria(
        groups=[equals(SearchField.ORDER_ID, args.order_id)],
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.CREATED_AT, Direction.ASC)],
    )
    found = SearchResults[CreditMemo].model_validate(
        await client.get(CREDITMEMOS_SEARCH, criteria=criteria)
    )
    result = CreditMemoListOutput(
        order_id=args.order_id, credit_memos=found.items, paging=paging(found, criteria)
    )
    return Reply(result, _credit_memos_text(result))


def _memo_line(memo: CreditMemo) -> str:
    return f"id {memo.entity_id} #{memo.increment_id} {money(memo.grand_total, memo.currency)}"


def _credit_memos_text(result: CreditMemoListOutput) -> str:
    shown = ", ".join(_memo_line(m) for m in result.credit_memos)
    return f"Order {result.order_id} has {result.paging.total_count} credit memo(s)" + (
        f": {shown}." if shown else "."
    )


@tools.read(
    "magento_get_credit_memo",
    "Get a Magento credit memo",
    "One credit memo (refund) by its id: totals, adjustments, refunded lines and comments.",
    GetCreditMemoInput,
    CreditMemoDetail,
    CREDITMEMO_GET,
)
async def get_credit_memo(client: MagentoClient, args: GetCreditMemoInput) -> Reply:
    result = CreditMemoDetail.model_validate(
        await client.get(CREDITMEMO_GET, {"credit_memo_id": args.credit_memo_id})
    )
    memo = result.credit_memo
    return Reply(
        result,
        f"Credit memo {_memo_line(memo)} for order {memo.order_id}, {len(memo.items)} "
        f"line(s){comments_count(result.comments)}.",
    )


def _refund_body(args: RefundAmounts) -> dict[str, Any]:
    body = creation_body(args.items, args)
    arguments: dict[str, Any] = {}
    if args.shipping_amount is not None:
        arguments["shipping_amount"] = args.shipping_amount
    if args.adjustment_refund is not None:
        arguments["adjustment_positive"] = args.adjustment_refund
    if args.adjustment_fee is not None:
        arguments["adjustment_negative"] = args.adjustment_fee
    if args.return_to_stock_item_ids:
        arguments["extension_attributes"] = {
            "return_to_stock_items": list(args.return_to_stock_item_ids)
        }
    if arguments:
        body["arguments"] = arguments
    return body


_NO_STORE_CREDIT = " Magento's API cannot refund to store credit; that is done in the Admin."


@tools.write(
    "magento_create_credit_memo",
    "Refund a Magento order (offline credit memo)",
    "Creates a credit memo for one order (by entity_id) and refunds it offline: Magento "
    "records the refund and the money is returned outside Magento (cash, bank transfer, an "
    "offline payment method). The lines and quantities given, or everything refundable; "
    "shipping, an extra refund and a fee can be set, and lines returned to stock. To refund "
    "through the payment gateway use magento_refund_invoice." + _NO_STORE_CREDIT,
    CreateCreditMemoInput,
    DocumentCreated,
    ORDER_REFUND,
    whitelist=WriteWhitelist(writable=REFUND_FIELDS, locators=frozenset({"order_id"})),
    annotations=REFUNDS,
)
async def create_credit_memo(client: MagentoClient, args: CreateCreditMemoInput) -> Reply:
    memo_id = CREATED_ID.validate_python(
        await client.post(ORDER_REFUND, {"order_id": args.order_id}, _refund_body(args))
    )
    result = DocumentCreated(document="credit_memo", document_id=memo_id, order_id=args.order_id)
    return Reply(
        result, f"Credit memo id {memo_id} created for order {args.order_id} (refunded offline)."
    )


@tools.write(
    "magento_refund_invoice",
    "Refund a Magento invoice",
    "Creates a credit memo for one invoice (by its id, from magento_list_invoices). refund_to "
    "chooses where the money goes: original_payment refunds through the payment gateway to "
    "the card or account the customer paid with (Magento refuses an invoice paid offline); "
    "offline records the refund only. Lines, shipping, adjustments and return to stock as "
    "for magento_create_credit_memo." + _NO_STORE_CREDIT,
    RefundInvoiceInput,
    DocumentCreated,
    INVOICE_REFUND,
    whitelist=WriteWhitelist(
        writable=REFUND_FIELDS | {"refund_to"}, locators=frozenset({"invoice_id"})
    ),
    annotations=REFUNDS,
)
async def refund_invoice(client: MagentoClient, args: RefundInvoiceInput) -> Reply:
    online = args.refund_to == "original_payment"
    body = {"isOnline": online, **_refund_body(args)}
    memo_id = CREATED_ID.validate_python(
        await client.post(INVOICE_REFUND, {"invoice_id": args.invoice_id}, body)
    )
    result = DocumentCreated(
        document="credit_memo", document_id=memo_id, invoice_id=args.invoice_id
    )
    where = "to the original payment" if online else "offline"
    return Reply(
        result,
        f"Credit memo id {memo_id} created for invoice {args.invoice_id} (refunded {where}).",
    )
