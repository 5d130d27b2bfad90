"""Outputs of the sales-document tools: invoices, shipments and credit memos, and what their
creation answers (the new document's id)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasPath, Field, field_validator, model_validator

from shopmcp_adapters.upstreams.magento.outputs.common import DocumentComment, Paging
from shopmcp_adapters.upstreams.magento.parsing import (
    Amount,
    NullableList,
    Output,
    Quantity,
    Text,
    nest,
)

# --------------------------------------------------------------------------- invoices

InvoiceStateName = Literal["open", "paid", "canceled"]
_INVOICE_STATES: dict[int, InvoiceStateName] = {1: "open", 2: "paid", 3: "canceled"}


def _state_name(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return _INVOICE_STATES.get(value)
    return value  # a tool's own output, read back


class DocumentItem(Output):
    """One line of an invoice, shipment or credit memo."""

    order_item_id: int | None = None
    sku: str | None = None
    name: str | None = None
    qty: Quantity = 0
    price: Amount = None
    row_total: Amount = None


def _covered_lines(items: list[DocumentItem]) -> list[DocumentItem]:
    # A configurable item's child line may come with qty 0: the parent line carries it.
    return [item for item in items if item.qty > 0]


class Invoice(Output):
    entity_id: int
    increment_id: str | None = None
    order_id: int
    state: InvoiceStateName | None = None
    created_at: str | None = None
    grand_total: float
    subtotal: Amount = None
    shipping_amount: Amount = None
    tax_amount: Amount = None
    currency: str | None = Field(default=None, validation_alias="order_currency_code")
    total_qty: Quantity = 0
    items: NullableList[DocumentItem] = Field(default_factory=list)

    _state = field_validator("state", mode="before")(_state_name)
    _lines = field_validator("items", mode="after")(_covered_lines)


class InvoiceListOutput(Output):
    invoices: list[Invoice]
    paging: Paging


class InvoiceDetail(Output):
    invoice: Invoice
    comments: NullableList[DocumentComment] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(data, "invoice")


# --------------------------------------------------------------------------- shipments


class ShipmentTrack(Output):
    entity_id: int | None = None
    carrier_code: Text = None
    title: Text = None
    track_number: Text = None
    created_at: Text = None


class Shipment(Output):
    entity_id: int
    increment_id: str | None = None
    order_id: int
    created_at: str | None = None
    total_qty: Quantity = 0
    source_code: Text = Field(
        default=None, validation_alias=AliasPath("extension_attributes", "source_code")
    )
    items: NullableList[DocumentItem] = Field(default_factory=list)
    tracks: NullableList[ShipmentTrack] = Field(default_factory=list)

    _lines = field_validator("items", mode="after")(_covered_lines)


class ShipmentListOutput(Output):
    shipments: list[Shipment]
    paging: Paging


class ShipmentDetail(Output):
    shipment: Shipment
    comments: NullableList[DocumentComment] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(data, "shipment")


class TrackAdded(Output):
    """``POST /V1/shipment/track`` answers the saved track."""

    track_id: int = Field(validation_alias="entity_id")
    shipment_id: int = Field(validation_alias="parent_id")
    order_id: int
    carrier_code: str
    title: Text = None
    track_number: str


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


class CreditMemoDetail(Output):
    credit_memo: CreditMemo
    comments: NullableList[DocumentComment] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(data, "credit_memo")


# --------------------------------------------------------------------------- created documents


class DocumentCreated(Output):
    """What creating an invoice, a shipment or a credit memo answers: the new document's id
    (Magento's answer is that bare integer), with the order or invoice it was created for."""

    document: Literal["invoice", "shipment", "credit_memo"]
    document_id: int
    order_id: int | None = None
    invoice_id: int | None = None
