"""Inputs of the sales-document tools: invoices, shipments and credit memos."""

from __future__ import annotations

from pydantic import Field

from shopmcp_adapters.upstreams.magento.inputs.common import EntityId, Page, PageSize, _Input


class ListCreditMemosInput(_Input):
    order_id: EntityId = Field(description="The order's entity_id")
    page: Page = 1
    page_size: PageSize = 20
