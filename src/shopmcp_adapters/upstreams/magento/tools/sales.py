"""The sales-document tools: invoices, shipments and credit memos."""

from __future__ import annotations

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.sales import ListCreditMemosInput
from shopmcp_adapters.upstreams.magento.operations import CREDITMEMOS_SEARCH
from shopmcp_adapters.upstreams.magento.outputs.sales import CreditMemo, CreditMemoListOutput
from shopmcp_adapters.upstreams.magento.search import (
    Direction,
    SearchCriteria,
    SearchField,
    SearchResults,
    equals,
)
from shopmcp_adapters.upstreams.magento.tools.table import money, paging, tools
from shopmcp_adapters.upstreams.module import Reply


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


def _credit_memos_text(result: CreditMemoListOutput) -> str:
    shown = ", ".join(
        f"{m.increment_id} {money(m.grand_total, m.currency)}" for m in result.credit_memos
    )
    return f"Order {result.order_id} has {result.paging.total_count} credit memo(s)" + (
        f": {shown}." if shown else "."
    )
