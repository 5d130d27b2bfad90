"""Search Console tools: the sites (properties) the account sees, and search analytics
(clicks, impressions, CTR and position by query, page, country, device or date)."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.google import endpoints
from shopmcp_adapters.upstreams.google.client import GoogleClient
from shopmcp_adapters.upstreams.google.inputs import search_console as inputs
from shopmcp_adapters.upstreams.google.outputs import search_console as outputs
from shopmcp_adapters.upstreams.google.tools.table import listed, number, plural, tools
from shopmcp_adapters.upstreams.module import Reply


@tools.read(
    "google_list_search_console_sites",
    "List Search Console sites",
    "The Search Console properties this Google account can read, with its permission on "
    "each: the site_url google_search_console_analytics takes (sc-domain:example.com or "
    "https://www.example.com/).",
    inputs.ListSitesInput,
    outputs.SitesOutput,
    endpoints.LIST_SITES.operation,
)
async def list_sites(client: GoogleClient, _: inputs.ListSitesInput) -> Reply:
    out = outputs.SitesOutput.model_validate(await client.get(endpoints.LIST_SITES))
    lines = [f"{s.site_url} ({s.permission_level or 'permission unknown'})" for s in out.sites]
    return Reply(out, f"{plural(len(lines), 'Search Console site')}:\n{listed(lines)}")


def search_analytics_body(args: inputs.SearchAnalyticsInput) -> dict[str, Any]:
    """The searchanalytics.query request, built only from the validated input."""
    body: dict[str, Any] = {
        "startDate": args.start_date.isoformat(),
        "endDate": args.end_date.isoformat(),
        "dimensions": [d.value for d in args.dimensions],
        "type": args.search_type.value,
        "aggregationType": "auto",
        "dataState": "all" if args.include_fresh_data else "final",
        "rowLimit": args.row_limit,
        "startRow": args.start_row,
    }
    if args.filters:
        body["dimensionFilterGroups"] = [
            {
                "groupType": "and",
                "filters": [
                    {"dimension": f.dimension.value, "operator": f.operator.value,
                     "expression": f.expression}
                    for f in args.filters
                ],
            }
        ]  # fmt: skip
    return body


@tools.read(
    "google_search_console_analytics",
    "Search Console performance",
    "How a site does in Google Search over a period (YYYY-MM-DD to YYYY-MM-DD, at most 16 "
    "months back; the last two or three days are not final): clicks, impressions, CTR and "
    "average position, grouped by query, page, country, device and/or date, filtered on "
    "those (a query containing words, one page, a country, a device), most clicks first; at "
    "most 1000 rows per page (start_row for the next).",
    inputs.SearchAnalyticsInput,
    outputs.SearchAnalyticsOutput,
    endpoints.QUERY_SEARCH_ANALYTICS.operation,
)
async def search_analytics(client: GoogleClient, args: inputs.SearchAnalyticsInput) -> Reply:
    data = await client.post(
        endpoints.QUERY_SEARCH_ANALYTICS, {"site_url": args.site_url}, search_analytics_body(args)
    )
    rows = data.get("rows", [])
    full_page = isinstance(rows, list) and len(rows) >= args.row_limit
    out = outputs.SearchAnalyticsOutput.model_validate(
        {
            **data,
            "site_url": args.site_url,
            "start_date": args.start_date.isoformat(),
            "end_date": args.end_date.isoformat(),
            "dimensions": [d.value for d in args.dimensions],
            "start_row": args.start_row,
            "next_start_row": args.start_row + args.row_limit if full_page else None,
        }
    )
    lines = [
        (" | ".join(r.keys.values()) + ": " if r.keys else "")
        + f"{number(r.clicks)} clicks, {number(r.impressions)} impressions, "
        f"CTR {number(r.ctr, 'percent')}, position {r.position:.1f}"
        for r in out.rows
    ]
    head = (
        f"Search Console {out.site_url}, {out.start_date}..{out.end_date} "
        f"({args.search_type.value}): {plural(len(lines), 'row')}"
    )
    text = head + (":\n" + listed(lines) if lines else ".")
    if out.next_start_row is not None:
        text += f"\nMore rows: next page with start_row={out.next_start_row}"
    return Reply(out, text)
