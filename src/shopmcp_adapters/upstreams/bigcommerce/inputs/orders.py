"""Order inputs: lists and reads, the sales summary, shipments, status changes and refunds."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import AwareDatetime, Field, HttpUrl, StringConstraints, model_validator

from shopmcp_adapters.upstreams.bigcommerce.inputs.common import (
    Limit,
    Line,
    Note,
    Page,
    PositiveAmount,
    ResourceId,
    Strict,
    json_number,
)

OrderSort = Literal[
    "date_created:desc",
    "date_created:asc",
    "date_modified:desc",
    "date_modified:asc",
    "id:desc",
    "id:asc",
]


def _check_range(start: AwareDatetime | None, end: AwareDatetime | None) -> None:
    if start and end and start > end:
        raise ValueError("created_from must not be after created_to")


class ListOrdersInput(Strict):
    status_id: int | None = Field(
        default=None, ge=0, le=99, description="Order status id (e.g. 11 = Awaiting Fulfillment)."
    )
    customer_id: ResourceId | None = None
    created_from: AwareDatetime | None = Field(
        default=None, description="Only orders created at or after this time (ISO 8601)."
    )
    created_to: AwareDatetime | None = Field(
        default=None, description="Only orders created at or before this time (ISO 8601)."
    )
    sort: OrderSort = "date_created:desc"
    page: Page = 1
    limit: Limit = 20

    @model_validator(mode="after")
    def _range(self) -> Self:
        _check_range(self.created_from, self.created_to)
        return self


class OrderIdInput(Strict):
    order_id: ResourceId


class OrderPageInput(Strict):
    order_id: ResourceId
    page: Page = 1
    limit: Limit = 50


# Orders read per page by the sales summary (v2's largest page), and its page bound.
SUMMARY_PAGE_SIZE = 250
MAX_SUMMARY_PAGES = 8


class SalesSummaryInput(Strict):
    created_from: AwareDatetime = Field(description="Start of the period (ISO 8601).")
    created_to: AwareDatetime = Field(description="End of the period (ISO 8601).")
    max_pages: int = Field(
        default=4,
        ge=1,
        le=MAX_SUMMARY_PAGES,
        description=f"Pages of {SUMMARY_PAGE_SIZE} orders to read at most; the summary says "
        "when the period holds more.",
    )

    @model_validator(mode="after")
    def _range(self) -> Self:
        _check_range(self.created_from, self.created_to)
        return self


# ---------------------------------------------------------------------------- shipments

ShippingProvider = Literal[
    "auspost",
    "canadapost",
    "endicia",
    "usps",
    "fedex",
    "ups",
    "upsready",
    "upsonline",
    "shipperhq",
    "royalmail",
]
Quantity = Annotated[int, Field(ge=1, le=100_000)]
TrackingNumber = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=50, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]


class ShipmentItemInput(Strict):
    order_product_id: ResourceId = Field(
        description="The line item's id (bigcommerce_list_order_products prints it)."
    )
    quantity: Quantity


class CreateShipmentInput(Strict):
    order_id: ResourceId
    order_address_id: ResourceId = Field(
        description="The order's shipping address id (bigcommerce_list_order_shipping_addresses)."
    )
    items: list[ShipmentItemInput] = Field(min_length=1, max_length=100)
    tracking_number: TrackingNumber | None = None
    shipping_provider: ShippingProvider | None = Field(
        default=None,
        description="A carrier BigCommerce integrates with; else use tracking_carrier.",
    )
    tracking_carrier: Annotated[str, Field(max_length=50, pattern=r"^[a-z0-9-]+$")] | None = Field(
        default=None, description="A tracking carrier slug, e.g. 'dhl' or 'australia-post'."
    )
    shipping_method: Line | None = None
    tracking_link: HttpUrl | None = Field(
        default=None, description="An https link to the carrier's tracking page."
    )
    comments: Note | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        ids = [item.order_product_id for item in self.items]
        if len(ids) != len(set(ids)):
            raise ValueError("name each line item once")
        if self.tracking_link is not None and (
            self.tracking_link.scheme != "https" or len(str(self.tracking_link)) > 500
        ):
            raise ValueError("tracking_link must be an https URL of at most 500 characters")
        return self

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "order_address_id": self.order_address_id,
            "items": [item.model_dump() for item in self.items],
        }
        for field in ("tracking_number", "shipping_provider", "tracking_carrier"):
            value = getattr(self, field)
            if value is not None:
                out[field] = value
        if self.shipping_method is not None:
            out["shipping_method"] = self.shipping_method
        if self.tracking_link is not None:
            out["tracking_link"] = str(self.tracking_link)
        if self.comments is not None:
            out["comments"] = self.comments
        return out


# ---------------------------------------------------------------------------- status

# The documented system statuses a merchant may set (0, Incomplete, is BigCommerce's own).
OrderStatusId = Annotated[int, Field(ge=1, le=14)]


class UpdateOrderStatusInput(Strict):
    order_id: ResourceId
    status_id: OrderStatusId = Field(
        description="The new status id (bigcommerce_list_order_statuses lists them). Changing "
        "the status moves no money: refunds are bigcommerce_create_refund."
    )


# ---------------------------------------------------------------------------- refunds


class ProductRefundItem(Strict):
    item_type: Literal["PRODUCT"]
    item_id: ResourceId = Field(description="The line item's id (order product id).")
    quantity: Quantity
    reason: Note | None = None


class AmountRefundItem(Strict):
    item_type: Literal["SHIPPING", "HANDLING", "ORDER"]
    item_id: ResourceId = Field(
        description="SHIPPING/HANDLING: the order's shipping address id; ORDER: the order id."
    )
    amount: PositiveAmount
    reason: Note | None = None


RefundItem = Annotated[ProductRefundItem | AmountRefundItem, Field(discriminator="item_type")]


def _refund_items(items: list[ProductRefundItem | AmountRefundItem]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        entry: dict[str, Any] = {"item_type": item.item_type, "item_id": item.item_id}
        if isinstance(item, ProductRefundItem):
            entry["quantity"] = item.quantity
        else:
            entry["amount"] = json_number(item.amount)
        if item.reason is not None:
            entry["reason"] = item.reason
        out.append(entry)
    return out


def _unique_items(items: list[ProductRefundItem | AmountRefundItem]) -> None:
    keys = [(item.item_type, item.item_id) for item in items]
    if len(keys) != len(set(keys)):
        raise ValueError("name each refund item once")


class QuoteRefundInput(Strict):
    order_id: ResourceId
    items: list[RefundItem] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _check(self) -> Self:
        _unique_items(self.items)
        return self

    def body(self) -> dict[str, Any]:
        return {"items": _refund_items(self.items)}


class RefundPaymentInput(Strict):
    provider_id: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[A-Za-z0-9_.-]+$")]
    amount: PositiveAmount
    offline: bool = Field(
        description="True for a refund recorded outside the payment provider (as the quote says)."
    )


class CreateRefundInput(Strict):
    order_id: ResourceId
    items: list[RefundItem] = Field(min_length=1, max_length=50)
    payments: list[RefundPaymentInput] = Field(
        min_length=1,
        max_length=5,
        description="How the money goes back: a refund method from bigcommerce_quote_refund.",
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        _unique_items(self.items)
        return self

    def body(self) -> dict[str, Any]:
        return {
            "items": _refund_items(self.items),
            "payments": [
                {
                    "provider_id": p.provider_id,
                    "amount": json_number(p.amount),
                    "offline": p.offline,
                }
                for p in self.payments
            ],
        }
