"""The bounded types every Magento input model is built from, and the product codes shared with
the outputs."""

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
Money = Annotated[float, Field(ge=0, le=1e9)]
LongText = Annotated[str, StringConstraints(max_length=65_535)]
# A comment a merchant writes on an order or a sales document: one paragraph of text.
CommentText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2000, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]+$"),
]


class StrictInput(BaseModel):
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


class NoInput(StrictInput):
    pass


class Paged(StrictInput):
    page: Page = 1
    page_size: PageSize = 20


class CreatedRange(StrictInput):
    created_from: dt.date | None = Field(default=None, description="First day (UTC), inclusive")
    created_to: dt.date | None = Field(default=None, description="Last day (UTC), inclusive")

    @model_validator(mode="after")
    def _range(self) -> CreatedRange:
        if self.created_from and self.created_to and self.created_from > self.created_to:
            raise ValueError("created_from is after created_to")
        return self


class LineQuantity(StrictInput):
    """One order line and how many of it a document (invoice, shipment, refund) covers."""

    order_item_id: EntityId = Field(description="The order line's item_id (magento_get_order)")
    qty: Annotated[float, Field(gt=0, le=1e6)]
