"""Types every BigCommerce input shares: bounded ids, pages, texts and money."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

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
# One line of text a merchant writes (a name, a tracking number): no control characters.
Line = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=255, pattern=r"^[^\x00-\x1f\x7f]+$"
    ),
]
# A note of several lines (a reason, a comment): line breaks and tabs, no other control characters.
Note = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=1000,
        pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$",
    ),
]
# What BigCommerce allows in a coupon or promotion code: letters, digits, spaces, _ and -.
Code = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=50, pattern=r"^[A-Za-z0-9_ -]+$"
    ),
]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]
PositiveAmount = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=4)]


def _lower(value: str) -> str:
    return value.lower()


# A cart id is a UUID; an abandoned-cart token is 32 hex digits (the client's path check
# accepts exactly these two shapes, in lower case).
CartId = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        pattern=r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$",
    ),
    AfterValidator(_lower),
]
CartToken = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Fa-f]{32}$"),
    AfterValidator(_lower),
]


class Strict(BaseModel):
    """Tool input: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class NoInput(Strict):
    pass


def json_number(value: Decimal) -> float | int:
    """Money and quantities as JSON numbers, the way v3 bodies take them."""
    return int(value) if value == value.to_integral_value() else float(value)


def money_text(value: Decimal) -> str:
    """Money as v2 bodies take it (a string)."""
    return format(value.normalize(), "f")
