"""Input models of the Magento tools, and the product codes shared with the outputs.

Inputs are strict (``extra="forbid"``), bounded and validated before any request exists.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

MAX_PAGE_SIZE = 100
MAX_PAGE = 1000

# Magento SKUs are free text up to 64 characters; tools accept a safe subset: letters, digits,
# space, dot, underscore, hyphen and plus, starting and ending with a letter or digit. It is
# percent-encoded as one path segment, so it can never add a segment, a query or a fragment.
Sku = Annotated[
    str,
    StringConstraints(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9 ._+-]{0,62}[A-Za-z0-9])?$",
    ),
]
EntityId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]
# Search text for a "like" filter: no SQL wildcards or escapes of the caller's own.
SearchText = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^%\\\x00-\x1f]+$")
]
Email = Annotated[
    str,
    StringConstraints(
        min_length=3, max_length=254, pattern=r"^[^@\s%\\,;]{1,64}@[A-Za-z0-9.-]{1,189}$"
    ),
]
# Order statuses are codes (pending, processing, complete, closed, canceled, holded, custom).
StatusCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
IncrementId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,50}$")]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProductStatus(enum.StrEnum):
    ENABLED = "enabled"
    DISABLED = "disabled"

    @property
    def code(self) -> int:
        return 1 if self is ProductStatus.ENABLED else 2

    @classmethod
    def from_code(cls, code: object) -> ProductStatus | None:
        return {1: cls.ENABLED, 2: cls.DISABLED}.get(code if isinstance(code, int) else -1)


class Visibility(enum.StrEnum):
    NOT_VISIBLE = "not_visible_individually"
    CATALOG = "catalog"
    SEARCH = "search"
    CATALOG_SEARCH = "catalog_search"

    @property
    def code(self) -> int:
        return list(Visibility).index(self) + 1

    @classmethod
    def from_code(cls, code: object) -> Visibility | None:
        if isinstance(code, int) and 1 <= code <= 4:
            return list(Visibility)[code - 1]
        return None


ProductType = Literal["simple", "configurable", "virtual", "bundle", "downloadable", "grouped"]


class GetStoreInput(_Input):
    pass


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


class SearchProductsInput(_Input):
    name_contains: SearchText | None = None
    sku_contains: SearchText | None = None
    status: ProductStatus | None = None
    type: ProductType | None = None
    page: Page = 1
    page_size: PageSize = 20


class SkuInput(_Input):
    sku: Sku


class SearchCustomersInput(_Input):
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


class GetCustomerInput(_Input):
    customer_id: EntityId = Field(description="The customer's id")


class ListCreditMemosInput(_Input):
    order_id: EntityId = Field(description="The order's entity_id")
    page: Page = 1
    page_size: PageSize = 20


Money = Annotated[float, Field(ge=0, le=1e9)]
LongText = Annotated[str, StringConstraints(max_length=65_535)]


WRITABLE_FIELDS = (
    "name",
    "price",
    "special_price",
    "status",
    "visibility",
    "description",
    "short_description",
    "weight",
    "qty",
    "is_in_stock",
)


class UpdateProductInput(_Input):
    """The only fields ``magento_update_product`` can change; ``sku`` only locates the product."""

    sku: Sku
    name: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None
    price: Money | None = None
    special_price: Money | None = None
    status: ProductStatus | None = None
    visibility: Visibility | None = None
    description: LongText | None = None
    short_description: LongText | None = None
    weight: Annotated[float, Field(ge=0, le=1e6)] | None = None
    qty: Annotated[float, Field(ge=0, le=1e9)] | None = None
    is_in_stock: bool | None = None

    @model_validator(mode="after")
    def _something(self) -> UpdateProductInput:
        if all(getattr(self, name) is None for name in WRITABLE_FIELDS):
            raise ValueError("name at least one field to change")
        return self
