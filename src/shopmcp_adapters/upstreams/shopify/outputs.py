"""Output models of the Shopify tools: the structured content each tool returns."""

from __future__ import annotations

from shopmcp_adapters.upstreams.shopify.inputs import StrictModel


class Money(StrictModel):
    amount: str
    currency: str


class PageInfo(StrictModel):
    has_next_page: bool
    end_cursor: str | None


class ShopOutput(StrictModel):
    id: str
    name: str
    email: str | None
    contact_email: str | None
    myshopify_domain: str
    primary_domain: str | None
    currency: str
    timezone: str
    plan: str | None
    country: str | None


class OrderSummary(StrictModel):
    id: str
    name: str
    created_at: str
    cancelled_at: str | None
    closed: bool
    financial_status: str | None
    fulfillment_status: str
    total: Money
    customer_id: str | None
    customer_name: str | None
    item_count: int


class ListOrdersOutput(StrictModel):
    orders: list[OrderSummary]
    page_info: PageInfo


class LineItem(StrictModel):
    id: str
    title: str
    sku: str | None
    quantity: int
    current_quantity: int
    unit_price: Money
    variant_id: str | None


class Tracking(StrictModel):
    company: str | None
    number: str | None
    url: str | None


class Fulfillment(StrictModel):
    id: str
    status: str
    created_at: str
    tracking: list[Tracking]


class RefundSummary(StrictModel):
    id: str
    created_at: str
    note: str | None
    total: Money


class OrderOutput(StrictModel):
    id: str
    name: str
    created_at: str
    processed_at: str
    cancelled_at: str | None
    cancel_reason: str | None
    closed: bool
    note: str | None
    tags: list[str]
    financial_status: str | None
    fulfillment_status: str
    subtotal: Money | None
    shipping: Money
    tax: Money | None
    total: Money
    refunded: Money
    customer_id: str | None
    customer_name: str | None
    line_items: list[LineItem]
    fulfillments: list[Fulfillment]
    refunds: list[RefundSummary]


class RefundLine(StrictModel):
    line_item_id: str
    title: str
    sku: str | None
    quantity: int
    restock_type: str
    subtotal: Money


class Refund(StrictModel):
    id: str
    created_at: str
    note: str | None
    total: Money
    lines: list[RefundLine]


class ListOrderRefundsOutput(StrictModel):
    order_id: str
    order_name: str
    total_refunded: Money
    refunds: list[Refund]


class ProductSummary(StrictModel):
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str
    tags: list[str]
    total_inventory: int | None
    variant_count: int | None
    updated_at: str


class ListProductsOutput(StrictModel):
    products: list[ProductSummary]
    page_info: PageInfo


class Variant(StrictModel):
    id: str
    title: str
    sku: str | None
    price: str
    compare_at_price: str | None
    inventory_quantity: int | None
    inventory_item_id: str
    tracked: bool


class ProductOutput(StrictModel):
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str
    tags: list[str]
    description_html: str
    created_at: str
    updated_at: str
    total_inventory: int | None
    variants: list[Variant]


class LocationLevel(StrictModel):
    location_id: str
    location_name: str
    available: int | None
    on_hand: int | None
    committed: int | None
    incoming: int | None


class VariantInventory(StrictModel):
    variant_id: str
    variant_title: str
    sku: str | None
    product_id: str
    product_title: str
    inventory_item_id: str
    tracked: bool
    levels: list[LocationLevel]


class InventoryOutput(StrictModel):
    variants: list[VariantInventory]


class CustomerSummary(StrictModel):
    id: str
    name: str
    email: str | None
    phone: str | None
    state: str
    tags: list[str]
    created_at: str
    number_of_orders: int
    amount_spent: Money


class ListCustomersOutput(StrictModel):
    customers: list[CustomerSummary]
    page_info: PageInfo


class CustomerOrder(StrictModel):
    id: str
    name: str
    created_at: str
    financial_status: str | None
    fulfillment_status: str
    total: Money


class CustomerOutput(StrictModel):
    id: str
    name: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    state: str
    tags: list[str]
    note: str | None
    created_at: str
    number_of_orders: int
    amount_spent: Money
    city: str | None
    country: str | None
    last_order_name: str | None
    recent_orders: list[CustomerOrder]


class UpdateProductOutput(StrictModel):
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str
    tags: list[str]
    description_html: str
    updated_at: str


class InventoryChange(StrictModel):
    name: str
    delta: int
    quantity_after: int | None
    location_id: str | None
    location_name: str | None
    inventory_item_id: str | None
    sku: str | None


class SetInventoryOutput(StrictModel):
    reason: str | None
    changes: list[InventoryChange]


class UpdateOrderOutput(StrictModel):
    id: str
    name: str
    note: str | None
    tags: list[str]
    updated_at: str
