"""Output of the sales summary: totals, statuses and best sellers over the orders of a date
range, computed from a bounded number of order pages, and saying whether that was all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import Field

from shopmcp_adapters.upstreams.magento.parsing import (
    Amount,
    NullableList,
    Output,
    Quantity,
    Text,
    Upstream,
)


class _SummaryLine(Upstream):
    parent_item_id: Any = None
    sku: Text = None
    name: Text = None
    qty_ordered: Quantity = 0
    row_total: Amount = None


class SummaryOrder(Upstream):
    """What the summary reads of each order of the orders search."""

    entity_id: int
    status: Text = None
    grand_total: float
    total_refunded: Amount = None
    order_currency_code: Text = None
    items: NullableList[_SummaryLine] = Field(default_factory=list)


class CurrencyTotals(Output):
    currency: str | None
    orders: int
    gross_sales: float = Field(description="Sum of the orders' grand totals")
    refunded: float
    net_sales: float = Field(description="gross_sales less refunded")
    average_order_value: float


class StatusTotal(Output):
    status: str | None
    orders: int


class TopProduct(Output):
    sku: str
    name: str | None
    quantity: float
    revenue: float = Field(description="Sum of the lines' row totals, in currency")
    currency: str | None
    orders: int


class SalesSummary(Output):
    created_from: str
    created_to: str
    include_canceled: bool
    order_count: int = Field(description="Orders Magento reports in the range")
    orders_counted: int = Field(description="Orders the figures below were computed from")
    complete: bool = Field(
        description="True when every order in the range was counted; false: the figures cover "
        "only the oldest orders_counted of them"
    )
    totals: list[CurrencyTotals] = Field(description="One row per order currency")
    by_status: list[StatusTotal]
    top_products: list[TopProduct] = Field(description="By quantity sold, top-level lines only")

    @classmethod
    def of(
        cls,
        *,
        created_from: str,
        created_to: str,
        include_canceled: bool,
        order_count: int,
        orders: Iterable[SummaryOrder],
        top: int,
    ) -> SalesSummary:
        counted = list(orders)
        totals: dict[str | None, list[float]] = {}
        statuses: dict[str | None, int] = {}
        products: dict[tuple[str, str | None], TopProduct] = {}
        for order in counted:
            currency = order.order_currency_code
            row = totals.setdefault(currency, [0, 0.0, 0.0])
            row[0] += 1
            row[1] += order.grand_total
            row[2] += order.total_refunded or 0.0
            statuses[order.status] = statuses.get(order.status, 0) + 1
            for line in order.items:
                if line.parent_item_id or not line.sku:
                    continue  # a configurable's child line: its parent line carries it
                key = (line.sku, currency)
                seen = products.get(key) or TopProduct(
                    sku=line.sku, name=line.name, quantity=0, revenue=0, currency=currency, orders=0
                )
                products[key] = seen.model_copy(
                    update={
                        "quantity": seen.quantity + line.qty_ordered,
                        "revenue": round(seen.revenue + (line.row_total or 0.0), 2),
                        "orders": seen.orders + 1,
                    }
                )
        ranked = sorted(products.values(), key=lambda p: (-p.quantity, -p.revenue, p.sku))
        return cls(
            created_from=created_from,
            created_to=created_to,
            include_canceled=include_canceled,
            order_count=order_count,
            orders_counted=len(counted),
            complete=len(counted) >= order_count,
            totals=[
                CurrencyTotals(
                    currency=currency,
                    orders=int(n),
                    gross_sales=round(gross, 2),
                    refunded=round(refunded, 2),
                    net_sales=round(gross - refunded, 2),
                    average_order_value=round(gross / n, 2),
                )
                for currency, (n, gross, refunded) in sorted(
                    totals.items(), key=lambda item: -item[1][0]
                )
            ],
            by_status=[
                StatusTotal(status=status, orders=n)
                for status, n in sorted(statuses.items(), key=lambda item: -item[1])
            ],
            top_products=ranked[:top],
        )
