"""Input models of the Neto tools.

Inputs are strict (``extra="forbid"``), bounded and validated before any request exists. Every
value a tool sends is a JSON value inside ``Filter`` (Neto has one endpoint; no input reaches
a URL or a header), and identifiers are still held to Neto's own narrow forms and lengths.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

MAX_LIMIT = 100
MAX_PAGE = 1000
MAX_IDS = 50

# Neto SKUs are text up to 25 characters; tools accept letters, digits, dot, underscore and
# hyphen, starting with a letter or digit.
Sku = Annotated[
    str, StringConstraints(min_length=1, max_length=25, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
]
# Order ids look like N10155 (String(15)); an order line adds -0, -1.
OrderId = Annotated[
    str, StringConstraints(min_length=1, max_length=15, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
]
# Customer usernames: String(25); Neto stores often use the e-mail address's local part or the
# address itself.
Username = Annotated[
    str,
    StringConstraints(min_length=1, max_length=25, pattern=r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$"),
]
Email = Annotated[
    str,
    StringConstraints(
        min_length=3, max_length=50, pattern=r"^[^@\s%\\,;\"<>]{1,40}@[A-Za-z0-9.-]{1,45}$"
    ),
]
# Exact-match text filters (a brand, a product name, a voucher code): no control characters.
Brand = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[^\x00-\x1f]+$")]
ProductName = Annotated[
    str, StringConstraints(min_length=1, max_length=150, pattern=r"^[^\x00-\x1f]+$")
]
VoucherCode = Annotated[
    str, StringConstraints(min_length=1, max_length=25, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
]
NumericId = Annotated[int, Field(ge=1, le=2**31 - 1)]
RmaId = Annotated[int, Field(ge=1, le=9_999_999_999)]
Page = Annotated[
    int, Field(ge=0, le=MAX_PAGE, description="Page number; 0 is the first page (Neto's paging)")
]
Limit = Annotated[int, Field(ge=1, le=MAX_LIMIT, description="Results per page (at most 100)")]
Day = Annotated[dt.date, Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _in_order(first: dt.date | None, last: dt.date | None, names: str) -> None:
    if first is not None and last is not None and first > last:
        raise ValueError(f"{names}: the first day is after the last")


class _Paged(_Input):
    page: Page = 0
    limit: Limit = 20


# --------------------------------------------------------------------------- enumerations


class OrderStatus(enum.StrEnum):
    """GetOrder's OrderStatus filter values, as Neto spells them."""

    NEW = "New"
    NEW_BACKORDER = "New Backorder"
    BACKORDER_APPROVED = "Backorder Approved"
    PICK = "Pick"
    PACK = "Pack"
    PENDING_PICKUP = "Pending Pickup"
    PENDING_DISPATCH = "Pending Dispatch"
    DISPATCHED = "Dispatched"
    CANCELLED = "Cancelled"
    UNCOMMITTED = "Uncommitted"
    ON_HOLD = "On Hold"


class PaymentStatus(enum.StrEnum):
    FULLY_PAID = "FullyPaid"
    PARTIAL_PAID = "PartialPaid"
    PENDING = "Pending"


class CustomerType(enum.StrEnum):
    CUSTOMER = "Customer"
    PROSPECT = "Prospect"


class RmaStatus(enum.StrEnum):
    OPEN = "Open"
    CLOSED = "Closed"


class ProgramType(enum.StrEnum):
    REWARD = "Reward"
    GIFT = "Gift"
    THIRD_PARTY = "Third Party"


class ItemOrder(enum.StrEnum):
    """GetItem's OrderBy values a tool offers."""

    NAME = "Name"
    ID = "ID"
    DATE_ADDED = "DateAdded"
    DATE_UPDATED = "DateUpdated"


class Direction(enum.StrEnum):
    ASC = "ASC"
    DESC = "DESC"


def _unique(values: list[Any], name: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"{name} has a repeated value")


# --------------------------------------------------------------------------- orders


class ListOrdersInput(_Paged):
    statuses: list[OrderStatus] = Field(
        default_factory=list, max_length=len(OrderStatus), description="Any of these statuses"
    )
    payment_status: PaymentStatus | None = None
    username: Username | None = Field(default=None, description="The customer's username")
    placed_from: Day | None = Field(default=None, description="First day placed, inclusive")
    placed_to: Day | None = Field(default=None, description="Last day placed, inclusive")
    sku: Sku | None = Field(default=None, description="Orders with a line of this SKU")

    @model_validator(mode="after")
    def _checked(self) -> ListOrdersInput:
        _unique(self.statuses, "statuses")
        _in_order(self.placed_from, self.placed_to, "placed_from/placed_to")
        return self


class GetOrderInput(_Input):
    order_id: OrderId = Field(description="Neto's order id, e.g. N10155")


# --------------------------------------------------------------------------- items


class ListItemsInput(_Paged):
    skus: list[Sku] = Field(default_factory=list, max_length=MAX_IDS)
    name: ProductName | None = Field(default=None, description="Exact product name")
    brand: Brand | None = Field(default=None, description="Exact brand name")
    category_id: NumericId | None = None
    is_active: bool | None = None
    updated_from: Day | None = Field(default=None, description="First day updated, inclusive")
    updated_to: Day | None = Field(default=None, description="Last day updated, inclusive")
    order_by: ItemOrder = ItemOrder.NAME
    direction: Direction = Direction.ASC

    @model_validator(mode="after")
    def _checked(self) -> ListItemsInput:
        _unique(self.skus, "skus")
        _in_order(self.updated_from, self.updated_to, "updated_from/updated_to")
        return self


class SkuInput(_Input):
    sku: Sku


class StockInput(_Input):
    skus: list[Sku] = Field(min_length=1, max_length=MAX_IDS)

    @model_validator(mode="after")
    def _checked(self) -> StockInput:
        _unique(self.skus, "skus")
        return self


class ListCategoriesInput(_Paged):
    parent_category_id: int | None = Field(
        default=None, ge=0, le=2**31 - 1, description="0 for top-level categories"
    )
    active: bool | None = None


# --------------------------------------------------------------------------- customers


class ListCustomersInput(_Paged):
    username: Username | None = None
    email: Email | None = Field(default=None, description="Exact e-mail address")
    type: CustomerType | None = None
    active: bool | None = None
    added_from: Day | None = Field(default=None, description="First day added, inclusive")
    added_to: Day | None = Field(default=None, description="Last day added, inclusive")

    @model_validator(mode="after")
    def _checked(self) -> ListCustomersInput:
        _in_order(self.added_from, self.added_to, "added_from/added_to")
        return self


class GetCustomerInput(_Input):
    username: Username | None = Field(default=None, description="The customer's username")
    customer_id: NumericId | None = Field(default=None, description="The customer's id")

    @model_validator(mode="after")
    def _one(self) -> GetCustomerInput:
        if (self.username is None) == (self.customer_id is None):
            raise ValueError("give exactly one of username and customer_id")
        return self


# --------------------------------------------------------------------------- returns, payments


class ListRmasInput(_Paged):
    order_id: OrderId | None = None
    rma_id: RmaId | None = None
    username: Username | None = None
    status: RmaStatus | None = None
    issued_from: Day | None = Field(default=None, description="First day issued, inclusive")
    issued_to: Day | None = Field(default=None, description="Last day issued, inclusive")

    @model_validator(mode="after")
    def _checked(self) -> ListRmasInput:
        _in_order(self.issued_from, self.issued_to, "issued_from/issued_to")
        return self


class ListPaymentsInput(_Paged):
    order_ids: list[OrderId] = Field(default_factory=list, max_length=MAX_IDS)
    paid_from: Day | None = Field(default=None, description="First day paid, inclusive")
    paid_to: Day | None = Field(default=None, description="Last day paid, inclusive")

    @model_validator(mode="after")
    def _checked(self) -> ListPaymentsInput:
        _unique(self.order_ids, "order_ids")
        _in_order(self.paid_from, self.paid_to, "paid_from/paid_to")
        return self


class ListWarehousesInput(_Paged):
    pass


class ListShippingMethodsInput(_Input):
    pass


class ListVouchersInput(_Input):
    code: VoucherCode | None = Field(default=None, description="Exact voucher code")
    owner: Username | None = Field(default=None, description="The owning customer's username")
    order_id: OrderId | None = Field(default=None, description="The order that created it")
    program_type: ProgramType | None = None
    redeemed: bool | None = None
    added_from: Day | None = Field(default=None, description="First day added, inclusive")
    added_to: Day | None = Field(default=None, description="Last day added, inclusive")

    @model_validator(mode="after")
    def _checked(self) -> ListVouchersInput:
        _in_order(self.added_from, self.added_to, "added_from/added_to")
        if all(getattr(self, name) is None for name in type(self).model_fields):
            # GetVoucher has no paging: an unfiltered call would return every voucher.
            raise ValueError("give at least one filter")
        return self


# --------------------------------------------------------------------------- the write

Money = Annotated[Decimal, Field(ge=0, le=Decimal("999999999"), max_digits=13, decimal_places=4)]
Quantity = Annotated[int, Field(ge=0, le=10_000_000)]

WRITABLE_ITEM_FIELDS = ("default_price", "promotion_price", "rrp", "quantity")
ITEM_LOCATORS = ("sku", "warehouse_id")


class UpdateItemInput(_Input):
    """The only fields ``neto_update_item`` can change; ``sku`` and ``warehouse_id`` only
    locate the product and the warehouse whose stock ``quantity`` sets."""

    sku: Sku
    default_price: Money | None = None
    promotion_price: Money | None = None
    rrp: Money | None = Field(default=None, description="Recommended retail price")
    warehouse_id: NumericId | None = Field(
        default=None, description="The warehouse whose on-hand quantity is set"
    )
    quantity: Quantity | None = Field(
        default=None, description="New on-hand quantity at warehouse_id (replaces it)"
    )

    @model_validator(mode="after")
    def _checked(self) -> UpdateItemInput:
        if all(getattr(self, name) is None for name in WRITABLE_ITEM_FIELDS):
            raise ValueError("name at least one field to change")
        if (self.quantity is None) != (self.warehouse_id is None):
            raise ValueError("quantity and warehouse_id go together")
        return self
