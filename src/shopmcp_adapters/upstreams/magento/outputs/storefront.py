"""Outputs of the storefront tools: the store views' configuration, CMS pages and blocks."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.magento.outputs.common import Paging
from shopmcp_adapters.upstreams.magento.parsing import Flag, Output, Text, derive, nest


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


# --------------------------------------------------------------------------- CMS

# A get tool returns at most this much of a page's or block's content (HTML).
MAX_CONTENT = 20_000


class CmsPage(Output):
    id: int
    identifier: str = Field(description="The page's URL key")
    title: Text = None
    active: Flag = None
    page_layout: Text = None
    content_heading: Text = None
    meta_title: Text = None
    meta_description: Text = None
    creation_time: Text = None
    update_time: Text = None


class CmsBlock(Output):
    id: int
    identifier: str
    title: Text = None
    active: Flag = None
    creation_time: Text = None
    update_time: Text = None


class CmsPageListOutput(Output):
    pages: list[CmsPage]
    paging: Paging


class CmsBlockListOutput(Output):
    blocks: list[CmsBlock]
    paging: Paging


def _content_fields(data: Any) -> Any:
    data = derive(data, "content_length", lambda item: len(item.get("content") or ""))
    if isinstance(data, dict) and isinstance(data.get("content"), str):
        data = {**data, "content": data["content"][:MAX_CONTENT]}
    return data


class CmsPageDetail(Output):
    page: CmsPage
    content: Text = Field(default=None, description=f"The HTML, at most {MAX_CONTENT} characters")
    content_length: int = Field(description="The whole content's length")

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(_content_fields(data), "page")


class CmsBlockDetail(Output):
    block: CmsBlock
    content: Text = Field(default=None, description=f"The HTML, at most {MAX_CONTENT} characters")
    content_length: int = Field(description="The whole content's length")

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(_content_fields(data), "block")
