"""GA4 tools: the properties an account sees (Analytics Admin API), reports and realtime
(Analytics Data API). Reports always ask for the property's quota (``returnPropertyQuota``)
and their totals (``metricAggregations: TOTAL``), and the text says what is left of the quota."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from shopmcp_adapters.upstreams.google import endpoints
from shopmcp_adapters.upstreams.google.client import GoogleClient
from shopmcp_adapters.upstreams.google.inputs import analytics as inputs
from shopmcp_adapters.upstreams.google.outputs import analytics as outputs
from shopmcp_adapters.upstreams.google.tools.table import (
    SHOWN,
    listed,
    next_token,
    number,
    plural,
    tools,
)
from shopmcp_adapters.upstreams.module import Reply

# The time dimensions a report is sorted by, oldest first, when no metric is named.
TIME_DIMENSIONS = (
    inputs.Dimension.DATE,
    inputs.Dimension.YEAR_MONTH,
    inputs.Dimension.ISO_YEAR_ISO_WEEK,
)
CURRENT, PREVIOUS = "current", "previous"


@tools.read(
    "google_list_analytics_properties",
    "List GA4 properties",
    "The Google Analytics 4 accounts and properties this Google account can read, each "
    "property with its numeric id: the property_id google_analytics_report and "
    "google_analytics_realtime take.",
    inputs.ListPropertiesInput,
    outputs.PropertiesOutput,
    endpoints.LIST_ACCOUNT_SUMMARIES.operation,
)
async def list_properties(client: GoogleClient, args: inputs.ListPropertiesInput) -> Reply:
    params: dict[str, str | int] = {"pageSize": args.page_size}
    if args.page_token:
        params["pageToken"] = args.page_token
    data = await client.get(endpoints.LIST_ACCOUNT_SUMMARIES, params=params)
    out = outputs.PropertiesOutput.model_validate(data)
    lines = [
        f"property {p.property_id} {p.display_name!r} (account {a.account_id} {a.display_name!r})"
        for a in out.accounts
        for p in a.properties
    ]
    count = len(lines)
    head = f"{count} GA4 propert{'y' if count == 1 else 'ies'}"
    text = f"{head} in {plural(len(out.accounts), 'account')}:\n{listed(lines)}"
    return Reply(out, text + next_token(out.next_page_token))


# --------------------------------------------------------------------------- reports


def string_filter(dimension: str, match: inputs.MatchType, value: str) -> dict[str, Any]:
    return {
        "filter": {
            "fieldName": dimension,
            "stringFilter": {
                "matchType": match.name,
                "value": value,
                "caseSensitive": False,
            },
        }
    }


def filter_expression(
    filters: Sequence[inputs.DimensionFilter | inputs.RealtimeFilter],
) -> dict[str, Any] | None:
    expressions = [string_filter(f.dimension, f.match, f.value) for f in filters]
    if not expressions:
        return None
    if len(expressions) == 1:
        return expressions[0]
    return {"andGroup": {"expressions": expressions}}


def report_order(args: inputs.ReportInput) -> list[dict[str, Any]]:
    if args.order_by is not None:
        return [{"metric": {"metricName": args.order_by.value}, "desc": args.descending}]
    for dimension in TIME_DIMENSIONS:
        if dimension in args.dimensions:
            return [{"dimension": {"dimensionName": dimension.value}, "desc": False}]
    return [{"metric": {"metricName": args.metrics[0].value}, "desc": True}]


def report_body(args: inputs.ReportInput) -> dict[str, Any]:
    """RunReportRequest, built only from the validated input."""
    ranges: list[dict[str, str]] = [{"startDate": args.start_date, "endDate": args.end_date}]
    if args.compare_start_date is not None and args.compare_end_date is not None:
        # Named, so each row's dateRange says which period it is.
        ranges[0]["name"] = CURRENT
        ranges.append(
            {
                "startDate": args.compare_start_date,
                "endDate": args.compare_end_date,
                "name": PREVIOUS,
            }
        )
    body: dict[str, Any] = {
        "dateRanges": ranges,
        "dimensions": [{"name": d.value} for d in args.dimensions],
        "metrics": [{"name": m.value} for m in args.metrics],
        "orderBys": report_order(args),
        # int64 fields are strings in Google's JSON.
        "limit": str(args.limit),
        "offset": str(args.offset),
        "metricAggregations": ["TOTAL"],
        "keepEmptyRows": False,
        "returnPropertyQuota": True,
    }
    expression = filter_expression(args.filters)
    if expression is not None:
        body["dimensionFilter"] = expression
    return body


def figures(values: dict[str, int | float], types: dict[str, str]) -> str:
    return ", ".join(
        f"{name} {number(value, 'percent' if name.endswith('Rate') else types.get(name, ''))}"
        for name, value in values.items()
    )


def row_lines(report: outputs.GaReport) -> list[str]:
    lines = []
    for row in report.rows:
        labels = " | ".join(row.dimensions.values())
        values = figures(row.metrics, report.metric_types)
        lines.append(f"{labels}: {values}" if labels else values)
    return lines


def totals_line(report: outputs.GaReport) -> str:
    parts = []
    for total in report.totals:
        period = total.dimensions.get("dateRange")
        label = f"Totals ({period})" if period else "Totals"
        parts.append(f"{label}: {figures(total.metrics, report.metric_types)}")
    return "\n".join(parts)


def quota_line(quota: outputs.PropertyQuota | None) -> str:
    """What is left of the property's GA4 quota, as a model should weigh further reports."""
    if quota is None:
        return ""
    parts = [
        f"{status.remaining:,} tokens left {label}"
        for label, status in (
            ("this hour", quota.tokens_per_hour),
            ("today", quota.tokens_per_day),
            ("for this app this hour", quota.tokens_per_project_per_hour),
        )
        if status is not None
    ]
    if not parts:
        return ""
    used = quota.tokens_per_hour.consumed if quota.tokens_per_hour else None
    cost = f" (this report used {used:,})" if used is not None else ""
    return "\nGA4 quota: " + ", ".join(parts) + cost + "."


def _notes(report: outputs.AnalyticsReportOutput) -> str:
    notes = []
    if report.metadata.sampled:
        notes.append("figures are estimated from a sample")
    if report.metadata.subject_to_thresholding:
        notes.append("GA4 withheld rows with small counts (thresholding)")
    if report.metadata.data_loss_from_other_row:
        notes.append("some values are grouped into (other)")
    return f"\nNote: {'; '.join(notes)}." if notes else ""


@tools.read(
    "google_analytics_report",
    "GA4 report",
    "A Google Analytics 4 report for one property: chosen metrics (sessions, users, key "
    "events, revenue, purchases, bounce and engagement rates, item sales ...) by chosen "
    "dimensions (date, channel group, source/medium, landing page, device, country, item "
    "...) over a period (YYYY-MM-DD or 7daysAgo/yesterday/today; default the last 28 days), "
    "optionally compared with a second period, filtered on dimension values and sorted by a "
    "metric. Totals are included; at most 1000 rows per page (offset for the next). The text "
    "ends with what is left of the property's GA4 quota.",
    inputs.ReportInput,
    outputs.AnalyticsReportOutput,
    endpoints.RUN_REPORT.operation,
)
async def run_report(client: GoogleClient, args: inputs.ReportInput) -> Reply:
    data = await client.post(
        endpoints.RUN_REPORT, {"property_id": args.property_id}, report_body(args)
    )
    periods = [f"{args.start_date}..{args.end_date}"]
    if args.compare_start_date is not None:
        periods.append(f"{args.compare_start_date}..{args.compare_end_date}")
    report = outputs.AnalyticsReportOutput.model_validate(
        {**data, "property_id": args.property_id, "date_ranges": periods, "offset": args.offset}
    )
    return Reply(report, report_text(report))


def report_text(report: outputs.AnalyticsReportOutput) -> str:
    where = ", ".join(x for x in (report.metadata.currency_code, report.metadata.time_zone) if x)
    head = (
        f"GA4 property {report.property_id}, {' vs '.join(report.date_ranges)}"
        + (f" ({where})" if where else "")
        + f": {plural(report.row_count, 'row')}"
    )
    if report.rows:
        first = report.offset + 1
        head += f", rows {first}-{report.offset + len(report.rows)} here"
    parts = [head + "."]
    if report.totals:
        parts.append(totals_line(report))
    if report.rows:
        parts.append(listed(row_lines(report), SHOWN))
    if report.next_offset is not None:
        parts.append(f"More rows: next page with offset={report.next_offset}")
    return "\n".join(parts) + _notes(report) + quota_line(report.quota)


# --------------------------------------------------------------------------- realtime


def realtime_body(args: inputs.RealtimeInput) -> dict[str, Any]:
    """RunRealtimeReportRequest, built only from the validated input."""
    if args.order_by is not None:
        order = [{"metric": {"metricName": args.order_by.value}, "desc": args.descending}]
    elif inputs.RealtimeDimension.MINUTES_AGO in args.dimensions:
        order = [{"dimension": {"dimensionName": "minutesAgo", "orderType": "NUMERIC"}}]
    else:
        order = [{"metric": {"metricName": args.metrics[0].value}, "desc": True}]
    body: dict[str, Any] = {
        "dimensions": [{"name": d.value} for d in args.dimensions],
        "metrics": [{"name": m.value} for m in args.metrics],
        "minuteRanges": [
            {
                "name": f"last_{args.minutes}_minutes",
                "startMinutesAgo": args.minutes - 1,
                "endMinutesAgo": 0,
            }
        ],
        "orderBys": order,
        "limit": str(args.limit),
        "metricAggregations": ["TOTAL"],
        "returnPropertyQuota": True,
    }
    expression = filter_expression(args.filters)
    if expression is not None:
        body["dimensionFilter"] = expression
    return body


@tools.read(
    "google_analytics_realtime",
    "GA4 realtime",
    "Who is on the site right now (the last 1-30 minutes) for one GA4 property: active users, "
    "events, key events or page views, optionally by country, city, device, platform, page "
    "or screen, event name or minutes ago.",
    inputs.RealtimeInput,
    outputs.RealtimeReportOutput,
    endpoints.RUN_REALTIME_REPORT.operation,
)
async def run_realtime(client: GoogleClient, args: inputs.RealtimeInput) -> Reply:
    data = await client.post(
        endpoints.RUN_REALTIME_REPORT, {"property_id": args.property_id}, realtime_body(args)
    )
    report = outputs.RealtimeReportOutput.model_validate(
        {**data, "property_id": args.property_id, "minutes": args.minutes}
    )
    head = (
        f"GA4 property {report.property_id}, the last {plural(report.minutes, 'minute')}: "
        f"{plural(report.row_count, 'row')}."
    )
    parts = [head]
    if report.totals:
        parts.append(totals_line(report))
    if report.rows and report.dimensions:
        parts.append(listed(row_lines(report), SHOWN))
    return Reply(report, "\n".join(parts) + quota_line(report.quota))
