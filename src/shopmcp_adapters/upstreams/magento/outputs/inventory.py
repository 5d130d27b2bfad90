"""Outputs of the inventory tools (Multi-Source Inventory)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    model_validator,
)

from shopmcp_adapters.upstreams.magento.outputs.common import Paging
from shopmcp_adapters.upstreams.magento.parsing import (
    Flag,
    Output,
    Quantity,
    Text,
    Upstream,
    nest,
)


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


# --------------------------------------------------------------------------- sources


class Source(Output):
    """An inventory source (a warehouse, a store's back room); contact details left out."""

    source_code: str
    name: Text = None
    enabled: Flag = None
    description: Text = None
    country_id: Text = None
    region: Text = None
    city: Text = None
    postcode: Text = None


class SourceListOutput(Output):
    sources: list[Source]
    paging: Paging


class SourceStock(Output):
    """One SKU's stock at one source."""

    sku: str
    source_code: str
    quantity: Quantity = 0
    in_stock: Annotated[bool, BeforeValidator(_in_stock)] = Field(
        default=False, validation_alias="status"
    )


class SourceStockListOutput(Output):
    source_code: str
    items: list[SourceStock]
    paging: Paging
