"""Outputs of the storefront tools: the store views' configuration."""

from __future__ import annotations

from typing import Any

from pydantic import (
    model_validator,
)

from shopmcp_adapters.upstreams.magento.parsing import (
    Output,
)


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
