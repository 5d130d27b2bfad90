"""Inputs of the storefront tools: CMS pages and blocks (read only)."""

from __future__ import annotations

from pydantic import Field

from shopmcp_adapters.upstreams.magento.inputs.common import (
    EntityId,
    Paged,
    SearchText,
    StrictInput,
)


class ListCmsInput(Paged):
    title_contains: SearchText | None = None
    active_only: bool = False


class GetCmsPageInput(StrictInput):
    page_id: EntityId = Field(description="The CMS page's id")


class GetCmsBlockInput(StrictInput):
    block_id: EntityId = Field(description="The CMS block's id")
