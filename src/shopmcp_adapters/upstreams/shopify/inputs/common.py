"""What the Shopify input models share: the strict base, identifiers, cursors, search text.

Inputs are strict (``extra="forbid"``), bounded and validated: identifiers are Shopify GIDs of
the right kind (or their numeric tail), cursors are opaque base64-ish tokens, page sizes are at
most 50, and every value that ends up in a search ``query`` string has a narrow character set
(see ``search.py``, which also quotes it).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

MAX_PAGE = 50

_GID_RE = re.compile(r"^gid://shopify/([A-Za-z]+)/([0-9]{1,20})$")
_NUMERIC_RE = re.compile(r"^[0-9]{1,20}$")


def _int_to_str(value: Any) -> Any:
    # Models in chat clients often send numeric ids as numbers; accept them as their digits.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _gid_of(kind: str) -> AfterValidator:
    def check(value: str) -> str:
        if _NUMERIC_RE.fullmatch(value):
            if int(value) == 0:
                raise ValueError(f"not a {kind} id")
            return f"gid://shopify/{kind}/{value}"
        match = _GID_RE.fullmatch(value)
        if match is None or match.group(1) != kind or int(match.group(2)) == 0:
            raise ValueError(f"expected gid://shopify/{kind}/<digits> or the numeric id")
        return value

    return AfterValidator(check)


def _gid_field(kind: str) -> Any:
    return Field(
        min_length=1,
        max_length=64,
        pattern=rf"^(gid://shopify/{kind}/)?[0-9]{{1,20}}$",
        description=f"A {kind} id: gid://shopify/{kind}/<digits>, or just the digits.",
    )


_ints = BeforeValidator(_int_to_str)
OrderId = Annotated[str, _gid_field("Order"), _ints, _gid_of("Order")]
ProductId = Annotated[str, _gid_field("Product"), _ints, _gid_of("Product")]
ProductVariantId = Annotated[str, _gid_field("ProductVariant"), _ints, _gid_of("ProductVariant")]
CustomerId = Annotated[str, _gid_field("Customer"), _ints, _gid_of("Customer")]
InventoryItemId = Annotated[str, _gid_field("InventoryItem"), _ints, _gid_of("InventoryItem")]
LocationId = Annotated[str, _gid_field("Location"), _ints, _gid_of("Location")]
LineItemId = Annotated[str, _gid_field("LineItem"), _ints, _gid_of("LineItem")]
RefundId = Annotated[str, _gid_field("Refund"), _ints, _gid_of("Refund")]
OrderTransactionId = Annotated[
    str, _gid_field("OrderTransaction"), _ints, _gid_of("OrderTransaction")
]
FulfillmentId = Annotated[str, _gid_field("Fulfillment"), _ints, _gid_of("Fulfillment")]
FulfillmentOrderId = Annotated[
    str, _gid_field("FulfillmentOrder"), _ints, _gid_of("FulfillmentOrder")
]
FulfillmentOrderLineItemId = Annotated[
    str, _gid_field("FulfillmentOrderLineItem"), _ints, _gid_of("FulfillmentOrderLineItem")
]
DraftOrderId = Annotated[str, _gid_field("DraftOrder"), _ints, _gid_of("DraftOrder")]
CollectionId = Annotated[str, _gid_field("Collection"), _ints, _gid_of("Collection")]
# The conditions source of a collection, which holds its manually selected products
# (2026-07 adds and removes products through it).
CollectionSourceId = Annotated[
    str,
    _gid_field("CollectionConditionsSource"),
    _ints,
    _gid_of("CollectionConditionsSource"),
]

# A discount is a code or an automatic discount, and its digits alone do not say which: only
# the full GID is accepted (the list tool prints it).
_DISCOUNT_PATTERN = (
    r"^gid://shopify/(DiscountCodeNode|DiscountAutomaticNode|DiscountNode)/[1-9][0-9]{0,19}$"
)


def numeric_id(gid: str) -> str:
    """The digits of a validated GID (used in search filters such as ``customer_id:123``)."""
    return gid.rsplit("/", 1)[1]


def _whole(pattern: str) -> AfterValidator:
    # Python's "$" also matches before a final newline: hold the whole string to the pattern.
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError("contains characters that are not allowed")
        return value

    return AfterValidator(check)


DiscountId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        pattern=_DISCOUNT_PATTERN,
        description="A discount id as the list prints it: gid://shopify/DiscountCodeNode/<digits> "
        "or gid://shopify/DiscountAutomaticNode/<digits>.",
    ),
    _whole(_DISCOUNT_PATTERN),
]

_CURSOR_PATTERN = r"^[A-Za-z0-9+/=_-]+$"
_SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/+#-]*$"
_EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$"
_TAG_PATTERN = r"^[^,\x00-\x1f\x7f]+$"
_URL_PATTERN = r"^https?://[^\s\"'<>]+$"
_NAMESPACE_PATTERN = r"^[A-Za-z0-9$_:.-]+$"
_GATEWAY_PATTERN = r"^[A-Za-z0-9_ .-]+$"
_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"

Cursor = Annotated[
    str,
    Field(
        min_length=1,
        max_length=512,
        pattern=_CURSOR_PATTERN,
        description="The end_cursor of the previous page.",
    ),
    _whole(_CURSOR_PATTERN),
]

# Text that is placed (quoted) inside a search query: words, spaces and a little punctuation.
# No quotes, backslashes, colons, parentheses or wildcards, and it starts with a word character,
# so it can only ever be one phrase.
SEARCH_TEXT_PATTERN = r"^[\w][\w .,'&/+#-]*$"
SearchText = Annotated[
    str,
    Field(min_length=1, max_length=100, pattern=SEARCH_TEXT_PATTERN),
    _whole(SEARCH_TEXT_PATTERN),
]
Sku = Annotated[
    str, Field(min_length=1, max_length=100, pattern=_SKU_PATTERN), _whole(_SKU_PATTERN)
]
EmailFilter = Annotated[
    str,
    Field(
        min_length=3,
        max_length=254,
        pattern=_EMAIL_PATTERN,
    ),
    _whole(_EMAIL_PATTERN),
]
# A tag written to Shopify (a GraphQL variable, never part of a query string): no commas,
# which Shopify treats as separators, and no control characters.
Tag = Annotated[
    str, Field(min_length=1, max_length=255, pattern=_TAG_PATTERN), _whole(_TAG_PATTERN)
]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE, description="Page size, at most 50.")]
# A tracking link written to Shopify (never fetched by the gateway).
TrackingUrl = Annotated[
    str, Field(min_length=10, max_length=2_000, pattern=_URL_PATTERN), _whole(_URL_PATTERN)
]
MetafieldNamespace = Annotated[
    str,
    Field(min_length=2, max_length=255, pattern=_NAMESPACE_PATTERN),
    _whole(_NAMESPACE_PATTERN),
]
# A payment gateway's name as shopify_suggest_refund prints it ("shopify_payments", "manual").
Gateway = Annotated[
    str, Field(min_length=1, max_length=100, pattern=_GATEWAY_PATTERN), _whole(_GATEWAY_PATTERN)
]
# A discount code as customers type it: letters, digits, hyphens and underscores.
DiscountCode = Annotated[
    str, Field(min_length=3, max_length=255, pattern=_CODE_PATTERN), _whole(_CODE_PATTERN)
]
# An amount of money (the GraphQL Money and Decimal scalars are decimal strings); three
# decimal places cover every currency Shopify sells in.
Amount = Annotated[Decimal, Field(gt=0, max_digits=15, decimal_places=3)]


class StrictModel(BaseModel):
    # Python's re, the same engine search.py re-checks with (Rust's \w also admits
    # combining marks that Python's does not).
    model_config = ConfigDict(extra="forbid", frozen=True, regex_engine="python-re")


# Dates a tool accepts: wide enough for any shop's history, narrow enough to stay a date.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


def _in_range(moment: dt.datetime) -> dt.datetime:
    if not EARLIEST <= moment.astimezone(dt.UTC).date() <= LATEST:
        raise ValueError("the time is outside 2000-2100")
    return moment


# A moment with its UTC offset (a bare time would be read in the shop's zone by some fields and
# in UTC by others).
Moment = Annotated[AwareDatetime, AfterValidator(_in_range)]


def timestamp(moment: dt.datetime) -> str:
    """A moment as GraphQL's DateTime (ISO 8601, UTC)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
