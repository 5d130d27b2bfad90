"""Outputs of the sales-document tools: invoices, shipments and credit memos."""

from __future__ import annotations

from pydantic import (
    Field,
    field_validator,
)

from shopmcp_adapters.upstreams.magento.outputs.common import Paging
from shopmcp_adapters.upstreams.magento.parsing import (
    Amount,
    NullableList,
    Output,
    Quantity,
)


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
