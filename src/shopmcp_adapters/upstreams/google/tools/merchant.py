"""Merchant Center tools (Merchant API v1): the accounts this Google account reaches, product
statuses and issues (the Reports API's ``product_view``), one product's status per
destination and country (the Products API), and the account's own issues.

The product-status query is Merchant Center Query Language built from constants only: the
selected fields are fixed and the one filter compares the aggregated status with an
enumerated value, so nothing a caller writes reaches the query.
"""

from __future__ import annotations

from typing import Final

from shopmcp_adapters.upstreams.google import endpoints
from shopmcp_adapters.upstreams.google.client import GoogleClient
from shopmcp_adapters.upstreams.google.inputs import merchant as inputs
from shopmcp_adapters.upstreams.google.outputs import merchant as outputs
from shopmcp_adapters.upstreams.google.tools.table import listed, next_token, plural, tools
from shopmcp_adapters.upstreams.module import Reply

# The product_view fields the status tool reads (output model ProductStatusRow).
PRODUCT_STATUS_FIELDS: Final = (
    "id",
    "offer_id",
    "title",
    "aggregated_reporting_context_status",
    "item_issues",
)
# Issues a product line shows in a text, at most.
ISSUES_SHOWN = 3


@tools.read(
    "google_list_merchant_accounts",
    "List Merchant Center accounts",
    "The Google Merchant Center accounts this Google account can read, with their numeric "
    "ids: the account_id the other google_merchant tools take.",
    inputs.ListMerchantAccountsInput,
    outputs.MerchantAccountsOutput,
    endpoints.LIST_MERCHANT_ACCOUNTS.operation,
)
async def list_accounts(client: GoogleClient, args: inputs.ListMerchantAccountsInput) -> Reply:
    params: dict[str, str | int] = {"pageSize": args.page_size}
    if args.page_token:
        params["pageToken"] = args.page_token
    data = await client.get(endpoints.LIST_MERCHANT_ACCOUNTS, params=params)
    out = outputs.MerchantAccountsOutput.model_validate(data)
    lines = [
        f"account {a.account_id} {a.account_name!r}"
        + (f" ({a.time_zone})" if a.time_zone else "")
        + (" [test account]" if a.test_account else "")
        for a in out.accounts
    ]
    text = f"{plural(len(lines), 'Merchant Center account')}:\n{listed(lines)}"
    return Reply(out, text + next_token(out.next_page_token))


def product_status_query(status: inputs.ProductStatus | None) -> str:
    # Constants only: the fields are fixed and the status is an enumeration's upstream name.
    query = f"SELECT {', '.join(PRODUCT_STATUS_FIELDS)} FROM product_view"  # noqa: S608
    if status is not None:
        query += f" WHERE aggregated_reporting_context_status = '{status.upstream}'"
    return query


def issue_text(issue: outputs.ItemIssue) -> str:
    what = issue.code or "issue"
    if issue.attribute:
        what += f" on {issue.attribute}"
    details = ", ".join(x for x in (issue.severity, issue.resolution) if x)
    return f"{what} ({details})" if details else what


@tools.read(
    "google_merchant_product_statuses",
    "Merchant Center product statuses",
    "Products of a Merchant Center account with their status (disapproved, pending, limited "
    "or eligible) and issues (code, the attribute at fault, severity, whether the merchant "
    "must act), optionally only those of one status; the counts per status are this page's. "
    "Each product id (en~AU~TENT-2P) is what google_get_merchant_product takes for the "
    "issues' descriptions and the status per destination and country.",
    inputs.ProductStatusesInput,
    outputs.ProductStatusesOutput,
    endpoints.SEARCH_REPORTS.operation,
)
async def product_statuses(client: GoogleClient, args: inputs.ProductStatusesInput) -> Reply:
    body: dict[str, str | int] = {
        "query": product_status_query(args.status),
        "pageSize": args.page_size,
    }
    if args.page_token:
        body["pageToken"] = args.page_token
    data = await client.post(endpoints.SEARCH_REPORTS, {"account_id": args.account_id}, body)
    out = outputs.ProductStatusesOutput.model_validate(
        {
            **data,
            "account_id": args.account_id,
            "status_filter": args.status.value if args.status else None,
        }
    )
    counts = out.counts
    head = (
        f"Merchant Center account {out.account_id}"
        + (f", {args.status.value} products" if args.status else "")
        + f": {plural(len(out.products), 'product')} on this page ({counts.disapproved} "
        f"disapproved, {counts.pending} pending, {counts.limited} limited, {counts.eligible} "
        "eligible)"
    )
    lines = []
    for product in out.products:
        line = f"{product.product_id} {product.title or ''!r} {product.status}"
        if product.issues:
            shown = "; ".join(issue_text(i) for i in product.issues[:ISSUES_SHOWN])
            more = len(product.issues) - ISSUES_SHOWN
            line += f": {shown}" + (f"; {more} more" if more > 0 else "")
        lines.append(line)
    text = head + (":\n" + listed(lines) if lines else ".")
    return Reply(out, text + next_token(out.next_page_token))


def _countries(label: str, codes: list[str]) -> str:
    return f"{label} in {', '.join(codes)}" if codes else ""


@tools.read(
    "google_get_merchant_product",
    "Get a Merchant Center product",
    "One product of a Merchant Center account by its id (en~AU~TENT-2P, as "
    "google_merchant_product_statuses shows it): title, price, availability, its status per "
    "destination (shopping ads, free listings ...) with the countries where it is approved, "
    "pending or disapproved, and every issue with Google's description, detail and help link.",
    inputs.GetProductInput,
    outputs.MerchantProduct,
    endpoints.GET_PRODUCT.operation,
)
async def get_product(client: GoogleClient, args: inputs.GetProductInput) -> Reply:
    data = await client.get(
        endpoints.GET_PRODUCT, {"account_id": args.account_id, "product_id": args.product_id}
    )
    product = outputs.MerchantProduct.model_validate(data)
    price = f"{product.price.amount} {product.price.currency}" if product.price else "no price"
    parts = [
        f"{product.product_id}: {product.title or '(no title)'!r}, {price}, "
        f"{product.availability or 'availability not set'}."
    ]
    for destination in product.destinations:
        where = "; ".join(
            x
            for x in (
                _countries("approved", destination.approved_countries),
                _countries("pending", destination.pending_countries),
                _countries("disapproved", destination.disapproved_countries),
            )
            if x
        )
        parts.append(f"{destination.reporting_context or 'destination'}: {where or 'no countries'}")
    if product.issues:
        parts.append(f"{plural(len(product.issues), 'issue')}:")
        parts.append(
            listed(
                [
                    f"{i.code or 'issue'} ({i.severity or '?'}): {i.description or ''}"
                    + (f" [{', '.join(i.applicable_countries)}]" if i.applicable_countries else "")
                    for i in product.issues
                ]
            )
        )
    else:
        parts.append("No issues.")
    return Reply(product, "\n".join(parts))


@tools.read(
    "google_list_merchant_account_issues",
    "Merchant Center account issues",
    "Issues with the Merchant Center account itself (not single products): each with its "
    "title, severity (critical, error, suggestion), detail, help link and the destinations "
    "and countries it affects.",
    inputs.AccountIssuesInput,
    outputs.AccountIssuesOutput,
    endpoints.LIST_ACCOUNT_ISSUES.operation,
)
async def account_issues(client: GoogleClient, args: inputs.AccountIssuesInput) -> Reply:
    params: dict[str, str | int] = {"pageSize": args.page_size, "languageCode": args.language_code}
    if args.page_token:
        params["pageToken"] = args.page_token
    data = await client.get(
        endpoints.LIST_ACCOUNT_ISSUES, {"account_id": args.account_id}, params=params
    )
    out = outputs.AccountIssuesOutput.model_validate({**data, "account_id": args.account_id})
    lines = []
    for issue in out.issues:
        regions = sorted(
            {i.region_code for d in issue.impacted_destinations for i in d.impacts if i.region_code}
        )
        lines.append(
            f"{issue.severity or 'issue'}: {issue.title}"
            + (f" (affects {', '.join(regions)})" if regions else "")
        )
    head = f"Merchant Center account {out.account_id}: {plural(len(lines), 'account issue')}"
    text = head + (":\n" + listed(lines) if lines else ".")
    return Reply(out, text + next_token(out.next_page_token))
