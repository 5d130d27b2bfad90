"""Output models of the Search Console tools, each the parser of the API's JSON as Google's
reference documents it (``sites.list``: ``siteEntry[]``; ``searchanalytics.query``:
``rows[]{keys, clicks, impressions, ctr, position}``, the figures JSON numbers)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from shopmcp_adapters.upstreams.google.outputs.common import Output


class Site(Output):
    site_url: str = Field(validation_alias="siteUrl", description="What the other tools take")
    permission_level: str | None = Field(
        default=None,
        validation_alias="permissionLevel",
        description="siteOwner, siteFullUser, siteRestrictedUser or siteUnverifiedUser",
    )


class SitesOutput(Output):
    sites: list[Site] = Field(default_factory=list, validation_alias="siteEntry")


def _count(value: Any) -> Any:
    # Counts arrive as JSON numbers (doubles) holding whole numbers.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("a finite number")
    return value


Count = Annotated[int, BeforeValidator(_count), Field(ge=0)]
Figure = Annotated[float, AfterValidator(_finite)]


class SearchRow(Output):
    keys: dict[str, str] = Field(description="Each requested dimension's value, by name")
    clicks: Count
    impressions: Count
    ctr: Figure = Field(description="Clicks per impression, 0 to 1")
    position: Figure = Field(description="The average position in results, 1 is the top")


class SearchAnalyticsOutput(Output):
    site_url: str
    start_date: str
    end_date: str
    dimensions: list[str]
    rows: list[SearchRow] = Field(default_factory=list)
    aggregation: str | None = Field(default=None, validation_alias="responseAggregationType")
    start_row: int
    next_start_row: int | None = Field(
        default=None, description="The start_row of the next page; null when this was the last"
    )

    @model_validator(mode="before")
    @classmethod
    def _named_keys(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise ValueError("a search analytics response is an object")
        dimensions = data.get("dimensions", [])
        return {**data, "rows": _keyed(data.get("rows", []), dimensions)}


def _keyed(rows: Any, dimensions: Sequence[str]) -> list[Any]:
    if not isinstance(rows, list):
        raise ValueError("rows is a list")
    keyed = []
    for row in rows:
        if not isinstance(row, Mapping):
            raise ValueError("a row is an object")
        keys = row.get("keys", [])
        if not isinstance(keys, list) or len(keys) != len(dimensions):
            raise ValueError("a row's keys do not match the dimensions asked for")
        keyed.append({**row, "keys": dict(zip(dimensions, keys, strict=True))})
    return keyed
