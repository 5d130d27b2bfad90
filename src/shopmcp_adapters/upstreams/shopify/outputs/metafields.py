"""Outputs of the metafield tools."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import AliasChoices, AliasPath, Field, model_validator

from shopmcp_adapters.upstreams.shopify.outputs.common import OutputModel, PageInfo

# A metafield can hold up to megabytes of JSON; a chat needs the start of it.
MAX_VALUE = 2_000


class Metafield(OutputModel):
    id: str
    namespace: str
    key: str
    type: str
    value: str
    # Whether value is only the first MAX_VALUE characters of the metafield's value.
    value_truncated: bool
    updated_at: str = Field(validation_alias="updatedAt")

    @model_validator(mode="before")
    @classmethod
    def _cut(cls, node: Any) -> Any:
        if not isinstance(node, Mapping) or not isinstance(node.get("value"), str):
            return node
        value: str = node["value"]
        cut = bool(node.get("value_truncated")) or len(value) > MAX_VALUE
        return {**node, "value": value[:MAX_VALUE], "value_truncated": cut}


# Parsed from the owner node (product, order or customer) of the Get*Metafields documents.
class MetafieldsOutput(OutputModel):
    owner_id: str = Field(validation_alias="id")
    owner_name: str = Field(validation_alias=AliasChoices("title", "name", "displayName"))
    metafields: list[Metafield] = Field(validation_alias=AliasPath("metafields", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("metafields", "pageInfo"))
