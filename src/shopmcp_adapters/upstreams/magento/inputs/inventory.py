"""Inputs of the inventory tools (Multi-Source Inventory): sources, source items, and setting
one SKU's quantity at one source."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

from shopmcp_adapters.upstreams.magento.inputs.common import Paged, SearchText, Sku, StrictInput

# Source codes are identifiers (letters, digits, underscore, hyphen); one path segment.
SourceCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]


class ListSourcesInput(Paged):
    enabled_only: bool = False


class GetSourceInput(StrictInput):
    source_code: SourceCode


class ListSourceItemsInput(Paged):
    source_code: SourceCode = Field(description="The source whose stock to list")
    sku_contains: SearchText | None = None
    in_stock: bool | None = Field(default=None, description="Only in-stock, or out-of-stock, rows")


class SetSourceItemInput(StrictInput):
    """Sets one SKU's quantity and stock status at one source; ``sku`` and ``source_code``
    only locate the row."""

    sku: Sku
    source_code: SourceCode
    quantity: Annotated[float, Field(ge=0, le=1e9)]
    in_stock: bool
