"""Input models of the Merchant Center tools (Merchant API v1).

A product is named by Google's identifier ``content_language~feed_label~offer_id``
(``en~AU~TENT-2P``; ``local~en~AU~...`` for a legacy local product), as the product-status
tool shows it, or by its unpadded base64url encoding. It always reaches the URL encoded, the
form Google asks for when an offer id holds ``/``, ``%`` or ``~``, so no offer id can change
the path.
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
from typing import Annotated, Final

from pydantic import AfterValidator, Field, StringConstraints

from shopmcp_adapters.upstreams.google.inputs.common import (
    GoogleInput,
    MerchantAccountId,
    PageToken,
)

MAX_PRODUCT_PAGE = 250
MAX_ISSUE_PAGE = 100
MAX_ACCOUNT_PAGE = 500

# content language (ISO 639-1, maybe with a region), feed label (A-Z, 0-9, - and _, at most
# 20), offer id (at most 50 characters, no control characters).
PRODUCT_ID_RE: Final = re.compile(
    r"^(local~)?[a-z]{2,3}(-[A-Za-z0-9]{1,8})?~[A-Za-z0-9_-]{1,20}~[^\x00-\x1f\x7f]{1,50}$"
)
_ENCODED_RE = re.compile(r"^[A-Za-z0-9_-]{4,120}$")


def encode_product_id(plain: str) -> str:
    return base64.urlsafe_b64encode(plain.encode()).rstrip(b"=").decode("ascii")


def decode_product_id(encoded: str) -> str | None:
    """The plain identifier an encoded one stands for, or None when it stands for none."""
    if not _ENCODED_RE.fullmatch(encoded):
        return None
    try:
        plain = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return plain if PRODUCT_ID_RE.fullmatch(plain) else None


def _encoded_product_id(value: str) -> str:
    if "~" in value:
        if not PRODUCT_ID_RE.fullmatch(value):
            raise ValueError("a product id is content_language~feed_label~offer_id (en~AU~TENT-2P)")
        return encode_product_id(value)
    plain = decode_product_id(value)
    if plain is None:
        raise ValueError(
            "a product id is content_language~feed_label~offer_id (en~AU~TENT-2P) or its "
            "unpadded base64url encoding"
        )
    return encode_product_id(plain)


ProductId = Annotated[
    str,
    StringConstraints(min_length=4, max_length=120),
    AfterValidator(_encoded_product_id),
    Field(
        description=(
            "The product as google_merchant_product_statuses shows it: "
            "content_language~feed_label~offer_id (en~AU~TENT-2P)"
        )
    ),
]


class ProductStatus(enum.StrEnum):
    """A product's status across all the places it may show (Google's aggregated status)."""

    DISAPPROVED = "disapproved"
    PENDING = "pending"
    LIMITED = "limited"
    ELIGIBLE = "eligible"

    @property
    def upstream(self) -> str:
        return _AGGREGATED_STATUS[self]


_AGGREGATED_STATUS: Final = {
    ProductStatus.DISAPPROVED: "NOT_ELIGIBLE_OR_DISAPPROVED",
    ProductStatus.PENDING: "PENDING",
    ProductStatus.LIMITED: "ELIGIBLE_LIMITED",
    ProductStatus.ELIGIBLE: "ELIGIBLE",
}

LanguageCode = Annotated[
    str,
    StringConstraints(max_length=20, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,2}$"),
    Field(description="The language of the issues' texts, BCP-47 (en-US, de, pt-BR)"),
]


class ListMerchantAccountsInput(GoogleInput):
    page_size: int = Field(default=50, ge=1, le=MAX_ACCOUNT_PAGE, description="Accounts per page")
    page_token: PageToken | None = None


class ProductStatusesInput(GoogleInput):
    account_id: MerchantAccountId
    status: ProductStatus | None = Field(
        default=None,
        description=(
            "Only products with this status: disapproved (shown nowhere), pending (in "
            "review), limited (shown in some places or countries), eligible (shown everywhere)"
        ),
    )
    page_size: int = Field(
        default=50, ge=1, le=MAX_PRODUCT_PAGE, description="Products per page (at most 250)"
    )
    page_token: PageToken | None = None


class GetProductInput(GoogleInput):
    account_id: MerchantAccountId
    product_id: ProductId


class AccountIssuesInput(GoogleInput):
    account_id: MerchantAccountId
    language_code: LanguageCode = "en-US"
    page_size: int = Field(
        default=50, ge=1, le=MAX_ISSUE_PAGE, description="Issues per page (at most 100)"
    )
    page_token: PageToken | None = None
