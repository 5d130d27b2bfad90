"""Outputs of the customer tools: customers, their order history, and customer groups."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import (
    Field,
    model_validator,
)

from shopmcp_adapters.upstreams.magento.outputs.common import Address, Paging
from shopmcp_adapters.upstreams.magento.parsing import (
    NullableList,
    Output,
    nest,
)


class CustomerSummary(Output):
    id: int
    email: str
    firstname: str | None = None
    lastname: str | None = None
    created_at: str | None = None
    website_id: int | None = None
    store_id: int | None = None


class CustomerSearchOutput(Output):
    customers: list[CustomerSummary]
    paging: Paging


class CustomerDetail(Output):
    customer: CustomerSummary
    dob: str | None = None
    addresses: NullableList[Address] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return nest(data, "customer")


class RecentOrder(Output):
    entity_id: int
    increment_id: str | None = None
    status: str | None = None
    created_at: str | None = None
    grand_total: float
    currency: str | None = Field(default=None, validation_alias="order_currency_code")


class StatusCount(Output):
    status: str | None
    count: int


class CustomerOrderSummary(Output):
    customer_id: int
    order_count: int = Field(description="All orders placed under this customer id")
    recent_orders: list[RecentOrder] = Field(description="The newest orders, newest first")
    recent_by_status: list[StatusCount] = Field(
        description="Counts per status over recent_orders only (not the whole history unless "
        "history_complete)"
    )
    history_complete: bool = Field(
        description="True when recent_orders holds every order, so recent_by_status covers "
        "the customer's whole history"
    )

    @classmethod
    def of(
        cls, customer_id: int, order_count: int, newest: Sequence[RecentOrder]
    ) -> CustomerOrderSummary:
        counts: dict[str | None, int] = {}
        for order in newest:
            counts[order.status] = counts.get(order.status, 0) + 1
        return cls(
            customer_id=customer_id,
            order_count=order_count,
            recent_orders=list(newest),
            recent_by_status=[StatusCount(status=s, count=n) for s, n in counts.items()],
            history_complete=len(newest) >= order_count,
        )


# --------------------------------------------------------------------------- customer groups


class CustomerGroup(Output):
    id: int
    code: str
    tax_class_id: int | None = None
    tax_class_name: str | None = None


class CustomerGroupListOutput(Output):
    groups: list[CustomerGroup]
    paging: Paging
