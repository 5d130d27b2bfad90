"""Output models of the Merchant Center tools, each the parser of the Merchant API's JSON
(accounts_v1 ``ListAccountsResponse`` and ``ListAccountIssuesResponse``, reports_v1
``SearchResponse`` over ``product_view``, products_v1 ``Product``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import AliasPath, Field, model_validator

from shopmcp_adapters.upstreams.google.outputs.common import (
    EnumText,
    Int64,
    Money,
    Output,
    last_segment,
)

# product_view's aggregated status, as the tools name it.
STATUS_NAMES = {
    "NOT_ELIGIBLE_OR_DISAPPROVED": "disapproved",
    "PENDING": "pending",
    "ELIGIBLE_LIMITED": "limited",
    "ELIGIBLE": "eligible",
}
COUNTED = ("disapproved", "pending", "limited", "eligible")


# --------------------------------------------------------------------------- accounts


class MerchantAccount(Output):
    account_id: Int64 = Field(validation_alias="accountId")
    account_name: str = Field(default="", validation_alias="accountName")
    time_zone: str | None = Field(default=None, validation_alias=AliasPath("timeZone", "id"))
    language_code: str | None = Field(default=None, validation_alias="languageCode")
    test_account: bool = Field(default=False, validation_alias="testAccount")


class MerchantAccountsOutput(Output):
    accounts: list[MerchantAccount] = Field(default_factory=list)
    next_page_token: str | None = Field(default=None, validation_alias="nextPageToken")


# --------------------------------------------------------------------------- product statuses


def product_id_of_view(view_id: str) -> str:
    """product_view's ``channel~language~feed_label~offer_id`` as the Products API v1 names the
    product: ``language~feed_label~offer_id``, with ``local~`` kept for a legacy local one."""
    return view_id.removeprefix("online~")


class ItemIssue(Output):
    code: str | None = Field(default=None, validation_alias=AliasPath("type", "code"))
    attribute: str | None = Field(
        default=None, validation_alias=AliasPath("type", "canonicalAttribute")
    )
    severity: EnumText = Field(
        default=None,
        validation_alias=AliasPath("severity", "aggregatedSeverity"),
        description="disapproved, demoted or pending",
    )
    resolution: EnumText = Field(
        default=None, description="merchant_action (fix it) or pending_processing (wait)"
    )


class ProductStatusRow(Output):
    product_id: str = Field(
        validation_alias="id", description="What google_get_merchant_product takes"
    )
    offer_id: str | None = Field(default=None, validation_alias="offerId")
    title: str | None = None
    status: str = Field(
        default="unspecified",
        validation_alias="aggregatedReportingContextStatus",
        description="disapproved, pending, limited or eligible",
    )
    issues: list[ItemIssue] = Field(default_factory=list, validation_alias="itemIssues")

    @model_validator(mode="before")
    @classmethod
    def _from_view(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
            raise ValueError("a product_view row has an id")
        status = data.get("aggregatedReportingContextStatus")
        return {
            **data,
            "id": product_id_of_view(data["id"]),
            "aggregatedReportingContextStatus": STATUS_NAMES.get(str(status), "unspecified"),
        }


class StatusCounts(Output):
    disapproved: int = 0
    pending: int = 0
    limited: int = 0
    eligible: int = 0


class ProductStatusesOutput(Output):
    account_id: int
    status_filter: str | None = Field(description="The status asked for, if any")
    products: list[ProductStatusRow]
    counts: StatusCounts = Field(
        default_factory=StatusCounts,
        description="How many products of this page have each status",
    )
    next_page_token: str | None = Field(default=None, validation_alias="nextPageToken")

    @model_validator(mode="before")
    @classmethod
    def _from_results(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise ValueError("a search response is an object")
        results = data.get("results", [])
        if not isinstance(results, list):
            raise ValueError("results is a list")
        views = []
        for result in results:
            if not isinstance(result, Mapping) or not isinstance(result.get("productView"), dict):
                raise ValueError("every result is a productView row")
            views.append(result["productView"])
        return {**data, "products": views}

    @model_validator(mode="after")
    def _count(self) -> ProductStatusesOutput:
        counted = {name: 0 for name in COUNTED}
        for product in self.products:
            if product.status in counted:
                counted[product.status] += 1
        self.counts = StatusCounts(**counted)
        return self


# --------------------------------------------------------------------------- one product


class DestinationStatus(Output):
    reporting_context: EnumText = Field(default=None, validation_alias="reportingContext")
    approved_countries: list[str] = Field(
        default_factory=list, validation_alias="approvedCountries"
    )
    pending_countries: list[str] = Field(default_factory=list, validation_alias="pendingCountries")
    disapproved_countries: list[str] = Field(
        default_factory=list, validation_alias="disapprovedCountries"
    )


class ProductIssue(Output):
    code: str | None = None
    severity: EnumText = Field(default=None, description="disapproved, demoted or not_impacted")
    description: str | None = None
    detail: str | None = None
    attribute: str | None = None
    reporting_context: EnumText = Field(default=None, validation_alias="reportingContext")
    applicable_countries: list[str] = Field(
        default_factory=list, validation_alias="applicableCountries"
    )
    resolution: str | None = None
    documentation: str | None = None


class MerchantProduct(Output):
    product_id: str = Field(validation_alias="name", description="language~feed_label~offer_id")
    offer_id: str | None = Field(default=None, validation_alias="offerId")
    content_language: str | None = Field(default=None, validation_alias="contentLanguage")
    feed_label: str | None = Field(default=None, validation_alias="feedLabel")
    title: str | None = Field(
        default=None, validation_alias=AliasPath("productAttributes", "title")
    )
    link: str | None = Field(default=None, validation_alias=AliasPath("productAttributes", "link"))
    brand: str | None = Field(
        default=None, validation_alias=AliasPath("productAttributes", "brand")
    )
    price: Money | None = Field(
        default=None, validation_alias=AliasPath("productAttributes", "price")
    )
    availability: EnumText = Field(
        default=None, validation_alias=AliasPath("productAttributes", "availability")
    )
    destinations: list[DestinationStatus] = Field(
        default_factory=list, validation_alias=AliasPath("productStatus", "destinationStatuses")
    )
    issues: list[ProductIssue] = Field(
        default_factory=list, validation_alias=AliasPath("productStatus", "itemLevelIssues")
    )
    created_at: str | None = Field(
        default=None, validation_alias=AliasPath("productStatus", "creationDate")
    )
    updated_at: str | None = Field(
        default=None, validation_alias=AliasPath("productStatus", "lastUpdateDate")
    )
    expires_at: str | None = Field(
        default=None, validation_alias=AliasPath("productStatus", "googleExpirationDate")
    )

    @model_validator(mode="before")
    @classmethod
    def _id_from_name(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
            raise ValueError("a product has a name")
        _, found, product = data["name"].partition("/products/")
        if not found or not product:
            raise ValueError("a product's name is accounts/<id>/products/<product>")
        return {**data, "name": product}


# --------------------------------------------------------------------------- account issues


class Impact(Output):
    region_code: str | None = Field(default=None, validation_alias="regionCode")
    severity: EnumText = None


class ImpactedDestination(Output):
    reporting_context: EnumText = Field(default=None, validation_alias="reportingContext")
    impacts: list[Impact] = Field(default_factory=list)


class AccountIssue(Output):
    issue_id: str = Field(validation_alias="name")
    title: str = ""
    severity: EnumText = Field(default=None, description="critical, error or suggestion")
    detail: str | None = None
    documentation_uri: str | None = Field(default=None, validation_alias="documentationUri")
    impacted_destinations: list[ImpactedDestination] = Field(
        default_factory=list, validation_alias="impactedDestinations"
    )

    @model_validator(mode="before")
    @classmethod
    def _id_from_name(cls, data: Any) -> Any:
        if not isinstance(data, Mapping) or not isinstance(data.get("name"), str):
            raise ValueError("an account issue has a name")
        return {**data, "name": last_segment(data["name"])}


class AccountIssuesOutput(Output):
    account_id: int
    issues: list[AccountIssue] = Field(default_factory=list, validation_alias="accountIssues")
    next_page_token: str | None = Field(default=None, validation_alias="nextPageToken")
