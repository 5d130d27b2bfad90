"""What every BigCommerce output shares: the parsing base, the v2/v3 envelopes, money, dates
and pagination."""

from __future__ import annotations

import datetime as dt
import email.utils
from decimal import Decimal
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AliasPath, BaseModel, BeforeValidator, ConfigDict, Field, RootModel


def _rfc2822_or_iso(value: Any) -> Any:
    """v2 dates are RFC 2822; v3 dates ISO 8601; both may be empty."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and not value[:4].isdigit():
        try:
            return email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return value  # let the datetime validator reject it
    return value


UpstreamDate = Annotated[dt.datetime | None, BeforeValidator(_rfc2822_or_iso)]


def _money(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


Money = Annotated[Decimal | None, BeforeValidator(_money)]


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]


class Parsed(BaseModel):
    """Tool output, parsed from an upstream payload: unknown upstream fields are dropped."""

    model_config = ConfigDict(extra="ignore")


# --------------------------------------------------------------------------- envelopes

DataT = TypeVar("DataT")
ItemT = TypeVar("ItemT")


class V3Data(BaseModel, Generic[DataT]):
    """A v3 answer ``{data, meta}``, for the tools that read only its ``data``."""

    data: DataT


class V2List(RootModel[list[ItemT]], Generic[ItemT]):
    """A v2 collection: a bare JSON array (the client reads a 204 past the end as ``[]``)."""


class Listing(Parsed):
    """A v3 collection page ``{data: [...], meta: {pagination}}``. A page whose ``meta`` has no
    pagination still lists its data, its pagination all unknown; the field is serialised either
    way, so the output schema keeps it required."""

    model_config = ConfigDict(json_schema_serialization_defaults_required=True)


class Pagination(Parsed):
    total: int | None = None
    current_page: int | None = None
    total_pages: int | None = None


class PagedListing(Listing):
    """A v3 collection page's pagination, read from ``meta.pagination``."""

    pagination: Pagination = Field(
        default_factory=Pagination, validation_alias=AliasPath("meta", "pagination")
    )
