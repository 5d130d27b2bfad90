"""Outputs of the refund tools."""

from __future__ import annotations

from pydantic import AliasPath, Field

from shopmcp_adapters.upstreams.shopify.outputs.common import Money, OutputModel, nested
from shopmcp_adapters.upstreams.shopify.outputs.orders import RefundLine


class RefundTransaction(OutputModel):
    id: str
    kind: str
    status: str
    gateway: str | None
    amount: Money = Field(validation_alias="amountSet")
    processed_at: str | None = Field(validation_alias="processedAt")


# Parsed from a ``Refund`` node (GetRefund, and the refundCreate payload).
class RefundOutput(OutputModel):
    id: str
    created_at: str | None = Field(validation_alias="createdAt")
    note: str | None
    order_id: str = Field(validation_alias=AliasPath("order", "id"))
    order_name: str = Field(validation_alias=AliasPath("order", "name"))
    total: Money = Field(validation_alias="totalRefundedSet")
    lines: list[RefundLine] = Field(validation_alias=AliasPath("refundLineItems", "nodes"))
    transactions: list[RefundTransaction] = Field(
        validation_alias=AliasPath("transactions", "nodes")
    )


class SuggestedTransaction(OutputModel):
    parent_transaction_id: str | None = nested("parentTransaction", "id")
    gateway: str | None
    kind: str
    amount: Money = Field(validation_alias="amountSet")


# Parsed from the ``order`` node of SuggestRefund (its suggestedRefund checked non-null first).
class SuggestRefundOutput(OutputModel):
    order_id: str = Field(validation_alias="id")
    order_name: str = Field(validation_alias="name")
    amount: Money = Field(validation_alias=AliasPath("suggestedRefund", "amountSet"))
    subtotal: Money = Field(validation_alias=AliasPath("suggestedRefund", "subtotalSet"))
    tax: Money = Field(validation_alias=AliasPath("suggestedRefund", "totalTaxSet"))
    maximum_refundable: Money = Field(
        validation_alias=AliasPath("suggestedRefund", "maximumRefundableSet")
    )
    shipping: Money = Field(validation_alias=AliasPath("suggestedRefund", "shipping", "amountSet"))
    lines: list[RefundLine] = Field(
        validation_alias=AliasPath("suggestedRefund", "refundLineItems")
    )
    transactions: list[SuggestedTransaction] = Field(
        validation_alias=AliasPath("suggestedRefund", "suggestedTransactions")
    )
