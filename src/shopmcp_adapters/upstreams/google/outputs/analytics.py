"""Output models of the GA4 tools, each the parser of the upstream's JSON.

GA4 reports (``RunReportResponse``, ``RunRealtimeReportResponse``) carry headers and rows of
positional values, every value a string: :class:`GaReport` zips them into named rows, metric
values read as numbers by their header's type (integers stay integers). A row whose values
do not match the headers, or a metric value that is not a number, is a response of the wrong
shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import Field, model_validator

from shopmcp_adapters.upstreams.google.outputs.common import Output, finite_number, last_segment

INTEGER_TYPE = "TYPE_INTEGER"


# --------------------------------------------------------------------------- account summaries


class PropertySummary(Output):
    property_id: int = Field(validation_alias="property", description="The numeric property id")
    display_name: str = Field(default="", validation_alias="displayName")
    property_type: str | None = Field(default=None, validation_alias="propertyType")

    @model_validator(mode="before")
    @classmethod
    def _id_from_name(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("property"), str):
            name = data["property"]
            if not name.startswith("properties/"):
                raise ValueError("a property summary names properties/<id>")
            return {**data, "property": last_segment(name)}
        return data


class AccountSummary(Output):
    account_id: int = Field(validation_alias="account", description="The numeric account id")
    display_name: str = Field(default="", validation_alias="displayName")
    properties: list[PropertySummary] = Field(
        default_factory=list, validation_alias="propertySummaries"
    )

    @model_validator(mode="before")
    @classmethod
    def _id_from_name(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and isinstance(data.get("account"), str):
            name = data["account"]
            if not name.startswith("accounts/"):
                raise ValueError("an account summary names accounts/<id>")
            return {**data, "account": last_segment(name)}
        return data


class PropertiesOutput(Output):
    accounts: list[AccountSummary] = Field(
        default_factory=list, validation_alias="accountSummaries"
    )
    next_page_token: str | None = Field(default=None, validation_alias="nextPageToken")


# --------------------------------------------------------------------------- reports


class QuotaStatus(Output):
    consumed: int = 0
    remaining: int = 0


class PropertyQuota(Output):
    """What the request cost and what is left of the property's GA4 quotas."""

    tokens_per_day: QuotaStatus | None = Field(default=None, validation_alias="tokensPerDay")
    tokens_per_hour: QuotaStatus | None = Field(default=None, validation_alias="tokensPerHour")
    tokens_per_project_per_hour: QuotaStatus | None = Field(
        default=None, validation_alias="tokensPerProjectPerHour"
    )
    concurrent_requests: QuotaStatus | None = Field(
        default=None, validation_alias="concurrentRequests"
    )
    server_errors_per_project_per_hour: QuotaStatus | None = Field(
        default=None, validation_alias="serverErrorsPerProjectPerHour"
    )
    potentially_thresholded_requests_per_hour: QuotaStatus | None = Field(
        default=None, validation_alias="potentiallyThresholdedRequestsPerHour"
    )


class ReportRow(Output):
    dimensions: dict[str, str] = Field(description="Each dimension's value, by name")
    metrics: dict[str, int | float] = Field(description="Each metric's value, by name")


def _names(headers: Any, what: str) -> list[str]:
    if not isinstance(headers, list):
        raise ValueError(f"{what} is a list")
    names = []
    for header in headers:
        if not isinstance(header, Mapping) or not isinstance(header.get("name"), str):
            raise ValueError(f"every {what} entry has a name")
        names.append(header["name"])
    return names


def _values(row: Mapping[str, Any], key: str, count: int) -> list[str]:
    values = row.get(key, [])
    if not isinstance(values, list) or len(values) != count:
        raise ValueError(f"a row's {key} do not match the headers")
    out = []
    for value in values:
        if not isinstance(value, Mapping):
            raise ValueError(f"a row's {key} are objects")
        out.append(value.get("value", ""))
    return out


def _rows(
    raw: Any, dimensions: Sequence[str], metrics: Sequence[str], types: Mapping[str, str]
) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise ValueError("rows is a list")
    rows = []
    for row in raw:
        if not isinstance(row, Mapping):
            raise ValueError("a row is an object")
        dimension_values = _values(row, "dimensionValues", len(dimensions))
        metric_values = _values(row, "metricValues", len(metrics))
        rows.append(
            {
                "dimensions": dict(zip(dimensions, dimension_values, strict=True)),
                "metrics": {
                    name: finite_number(value, types.get(name) == INTEGER_TYPE)
                    for name, value in zip(metrics, metric_values, strict=True)
                },
            }
        )
    return rows


class GaReport(Output):
    """The part every GA4 report response shares, rows zipped with their headers."""

    dimensions: list[str] = Field(description="The dimension names, in the rows' order")
    metrics: list[str] = Field(description="The metric names, in the rows' order")
    metric_types: dict[str, str] = Field(description="Each metric's GA4 type (TYPE_CURRENCY ...)")
    rows: list[ReportRow]
    totals: list[ReportRow] = Field(
        description="The totals of every row the query matched (one per compared period)"
    )
    row_count: int = Field(description="How many rows the query matched in all")
    quota: PropertyQuota | None = Field(description="The property's quota after this request")

    @model_validator(mode="before")
    @classmethod
    def _zip(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            raise ValueError("a report is an object")
        dimensions = _names(data.get("dimensionHeaders", []), "dimensionHeaders")
        metrics = _names(data.get("metricHeaders", []), "metricHeaders")
        types = {
            h["name"]: str(h.get("type", "METRIC_TYPE_UNSPECIFIED"))
            for h in data.get("metricHeaders", [])
        }
        return {
            **data,
            "dimensions": dimensions,
            "metrics": metrics,
            "metric_types": types,
            "rows": _rows(data.get("rows", []), dimensions, metrics, types),
            "totals": _rows(data.get("totals", []), dimensions, metrics, types),
            "row_count": data.get("rowCount", 0),
            "quota": data.get("propertyQuota"),
        }


class ReportMetadata(Output):
    currency_code: str | None = Field(default=None, validation_alias="currencyCode")
    time_zone: str | None = Field(default=None, validation_alias="timeZone")
    subject_to_thresholding: bool = Field(
        default=False,
        validation_alias="subjectToThresholding",
        description="GA4 withheld some rows to protect users' privacy (small counts)",
    )
    data_loss_from_other_row: bool = Field(
        default=False,
        validation_alias="dataLossFromOtherRow",
        description="Some values were grouped into an (other) row (too many distinct values)",
    )
    sampled: bool = Field(
        default=False, description="The figures are estimated from a sample of the events"
    )

    @model_validator(mode="before")
    @classmethod
    def _sampling_is_a_flag(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            return {**data, "sampled": bool(data.get("samplingMetadatas"))}
        return data


class AnalyticsReportOutput(GaReport):
    property_id: int
    date_ranges: list[str] = Field(
        description="The periods, start..end (with comparisons the rows' dateRange names them)"
    )
    offset: int = Field(description="The rows skipped before these")
    next_offset: int | None = Field(
        default=None, description="The offset of the next page; null at the end"
    )
    metadata: ReportMetadata = Field(default_factory=ReportMetadata)

    @model_validator(mode="after")
    def _next_page(self) -> AnalyticsReportOutput:
        following = self.offset + len(self.rows)
        self.next_offset = following if self.rows and following < self.row_count else None
        return self


class RealtimeReportOutput(GaReport):
    property_id: int
    minutes: int = Field(description="The last minutes the report covers")
