"""The sandbox's GA4: Analytics Admin ``accountSummaries.list`` and the Data API's
``runReport`` and ``runRealtimeReport``, answered from ``google_data``'s facets.

A report adds up, for every day of each date range and every combination of the facets its
dimensions and filters touch, additive components (sessions, users, purchases, revenue ...);
metrics are computed from the sums, so totals and ratios agree with the rows. Requests are
checked the way GA4 checks them: unknown fields, metric or dimension names, date ranges out of
order, item dimensions with non-item metrics, a property the account cannot read."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from shopmcp_entrypoints.demo.sandboxes import google_data as data
from shopmcp_entrypoints.demo.sandboxes.google_common import (
    Cell,
    GoogleApiError,
    accumulate,
    cells,
    check_size,
    day_volume,
    days,
    invalid,
    known_dimensions,
    require_known_fields,
    sort_rows,
)

REPORT_FIELDS = (
    "dateRanges", "dimensions", "metrics", "dimensionFilter", "metricFilter", "orderBys",
    "limit", "offset", "metricAggregations", "keepEmptyRows", "returnPropertyQuota",
    "currencyCode", "comparisons", "cohortSpec", "property",
)  # fmt: skip
REALTIME_FIELDS = (
    "dimensions", "metrics", "dimensionFilter", "metricFilter", "orderBys", "limit",
    "metricAggregations", "returnPropertyQuota", "minuteRanges",
)  # fmt: skip
TIME_DIMENSIONS = ("date", "yearMonth", "isoYearIsoWeek", "dayOfWeekName")
ITEM_DIMENSIONS = frozenset({"itemName", "itemId", "itemBrand", "itemCategory"})
DAILY_SESSIONS = 1_400.0
_RELATIVE = re.compile(r"^(\d{1,4})daysAgo$")


def _ratio(a: str, b: str, minus: bool = False) -> Callable[[Mapping[str, float]], float]:
    def metric(c: Mapping[str, float]) -> float:
        value = c.get(a, 0.0) / c[b] if c.get(b) else 0.0
        return 1.0 - value if minus and c.get(b) else value

    return metric


def _sum(key: str) -> Callable[[Mapping[str, float]], float]:
    return lambda c: c.get(key, 0.0)


INT, FLOAT, MONEY, SECONDS = "TYPE_INTEGER", "TYPE_FLOAT", "TYPE_CURRENCY", "TYPE_SECONDS"
METRICS: dict[str, tuple[str, Callable[[Mapping[str, float]], float]]] = {
    "sessions": (INT, _sum("sessions")),
    "totalUsers": (INT, _sum("users")),
    "newUsers": (INT, _sum("new")),
    "activeUsers": (INT, _sum("active")),
    "engagedSessions": (INT, _sum("engaged")),
    "engagementRate": (FLOAT, _ratio("engaged", "sessions")),
    "bounceRate": (FLOAT, _ratio("engaged", "sessions", minus=True)),
    "averageSessionDuration": (SECONDS, _ratio("duration", "sessions")),
    "sessionsPerUser": (FLOAT, _ratio("sessions", "users")),
    "screenPageViews": (INT, _sum("views")),
    "screenPageViewsPerSession": (FLOAT, _ratio("views", "sessions")),
    "eventCount": (INT, _sum("events")),
    "keyEvents": (INT, _sum("key_events")),
    "sessionKeyEventRate": (FLOAT, _ratio("key_sessions", "sessions")),
    "purchaseRevenue": (MONEY, _sum("revenue")),
    "totalRevenue": (MONEY, _sum("revenue")),
    "ecommercePurchases": (INT, _sum("purchases")),
    "averagePurchaseRevenue": (MONEY, _ratio("revenue", "purchases")),
    "transactions": (INT, _sum("purchases")),
    "purchaserRate": (FLOAT, _ratio("purchasers", "active")),
    "firstTimePurchasers": (INT, _sum("first_time")),
    "addToCarts": (INT, _sum("carts")),
    "checkouts": (INT, _sum("checkouts")),
    "refundAmount": (MONEY, _sum("refunds")),
    "shippingAmount": (MONEY, _sum("shipping")),
    "taxAmount": (MONEY, _sum("tax")),
    "itemsViewed": (INT, _sum("items_viewed")),
    "itemsAddedToCart": (INT, _sum("items_added")),
    "itemsCheckedOut": (INT, _sum("items_checked")),
    "itemsPurchased": (INT, _sum("items_purchased")),
    "itemRevenue": (MONEY, _sum("item_revenue")),
    "cartToViewRate": (FLOAT, _ratio("items_added", "items_viewed")),
    "purchaseToViewRate": (FLOAT, _ratio("items_purchased", "items_viewed")),
}
ITEM_METRICS = frozenset(
    {"itemsViewed", "itemsAddedToCart", "itemsCheckedOut", "itemsPurchased", "itemRevenue",
     "cartToViewRate", "purchaseToViewRate"}
)  # fmt: skip
REALTIME_METRICS: dict[str, tuple[str, Callable[[Mapping[str, float]], float]]] = {
    "activeUsers": (INT, _sum("active")),
    "eventCount": (INT, _sum("events")),
    "keyEvents": (INT, _sum("key_events")),
    "screenPageViews": (INT, _sum("views")),
}


def components(sessions: float, rates: Mapping[str, float]) -> dict[str, float]:
    """The additive figures of ``sessions`` sessions with a cell's rates."""
    cr = 0.021 * rates.get("cr", 1.0)
    eng = min(0.58 * rates.get("eng", 1.0), 0.97)
    aov = 142.5 * rates.get("aov", 1.0)
    users = sessions * 0.82
    purchases = sessions * cr
    revenue = purchases * aov
    out = {
        "sessions": sessions,
        "users": users,
        "new": users * rates.get("new", 0.55),
        "active": sessions * 0.8,
        "engaged": sessions * eng,
        "duration": sessions * 95 * rates.get("eng", 1.0),
        "views": sessions * 3.1,
        "events": sessions * 14,
        "key_events": purchases * 1.6,
        "key_sessions": purchases * 1.4,
        "purchases": purchases,
        "revenue": revenue,
        "purchasers": purchases * 0.92,
        "first_time": purchases * 0.55,
        "carts": sessions * 0.09 * rates.get("cr", 1.0) ** 0.5,
        "checkouts": sessions * 0.045 * rates.get("cr", 1.0) ** 0.5,
        "refunds": revenue * 0.03,
        "shipping": purchases * 9.95,
        "tax": revenue / 11,
    }
    if "price" in rates:
        viewed = sessions * 0.9
        added = viewed * 0.11 * rates.get("buy", 1.0)
        bought = added * 0.38 * rates.get("buy", 1.0)
        out |= {
            "items_viewed": viewed,
            "items_added": added,
            "items_checked": added * 0.55,
            "items_purchased": bought,
            "item_revenue": bought * rates["price"],
        }
    return out


def metric_value(kind: str, value: float) -> str:
    """GA4 sends every metric value as a string."""
    if kind == INT:
        return str(round(value))
    if kind == MONEY:
        return str(round(value, 2))
    return str(round(value, 6))


# --------------------------------------------------------------------------- filters

Predicate = Callable[[Mapping[str, str]], bool]


def _string_match(value: str, spec: Mapping[str, Any]) -> Callable[[str], bool]:
    wanted = spec.get("value", "")
    sensitive = bool(spec.get("caseSensitive", False))
    match = spec.get("matchType", "EXACT")
    if not sensitive:
        wanted = wanted.casefold()
    tests: dict[str, Callable[[str], bool]] = {
        "EXACT": lambda v: v == wanted,
        "BEGINS_WITH": lambda v: v.startswith(wanted),
        "ENDS_WITH": lambda v: v.endswith(wanted),
        "CONTAINS": lambda v: wanted in v,
    }
    if match not in tests:
        raise invalid(f"The sandbox does not support matchType {match}.")
    test = tests[match]
    return lambda v: test(v if sensitive else v.casefold())


def predicate(expression: Any, known: set[str], used: set[str]) -> Predicate:
    """A FilterExpression as a test of a row's dimension values; ``used`` collects the
    dimensions it reads."""
    if not isinstance(expression, Mapping) or len(expression) != 1:
        raise invalid(
            "A FilterExpression holds exactly one of filter, andGroup, orGroup, notExpression."
        )
    ((kind, inner),) = expression.items()
    if kind in ("andGroup", "orGroup"):
        parts = [predicate(e, known, used) for e in inner.get("expressions", [])]
        combine = all if kind == "andGroup" else any
        return lambda row: combine(p(row) for p in parts)
    if kind == "notExpression":
        negated = predicate(inner, known, used)
        return lambda row: not negated(row)
    if kind != "filter":
        raise invalid(f"Unknown filter expression {kind}.")
    name = inner.get("fieldName")
    if name not in known:
        raise invalid(f"Field {name} is not a valid dimension.")
    used.add(name)
    if "stringFilter" in inner:
        test = _string_match("", inner["stringFilter"])
        return lambda row: test(row.get(name, ""))
    if "inListFilter" in inner:
        values = {str(v) for v in inner["inListFilter"].get("values", [])}
        return lambda row: row.get(name, "") in values
    raise invalid("The sandbox supports stringFilter and inListFilter dimension filters.")


# --------------------------------------------------------------------------- requests


def resolve_day(value: Any, today: dt.date) -> dt.date:
    if value == "today":
        return today
    if value == "yesterday":
        return today - dt.timedelta(days=1)
    if isinstance(value, str):
        relative = _RELATIVE.fullmatch(value)
        if relative:
            return today - dt.timedelta(days=int(relative.group(1)))
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise invalid(f"Invalid date: {value}. Use YYYY-MM-DD, NdaysAgo, yesterday or today.")


def _names(entries: Any, what: str) -> list[str]:
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise invalid(f"{what} must be a list of objects with a name.")
    return [str(e.get("name", "")) for e in entries]


def check_property(property_id: str) -> float:
    if property_id not in data.PROPERTY_SCALE:
        raise GoogleApiError(
            403,
            "User does not have sufficient permissions for this property. To learn more about "
            "Property ID, see https://developers.google.com/analytics/devguides/reporting/data/"
            "v1/property-id.",
        )
    return data.PROPERTY_SCALE[property_id]


@attrs.define
class QuotaMeter:
    """The property quotas a report reports: what each request used and what is left."""

    used_hour: int = 0
    used_day: int = 0

    def charge(self, rows: int) -> dict[str, Any]:
        cost = 1 + rows // 200
        self.used_hour += cost
        self.used_day += cost

        def status(limit: int, used: int, consumed: int) -> dict[str, int]:
            return {"consumed": consumed, "remaining": max(limit - used, 0)}

        return {
            "tokensPerDay": status(200_000, self.used_day, cost),
            "tokensPerHour": status(40_000, self.used_hour, cost),
            "concurrentRequests": {"consumed": 0, "remaining": 10},
            "serverErrorsPerProjectPerHour": {"consumed": 0, "remaining": 10},
            "potentiallyThresholdedRequestsPerHour": {"consumed": 0, "remaining": 120},
            "tokensPerProjectPerHour": status(14_000, self.used_hour, cost),
        }


def _time_values(day: dt.date) -> dict[str, str]:
    year, week, _ = day.isocalendar()
    return {
        "date": day.strftime("%Y%m%d"),
        "yearMonth": day.strftime("%Y%m"),
        "isoYearIsoWeek": f"{year:04d}{week:02d}",
        "dayOfWeekName": day.strftime("%A"),
    }


Row = tuple[tuple[str, ...], Any]
SortKey = Callable[[Row], Any]


def _metric_key(index: int) -> SortKey:
    return lambda row: row[1][index]


def _dimension_key(index: int, numeric: bool) -> SortKey:
    return lambda row: float(row[0][index]) if numeric else row[0][index]


def _orders(
    body: Mapping[str, Any], dimensions: Sequence[str], metrics: Sequence[str]
) -> list[tuple[SortKey, bool]]:
    orders: list[tuple[SortKey, bool]] = []
    for order in body.get("orderBys", []):
        descending = bool(order.get("desc", False))
        if "metric" in order:
            name = order["metric"].get("metricName")
            if name not in metrics:
                raise invalid(f"OrderBy metric {name} is not in the request's metrics.")
            orders.append((_metric_key(metrics.index(name)), descending))
        elif "dimension" in order:
            name = order["dimension"].get("dimensionName")
            if name not in dimensions:
                raise invalid(f"OrderBy dimension {name} is not in the request's dimensions.")
            numeric = order["dimension"].get("orderType") == "NUMERIC"
            orders.append((_dimension_key(dimensions.index(name), numeric), descending))
        else:
            raise invalid("The sandbox orders by a metric or a dimension.")
    return orders


def _response(
    dimensions: list[str],
    metrics: list[tuple[str, str, Callable[[Mapping[str, float]], float]]],
    groups: dict[tuple[str, ...], dict[str, float]],
    totals: dict[tuple[str, ...], dict[str, float]],
    body: Mapping[str, Any],
    kind: str,
) -> dict[str, Any]:
    rows = []
    for key, comps in groups.items():
        values = [compute(comps) for _, _, compute in metrics]
        if any(round(v, 6) for v in values):
            rows.append((key, values))
    names = [name for name, _, _ in metrics]
    rows = sort_rows(rows, iter(_orders(body, dimensions, names)))
    offset, limit = int(body.get("offset", 0)), int(body.get("limit", 10_000))
    if limit < 1 or offset < 0:
        raise invalid("limit must be positive and offset not negative.")

    def encode(key: tuple[str, ...], values: Sequence[float]) -> dict[str, Any]:
        return {
            "dimensionValues": [{"value": v} for v in key],
            "metricValues": [
                {"value": metric_value(t, v)} for (_, t, _), v in zip(metrics, values, strict=True)
            ],
        }

    out: dict[str, Any] = {
        "dimensionHeaders": [{"name": d} for d in dimensions],
        "metricHeaders": [{"name": name, "type": kind_} for name, kind_, _ in metrics],
        "kind": kind,
    }
    page = rows[offset : offset + limit]
    if page:
        out["rows"] = [encode(key, values) for key, values in page]
    if rows:
        out["rowCount"] = len(rows)
    if "TOTAL" in body.get("metricAggregations", []) and totals:
        out["totals"] = [
            encode(key, [compute(comps) for _, _, compute in metrics])
            for key, comps in totals.items()
        ]
    return out


def _metric_list(body: Mapping[str, Any], table: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    names = _names(body.get("metrics", []), "metrics")
    if not names:
        raise invalid("At least one metric is required.")
    for name in names:
        if name not in table:
            raise invalid(
                f"Field {name} is not a valid metric. For a list of valid dimensions and "
                "metrics, see https://developers.google.com/analytics/devguides/reporting/data/"
                "v1/api-schema"
            )
    return [(name, *table[name]) for name in names]


def run_report(property_id: str, body: Any, today: dt.date, quota: QuotaMeter) -> dict[str, Any]:
    body = require_known_fields(body, REPORT_FIELDS)
    scale = check_property(property_id)
    metrics = _metric_list(body, METRICS)
    dimensions = _names(body.get("dimensions", []), "dimensions")
    known = known_dimensions(data.REPORT_FACETS) | set(TIME_DIMENSIONS)
    for name in dimensions:
        if name not in known:
            raise invalid(f"Field {name} is not a valid dimension.")
    used: set[str] = set()
    test = predicate(body["dimensionFilter"], known, used) if "dimensionFilter" in body else None
    metric_names = {name for name, _, _ in metrics}
    items = ITEM_DIMENSIONS & {*dimensions, *used}
    if items and metric_names - ITEM_METRICS:
        raise invalid(
            f"Please remove {', '.join(sorted(items))} to make the request compatible. The "
            f"request's dimensions & metrics are incompatible."
        )
    ranges = body.get("dateRanges") or [{"startDate": "28daysAgo", "endDate": "yesterday"}]
    if len(ranges) > 4:
        raise invalid("A request may have at most 4 date ranges.")
    named = [
        (r.get("name") or f"date_range_{i}", resolve_day(r.get("startDate"), today),
         resolve_day(r.get("endDate"), today))
        for i, r in enumerate(ranges)
    ]  # fmt: skip
    for name, first, last in named:
        if first > last:
            raise invalid(f"Invalid date range: the start date is after the end date ({name}).")
    needed = {*dimensions, *used} - set(TIME_DIMENSIONS)
    if metric_names & ITEM_METRICS:
        needed |= {"itemName"}
    grid = cells(data.REPORT_FACETS, needed)
    timed = bool(set(TIME_DIMENSIONS) & {*dimensions, *used})
    check_size(len(grid), sum((last - first).days + 1 for _, first, last in named) if timed else 1)
    headers = dimensions + (["dateRange"] if len(named) > 1 else [])
    groups: dict[tuple[str, ...], dict[str, float]] = {}
    totals: dict[tuple[str, ...], dict[str, float]] = {}
    for name, first, last in named:
        suffix = (name,) if len(named) > 1 else ()
        total = totals.setdefault(("RESERVED_TOTAL",) * len(dimensions) + suffix, {})
        periods = [[d] for d in days(first, last)] if timed else [days(first, last)]
        for period in periods:
            sessions = sum(day_volume(property_id, d, DAILY_SESSIONS * scale) for d in period)
            moment = _time_values(period[0]) if timed else {}
            for cell in grid:
                _add(cell, moment, sessions, dimensions, suffix, test, groups, total)
    out = _response(headers, metrics, groups, totals, body, "analyticsData#runReport")
    out["metadata"] = {"currencyCode": data.PROPERTY_CURRENCY, "timeZone": data.PROPERTY_TIME_ZONE}
    if body.get("returnPropertyQuota"):
        out["propertyQuota"] = quota.charge(out.get("rowCount", 0))
    return out


def _add(
    cell: Cell,
    moment: Mapping[str, str],
    volume: float,
    dimensions: Sequence[str],
    suffix: tuple[str, ...],
    test: Any,
    groups: dict[tuple[str, ...], dict[str, float]],
    total: dict[str, float],
) -> None:
    row = {**cell.values, **moment}
    if test is not None and not test(row):
        return
    figures = components(volume * cell.weight, cell.rates)
    accumulate(groups.setdefault(tuple(row[d] for d in dimensions) + suffix, {}), figures)
    accumulate(total, figures)


# --------------------------------------------------------------------------- realtime


def _active(property_id: str, minute: int, scale: float) -> float:
    return (4 + (minute * 7 + len(property_id)) % 5) * 6 * scale


def run_realtime(property_id: str, body: Any, quota: QuotaMeter) -> dict[str, Any]:
    body = require_known_fields(body, REALTIME_FIELDS)
    scale = check_property(property_id)
    metrics = _metric_list(body, REALTIME_METRICS)
    dimensions = _names(body.get("dimensions", []), "dimensions")
    known = known_dimensions(data.REALTIME_FACETS)
    for name in dimensions:
        if name not in known:
            raise invalid(f"Field {name} is not a valid realtime dimension.")
    used: set[str] = set()
    test = predicate(body["dimensionFilter"], known, used) if "dimensionFilter" in body else None
    ranges = body.get("minuteRanges") or [{"startMinutesAgo": 29, "endMinutesAgo": 0}]
    minutes: set[int] = set()
    for r in ranges:
        start, end = int(r.get("startMinutesAgo", 29)), int(r.get("endMinutesAgo", 0))
        if not 0 <= end <= start <= 29:
            raise invalid("Minute ranges run from at most 29 minutes ago to 0 minutes ago.")
        minutes |= set(range(end, start + 1))
    needed = ({*dimensions, *used} - {"minutesAgo"}) or set()
    grid = cells(data.REALTIME_FACETS, needed)
    check_size(len(grid), len(minutes))
    groups: dict[tuple[str, ...], dict[str, float]] = {}
    total: dict[str, float] = {}
    for minute in sorted(minutes):
        active = _active(property_id, minute, scale)
        for cell in grid:
            row = {**cell.values, "minutesAgo": f"{minute:02d}"}
            if test is not None and not test(row):
                continue
            users = active * cell.weight
            figures = {
                "active": users,
                "events": users * 6.5,
                "key_events": users * 0.04 * cell.rates.get("cr", 1.0),
                "views": users * 2.4,
            }
            accumulate(groups.setdefault(tuple(row[d] for d in dimensions), {}), figures)
            accumulate(total, figures)
    totals = {("RESERVED_TOTAL",) * len(dimensions): total} if total else {}
    out = _response(dimensions, metrics, groups, totals, body, "analyticsData#runRealtimeReport")
    if body.get("returnPropertyQuota"):
        out["propertyQuota"] = quota.charge(out.get("rowCount", 0))
    return out


# --------------------------------------------------------------------------- account summaries


def account_summaries(page_size: int, offset: int) -> tuple[list[dict[str, Any]], int | None]:
    summaries = [
        {
            "name": f"accountSummaries/{a.account_id}",
            "account": f"accounts/{a.account_id}",
            "displayName": a.name,
            "propertySummaries": [
                {
                    "property": f"properties/{pid}",
                    "displayName": name,
                    "propertyType": "PROPERTY_TYPE_ORDINARY",
                    "parent": f"accounts/{a.account_id}",
                }
                for pid, name in a.properties
            ],
        }
        for a in data.ANALYTICS_ACCOUNTS
    ]
    page = summaries[offset : offset + page_size]
    following = offset + page_size
    return page, following if following < len(summaries) else None
