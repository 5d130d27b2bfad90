"""The sandbox's Search Console: ``sites.list`` and ``searchanalytics.query``, in the shapes
Google's reference documents (no Discovery document is stored for this API): rows of
``keys`` with ``clicks``, ``impressions``, ``ctr`` and ``position`` as JSON numbers, most
clicks first; data is final up to three days ago (two more days with ``dataState: all``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from shopmcp_entrypoints.demo.sandboxes import google_data as data
from shopmcp_entrypoints.demo.sandboxes.google_common import (
    GoogleApiError,
    accumulate,
    cells,
    check_size,
    day_volume,
    days,
    invalid,
    require_known_fields,
    sort_rows,
)

QUERY_FIELDS = (
    "startDate", "endDate", "dimensions", "type", "searchType", "dimensionFilterGroups",
    "aggregationType", "rowLimit", "startRow", "dataState",
)  # fmt: skip
DIMENSIONS = ("query", "page", "country", "device", "date")
TYPES = ("web", "image", "video", "news", "discover", "googleNews")
TYPE_SHARE = {"web": 1.0, "image": 0.18, "video": 0.05, "news": 0.02, "discover": 0.1,
              "googleNews": 0.01}  # fmt: skip
DAILY_IMPRESSIONS = 5_200.0
FINAL_AFTER_DAYS = 3
FRESH_AFTER_DAYS = 1


def check_site(site_url: str) -> float:
    if site_url not in data.SITE_SCALE:
        raise GoogleApiError(
            403,
            f"User does not have sufficient permission for site '{site_url}'. See also: "
            "https://support.google.com/webmasters/answer/2451999.",
        )
    return data.SITE_SCALE[site_url]


def sites() -> dict[str, Any]:
    return {"siteEntry": [dict(site) for site in data.SITES]}


def _filters(groups: Any) -> tuple[list[Callable[[Mapping[str, str]], bool]], set[str]]:
    tests: list[Callable[[Mapping[str, str]], bool]] = []
    used: set[str] = set()
    for group in groups or []:
        if str(group.get("groupType", "and")).lower() != "and":
            raise invalid("groupType must be 'and'.")
        for spec in group.get("filters", []):
            dimension = str(spec.get("dimension", "")).lower()
            if dimension not in DIMENSIONS or dimension == "date":
                raise invalid(f"Invalid filter dimension: {dimension}.")
            used.add(dimension)
            tests.append(_test(dimension, str(spec.get("operator", "equals")), spec))
    return tests, used


def _test(
    dimension: str, operator: str, spec: Mapping[str, Any]
) -> Callable[[Mapping[str, str]], bool]:
    expression = str(spec.get("expression", "")).casefold()
    checks: dict[str, Callable[[str], bool]] = {
        "equals": lambda v: v == expression,
        "notequals": lambda v: v != expression,
        "contains": lambda v: expression in v,
        "notcontains": lambda v: expression not in v,
    }
    check = checks.get(operator.lower())
    if check is None:
        raise invalid(f"The sandbox does not support the operator {operator}.")
    return lambda row: check(row[dimension].casefold())


def query(site_url: str, body: Any, today: dt.date) -> dict[str, Any]:
    body = require_known_fields(body, QUERY_FIELDS)
    scale = check_site(site_url)
    try:
        first = dt.date.fromisoformat(str(body["startDate"]))
        last = dt.date.fromisoformat(str(body["endDate"]))
    except (KeyError, ValueError):
        raise invalid("startDate and endDate are required, as YYYY-MM-DD.") from None
    if first > last:
        raise invalid("startDate must be earlier than or equal to endDate.")
    dimensions = [str(d).lower() for d in body.get("dimensions", [])]
    for dimension in dimensions:
        if dimension not in DIMENSIONS:
            raise invalid(f"Invalid dimension: {dimension}.")
    kind = str(body.get("type", body.get("searchType", "web")))
    if kind not in TYPES:
        raise invalid(f"Invalid search type: {kind}.")
    row_limit, start_row = int(body.get("rowLimit", 1000)), int(body.get("startRow", 0))
    if not 1 <= row_limit <= 25_000 or start_row < 0:
        raise invalid("rowLimit must be 1 to 25000 and startRow not negative.")
    fresh = str(body.get("dataState", "final")).lower() in ("all", "hourly_all")
    newest = today - dt.timedelta(days=FRESH_AFTER_DAYS if fresh else FINAL_AFTER_DAYS)
    tests, used = _filters(body.get("dimensionFilterGroups"))
    grid = cells(data.SEARCH_FACETS, {*dimensions, *used} - {"date"})
    period = days(first, min(last, newest))
    timed = "date" in dimensions
    check_size(len(grid), len(period) if timed else 1)
    groups: dict[tuple[str, ...], dict[str, float]] = {}
    for chunk in [[d] for d in period] if timed else [period] if period else []:
        impressions = sum(day_volume(site_url, d, DAILY_IMPRESSIONS * scale) for d in chunk)
        impressions *= TYPE_SHARE[kind]
        for cell in grid:
            row = {**cell.values, "date": chunk[0].isoformat()}
            if not all(test(row) for test in tests):
                continue
            shown = impressions * cell.weight
            # Position 1 is the top of the results: nothing ranks above it.
            position = max(1.0, cell.rates.get("pos", 7.5) * cell.rates.get("rank", 1.0))
            # A query's rate is its CTR; the other facets only scale it.
            ctr = cell.rates.get("ctr", 1.0) * (1.0 if "query" in cell.values else 0.04)
            accumulate(
                groups.setdefault(tuple(row[d] for d in dimensions), {}),
                {
                    "impressions": shown,
                    "clicks": shown * min(ctr, 0.9),
                    "position": shown * position,
                },
            )
    rows = []
    for key, figures in groups.items():
        impressions, clicks = round(figures["impressions"]), round(figures["clicks"])
        if impressions:
            rows.append((key, (clicks, impressions, figures["position"] / figures["impressions"])))
    # Most clicks first, then most impressions.
    rows = sort_rows(rows, iter([(lambda r: r[1][0], True), (lambda r: r[1][1], True)]))
    out: dict[str, Any] = {
        "responseAggregationType": "byPage" if "page" in {*dimensions, *used} else "byProperty"
    }
    page = rows[start_row : start_row + row_limit]
    if page:
        out["rows"] = [
            {
                "keys": list(key),
                "clicks": clicks,
                "impressions": impressions,
                "ctr": round(clicks / impressions, 6),
                "position": round(position, 6),
            }
            for key, (clicks, impressions, position) in page
        ]
    return out
