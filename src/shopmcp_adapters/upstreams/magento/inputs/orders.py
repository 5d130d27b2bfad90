"""Inputs of the order tools: search, get, the order's comments and the order actions (comment,
hold, release, cancel), and the sales summary."""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.magento.inputs.common import (
    CommentText,
    Email,
    EntityId,
    IncrementId,
    Page,
    PageSize,
    StatusCode,
    StrictInput,
)


class SearchOrdersInput(StrictInput):
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


class GetOrderInput(StrictInput):
    order_id: EntityId = Field(description="The order's entity_id (not its increment number)")


class AddOrderCommentInput(StrictInput):
    """A comment added to the order's history; the order's status is left as it is."""

    order_id: EntityId = Field(description="The order's entity_id")
    comment: CommentText
    notify_customer: bool = Field(default=False, description="E-mail the comment to the customer")
    visible_on_storefront: bool = Field(
        default=False, description="Show the comment in the customer's account"
    )


# The sales summary reads at most this many days of orders.
MAX_SUMMARY_DAYS = 366
MAX_TOP_PRODUCTS = 20


class SalesSummaryInput(StrictInput):
    created_from: dt.date = Field(description="First day (UTC), inclusive")
    created_to: dt.date = Field(description="Last day (UTC), inclusive")
    include_canceled: bool = Field(
        default=False, description="Count canceled orders too (left out by default)"
    )
    top_products: int = Field(default=5, ge=1, le=MAX_TOP_PRODUCTS)

    @model_validator(mode="after")
    def _range(self) -> SalesSummaryInput:
        if self.created_from > self.created_to:
            raise ValueError("created_from is after created_to")
        if (self.created_to - self.created_from).days >= MAX_SUMMARY_DAYS:
            raise ValueError(f"summarise at most {MAX_SUMMARY_DAYS} days at a time")
        return self
