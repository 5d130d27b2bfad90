"""Refund outputs: an order's refunds, a refund quote and a refund made."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from shopmcp_adapters.upstreams.bigcommerce.outputs.common import (
    Money,
    OptionalText,
    Parsed,
    UpstreamDate,
)


class RefundItem(Parsed):
    item_type: str
    item_id: int | None = None
    quantity: int | None = None
    requested_amount: Money = None
    reason: OptionalText = None


class RefundPayment(Parsed):
    provider_id: str
    amount: Money = None
    offline: bool | None = None
    is_declined: bool | None = None


class Refund(Parsed):
    id: int
    order_id: int
    created: UpstreamDate = None
    reason: OptionalText = None
    total_amount: Money = None
    total_tax: Money = None
    items: list[RefundItem] = Field(default_factory=list)
    payments: list[RefundPayment] = Field(default_factory=list)


class ListOrderRefundsOutput(Parsed):
    order_id: int
    refunds: list[Refund]
    total_refunded: Decimal


class RefundOption(Parsed):
    """One way to pay part of a refund back (a quote's refund method holds one or more)."""

    provider_id: str
    provider_description: OptionalText = None
    amount: Money = None
    offline: bool | None = None
    offline_provider: bool | None = None
    offline_reason: OptionalText = None


class RefundQuote(Parsed):
    order_id: int
    total_refund_amount: Money = None
    total_refund_tax_amount: Money = None
    rounding: Money = None
    adjustment: Money = None
    tax_inclusive: bool | None = None
    refund_methods: list[list[RefundOption]] = Field(default_factory=list)


class QuoteRefundOutput(Parsed):
    quote: RefundQuote = Field(validation_alias="data")


class CreateRefundOutput(Parsed):
    refund: Refund = Field(validation_alias="data")
