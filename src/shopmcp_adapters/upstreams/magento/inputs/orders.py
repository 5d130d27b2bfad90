"""Inputs of the order tools: search, get, the order's comments and the order actions (comment,
hold, release, cancel), and the sales summary."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.magento.inputs.common import (
    Email,
    EntityId,
    IncrementId,
    Page,
    PageSize,
    StatusCode,
    _Input,
)


class SearchOrdersInput(_Input):
    status: StatusCode | None = Field(default=None, description="Order status code, e.g. pending")
    increment_id: IncrementId | None = Field(
        default=None, description="The order number shown to customers, e.g. 000000042"
    )
    created_from: dt.date | None = Field(default=None, description="First day (UTC), inclusive")
    created_to: dt.date | None = Field(default=None, description="Last day (UTC), inclusive")
    customer_email: Email | None = None
    customer_id: EntityId | None = None
    page: Page = 1
    page_size: PageSize = 20

    @model_validator(mode="after")
    def _range(self) -> SearchOrdersInput:
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValueError("created_from is after created_to")
        return self


class GetOrderInput(_Input):
    order_id: EntityId = Field(description="The order's entity_id (not its increment number)")
