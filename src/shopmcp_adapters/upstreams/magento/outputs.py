"""Output models of the Magento tools, each also the parser of Magento's answer for it.

See ``parsing.py`` for how: aliases name where a field sits in Magento's object, annotated
types read Magento's encodings, and model-level before-validators reshape what a field cannot
read directly (one flat object read by nested models, values derived from several keys).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AliasPath,
    BeforeValidator,
    Field,
    TypeAdapter,
    field_validator,
    model_validator,
)

from shopmcp_adapters.upstreams.magento.parsing import (
    Amount,
    NullableList,
    Output,
    Quantity,
    StatusCode,
    Text,
    Upstream,
    VisibilityCode,
    custom_attributes_by_code,
    derive,
    full_name,
    nest,
    text_or_none,
)

# --------------------------------------------------------------------------- store


class StoreConfig(Output):
    id: int
    code: str
    website_id: int
    locale: str
    base_currency_code: str
    default_display_currency_code: str
    timezone: str
    weight_unit: str
    base_url: str
    secure_base_url: str


class StoreOutput(Output):
    stores: list[StoreConfig]

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        # /V1/store/storeConfigs answers a bare array of store views.
        return {"stores": data} if isinstance(data, list) else data


class Paging(Output):
    total_count: int
    page: int
    page_size: int


# --------------------------------------------------------------------------- orders


class _LineParent(Upstream):
    # Set on the child line of a configurable item, which is not a line of its own.
    parent_item_id: Any = None


class _OrderLine(_LineParent):
    is_virtual: Any = None  # never shipped
    qty_ordered: Quantity = 0
    qty_canceled: Quantity = 0
    qty_shipped: Quantity = 0


_LINE_PARENTS = TypeAdapter(NullableList[_LineParent])
_ORDER_LINES = TypeAdapter(NullableList[_OrderLine])


def _line_count(items: Any) -> int:
    return sum(1 for line in _LINE_PARENTS.validate_python(items) if not line.parent_item_id)


Fulfilment = Literal["unfulfilled", "partially_shipped", "shipped", "not_shippable"]


def _fulfilment(lines: Sequence[_OrderLine]) -> Fulfilment:
    """From the order's own lines: top-level, non-virtual lines, shipped vs ordered."""
    shippable = [line for line in lines if not line.parent_item_id and not line.is_virtual]
    ordered = [line.qty_ordered - line.qty_canceled for line in shippable]
    shipped = [line.qty_shipped for line in shippable]
    if not shippable or sum(ordered) <= 0:
        return "not_shippable"
    if all(s >= o for s, o in zip(shipped, ordered, strict=True)):
        return "shipped"
    return "partially_shipped" if any(shipped) else "unfulfilled"


class OrderSummary(Output):
    entity_id: int
    increment_id: str | None = None
    status: str | None = None
    state: str | None = None
    created_at: str | None = None
    customer_id: int | None = None
    customer_email: str | None = None
    customer_name: str | None = None
    grand_total: float
    total_refunded: Amount = None
    currency: str | None = Field(default=None, validation_alias="order_currency_code")
    item_count: int

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        data = derive(
            data,
            "customer_name",
            lambda order: full_name(
                order.get("customer_firstname"), order.get("customer_lastname")
            ),
        )
        return derive(data, "item_count", lambda order: _line_count(order.get("items")))


class OrderSearchOutput(Output):
    orders: list[OrderSummary]
    paging: Paging


class OrderItem(Output):
    item_id: int | None = None
    parent_item_id: int | None = None
    sku: str | None = None
    name: str | None = None
    product_type: str | None = None
    qty_ordered: Quantity = 0
    qty_shipped: Quantity = 0
    qty_refunded: Quantity = 0
    price: Amount = None
    row_total: Amount = None


def _empty_is_none(value: Any) -> Any:
    return value or None


def _street_lines(value: Any) -> Any:
    value = [] if value is None else value
    return [str(line) for line in value] if isinstance(value, list) else value


def _region_name(value: Any) -> Any:
    # Order addresses name the region; customer addresses nest {region, region_code, region_id}.
    if isinstance(value, Mapping):
        value = value.get("region")
    return text_or_none(value)


class Address(Output):
    name: str | None = None
    street: Annotated[list[str], BeforeValidator(_street_lines)] = Field(default_factory=list)
    city: Text = None
    region: Annotated[str | None, BeforeValidator(_region_name)] = None
    postcode: Text = None
    country_id: Text = None
    telephone: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return derive(
            data,
            "name",
            lambda address: full_name(address.get("firstname"), address.get("lastname")),
        )


# Read from the order itself: the first shipping assignment holds the method and the address.
_FIRST_SHIPPING = ("extension_attributes", "shipping_assignments", 0, "shipping")


class Shipping(Output):
    method: Text = Field(default=None, validation_alias=AliasPath(*_FIRST_SHIPPING, "method"))
    description: Text = Field(default=None, validation_alias="shipping_description")
    address: Annotated[Address | None, BeforeValidator(_empty_is_none)] = Field(
        default=None, validation_alias=AliasPath(*_FIRST_SHIPPING, "address")
    )


class OrderDetail(Output):
    order: OrderSummary
    subtotal: Amount = None
    shipping_amount: Amount = None
    tax_amount: Amount = None
    discount_amount: Amount = None
    total_paid: Amount = None
    items: NullableList[OrderItem] = Field(default_factory=list)
    shipping: Shipping
    fulfilment_status: Fulfilment

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        data = derive(
            data,
            "fulfilment_status",
            lambda order: _fulfilment(_ORDER_LINES.validate_python(order.get("items"))),
        )
        return nest(data, "order", "shipping")


# --------------------------------------------------------------------------- products


class ProductSummary(Output):
    id: int | None = None
    sku: str
    name: str | None = None
    type_id: str | None = None
    status: StatusCode = None
    visibility: VisibilityCode = None
    price: Amount = None
    updated_at: str | None = None


class ProductSearchOutput(Output):
    products: list[ProductSummary]
    paging: Paging


class _OptionValue(Upstream):
    value_index: int


_OPTION_VALUES = TypeAdapter(NullableList[_OptionValue])


def _id_text(value: Any) -> Any:
    return str(value) if value else None


class ConfigurableOption(Output):
    attribute_id: Annotated[str | None, BeforeValidator(_id_text)] = None
    label: str | None = None
    value_indexes: list[int]

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return derive(
            data,
            "value_indexes",
            lambda option: [
                v.value_index for v in _OPTION_VALUES.validate_python(option.get("values"))
            ],
        )


_CUSTOM = "custom_attributes"
_EXTENSION = "extension_attributes"
_STOCK = (_EXTENSION, "stock_item")


class ProductDetail(Output):
    product: ProductSummary
    special_price: Amount = Field(
        default=None, validation_alias=AliasPath(_CUSTOM, "special_price")
    )
    weight: Amount = None
    description: Text = Field(default=None, validation_alias=AliasPath(_CUSTOM, "description"))
    short_description: Text = Field(
        default=None, validation_alias=AliasPath(_CUSTOM, "short_description")
    )
    url_key: Text = Field(default=None, validation_alias=AliasPath(_CUSTOM, "url_key"))
    qty: Amount = Field(default=None, validation_alias=AliasPath(*_STOCK, "qty"))
    is_in_stock: bool | None = Field(
        default=None, validation_alias=AliasPath(*_STOCK, "is_in_stock")
    )
    website_ids: NullableList[int] = Field(
        default_factory=list, validation_alias=AliasPath(_EXTENSION, "website_ids")
    )
    configurable_options: NullableList[ConfigurableOption] = Field(
        default_factory=list,
        validation_alias=AliasPath(_EXTENSION, "configurable_product_options"),
    )
    child_product_ids: NullableList[int] = Field(
        default_factory=list, validation_alias=AliasPath(_EXTENSION, "configurable_product_links")
    )

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(custom_attributes_by_code(data), "product")


# Attributes too long or too wordy to identify a variant by.
_CHILD_ATTRIBUTE_SKIP = ("description", "short_description", "meta_", "url_", "options_")
_CHILD_ATTRIBUTES = 20


def _short_attributes(value: Any) -> Any:
    """A variant's identifying attributes (color, size option ids): short text values only."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        return value
    short = [
        (code, text)
        for code, text in value.items()
        if isinstance(text, str) and len(text) <= 64 and not code.startswith(_CHILD_ATTRIBUTE_SKIP)
    ]
    return dict(short[:_CHILD_ATTRIBUTES])


class ProductChild(Output):
    product: ProductSummary
    attributes: Annotated[dict[str, str], BeforeValidator(_short_attributes)] = Field(
        default_factory=dict, validation_alias=_CUSTOM
    )

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(custom_attributes_by_code(data), "product")


class ProductChildrenOutput(Output):
    parent_sku: str
    children: list[ProductChild]


# --------------------------------------------------------------------------- inventory


def _in_stock(value: Any) -> bool:
    # Magento's source-item status: 1 in stock, 0 out of stock. (A tool's own output holds the
    # boolean, which compares the same way.)
    return bool(value == 1)


class SourceItem(Output):
    source_code: str
    quantity: Quantity = 0
    in_stock: Annotated[bool, BeforeValidator(_in_stock)] = Field(
        default=False, validation_alias="status"
    )


class SourceItemRow(Upstream):
    """One row of ``/V1/inventory/source-items``: the SKU it counts and that source's stock."""

    sku: object = None
    stock: SourceItem

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(data, "stock")


class InventoryOutput(Output):
    sku: str
    sources: list[SourceItem]
    total_quantity: float
    in_stock_anywhere: bool

    @classmethod
    def of(cls, sku: str, rows: Sequence[SourceItemRow]) -> InventoryOutput:
        # An upstream that ignored the SKU filter must not add other SKUs' stock.
        sources = [row.stock for row in rows if row.sku == sku]
        return cls(
            sku=sku,
            sources=sources,
            total_quantity=sum(s.quantity for s in sources),
            in_stock_anywhere=any(s.in_stock and s.quantity > 0 for s in sources),
        )


# --------------------------------------------------------------------------- customers


class CustomerSummary(Output):
    id: int
    email: str
    firstname: str | None = None
    lastname: str | None = None
    created_at: str | None = None
    website_id: int | None = None
    store_id: int | None = None


class CustomerSearchOutput(Output):
    customers: list[CustomerSummary]
    paging: Paging


class CustomerDetail(Output):
    customer: CustomerSummary
    dob: str | None = None
    addresses: NullableList[Address] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(data, "customer")


class RecentOrder(Output):
    entity_id: int
    increment_id: str | None = None
    status: str | None = None
    created_at: str | None = None
    grand_total: float
    currency: str | None = Field(default=None, validation_alias="order_currency_code")


class StatusCount(Output):
    status: str | None
    count: int


class CustomerOrderSummary(Output):
    customer_id: int
    order_count: int = Field(description="All orders placed under this customer id")
    recent_orders: list[RecentOrder] = Field(description="The newest orders, newest first")
    recent_by_status: list[StatusCount] = Field(
        description="Counts per status over recent_orders only (not the whole history unless "
        "history_complete)"
    )
    history_complete: bool = Field(
        description="True when recent_orders holds every order, so recent_by_status covers "
        "the customer's whole history"
    )

    @classmethod
    def of(
        cls, customer_id: int, order_count: int, newest: Sequence[RecentOrder]
    ) -> CustomerOrderSummary:
        counts: dict[str | None, int] = {}
        for order in newest:
            counts[order.status] = counts.get(order.status, 0) + 1
        return cls(
            customer_id=customer_id,
            order_count=order_count,
            recent_orders=list(newest),
            recent_by_status=[StatusCount(status=s, count=n) for s, n in counts.items()],
            history_complete=len(newest) >= order_count,
        )


# --------------------------------------------------------------------------- credit memos


class CreditMemoItem(Output):
    sku: str | None = None
    name: str | None = None
    qty: Quantity = 0
    row_total: Amount = None


class CreditMemo(Output):
    entity_id: int
    increment_id: str | None = None
    order_id: int
    invoice_id: int | None = None
    created_at: str | None = None
    state: int | None = None
    grand_total: float
    subtotal: Amount = None
    shipping_amount: Amount = None
    adjustment: Amount = None
    currency: str | None = Field(default=None, validation_alias="order_currency_code")
    items: NullableList[CreditMemoItem] = Field(default_factory=list)

    @field_validator("items", mode="after")
    @classmethod
    def _refunded_lines_only(cls, items: list[CreditMemoItem]) -> list[CreditMemoItem]:
        # A configurable item's child line comes with qty 0: the parent line carries it.
        return [item for item in items if item.qty > 0]


class CreditMemoListOutput(Output):
    order_id: int
    credit_memos: list[CreditMemo]
    paging: Paging
