"""BigCommerce tool inputs: what a chat may ask.

Inputs forbid extra fields, bound every page and size, and validate every identifier, so a
request is built only from values already known to be safe.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

# --------------------------------------------------------------------------- shared types

MAX_ID = 2_147_483_647  # BigCommerce ids are int32

ResourceId = Annotated[int, Field(ge=1, le=MAX_ID)]
Page = Annotated[int, Field(ge=1, le=10_000, description="1-based page number.")]
Limit = Annotated[int, Field(ge=1, le=50, description="Results per page (at most 50).")]
# SKUs: printable, no separators that would change a comma-separated filter or a URL.
Sku = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255, pattern=r"^[^,\s]+$"),
]
SearchText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[^,]+$"),
]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=3,
        max_length=255,
        pattern=r"^[^@\s,]+@[^@\s,]+\.[^@\s,]+$",
    ),
]


class Strict(BaseModel):
    """Tool input: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


# --------------------------------------------------------------------------- inputs


class NoInput(Strict):
    pass


OrderSort = Literal[
    "date_created:desc",
    "date_created:asc",
    "date_modified:desc",
    "date_modified:asc",
    "id:desc",
    "id:asc",
]


class ListOrdersInput(Strict):
    status_id: int | None = Field(
        default=None, ge=0, le=99, description="Order status id (e.g. 11 = Awaiting Fulfillment)."
    )
    customer_id: ResourceId | None = None
    created_from: AwareDatetime | None = Field(
        default=None, description="Only orders created at or after this time (ISO 8601)."
    )
    created_to: AwareDatetime | None = Field(
        default=None, description="Only orders created at or before this time (ISO 8601)."
    )
    sort: OrderSort = "date_created:desc"
    page: Page = 1
    limit: Limit = 20

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValueError("created_from must not be after created_to")
        return self


class OrderIdInput(Strict):
    order_id: ResourceId


class OrderPageInput(Strict):
    order_id: ResourceId
    page: Page = 1
    limit: Limit = 50


class ListProductsInput(Strict):
    keyword: SearchText | None = Field(default=None, description="Search in name, SKU, etc.")
    sku: Sku | None = Field(default=None, description="Exact product SKU.")
    is_visible: bool | None = None
    page: Page = 1
    limit: Limit = 20


class ProductIdInput(Strict):
    product_id: ResourceId


class GetInventoryInput(Strict):
    """Exactly one selector: SKUs, variant ids or product ids."""

    skus: list[Sku] | None = Field(default=None, min_length=1, max_length=50)
    variant_ids: list[ResourceId] | None = Field(default=None, min_length=1, max_length=50)
    product_ids: list[ResourceId] | None = Field(default=None, min_length=1, max_length=50)
    page: Page = 1
    limit: Limit = 50

    @model_validator(mode="after")
    def _one_selector(self) -> Self:
        given = [s for s in (self.skus, self.variant_ids, self.product_ids) if s is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of skus, variant_ids or product_ids")
        return self


class ListCustomersInput(Strict):
    email: Email | None = Field(default=None, description="Exact email address.")
    name: SearchText | None = Field(default=None, description="Part of the customer's name.")
    page: Page = 1
    limit: Limit = 20


class CustomerIdInput(Strict):
    customer_id: ResourceId


class UpdateProductInput(Strict):
    """Only these fields can be written. Everything else (SKU, categories, custom fields,
    channels, ...) is refused before a request exists."""

    product_id: ResourceId
    name: str | None = Field(default=None, min_length=1, max_length=250)
    price: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=4)
    sale_price: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=4)
    inventory_level: int | None = Field(default=None, ge=0, le=MAX_ID)
    is_visible: bool | None = None
    description: str | None = Field(default=None, max_length=65_535)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.changes():
            raise ValueError("give at least one field to change")
        return self

    def changes(self) -> dict[str, Any]:
        """The JSON body: only the fields the caller set, money as JSON numbers."""
        out: dict[str, Any] = {}
        for field in (
            "name",
            "price",
            "sale_price",
            "inventory_level",
            "is_visible",
            "description",
        ):
            value = getattr(self, field)
            if value is None:
                continue
            out[field] = float(value) if isinstance(value, Decimal) else value
        return out
