"""Input models of the GA4 tools (Analytics Admin account summaries, Data API reports).

Every metric and dimension is an enumeration of GA4 API names a merchant needs; a filter's
value is checked against what its dimension's values look like (a channel group from GA4's
list, a landing page path, an ISO country code ...). Dates are GA4's own forms
(``YYYY-MM-DD``, ``today``, ``yesterday``, ``NdaysAgo``), in order and over a bounded span.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable
from typing import Annotated, Final

from pydantic import (
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from shopmcp_adapters.upstreams.google.inputs.common import (
    GoogleInput,
    PageToken,
    PropertyId,
    check_choice,
    check_pattern,
    check_text,
    unique,
)

MAX_ROWS = 1_000
MAX_OFFSET = 1_000_000
# The longest period a report may cover (three years), and the earliest day GA4 has data for.
MAX_SPAN_DAYS = 1_096
FIRST_GA4_DAY = dt.date(2015, 8, 14)
MAX_REALTIME_MINUTES = 30


class Metric(enum.StrEnum):
    """GA4 Data API metric names (keyEvents is what GA4 called conversions until 2024)."""

    SESSIONS = "sessions"
    TOTAL_USERS = "totalUsers"
    NEW_USERS = "newUsers"
    ACTIVE_USERS = "activeUsers"
    ENGAGED_SESSIONS = "engagedSessions"
    ENGAGEMENT_RATE = "engagementRate"
    BOUNCE_RATE = "bounceRate"
    AVERAGE_SESSION_DURATION = "averageSessionDuration"
    SESSIONS_PER_USER = "sessionsPerUser"
    SCREEN_PAGE_VIEWS = "screenPageViews"
    SCREEN_PAGE_VIEWS_PER_SESSION = "screenPageViewsPerSession"
    EVENT_COUNT = "eventCount"
    KEY_EVENTS = "keyEvents"
    SESSION_KEY_EVENT_RATE = "sessionKeyEventRate"
    PURCHASE_REVENUE = "purchaseRevenue"
    TOTAL_REVENUE = "totalRevenue"
    ECOMMERCE_PURCHASES = "ecommercePurchases"
    AVERAGE_PURCHASE_REVENUE = "averagePurchaseRevenue"
    TRANSACTIONS = "transactions"
    PURCHASER_RATE = "purchaserRate"
    FIRST_TIME_PURCHASERS = "firstTimePurchasers"
    ADD_TO_CARTS = "addToCarts"
    CHECKOUTS = "checkouts"
    REFUND_AMOUNT = "refundAmount"
    SHIPPING_AMOUNT = "shippingAmount"
    TAX_AMOUNT = "taxAmount"
    ITEMS_VIEWED = "itemsViewed"
    ITEMS_ADDED_TO_CART = "itemsAddedToCart"
    ITEMS_CHECKED_OUT = "itemsCheckedOut"
    ITEMS_PURCHASED = "itemsPurchased"
    ITEM_REVENUE = "itemRevenue"
    CART_TO_VIEW_RATE = "cartToViewRate"
    PURCHASE_TO_VIEW_RATE = "purchaseToViewRate"


class Dimension(enum.StrEnum):
    """GA4 Data API dimension names."""

    DATE = "date"
    YEAR_MONTH = "yearMonth"
    ISO_YEAR_ISO_WEEK = "isoYearIsoWeek"
    DAY_OF_WEEK_NAME = "dayOfWeekName"
    SESSION_DEFAULT_CHANNEL_GROUP = "sessionDefaultChannelGroup"
    FIRST_USER_DEFAULT_CHANNEL_GROUP = "firstUserDefaultChannelGroup"
    SESSION_SOURCE = "sessionSource"
    SESSION_MEDIUM = "sessionMedium"
    SESSION_SOURCE_MEDIUM = "sessionSourceMedium"
    SESSION_CAMPAIGN_NAME = "sessionCampaignName"
    LANDING_PAGE = "landingPage"
    PAGE_PATH = "pagePath"
    PAGE_TITLE = "pageTitle"
    DEVICE_CATEGORY = "deviceCategory"
    COUNTRY = "country"
    COUNTRY_ID = "countryId"
    REGION = "region"
    CITY = "city"
    BROWSER = "browser"
    OPERATING_SYSTEM = "operatingSystem"
    LANGUAGE = "language"
    NEW_VS_RETURNING = "newVsReturning"
    EVENT_NAME = "eventName"
    ITEM_NAME = "itemName"
    ITEM_ID = "itemId"
    ITEM_BRAND = "itemBrand"
    ITEM_CATEGORY = "itemCategory"


# Item-scoped dimensions describe the products in an event; GA4 pairs them only with
# item-scoped metrics (anything else is an incompatible request).
ITEM_DIMENSIONS: Final = frozenset(
    {Dimension.ITEM_NAME, Dimension.ITEM_ID, Dimension.ITEM_BRAND, Dimension.ITEM_CATEGORY}
)
ITEM_METRICS: Final = frozenset(
    {
        Metric.ITEMS_VIEWED,
        Metric.ITEMS_ADDED_TO_CART,
        Metric.ITEMS_CHECKED_OUT,
        Metric.ITEMS_PURCHASED,
        Metric.ITEM_REVENUE,
        Metric.CART_TO_VIEW_RATE,
        Metric.PURCHASE_TO_VIEW_RATE,
    }
)


class RealtimeMetric(enum.StrEnum):
    ACTIVE_USERS = "activeUsers"
    EVENT_COUNT = "eventCount"
    KEY_EVENTS = "keyEvents"
    SCREEN_PAGE_VIEWS = "screenPageViews"


class RealtimeDimension(enum.StrEnum):
    COUNTRY = "country"
    COUNTRY_ID = "countryId"
    CITY = "city"
    DEVICE_CATEGORY = "deviceCategory"
    PLATFORM = "platform"
    UNIFIED_SCREEN_NAME = "unifiedScreenName"
    EVENT_NAME = "eventName"
    MINUTES_AGO = "minutesAgo"


class MatchType(enum.StrEnum):
    EXACT = "exact"
    BEGINS_WITH = "begins_with"
    CONTAINS = "contains"


# --------------------------------------------------------------------------- filter values

CHANNEL_GROUPS: Final = (
    "Affiliates", "Audio", "Cross-network", "Direct", "Display", "Email",
    "Mobile Push Notifications", "Organic Search", "Organic Shopping", "Organic Social",
    "Organic Video", "Paid Other", "Paid Search", "Paid Shopping", "Paid Social", "Paid Video",
    "Referral", "SMS", "Unassigned",
)  # fmt: skip
DEVICE_CATEGORIES: Final = ("desktop", "mobile", "tablet", "smart tv")
NEW_VS_RETURNING: Final = ("new", "returning", "(not set)")
WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
PLATFORMS: Final = ("web", "iOS", "Android")

_NOT_SET = "(not set)"
_COUNTRY_ID = re.compile(r"^[A-Z]{2}$")
_PATH = re.compile(r"^/[\x21-\x7e]{0,499}$")
_IDENTIFIER = re.compile(r"^[\x21-\x7e]{1,100}$")
_EVENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
_PLACE = re.compile(r"^[^\W\d_][\w .,'\u2019()&-]{0,79}$")
_LANGUAGE = re.compile(r"^[^\W\d_][\w ()-]{0,59}$")


def _digits(count: int, form: str) -> Callable[[str, str], str]:
    pattern = re.compile(rf"^\d{{{count}}}$")
    return lambda value, what: check_pattern(value, what, pattern, form)


def _choices(choices: tuple[str, ...]) -> Callable[[str, str], str]:
    return lambda value, what: check_choice(value, what, choices)


def _text(max_chars: int) -> Callable[[str, str], str]:
    return lambda value, what: check_text(value, what, max_chars)


def _pattern(pattern: re.Pattern[str], form: str) -> Callable[[str, str], str]:
    return lambda value, what: (
        value if value == _NOT_SET else check_pattern(value, what, pattern, form)
    )


def _date_value(value: str, what: str) -> str:
    check_pattern(value, what, re.compile(r"^\d{8}$"), "a day as YYYYMMDD")
    try:
        dt.datetime.strptime(value, "%Y%m%d")
    except ValueError:
        raise ValueError(f"{what} is not a calendar day") from None
    return value


# How each dimension's values look, and so what a filter on it may compare with. Dimensions
# whose values come from a fixed list take only an exact match with one of them.
VALUE_RULES: Final[dict[str, Callable[[str, str], str]]] = {
    Dimension.DATE: _date_value,
    Dimension.YEAR_MONTH: _digits(6, "YYYYMM"),
    Dimension.ISO_YEAR_ISO_WEEK: _digits(6, "an ISO year and week, YYYYWW"),
    Dimension.DAY_OF_WEEK_NAME: _choices(WEEKDAYS),
    Dimension.SESSION_DEFAULT_CHANNEL_GROUP: _choices(CHANNEL_GROUPS),
    Dimension.FIRST_USER_DEFAULT_CHANNEL_GROUP: _choices(CHANNEL_GROUPS),
    Dimension.SESSION_SOURCE: _text(200),
    Dimension.SESSION_MEDIUM: _text(100),
    Dimension.SESSION_SOURCE_MEDIUM: _text(300),
    Dimension.SESSION_CAMPAIGN_NAME: _text(200),
    Dimension.LANDING_PAGE: _pattern(_PATH, "a path starting with / (no spaces)"),
    Dimension.PAGE_PATH: _pattern(_PATH, "a path starting with / (no spaces)"),
    Dimension.PAGE_TITLE: _text(200),
    Dimension.DEVICE_CATEGORY: _choices(DEVICE_CATEGORIES),
    Dimension.COUNTRY: _pattern(_PLACE, "a country's English name (Australia)"),
    Dimension.COUNTRY_ID: _pattern(_COUNTRY_ID, "an ISO 3166-1 alpha-2 code (AU)"),
    Dimension.REGION: _pattern(_PLACE, "a region's name"),
    Dimension.CITY: _pattern(_PLACE, "a city's name"),
    Dimension.BROWSER: _text(100),
    Dimension.OPERATING_SYSTEM: _text(100),
    Dimension.LANGUAGE: _pattern(_LANGUAGE, "a language's English name"),
    Dimension.NEW_VS_RETURNING: _choices(NEW_VS_RETURNING),
    Dimension.EVENT_NAME: _pattern(_EVENT_NAME, "an event name (letters, digits, _)"),
    Dimension.ITEM_NAME: _text(200),
    Dimension.ITEM_ID: _pattern(_IDENTIFIER, "an identifier without spaces"),
    Dimension.ITEM_BRAND: _text(100),
    Dimension.ITEM_CATEGORY: _text(100),
    # Realtime dimensions not above.
    RealtimeDimension.PLATFORM: _choices(PLATFORMS),
    RealtimeDimension.UNIFIED_SCREEN_NAME: _text(200),
    RealtimeDimension.MINUTES_AGO: _digits(2, "two digits, 00 to 29"),
}
# Dimensions whose values are a fixed list: only an exact match makes sense.
EXACT_ONLY: Final = frozenset(
    {
        Dimension.DAY_OF_WEEK_NAME,
        Dimension.SESSION_DEFAULT_CHANNEL_GROUP,
        Dimension.FIRST_USER_DEFAULT_CHANNEL_GROUP,
        Dimension.DEVICE_CATEGORY,
        Dimension.NEW_VS_RETURNING,
        Dimension.COUNTRY_ID,
        RealtimeDimension.PLATFORM,
    }
)

FilterValue = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500),
    Field(
        description=(
            "The value to compare with, in the dimension's own form: a date as YYYYMMDD, a "
            "channel group as GA4 names it (Organic Search, Paid Search, Direct ...), a device "
            "category (desktop, mobile, tablet, smart tv), a page as a path (/products/tent), "
            "a country by English name or countryId as AU"
        )
    ),
]


def check_filter(dimension: str, match: MatchType, value: str) -> str:
    if dimension in EXACT_ONLY and match is not MatchType.EXACT:
        raise ValueError(f"a filter on {dimension} takes match exact (its values are a list)")
    return VALUE_RULES[dimension](value, f"a {dimension} filter value")


def _filter_value(value: str, info: ValidationInfo) -> str:
    dimension, match = info.data.get("dimension"), info.data.get("match")
    if dimension is None or match is None:
        return value  # the dimension or match failed already; that is the error to report
    return check_filter(dimension, match, value)


class DimensionFilter(GoogleInput):
    dimension: Dimension
    match: MatchType = MatchType.EXACT
    value: FilterValue

    _value_fits_dimension = field_validator("value")(_filter_value)


class RealtimeFilter(GoogleInput):
    dimension: RealtimeDimension
    match: MatchType = MatchType.EXACT
    value: FilterValue

    _value_fits_dimension = field_validator("value")(_filter_value)


# --------------------------------------------------------------------------- dates

_GA_DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}|today|yesterday|(\d{1,4})daysAgo)$")

GaDate = Annotated[
    str,
    StringConstraints(pattern=_GA_DATE_RE.pattern, max_length=12),
    Field(
        description="YYYY-MM-DD, today, yesterday or NdaysAgo (7daysAgo), in the property's zone"
    ),
]


def days_before(value: str, today: dt.date) -> int:
    """How many days before ``today`` a GA4 date is (negative: after today)."""
    matched = _GA_DATE_RE.fullmatch(value)
    if matched is None:
        raise ValueError(f"{value!r} is not a GA4 date")
    if value == "today":
        return 0
    if value == "yesterday":
        return 1
    if matched.group(2) is not None:
        return int(matched.group(2))
    return (today - dt.date.fromisoformat(value)).days


def _is_relative(value: str) -> bool:
    return not value[:1].isdigit() or value.endswith("daysAgo")


def check_range(start: str, end: str, what: str) -> None:
    """``start`` no later than ``end``, both real days from GA4's first, at most
    ``MAX_SPAN_DAYS`` apart. Relative forms are resolved against today in UTC; where one end
    is relative and the other a date, a day's slack allows for the property's time zone."""
    for value in (start, end):
        if not _is_relative(value):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{what}: {value} is not a calendar day") from None
            if day < FIRST_GA4_DAY:
                raise ValueError(f"{what}: GA4 has no data before {FIRST_GA4_DAY}")
    today = dt.datetime.now(dt.UTC).date()
    start_ago, end_ago = days_before(start, today), days_before(end, today)
    slack = 1 if _is_relative(start) != _is_relative(end) else 0
    if start_ago < end_ago - slack:
        raise ValueError(f"{what}: the start ({start}) is after the end ({end})")
    if start_ago - end_ago + 1 > MAX_SPAN_DAYS + slack:
        raise ValueError(f"{what}: at most {MAX_SPAN_DAYS} days per report")


# --------------------------------------------------------------------------- the tools' inputs


class ListPropertiesInput(GoogleInput):
    page_size: int = Field(
        default=50, ge=1, le=200, description="Accounts per page (each with its properties)"
    )
    page_token: PageToken | None = None


class ReportInput(GoogleInput):
    property_id: PropertyId
    metrics: list[Metric] = Field(
        min_length=1,
        max_length=10,
        description=(
            "What to measure (1-10): sessions, totalUsers, newUsers, keyEvents (conversions), "
            "purchaseRevenue, ecommercePurchases, averagePurchaseRevenue, bounceRate, "
            "engagementRate ...; item metrics (itemsViewed, itemsPurchased, itemRevenue ...) "
            "for item dimensions"
        ),
    )
    dimensions: list[Dimension] = Field(
        default_factory=list,
        max_length=5,
        description=(
            "How to break it down (0-5): date, sessionDefaultChannelGroup, "
            "sessionSourceMedium, landingPage, deviceCategory, country, itemName ..."
        ),
    )
    start_date: GaDate = "28daysAgo"
    end_date: GaDate = "yesterday"
    compare_start_date: GaDate | None = Field(
        default=None, description="The start of a second period to compare with"
    )
    compare_end_date: GaDate | None = Field(
        default=None, description="The end of the period to compare with"
    )
    filters: list[DimensionFilter] = Field(
        default_factory=list, max_length=3, description="Only rows matching all of these"
    )
    order_by: Metric | None = Field(
        default=None,
        description=(
            "A requested metric to sort by (default: by date when date is a dimension, "
            "else by the first metric)"
        ),
    )
    descending: bool = Field(default=True, description="Largest first when sorting by a metric")
    limit: int = Field(default=100, ge=1, le=MAX_ROWS, description="Rows per page (at most 1000)")
    offset: int = Field(
        default=0, ge=0, le=MAX_OFFSET, description="Rows to skip: the next_offset of a page"
    )

    @field_validator("metrics", "dimensions")
    @classmethod
    def _no_repeats(cls, values: list[enum.StrEnum]) -> list[enum.StrEnum]:
        unique(list(values), "the list")
        return values

    @model_validator(mode="after")
    def _coherent(self) -> ReportInput:
        check_range(self.start_date, self.end_date, "the period")
        comparing = (self.compare_start_date, self.compare_end_date)
        if (comparing[0] is None) != (comparing[1] is None):
            raise ValueError("give both compare_start_date and compare_end_date, or neither")
        if comparing[0] is not None and comparing[1] is not None:
            check_range(comparing[0], comparing[1], "the comparison period")
        if self.order_by is not None and self.order_by not in self.metrics:
            raise ValueError("order_by must be one of the requested metrics")
        items = ITEM_DIMENSIONS & {*self.dimensions, *(f.dimension for f in self.filters)}
        if items:
            others = sorted(m.value for m in self.metrics if m not in ITEM_METRICS)
            if others:
                raise ValueError(
                    f"item dimensions ({', '.join(sorted(items))}) take only item metrics "
                    f"({', '.join(sorted(m.value for m in ITEM_METRICS))}), not "
                    + ", ".join(others)
                )
        return self

    @property
    def comparing(self) -> bool:
        return self.compare_start_date is not None


class RealtimeInput(GoogleInput):
    property_id: PropertyId
    metrics: list[RealtimeMetric] = Field(
        default_factory=lambda: [RealtimeMetric.ACTIVE_USERS], min_length=1, max_length=4
    )
    dimensions: list[RealtimeDimension] = Field(default_factory=list, max_length=3)
    minutes: int = Field(
        default=MAX_REALTIME_MINUTES,
        ge=1,
        le=MAX_REALTIME_MINUTES,
        description="How many of the last minutes to cover (at most 30)",
    )
    filters: list[RealtimeFilter] = Field(default_factory=list, max_length=2)
    order_by: RealtimeMetric | None = None
    descending: bool = True
    limit: int = Field(default=50, ge=1, le=MAX_ROWS)

    @field_validator("metrics", "dimensions")
    @classmethod
    def _no_repeats(cls, values: list[enum.StrEnum]) -> list[enum.StrEnum]:
        unique(list(values), "the list")
        return values

    @model_validator(mode="after")
    def _coherent(self) -> RealtimeInput:
        if self.order_by is not None and self.order_by not in self.metrics:
            raise ValueError("order_by must be one of the requested metrics")
        return self
