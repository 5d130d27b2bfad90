"""Refund tools: an order's refunds, a refund quote, and a refund.

A refund is two steps in BigCommerce: a quote says what may be refunded for the chosen items
and which refund methods (payment providers, store credit, offline) can pay it; the refund
then names the items and how the money goes back. Both are POSTs, so both are write tools;
the quote changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient
from shopmcp_adapters.upstreams.bigcommerce.inputs.orders import (
    CreateRefundInput,
    OrderIdInput,
    QuoteRefundInput,
)
from shopmcp_adapters.upstreams.bigcommerce.outputs import refunds as m
from shopmcp_adapters.upstreams.bigcommerce.outputs.common import V3Data
from shopmcp_adapters.upstreams.bigcommerce.tools import operations as op
from shopmcp_adapters.upstreams.bigcommerce.tools.table import tools
from shopmcp_adapters.upstreams.bigcommerce.tools.texts import listed, money, plural
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.tools.spec import ToolAnnotations
from shopmcp_domain.tools.whitelist import WriteWhitelist


def refund_line(refund: m.Refund) -> str:
    text = f"refund #{refund.id} {money(refund.total_amount)}"
    return text + (f" ({refund.reason})" if refund.reason else "")


@tools.read(
    "bigcommerce_list_order_refunds",
    "An order's refunds",
    "The refunds issued on one order, with amounts, refunded items and payment providers.",
    OrderIdInput,
    m.ListOrderRefundsOutput,
    op.ORDER_REFUNDS,
)
async def list_order_refunds(client: BigCommerceClient, args: OrderIdInput) -> Reply:
    body = await client.call(op.ORDER_REFUNDS, path={"order_id": args.order_id})
    refunds = V3Data[list[m.Refund]].model_validate(body).data
    total = sum((r.total_amount or Decimal(0) for r in refunds), Decimal(0))
    out = m.ListOrderRefundsOutput(order_id=args.order_id, refunds=refunds, total_refunded=total)
    head = f"Order #{out.order_id}: {plural(len(out.refunds), 'refund')}"
    if out.refunds:
        head += f" totalling {money(out.total_refunded)}"
    return Reply(out, listed(head, [refund_line(r) for r in out.refunds]))


REFUND_ITEMS = frozenset({"items"})


@tools.write(
    "bigcommerce_quote_refund",
    "Quote a refund",
    "Ask BigCommerce what refunding some of an order's items (line items by quantity, or an "
    "amount of shipping, handling or the order) comes to, and which refund methods can pay it. "
    "Changes nothing; bigcommerce_create_refund then makes the refund.",
    QuoteRefundInput,
    m.QuoteRefundOutput,
    op.REFUND_QUOTE,
    whitelist=WriteWhitelist(writable=REFUND_ITEMS, locators=frozenset({"order_id"})),
    # A POST that computes and stores nothing: not destructive, and asking again answers the
    # same quote. Listed with the writes because it is the first step of one.
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def quote_refund(client: BigCommerceClient, args: QuoteRefundInput) -> Reply:
    body = await client.call(op.REFUND_QUOTE, path={"order_id": args.order_id}, json=args.body())
    out = m.QuoteRefundOutput.model_validate(body)
    quote = out.quote
    methods = [
        " + ".join(
            f"{o.provider_description or o.provider_id} ({o.provider_id}"
            + (", offline" if o.offline else "")
            + f") {money(o.amount)}"
            for o in method
        )
        for method in quote.refund_methods
    ]
    head = f"Order #{quote.order_id}: refund of {money(quote.total_refund_amount)} possible"
    return Reply(out, listed(head + f", {plural(len(methods), 'refund method')}", methods))


@tools.write(
    "bigcommerce_create_refund",
    "Refund an order",
    "Refund items of an order (as quoted by bigcommerce_quote_refund) through the given "
    "payment methods. Money goes back to the customer; this cannot be undone.",
    CreateRefundInput,
    m.CreateRefundOutput,
    op.REFUND_CREATE,
    whitelist=WriteWhitelist(
        writable=REFUND_ITEMS | {"payments"}, locators=frozenset({"order_id"})
    ),
    # Moves money irreversibly; a repeat refunds again (until nothing is left to refund).
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False),
)
async def create_refund(client: BigCommerceClient, args: CreateRefundInput) -> Reply:
    body = await client.call(op.REFUND_CREATE, path={"order_id": args.order_id}, json=args.body())
    out = m.CreateRefundOutput.model_validate(body)
    return Reply(out, f"Order #{out.refund.order_id}: created {refund_line(out.refund)}.")
