"""The sales summary: the pages it reads (parsed from the upstream shape) and the summary it
computes from them."""

from __future__ import annotations

from pydantic import AliasPath, Field

from shopmcp_adapters.upstreams.shopify.outputs.common import Money, OutputModel, PageInfo, nested


class SoldLine(OutputModel):
    title: str
    sku: str | None
    quantity: int = Field(validation_alias="currentQuantity")
    product_id: str | None = nested("product", "id")
    unit_price: Money = Field(validation_alias="discountedUnitPriceAfterAllDiscountsSet")


class SoldOrder(OutputModel):
    id: str
    name: str
    created_at: str = Field(validation_alias="createdAt")
    cancelled_at: str | None = Field(validation_alias="cancelledAt")
    test: bool
    total: Money = Field(validation_alias="currentTotalPriceSet")
    lines: list[SoldLine] = Field(validation_alias=AliasPath("lineItems", "nodes"))
    more_lines: bool = Field(validation_alias=AliasPath("lineItems", "pageInfo", "hasNextPage"))


# One page of ``data`` of SalesOrders.
class SalesOrdersPage(OutputModel):
    orders: list[SoldOrder] = Field(validation_alias=AliasPath("orders", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("orders", "pageInfo"))


class TopProduct(OutputModel):
    product_id: str | None
    title: str
    # The SKU when every unit sold was the same variant, else null.
    sku: str | None
    units: int
    sales: Money


class SalesSummaryOutput(OutputModel):
    created_from: str
    created_to: str
    currency: str | None
    order_count: int
    total_sales: Money | None
    average_order_value: Money | None
    # Cancelled and test orders of the period, left out of every figure.
    excluded_orders: int
    top_products: list[TopProduct]
    orders_read: int
    pages_read: int
    # Whether the period has orders the summary did not read (it stopped at max_pages), and
    # the creation time of the last order it did read.
    partial: bool
    covered_until: str | None
    # Orders with more lines than were read: their totals count, but top_products misses
    # those lines.
    orders_with_unread_lines: int
