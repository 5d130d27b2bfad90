"""The sandbox's Merchant Center (Merchant API v1): ``accounts.list``, ``accounts.issues.list``,
``accounts.products.get`` and ``accounts.reports.search`` over ``product_view`` (a small
Merchant Center Query Language: ``SELECT <fields> FROM product_view`` with an optional
``WHERE aggregated_reporting_context_status = '<status>'``), from ``google_data``."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from shopmcp_entrypoints.demo.sandboxes import google_data as data
from shopmcp_entrypoints.demo.sandboxes.google_common import (
    GoogleApiError,
    invalid,
    require_known_fields,
)
from shopmcp_entrypoints.demo.sandboxes.google_data import Issue, SandboxProduct

_QUERY = re.compile(
    r"^\s*SELECT\s+(?P<fields>[a-z_][a-z_.]*(?:\s*,\s*[a-z_][a-z_.]*)*)\s+FROM\s+(?P<table>[a-z_]+)"
    r"(?:\s+WHERE\s+aggregated_reporting_context_status\s*=\s*'(?P<status>[A-Z_]+)')?\s*$",
    re.IGNORECASE,
)
VIEW_FIELDS = {
    "id": "id", "offer_id": "offerId", "title": "title", "brand": "brand",
    "feed_label": "feedLabel", "language_code": "languageCode", "channel": "channel",
    "availability": "availability", "price": "price",
    "aggregated_reporting_context_status": "aggregatedReportingContextStatus",
    "item_issues": "itemIssues",
}  # fmt: skip
STATUSES = ("NOT_ELIGIBLE_OR_DISAPPROVED", "PENDING", "ELIGIBLE_LIMITED", "ELIGIBLE")
CONTEXTS = ("SHOPPING_ADS", "FREE_LISTINGS")


def page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def page_offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        return int(text.removeprefix("offset:"))
    except (binascii.Error, ValueError):
        raise invalid("Invalid page token.") from None


def paged(items: list[Any], size: int, token: str | None, cap: int) -> tuple[list[Any], str | None]:
    if size < 0:
        raise invalid("pageSize must not be negative.")
    size = min(size or cap, cap)
    start = page_offset(token)
    following = start + size
    return items[start:following], page_token(following) if following < len(items) else None


def check_account(account_id: str) -> None:
    if account_id not in {a["accountId"] for a in data.MERCHANT_ACCOUNTS}:
        raise GoogleApiError(
            403, f"The caller does not have access to the accounts: [{account_id}]"
        )


def accounts(size: int, token: str | None) -> dict[str, Any]:
    listed = [
        {
            "name": f"accounts/{a['accountId']}",
            "accountId": a["accountId"],
            "accountName": a["accountName"],
            "adultContent": False,
            "timeZone": {"id": a["timeZone"]},
            "languageCode": a["languageCode"],
        }
        for a in data.MERCHANT_ACCOUNTS
    ]
    page, following = paged(listed, size, token, 500)
    return {"accounts": page, **({"nextPageToken": following} if following else {})}


def account_issues(account_id: str, size: int, token: str | None) -> dict[str, Any]:
    check_account(account_id)
    page, following = paged(list(data.ACCOUNT_ISSUES[account_id]), size or 50, token, 100)
    out: dict[str, Any] = {"accountIssues": page} if page else {}
    return out | ({"nextPageToken": following} if following else {})


def _products(account_id: str) -> list[SandboxProduct]:
    return [p for p in data.PRODUCTS if p.account_id == account_id]


def _micros(amount: str) -> str:
    return str(int(Decimal(amount) * 1_000_000))


def _item_issue(issue: Issue) -> dict[str, Any]:
    pending = not issue.merchant_action
    return {
        "type": {
            "code": issue.code,
            **({"canonicalAttribute": issue.attribute} if issue.attribute else {}),
        },
        "severity": {
            "severityPerReportingContext": [
                {
                    "reportingContext": issue.context,
                    (
                        "demotedCountries"
                        if issue.severity == "DEMOTED"
                        else "disapprovedCountries"
                    ): list(issue.countries),
                }
            ],
            "aggregatedSeverity": "PENDING" if pending else issue.severity,
        },
        "resolution": "PENDING_PROCESSING" if pending else "MERCHANT_ACTION",
    }


def _view(product: SandboxProduct) -> dict[str, Any]:
    return {
        "id": f"online~{product.plain_id}",
        "offerId": product.offer_id,
        "title": product.title,
        "brand": product.brand,
        "feedLabel": product.feed_label,
        "languageCode": "en",
        "channel": "ONLINE",
        "availability": product.availability.lower().replace("_", " "),
        "price": {"amountMicros": _micros(product.price), "currencyCode": product.currency},
        "aggregatedReportingContextStatus": product.status,
        "itemIssues": [_item_issue(i) for i in product.issues],
    }


def search(account_id: str, body: Any) -> dict[str, Any]:
    body = require_known_fields(body, ("query", "pageSize", "pageToken"))
    check_account(account_id)
    matched = _QUERY.fullmatch(str(body.get("query", "")))
    if matched is None:
        raise invalid(
            "The sandbox understands SELECT <fields> FROM product_view "
            "[WHERE aggregated_reporting_context_status = '<status>']."
        )
    if matched["table"] != "product_view":
        raise invalid(f"The sandbox has no table {matched['table']}.")
    fields = [f.strip() for f in matched["fields"].split(",")]
    unknown = [f for f in fields if f not in VIEW_FIELDS]
    if unknown:
        raise invalid(f"Unrecognized fields in the query: {', '.join(unknown)}.")
    if "id" not in fields:
        raise invalid("id is required in the SELECT clause.")
    status = matched["status"]
    if status is not None and status not in STATUSES:
        raise invalid(f"Invalid value for aggregated_reporting_context_status: {status}.")
    views = [
        {VIEW_FIELDS[f]: v for f in fields if (v := _view(p)[VIEW_FIELDS[f]]) not in ([], None)}
        for p in _products(account_id)
        if status is None or p.status == status
    ]
    page, following = paged(views, int(body.get("pageSize", 1000)), body.get("pageToken"), 100_000)
    out: dict[str, Any] = {"results": [{"productView": v} for v in page]} if page else {}
    return out | ({"nextPageToken": following} if following else {})


def _plain_id(segment: str) -> str:
    if "~" in segment:
        return segment
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        raise invalid(
            "The product name is neither content_language~feed_label~offer_id nor its "
            "base64url encoding."
        ) from None


def _destinations(product: SandboxProduct) -> list[dict[str, Any]]:
    countries = ["AU", "NZ"] if product.feed_label == "AU" else ["NZ"]
    out = []
    for context in CONTEXTS:
        refused = {
            c for i in product.issues if i.context == context and i.severity == "DISAPPROVED"
            and i.merchant_action for c in i.countries
        }  # fmt: skip
        status: dict[str, Any] = {"reportingContext": context}
        if product.status == "PENDING":
            status["pendingCountries"] = countries
        else:
            approved = [c for c in countries if c not in refused]
            if approved:
                status["approvedCountries"] = approved
            if refused & set(countries):
                status["disapprovedCountries"] = sorted(refused & set(countries))
        out.append(status)
    return out


def product(account_id: str, segment: str) -> dict[str, Any]:
    check_account(account_id)
    plain = _plain_id(segment)
    found = next((p for p in _products(account_id) if p.plain_id == plain), None)
    if found is None:
        raise GoogleApiError(404, "Requested entity was not found.")
    encoded = base64.urlsafe_b64encode(plain.encode()).decode().rstrip("=")
    slug = found.offer_id.lower().replace("/", "-")
    return {
        "name": f"accounts/{account_id}/products/{plain}",
        "base64EncodedName": f"accounts/{account_id}/products/{encoded}",
        "offerId": found.offer_id,
        "contentLanguage": "en",
        "feedLabel": found.feed_label,
        "dataSource": f"accounts/{account_id}/dataSources/10001",
        "productAttributes": {
            "title": found.title,
            "link": f"https://acme-outdoors.example/products/{slug}",
            "imageLink": f"https://acme-outdoors.example/images/{slug}.jpg",
            "brand": found.brand,
            "price": {"amountMicros": _micros(found.price), "currencyCode": found.currency},
            "availability": found.availability,
            "condition": "NEW",
        },
        "productStatus": {
            "destinationStatuses": _destinations(found),
            "itemLevelIssues": [_level_issue(i) for i in found.issues],
            "creationDate": "2026-01-12T03:14:15Z",
            "lastUpdateDate": "2026-10-28T22:05:41Z",
            "googleExpirationDate": "2026-11-27T22:05:41Z",
        },
    }


def _level_issue(issue: Issue) -> dict[str, Any]:
    out: Mapping[str, Any] = {
        "code": issue.code,
        "severity": issue.severity,
        "resolution": "merchant_action" if issue.merchant_action else "pending_processing",
        "reportingContext": issue.context,
        "description": issue.description,
        "detail": issue.detail,
        "documentation": "https://support.google.com/merchants/answer/6098155",
        "applicableCountries": list(issue.countries),
    }
    return {**out, **({"attribute": issue.attribute} if issue.attribute else {})}
