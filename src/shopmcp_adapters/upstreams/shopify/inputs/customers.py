"""Inputs of the customer tools."""

from __future__ import annotations

from pydantic import Field

from shopmcp_adapters.upstreams.shopify.inputs.common import (
    Cursor,
    CustomerId,
    EmailFilter,
    PageSize,
    SearchText,
    StrictModel,
    Tag,
)


class ListCustomersInput(StrictModel):
    search: SearchText | None = Field(default=None, description="Name or other words.")
    email: EmailFilter | None = None
    first: PageSize = 20
    after: Cursor | None = None


class GetCustomerInput(StrictModel):
    customer_id: CustomerId


class CustomerTagsInput(StrictModel):
    customer_id: CustomerId
    tags: list[Tag] = Field(min_length=1, max_length=250)
