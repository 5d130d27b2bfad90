"""Output models of the Shopify tools, parsed straight from the Admin GraphQL ``data``.

Each model is both the structured content a tool returns (its field names, serialised) and
the parser of the upstream node it comes from: ``validation_alias`` names the GraphQL field,
``AliasPath`` reaches into nested objects and a connection's ``nodes``, and before-validators
read a ``MoneyBag`` or a list of named quantities. A node of the wrong shape fails validation,
which the platform module turns into ``UpstreamResponseInvalid``. The models are described
in comments, not docstrings: a docstring would become the advertised schema's description.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from pydantic import AliasPath, BaseModel, ConfigDict, Field, model_validator


class OutputModel(BaseModel):
    model_config = ConfigDict(
        # Upstream nodes carry fields a tool does not return: they are dropped.
        extra="ignore",
        # A serialised output (field names, not Shopify's) parses back to itself.
        frozen=True,
        # What is serialised is exactly the fields, always all of them (a default only fills
        # in while parsing): the advertised schema closes the object and requires every field.
        json_schema_extra={"additionalProperties": False},
        json_schema_serialization_defaults_required=True,
    )


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def nested(*path: str) -> Any:
    """A field read from inside a nested object that may be null or absent (an order without
    a customer, a customer without an address): then the field is null."""
    return Field(default=None, validation_alias=AliasPath(*path), json_schema_extra=_no_default)


# An amount in the shop's currency, from a MoneyBag (its shopMoney) or a MoneyV2 (the amount).
class Money(OutputModel):
    amount: str
    currency: str = Field(validation_alias="currencyCode")

    @model_validator(mode="before")
    @classmethod
    def _shop_money(cls, value: Any) -> Any:
        if isinstance(value, Mapping) and "shopMoney" in value:
            return value["shopMoney"]
        return value


class PageInfo(OutputModel):
    has_next_page: bool = Field(validation_alias="hasNextPage")
    end_cursor: str | None = Field(validation_alias="endCursor")


class ShopOutput(OutputModel):
    id: str
    name: str
    email: str | None
    contact_email: str | None = Field(validation_alias="contactEmail")
    myshopify_domain: str = Field(validation_alias="myshopifyDomain")
    primary_domain: str | None = nested("primaryDomain", "host")
    currency: str = Field(validation_alias="currencyCode")
    timezone: str = Field(validation_alias="ianaTimezone")
    plan: str | None = nested("plan", "publicDisplayName")
    country: str | None = nested("shopAddress", "country")


class OrderSummary(OutputModel):
    id: str
    name: str
    created_at: str = Field(validation_alias="createdAt")
    cancelled_at: str | None = Field(validation_alias="cancelledAt")
    closed: bool
    financial_status: str | None = Field(validation_alias="displayFinancialStatus")
    fulfillment_status: str = Field(validation_alias="displayFulfillmentStatus")
    total: Money = Field(validation_alias="currentTotalPriceSet")
    customer_id: str | None = nested("customer", "id")
    customer_name: str | None = nested("customer", "displayName")
    item_count: int = Field(validation_alias="subtotalLineItemsQuantity")


# Parsed from ``data`` of ListOrders.
class ListOrdersOutput(OutputModel):
    orders: list[OrderSummary] = Field(validation_alias=AliasPath("orders", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("orders", "pageInfo"))


class LineItem(OutputModel):
    id: str
    title: str
    sku: str | None
    quantity: int
    current_quantity: int = Field(validation_alias="currentQuantity")
    unit_price: Money = Field(validation_alias="originalUnitPriceSet")
    variant_id: str | None = nested("variant", "id")


class Tracking(OutputModel):
    company: str | None
    number: str | None
    url: str | None


class Fulfillment(OutputModel):
    id: str
    status: str
    created_at: str = Field(validation_alias="createdAt")
    tracking: list[Tracking] = Field(validation_alias="trackingInfo")


class RefundSummary(OutputModel):
    id: str
    created_at: str = Field(validation_alias="createdAt")
    note: str | None
    total: Money = Field(validation_alias="totalRefundedSet")


class OrderOutput(OutputModel):
    id: str
    name: str
    created_at: str = Field(validation_alias="createdAt")
    processed_at: str = Field(validation_alias="processedAt")
    cancelled_at: str | None = Field(validation_alias="cancelledAt")
    cancel_reason: str | None = Field(validation_alias="cancelReason")
    closed: bool
    note: str | None
    tags: list[str]
    financial_status: str | None = Field(validation_alias="displayFinancialStatus")
    fulfillment_status: str = Field(validation_alias="displayFulfillmentStatus")
    subtotal: Money | None = Field(validation_alias="subtotalPriceSet")
    shipping: Money = Field(validation_alias="totalShippingPriceSet")
    tax: Money | None = Field(validation_alias="totalTaxSet")
    total: Money = Field(validation_alias="currentTotalPriceSet")
    refunded: Money = Field(validation_alias="totalRefundedSet")
    customer_id: str | None = nested("customer", "id")
    customer_name: str | None = nested("customer", "displayName")
    line_items: list[LineItem] = Field(validation_alias=AliasPath("lineItems", "nodes"))
    fulfillments: list[Fulfillment]
    refunds: list[RefundSummary]


class RefundLine(OutputModel):
    line_item_id: str = Field(validation_alias=AliasPath("lineItem", "id"))
    title: str = Field(validation_alias=AliasPath("lineItem", "title"))
    sku: str | None = nested("lineItem", "sku")
    quantity: int
    restock_type: str = Field(validation_alias="restockType")
    subtotal: Money = Field(validation_alias="subtotalSet")


class Refund(OutputModel):
    id: str
    created_at: str = Field(validation_alias="createdAt")
    note: str | None
    total: Money = Field(validation_alias="totalRefundedSet")
    lines: list[RefundLine] = Field(validation_alias=AliasPath("refundLineItems", "nodes"))


# Parsed from the ``order`` node of ListOrderRefunds.
class ListOrderRefundsOutput(OutputModel):
    order_id: str = Field(validation_alias="id")
    order_name: str = Field(validation_alias="name")
    total_refunded: Money = Field(validation_alias="totalRefundedSet")
    refunds: list[Refund]


class ProductSummary(OutputModel):
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str = Field(validation_alias="productType")
    tags: list[str]
    total_inventory: int | None = Field(validation_alias="totalInventory")
    variant_count: int | None = nested("variantsCount", "count")
    updated_at: str = Field(validation_alias="updatedAt")


# Parsed from ``data`` of ListProducts.
class ListProductsOutput(OutputModel):
    products: list[ProductSummary] = Field(validation_alias=AliasPath("products", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("products", "pageInfo"))


class Variant(OutputModel):
    id: str
    title: str
    sku: str | None
    price: str
    compare_at_price: str | None = Field(validation_alias="compareAtPrice")
    inventory_quantity: int | None = Field(validation_alias="inventoryQuantity")
    inventory_item_id: str = Field(validation_alias=AliasPath("inventoryItem", "id"))
    tracked: bool = Field(validation_alias=AliasPath("inventoryItem", "tracked"))


class ProductOutput(OutputModel):
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str = Field(validation_alias="productType")
    tags: list[str]
    description_html: str = Field(validation_alias="descriptionHtml")
    created_at: str = Field(validation_alias="createdAt")
    updated_at: str = Field(validation_alias="updatedAt")
    total_inventory: int | None = Field(validation_alias="totalInventory")
    variants: list[Variant] = Field(validation_alias=AliasPath("variants", "nodes"))


# The quantity names GetInventory asks for, one output field each.
QUANTITY_NAMES: Final = ("available", "on_hand", "committed", "incoming")


class LocationLevel(OutputModel):
    location_id: str = Field(validation_alias=AliasPath("location", "id"))
    location_name: str = Field(validation_alias=AliasPath("location", "name"))
    available: int | None
    on_hand: int | None
    committed: int | None
    incoming: int | None

    @model_validator(mode="before")
    @classmethod
    def _named_quantities(cls, level: Any) -> Any:
        # ``quantities`` is a list of {name, quantity}: each quantity field takes the one
        # named like it, or null when Shopify sent none of that name.
        if not isinstance(level, Mapping) or "quantities" not in level:
            return level
        quantities = level["quantities"]
        if not isinstance(quantities, list) or not all(isinstance(q, Mapping) for q in quantities):
            raise ValueError("quantities is not a list of named quantities")
        named = {q.get("name"): q.get("quantity") for q in quantities}
        return {**level, **{name: named.get(name) for name in QUANTITY_NAMES}}


class VariantInventory(OutputModel):
    variant_id: str = Field(validation_alias="id")
    variant_title: str = Field(validation_alias="title")
    sku: str | None
    product_id: str = Field(validation_alias=AliasPath("product", "id"))
    product_title: str = Field(validation_alias=AliasPath("product", "title"))
    inventory_item_id: str = Field(validation_alias=AliasPath("inventoryItem", "id"))
    tracked: bool = Field(validation_alias=AliasPath("inventoryItem", "tracked"))
    levels: list[LocationLevel] = Field(
        validation_alias=AliasPath("inventoryItem", "inventoryLevels", "nodes")
    )


# Parsed from ``data`` of GetInventory.
class InventoryOutput(OutputModel):
    variants: list[VariantInventory] = Field(validation_alias=AliasPath("productVariants", "nodes"))


class CustomerSummary(OutputModel):
    id: str
    name: str = Field(validation_alias="displayName")
    email: str | None = nested("defaultEmailAddress", "emailAddress")
    phone: str | None = nested("defaultPhoneNumber", "phoneNumber")
    state: str
    tags: list[str]
    created_at: str = Field(validation_alias="createdAt")
    # An UnsignedInt64, which GraphQL serialises as a string.
    number_of_orders: int = Field(validation_alias="numberOfOrders")
    amount_spent: Money = Field(validation_alias="amountSpent")


# Parsed from ``data`` of ListCustomers.
class ListCustomersOutput(OutputModel):
    customers: list[CustomerSummary] = Field(validation_alias=AliasPath("customers", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("customers", "pageInfo"))


class CustomerOrder(OutputModel):
    id: str
    name: str
    created_at: str = Field(validation_alias="createdAt")
    financial_status: str | None = Field(validation_alias="displayFinancialStatus")
    fulfillment_status: str = Field(validation_alias="displayFulfillmentStatus")
    total: Money = Field(validation_alias="currentTotalPriceSet")


class CustomerOutput(OutputModel):
    id: str
    name: str = Field(validation_alias="displayName")
    first_name: str | None = Field(validation_alias="firstName")
    last_name: str | None = Field(validation_alias="lastName")
    email: str | None = nested("defaultEmailAddress", "emailAddress")
    phone: str | None = nested("defaultPhoneNumber", "phoneNumber")
    state: str
    tags: list[str]
    note: str | None
    created_at: str = Field(validation_alias="createdAt")
    number_of_orders: int = Field(validation_alias="numberOfOrders")
    amount_spent: Money = Field(validation_alias="amountSpent")
    city: str | None = nested("defaultAddress", "city")
    country: str | None = nested("defaultAddress", "country")
    last_order_name: str | None = nested("lastOrder", "name")
    recent_orders: list[CustomerOrder] = Field(validation_alias=AliasPath("orders", "nodes"))


class UpdateProductOutput(OutputModel):
    id: str
    title: str
    handle: str
    status: str
    vendor: str
    product_type: str = Field(validation_alias="productType")
    tags: list[str]
    description_html: str = Field(validation_alias="descriptionHtml")
    updated_at: str = Field(validation_alias="updatedAt")


class InventoryChange(OutputModel):
    name: str
    delta: int
    quantity_after: int | None = Field(validation_alias="quantityAfterChange")
    location_id: str | None = nested("location", "id")
    location_name: str | None = nested("location", "name")
    inventory_item_id: str | None = nested("item", "id")
    sku: str | None = nested("item", "sku")


# Parsed from the ``inventorySetQuantities`` payload.
class SetInventoryOutput(OutputModel):
    reason: str | None
    changes: list[InventoryChange]

    @model_validator(mode="before")
    @classmethod
    def _adjustment_group(cls, payload: Any) -> Any:
        if not isinstance(payload, Mapping) or "inventoryAdjustmentGroup" not in payload:
            return payload
        group = payload["inventoryAdjustmentGroup"]
        # Shopify records no adjustment when the quantity already was the number set.
        return {"reason": None, "changes": []} if group is None else group


class UpdateOrderOutput(OutputModel):
    id: str
    name: str
    note: str | None
    tags: list[str]
    updated_at: str = Field(validation_alias="updatedAt")
