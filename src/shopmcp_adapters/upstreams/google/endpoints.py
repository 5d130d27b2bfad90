"""Every Google API method a tool sends: one constant each, with its API, HTTP method, path
(relative to the API's origin) and Discovery method id.

The GA4 Data API and Merchant API methods are those of the Discovery documents the contract
tests check against (analyticsdata v1beta; merchantapi accounts_v1, products_v1, reports_v1).
No Discovery document is stored for the Analytics Admin API and Search Console: theirs follow
Google's reference pages (``accountSummaries.list``; ``sites.list`` and
``searchanalytics.query``, whose Discovery ids keep the older ``webmasters`` name).
"""

from __future__ import annotations

from typing import Final

from shopmcp_adapters.upstreams.google.client import GoogleApi, GoogleEndpoint
from shopmcp_domain.tools.spec import HttpMethod

GET, POST = HttpMethod.GET, HttpMethod.POST

LIST_ACCOUNT_SUMMARIES: Final = GoogleEndpoint.of(
    GoogleApi.ANALYTICS_ADMIN,
    GET,
    "/v1beta/accountSummaries",
    "analyticsadmin.accountSummaries.list",
)
RUN_REPORT: Final = GoogleEndpoint.of(
    GoogleApi.ANALYTICS_DATA,
    POST,
    "/v1beta/properties/{property_id}:runReport",
    "analyticsdata.properties.runReport",
)
RUN_REALTIME_REPORT: Final = GoogleEndpoint.of(
    GoogleApi.ANALYTICS_DATA,
    POST,
    "/v1beta/properties/{property_id}:runRealtimeReport",
    "analyticsdata.properties.runRealtimeReport",
)
LIST_MERCHANT_ACCOUNTS: Final = GoogleEndpoint.of(
    GoogleApi.MERCHANT, GET, "/accounts/v1/accounts", "merchantapi.accounts.list"
)
LIST_ACCOUNT_ISSUES: Final = GoogleEndpoint.of(
    GoogleApi.MERCHANT,
    GET,
    "/accounts/v1/accounts/{account_id}/issues",
    "merchantapi.accounts.issues.list",
)
SEARCH_REPORTS: Final = GoogleEndpoint.of(
    GoogleApi.MERCHANT,
    POST,
    "/reports/v1/accounts/{account_id}/reports:search",
    "merchantapi.accounts.reports.search",
)
GET_PRODUCT: Final = GoogleEndpoint.of(
    GoogleApi.MERCHANT,
    GET,
    "/products/v1/accounts/{account_id}/products/{product_id}",
    "merchantapi.accounts.products.get",
)
LIST_SITES: Final = GoogleEndpoint.of(
    GoogleApi.SEARCH_CONSOLE, GET, "/webmasters/v3/sites", "webmasters.sites.list"
)
QUERY_SEARCH_ANALYTICS: Final = GoogleEndpoint.of(
    GoogleApi.SEARCH_CONSOLE,
    POST,
    "/webmasters/v3/sites/{site_url}/searchAnalytics/query",
    "webmasters.searchanalytics.query",
)

ENDPOINTS: Final = (
    LIST_ACCOUNT_SUMMARIES,
    RUN_REPORT,
    RUN_REALTIME_REPORT,
    LIST_MERCHANT_ACCOUNTS,
    LIST_ACCOUNT_ISSUES,
    SEARCH_REPORTS,
    GET_PRODUCT,
    LIST_SITES,
    QUERY_SEARCH_ANALYTICS,
)


def endpoint_of(operation: object) -> GoogleEndpoint:
    """The endpoint a tool's operation belongs to (tests find the API prefix with it)."""
    for endpoint in ENDPOINTS:
        if endpoint.operation == operation:
            return endpoint
    raise LookupError(f"{operation!r} is not a Google endpoint")
