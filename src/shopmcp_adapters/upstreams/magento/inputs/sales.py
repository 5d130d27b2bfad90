"""Inputs of the sales-document tools: invoices, shipments and credit memos, listed, read and
created for an order."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator

from shopmcp_adapters.upstreams.magento.inputs.common import (
    CommentText,
    CreatedRange,
    EntityId,
    LineQuantity,
    Money,
    Page,
    Paged,
    PageSize,
    StrictInput,
)
from shopmcp_adapters.upstreams.magento.inputs.inventory import SourceCode

MAX_LINES = 100
MAX_TRACKS = 10

CarrierCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
TrackTitle = Annotated[
    str, StringConstraints(min_length=1, max_length=255, pattern=r"^[^\x00-\x1f]+$")
]
TrackNumber = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,63}$")]
InvoiceState = Literal["open", "paid", "canceled"]
INVOICE_STATE_CODES: dict[str, int] = {"open": 1, "paid": 2, "canceled": 3}


class ListInvoicesInput(Paged, CreatedRange):
    order_id: EntityId | None = Field(default=None, description="Only this order's invoices")
    state: InvoiceState | None = None


class GetInvoiceInput(StrictInput):
    invoice_id: EntityId = Field(description="The invoice's entity_id")


class ListShipmentsInput(Paged, CreatedRange):
    order_id: EntityId | None = Field(default=None, description="Only this order's shipments")


class GetShipmentInput(StrictInput):
    shipment_id: EntityId = Field(description="The shipment's entity_id")


class ListCreditMemosInput(StrictInput):
    order_id: EntityId = Field(description="The order's entity_id")
    page: Page = 1
    page_size: PageSize = 20


class GetCreditMemoInput(StrictInput):
    credit_memo_id: EntityId = Field(description="The credit memo's entity_id")


def _distinct_lines(lines: list[LineQuantity] | None) -> list[LineQuantity] | None:
    if lines is not None and len({line.order_item_id for line in lines}) != len(lines):
        raise ValueError("name each order line once")
    return lines


Lines = Annotated[list[LineQuantity], Field(min_length=1, max_length=MAX_LINES)]


class DocumentNote(StrictInput):
    notify_customer: bool = Field(default=False, description="E-mail the customer the document")
    comment: CommentText | None = Field(default=None, description="A comment on the document")
    comment_visible_on_storefront: bool = False


class CreateInvoiceInput(DocumentNote):
    order_id: EntityId = Field(description="The order's entity_id")
    items: Lines | None = Field(
        default=None, description="Lines and quantities to invoice; omitted: all left to invoice"
    )
    capture_online: bool = Field(
        default=False,
        description="Capture the payment through the payment gateway (charges the customer); "
        "otherwise the invoice is recorded without a gateway call",
    )

    _lines = field_validator("items")(_distinct_lines)


class Track(StrictInput):
    carrier_code: CarrierCode = Field(description="ups, usps, fedex, dhl, or custom")
    title: TrackTitle = Field(description="The carrier's name as customers see it")
    track_number: TrackNumber


class CreateShipmentInput(DocumentNote):
    order_id: EntityId = Field(description="The order's entity_id")
    items: Lines | None = Field(
        default=None, description="Lines and quantities to ship; omitted: all left to ship"
    )
    tracks: Annotated[list[Track], Field(max_length=MAX_TRACKS)] = Field(default_factory=list)
    source_code: SourceCode | None = Field(
        default=None, description="The inventory source shipped from (multi-source stores)"
    )

    _lines = field_validator("items")(_distinct_lines)


class AddShipmentTrackInput(StrictInput):
    shipment_id: EntityId = Field(description="The shipment's entity_id")
    order_id: EntityId = Field(description="The shipment's order (entity_id)")
    carrier_code: CarrierCode
    title: TrackTitle
    track_number: TrackNumber


class RefundAmounts(DocumentNote):
    items: Lines | None = Field(
        default=None, description="Lines and quantities to refund; omitted: all left to refund"
    )
    shipping_amount: Money | None = Field(
        default=None, description="Shipping to refund; omitted: Magento's default"
    )
    adjustment_refund: Money | None = Field(
        default=None, description="An extra amount refunded on top of the items"
    )
    adjustment_fee: Money | None = Field(
        default=None, description="An amount kept back from the refund (a restocking fee)"
    )
    return_to_stock_item_ids: Annotated[list[EntityId], Field(max_length=MAX_LINES)] = Field(
        default_factory=list, description="Order lines (item_id) whose quantities go back to stock"
    )

    _lines = field_validator("items")(_distinct_lines)


class CreateCreditMemoInput(RefundAmounts):
    order_id: EntityId = Field(description="The order's entity_id")


class RefundInvoiceInput(RefundAmounts):
    invoice_id: EntityId = Field(description="The invoice's entity_id")
    refund_to: Literal["original_payment", "offline"] = Field(
        description="original_payment: refund through the payment gateway to the card or "
        "account the customer paid with; offline: record the refund only (money returned "
        "outside Magento)"
    )
