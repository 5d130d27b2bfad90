"""Outputs of the order tools."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import (
    AliasPath,
    BeforeValidator,
    Field,
    TypeAdapter,
    model_validator,
)

from shopmcp_adapters.upstreams.magento.outputs.common import (
    Address,
    DocumentComment,
    Paging,
    empty_is_none,
)
from shopmcp_adapters.upstreams.magento.parsing import (
    Amount,
    NullableList,
    Output,
    Quantity,
    Text,
    Upstream,
    derive,
    full_name,
    nest,
)


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


# Read from the order itself: the first shipping assignment holds the method and the address.
_FIRST_SHIPPING = ("extension_attributes", "shipping_assignments", 0, "shipping")


class Shipping(Output):
    method: Text = Field(default=None, validation_alias=AliasPath(*_FIRST_SHIPPING, "method"))
    description: Text = Field(default=None, validation_alias="shipping_description")
    address: Annotated[Address | None, BeforeValidator(empty_is_none)] = Field(
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


# --------------------------------------------------------------------------- comments, actions


class OrderComment(DocumentComment):
    entity_id: int | None = None
    status: Text = None
    entity_name: Text = Field(
        default=None, description="What the comment is on: order, invoice, shipment, creditmemo"
    )


class OrderCommentsOutput(Output):
    order_id: int
    comments: list[OrderComment] = Field(description="Newest first")
    total_count: int


OrderAction = Literal["hold", "unhold", "cancel", "comment"]


class OrderActionResult(Output):
    """What an order action answers: Magento's bare true or false. A cancel that Magento
    declines (the order cannot be cancelled in its state) answers false."""

    order_id: int
    action: OrderAction
    applied: bool
