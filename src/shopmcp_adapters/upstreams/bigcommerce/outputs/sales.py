"""The sales summary: totals computed from a bounded number of order pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import Field

from shopmcp_adapters.upstreams.bigcommerce.outputs.common import Money, Parsed
from shopmcp_adapters.upstreams.bigcommerce.outputs.orders import OrderSummary, StatusCount


class SalesOrder(OrderSummary):
    """An order as the summary reads it. Its amounts are in its transactional currency,
    ``default_currency_code`` (``currency_code`` is the currency prices were displayed in)."""

    discount_amount: Money = None
    default_currency_code: str | None = None

    @property
    def transactional_currency(self) -> str:
        return self.default_currency_code or self.currency_code or "?"


class CurrencyTotals(Parsed):
    """The counted orders of one transactional currency (the currency the shopper paid in; a
    multi-currency store has one entry each)."""

    currency_code: str
    orders: int
    items: int
    gross: Decimal = Field(description="Order totals including tax and shipping.")
    discounts: Decimal
    refunded: Decimal
    net: Decimal = Field(description="gross less refunded")
    average_order_value: Decimal


class SalesSummaryOutput(Parsed):
    created_from: dt.datetime
    created_to: dt.datetime
    orders_read: int = Field(description="Orders read in the period, every status.")
    orders_counted: int = Field(description="Orders counted as sales.")
    excluded_statuses: list[str] = Field(
        description="Statuses not counted as sales (never paid for, cancelled or declined)."
    )
    by_currency: list[CurrencyTotals]
    by_status: list[StatusCount]
    pages_read: int
    partial: bool = Field(
        description="True when the page bound was reached: the period may hold more orders."
    )
    covered_to: dt.datetime | None = Field(
        default=None,
        description="When partial, the creation time of the last order read: the totals cover "
        "created_from up to here.",
    )
