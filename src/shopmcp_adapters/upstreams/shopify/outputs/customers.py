"""Outputs of the customer tools."""

from __future__ import annotations

from pydantic import AliasPath, Field

from shopmcp_adapters.upstreams.shopify.outputs.common import (
    Money,
    OutputModel,
    PageInfo,
    nested,
)


class CustomerSummary(OutputModel):
    id: str
    name: str = Field(validation_alias="displayName")
    email: str | None = nested("defaultEmailAddress", "emailAddress")
    phone: str | None = nested("defaultPhoneNumber", "phoneNumber")
    state: str
    tags: list[str]
    created_at: str = Field(validation_alias="createdAt")
    # An UnsignedInt64, which GraphQL serialises as a string.
    number_of_orders: int = Field(validation_alias="numberOfOrders")
    amount_spent: Money = Field(validation_alias="amountSpent")


# Parsed from ``data`` of ListCustomers.
class ListCustomersOutput(OutputModel):
    customers: list[CustomerSummary] = Field(validation_alias=AliasPath("customers", "nodes"))
    page_info: PageInfo = Field(validation_alias=AliasPath("customers", "pageInfo"))


class CustomerOrder(OutputModel):
    id: str
    name: str
    created_at: str = Field(validation_alias="createdAt")
    financial_status: str | None = Field(validation_alias="displayFinancialStatus")
    fulfillment_status: str = Field(validation_alias="displayFulfillmentStatus")
    total: Money = Field(validation_alias="currentTotalPriceSet")


class CustomerOutput(OutputModel):
    id: str
    name: str = Field(validation_alias="displayName")
    first_name: str | None = Field(validation_alias="firstName")
    last_name: str | None = Field(validation_alias="lastName")
    email: str | None = nested("defaultEmailAddress", "emailAddress")
    phone: str | None = nested("defaultPhoneNumber", "phoneNumber")
    state: str
    tags: list[str]
    note: str | None
    created_at: str = Field(validation_alias="createdAt")
    number_of_orders: int = Field(validation_alias="numberOfOrders")
    amount_spent: Money = Field(validation_alias="amountSpent")
    city: str | None = nested("defaultAddress", "city")
    country: str | None = nested("defaultAddress", "country")
    last_order_name: str | None = nested("lastOrder", "name")
    recent_orders: list[CustomerOrder] = Field(validation_alias=AliasPath("orders", "nodes"))


# Parsed from the tagsAdd / tagsRemove payload: the customer as it is after the change.
class CustomerTagsOutput(OutputModel):
    customer_id: str = Field(validation_alias=AliasPath("node", "id"))
    name: str | None = nested("node", "displayName")
    tags: list[str] = Field(validation_alias=AliasPath("node", "tags"))
