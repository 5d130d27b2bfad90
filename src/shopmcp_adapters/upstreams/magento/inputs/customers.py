"""Inputs of the customer tools: search, get, order history, and customer groups."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.magento.inputs.common import (
    Email,
    EntityId,
    Page,
    Paged,
    PageSize,
    SearchText,
    StrictInput,
)


class SearchCustomersInput(StrictInput):
    email: Email | None = Field(default=None, description="Exact e-mail address")
    name_contains: SearchText | None = Field(
        default=None, description="Matches first name or last name"
    )
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    page: Page = 1
    page_size: PageSize = 20

    @model_validator(mode="after")
    def _range(self) -> SearchCustomersInput:
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValueError("created_from is after created_to")
        return self


class GetCustomerInput(StrictInput):
    customer_id: EntityId = Field(description="The customer's id")


# Group 0 is Magento's built-in NOT LOGGED IN group.
GroupId = Annotated[int, Field(ge=0, le=2**31 - 1)]


class ListCustomerGroupsInput(Paged):
    pass


class GetCustomerGroupInput(StrictInput):
    group_id: GroupId = Field(description="The customer group's id (0 is NOT LOGGED IN)")
