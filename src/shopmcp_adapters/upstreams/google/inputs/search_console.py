"""Input models of the Search Console tools.

A site is a Search Console property: a domain property ``sc-domain:example.com`` or a
URL-prefix property ``https://www.example.com/`` (``http://`` too, for sites that have one),
exactly as ``google_list_search_console_sites`` shows it. The whole value becomes one path
segment, percent-encoded, as Google asks.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Annotated, Final

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from shopmcp_adapters.upstreams.google.inputs.common import (
    GoogleInput,
    check_choice,
    check_pattern,
    check_text,
    unique,
)

MAX_ROWS = 1_000
MAX_START_ROW = 100_000
# Search Console keeps 16 months of data.
MAX_SPAN_DAYS = 486
FIRST_DAY = dt.date(2010, 1, 1)

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_DOMAIN = rf"{_LABEL}(\.{_LABEL})*\.(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})"
_PATH_CHARS = r"[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2}"
SITE_URL_RE: Final = re.compile(
    rf"^(sc-domain:{_DOMAIN}|https?://{_DOMAIN}(:\d{{1,5}})?/({_PATH_CHARS})*)$"
)


def _site_url(value: str) -> str:
    text = value.strip()
    if text.lower().startswith(("https://", "http://", "sc-domain:")):
        scheme, _, rest = text.partition(":")
        host, _, path = rest.removeprefix("//").partition("/")
        if scheme.lower() == "sc-domain":
            text = f"sc-domain:{rest.lower()}"
        else:
            text = f"{scheme.lower()}://{host.lower()}/{path}"
            if not text.endswith("/"):
                # URL-prefix properties are directories: Search Console names them with the
                # slash.
                text += "/"
    if len(text) > 300 or not SITE_URL_RE.fullmatch(text):
        raise ValueError(
            "a site is sc-domain:example.com or a URL prefix such as https://www.example.com/ "
            "(no query, fragment or credentials), as google_list_search_console_sites shows it"
        )
    return text


SiteUrl = Annotated[
    str,
    StringConstraints(min_length=12, max_length=300),
    AfterValidator(_site_url),
    Field(
        description=(
            "The Search Console property: sc-domain:example.com or https://www.example.com/"
        )
    ),
]


class SearchDimension(enum.StrEnum):
    QUERY = "query"
    PAGE = "page"
    COUNTRY = "country"
    DEVICE = "device"
    DATE = "date"


class SearchType(enum.StrEnum):
    WEB = "web"
    IMAGE = "image"
    VIDEO = "video"
    NEWS = "news"
    DISCOVER = "discover"
    GOOGLE_NEWS = "googleNews"


class Operator(enum.StrEnum):
    EQUALS = "equals"
    NOT_EQUALS = "notEquals"
    CONTAINS = "contains"
    NOT_CONTAINS = "notContains"


DEVICES: Final = ("DESKTOP", "MOBILE", "TABLET")
_COUNTRY = re.compile(r"^[a-z]{3}$")
_PAGE_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f]{3,2000}$")
_PAGE_PART = re.compile(r"^[^\s\x00-\x1f\x7f]{1,500}$")


def check_expression(dimension: SearchDimension, operator: Operator, value: str) -> str:
    what = f"a {dimension.value} filter expression"
    exact = operator in (Operator.EQUALS, Operator.NOT_EQUALS)
    if dimension is SearchDimension.DEVICE:
        if not exact:
            raise ValueError("a device filter takes equals or notEquals")
        return check_choice(value, what, DEVICES)
    if dimension is SearchDimension.COUNTRY:
        if not exact:
            raise ValueError("a country filter takes equals or notEquals")
        return check_pattern(value.lower(), what, _COUNTRY, "an ISO 3166-1 alpha-3 code (aus)")
    if dimension is SearchDimension.PAGE:
        if exact:
            return check_pattern(value, what, _PAGE_URL, "a full page URL (https://...)")
        return check_pattern(value, what, _PAGE_PART, "part of a URL, without spaces")
    if dimension is SearchDimension.DATE:
        raise ValueError("filter dates with start_date and end_date")
    return check_text(value, what, 200)


def _expression(value: str, info: ValidationInfo) -> str:
    dimension, operator = info.data.get("dimension"), info.data.get("operator")
    if dimension is None or operator is None:
        return value
    return check_expression(dimension, operator, value)


class SearchFilter(GoogleInput):
    dimension: SearchDimension
    operator: Operator = Operator.EQUALS
    expression: str = Field(
        min_length=1,
        max_length=2000,
        description=(
            "A search query's words; a page's full URL (equals) or part of it (contains); a "
            "country as ISO 3166-1 alpha-3 (aus, usa); a device as DESKTOP, MOBILE or TABLET"
        ),
    )

    _fits_dimension = field_validator("expression")(_expression)


Day = Annotated[dt.date, Field(ge=FIRST_DAY, le=dt.date(2100, 12, 31))]


class ListSitesInput(GoogleInput):
    pass


class SearchAnalyticsInput(GoogleInput):
    site_url: SiteUrl
    start_date: Day = Field(description="First day, YYYY-MM-DD (Pacific time), inclusive")
    end_date: Day = Field(description="Last day, YYYY-MM-DD (Pacific time), inclusive")
    dimensions: list[SearchDimension] = Field(
        default_factory=list,
        max_length=3,
        description="Group by (0-3): query, page, country, device, date",
    )
    search_type: SearchType = SearchType.WEB
    filters: list[SearchFilter] = Field(
        default_factory=list, max_length=3, description="Only rows matching all of these"
    )
    include_fresh_data: bool = Field(
        default=False, description="Include the last days' data that is not final yet"
    )
    row_limit: int = Field(default=100, ge=1, le=MAX_ROWS, description="Rows (at most 1000)")
    start_row: int = Field(
        default=0, ge=0, le=MAX_START_ROW, description="Rows to skip: the next_start_row"
    )

    @field_validator("dimensions")
    @classmethod
    def _no_repeats(cls, values: list[SearchDimension]) -> list[SearchDimension]:
        unique(list(values), "dimensions")
        return values

    @model_validator(mode="after")
    def _period(self) -> SearchAnalyticsInput:
        if self.start_date > self.end_date:
            raise ValueError("start_date is after end_date")
        if (self.end_date - self.start_date).days + 1 > MAX_SPAN_DAYS:
            raise ValueError(f"at most {MAX_SPAN_DAYS} days (Search Console keeps 16 months)")
        return self
