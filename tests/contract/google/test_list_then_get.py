"""Against the sandbox: every list tool's text names its items by the identifier the next tool
takes. Each identifier is read from the list's text alone (a regular expression, as a model
reading the text would), and the next tool is called with it."""

from __future__ import annotations

import re
from typing import Any

import pytest

from shopmcp_adapters.upstreams.google import PACKAGE as GOOGLE
from tests.contract.google.helpers import sandbox

OCTOBER = {"start_date": "2026-10-01", "end_date": "2026-10-28"}
# list tool, its arguments, the pattern of an identifier in its text, the next tool, the
# argument the identifier fills, the next tool's other arguments
PAIRS: list[tuple[str, dict[str, Any], str, str, str, dict[str, Any]]] = [
    (
        "google_list_analytics_properties",
        {},
        r"property (\d+) ",
        "google_analytics_report",
        "property_id",
        {"metrics": ["sessions"], **OCTOBER},
    ),
    (
        "google_list_analytics_properties",
        {},
        r"property (\d+) ",
        "google_analytics_realtime",
        "property_id",
        {},
    ),
    (
        "google_list_merchant_accounts",
        {},
        r"account (\d+) ",
        "google_merchant_product_statuses",
        "account_id",
        {},
    ),
    (
        "google_list_merchant_accounts",
        {},
        r"account (\d+) ",
        "google_list_merchant_account_issues",
        "account_id",
        {},
    ),
    (
        "google_merchant_product_statuses",
        {"account_id": 5551234567},
        r"(?m)^- (\S+) '",
        "google_get_merchant_product",
        "product_id",
        {"account_id": 5551234567},
    ),
    (
        "google_list_search_console_sites",
        {},
        r"(?m)^- (\S+) \(",
        "google_search_console_analytics",
        "site_url",
        OCTOBER,
    ),
]


def test_every_list_tool_leads_somewhere() -> None:
    lists = {s.name for s in GOOGLE.specs if "_list_" in s.name or s.name.endswith("_statuses")}
    # Account issues are the end of their road: nothing takes an issue id.
    assert lists - {pair[0] for pair in PAIRS} == {"google_list_merchant_account_issues"}


@pytest.mark.parametrize(("tool", "arguments", "pattern", "then", "field", "others"), PAIRS)
async def test_an_identifier_read_from_the_list_text_reaches_the_next_tool(
    tool: str,
    arguments: dict[str, Any],
    pattern: str,
    then: str,
    field: str,
    others: dict[str, Any],
) -> None:
    h = sandbox()
    listed = await h.call(tool, arguments)
    found = re.findall(pattern, listed.text)
    assert len(found) >= 2, listed.text
    for identifier in found:
        out = await h.call(then, {**others, field: identifier})
        assert out.structured, (then, identifier)
