"""Customer inputs: customers, customer groups, and carts (abandoned ones included)."""

from __future__ import annotations

from pydantic import Field

from shopmcp_adapters.upstreams.bigcommerce.inputs.common import (
    CartId,
    CartToken,
    Email,
    Limit,
    Page,
    ResourceId,
    SearchText,
    Strict,
)


class ListCustomersInput(Strict):
    email: Email | None = Field(default=None, description="Exact email address.")
    name: SearchText | None = Field(default=None, description="Part of the customer's name.")
    customer_group_id: int | None = Field(
        default=None, ge=0, le=2_147_483_647, description="Only members of this customer group."
    )
    page: Page = 1
    limit: Limit = 20


class CustomerIdInput(Strict):
    customer_id: ResourceId


class ListCustomerGroupsInput(Strict):
    name: SearchText | None = Field(default=None, description="Part of the group name.")
    page: Page = 1
    limit: Limit = 50


class CustomerGroupIdInput(Strict):
    customer_group_id: ResourceId


class AbandonedCartInput(Strict):
    token: CartToken = Field(
        description="The token of an abandoned-cart email link or store/cart/abandoned webhook "
        "(32 hex digits)."
    )


class CartIdInput(Strict):
    cart_id: CartId = Field(description="The cart's id (a UUID).")
