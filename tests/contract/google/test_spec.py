"""The Google module and its sandbox against Google's own descriptions of the APIs.

GA4 Data API and Merchant API: the Discovery documents in ``/work/shared/fixtures/google``
(analyticsdata v1beta; merchantapi accounts_v1, products_v1, reports_v1). Each tool's method
is the Discovery method of its id (HTTP method, path, query parameters); every request body
the tools build and every response body (the recorded fixtures, and what the sandbox
answers) validates against the method's schemas converted to JSON Schema with
``additionalProperties: false``, so a misspelt or invented field fails.

No Discovery document is stored for the Analytics Admin API and Search Console: their
methods are checked against the shapes Google's reference pages document, written out below
(``DOCUMENTED``) in the same JSON Schema form.

Without ``/work/shared`` (a fresh clone) the Discovery checks skip, saying why; the
documented-shape checks always run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from shopmcp_adapters.upstreams.google import PACKAGE as GOOGLE
from shopmcp_adapters.upstreams.google.client import GoogleApi, GoogleEndpoint
from shopmcp_adapters.upstreams.google.endpoints import ENDPOINTS, endpoint_of
from shopmcp_adapters.upstreams.google.inputs.merchant import ProductStatus
from shopmcp_adapters.upstreams.google.tools.merchant import PRODUCT_STATUS_FIELDS
from tests.contract.google.helpers import SANDBOX_CALLS, fixture, response, sandbox, scripted

SHARED = Path("/work/shared/fixtures/google")
DISCOVERY_FILES = {
    "analyticsdata": "analyticsdata.v1beta.json",
    "merchantapi.accounts": "merchantapi.accounts_v1.json",
    "merchantapi.products": "merchantapi.products_v1.json",
    "merchantapi.reports": "merchantapi.reports_v1.json",
}
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="the official Discovery documents (/work/shared) are not here"
)
_PLACEHOLDER = re.compile(r"\{[^}]+\}")


# --------------------------------------------------------------------------- Discovery


def _schema(node: Mapping[str, Any]) -> dict[str, Any]:
    """A Discovery schema as JSON Schema: int64 as strings, unknown properties refused."""
    if "$ref" in node:
        return {"$ref": f"#/$defs/{node['$ref']}"}
    out: dict[str, Any] = {}
    kind, fmt = node.get("type"), node.get("format")
    if kind == "string" and fmt in ("int64", "uint64"):
        out["type"] = "string"
    elif kind and kind != "any":
        out["type"] = kind
    if "enum" in node:
        out["enum"] = node["enum"]
    if kind == "object" or "properties" in node:
        out["type"] = "object"
        out["properties"] = {k: _schema(v) for k, v in node.get("properties", {}).items()}
        extra = node.get("additionalProperties")
        out["additionalProperties"] = _schema(extra) if extra else False
    if kind == "array":
        out["items"] = _schema(node.get("items", {}))
    return out


def _validator(document: Mapping[str, Any], root: str) -> jsonschema.Draft202012Validator:
    schema = {
        "$defs": {name: _schema(s) for name, s in document["schemas"].items()},
        "$ref": f"#/$defs/{root}",
    }
    return jsonschema.Draft202012Validator(schema)


def _methods(resources: Mapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for resource in resources.values():
        found |= {m["id"]: m for m in resource.get("methods", {}).values()}
        found |= _methods(resource.get("resources", {}))
    return found


def _discovery(endpoint: GoogleEndpoint) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
    """The Discovery document and method of a GA4 Data API or Merchant API endpoint."""
    method_id = endpoint.operation.document or ""
    key = "analyticsdata" if endpoint.api is GoogleApi.ANALYTICS_DATA else None
    if endpoint.api is GoogleApi.MERCHANT:
        # merchantapi.accounts.<sub>... lives in the document of the sub-API its path names.
        key = "merchantapi." + endpoint.operation.path.split("/")[1]
    assert key is not None, method_id
    document = json.loads((SHARED / DISCOVERY_FILES[key]).read_text())
    methods = _methods(document["resources"])
    assert method_id in methods, f"{method_id} is not in {DISCOVERY_FILES[key]}"
    return document, methods[method_id]


def _template(path: str) -> str:
    return _PLACEHOLDER.sub("{}", path.lstrip("/"))


DISCOVERY_ENDPOINTS = [
    e for e in ENDPOINTS if e.api in (GoogleApi.ANALYTICS_DATA, GoogleApi.MERCHANT)
]


@needs_shared
@pytest.mark.parametrize("endpoint", DISCOVERY_ENDPOINTS, ids=lambda e: e.operation.document)
def test_each_endpoint_is_its_discovery_method(endpoint: GoogleEndpoint) -> None:
    document, method = _discovery(endpoint)
    assert document["rootUrl"] == f"{endpoint.api.origin}/"
    assert method["httpMethod"] == endpoint.operation.method.value
    assert _template(method["flatPath"]) == _template(endpoint.operation.path)


# --------------------------------------------------------------------------- documented shapes

_STRING = {"type": "string"}
_NUMBER = {"type": "number"}
_SEARCH_DIMENSIONS = ["query", "page", "country", "device", "searchAppearance", "date", "hour"]
DOCUMENTED: dict[str, dict[str, Any]] = {
    # Analytics Admin API v1beta: accountSummaries.list -> ListAccountSummariesResponse.
    "analyticsadmin.accountSummaries.list": {
        "method": "GET",
        "path": "v1beta/accountSummaries",
        "query": {"pageSize", "pageToken"},
        "response": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "nextPageToken": _STRING,
                "accountSummaries": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "name": _STRING,
                            "account": _STRING,
                            "displayName": _STRING,
                            "propertySummaries": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "additionalProperties": False,
                                    "properties": {
                                        "property": _STRING,
                                        "displayName": _STRING,
                                        "parent": _STRING,
                                        "propertyType": {
                                            "enum": [
                                                "PROPERTY_TYPE_UNSPECIFIED",
                                                "PROPERTY_TYPE_ORDINARY",
                                                "PROPERTY_TYPE_SUBPROPERTY",
                                                "PROPERTY_TYPE_ROLLUP",
                                            ]
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    # Search Console API: sites.list -> {siteEntry: [WmxSite]}.
    "webmasters.sites.list": {
        "method": "GET",
        "path": "webmasters/v3/sites",
        "query": set(),
        "response": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "siteEntry": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["siteUrl", "permissionLevel"],
                        "properties": {
                            "siteUrl": _STRING,
                            "permissionLevel": {
                                "enum": [
                                    "siteOwner",
                                    "siteFullUser",
                                    "siteRestrictedUser",
                                    "siteUnverifiedUser",
                                ]
                            },
                        },
                    },
                }
            },
        },
    },
    # Search Console API: searchanalytics.query (request and response bodies).
    "webmasters.searchanalytics.query": {
        "method": "POST",
        "path": "webmasters/v3/sites/{}/searchAnalytics/query",
        "query": set(),
        "request": {
            "type": "object",
            "additionalProperties": False,
            "required": ["startDate", "endDate"],
            "properties": {
                "startDate": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                "endDate": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
                "dimensions": {"type": "array", "items": {"enum": _SEARCH_DIMENSIONS}},
                "type": {"enum": ["web", "image", "video", "news", "discover", "googleNews"]},
                "dimensionFilterGroups": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "groupType": {"enum": ["and"]},
                            "filters": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "additionalProperties": False,
                                    "required": ["dimension", "expression"],
                                    "properties": {
                                        "dimension": {"enum": _SEARCH_DIMENSIONS},
                                        "operator": {
                                            "enum": [
                                                "equals",
                                                "notEquals",
                                                "contains",
                                                "notContains",
                                                "includingRegex",
                                                "excludingRegex",
                                            ]
                                        },
                                        "expression": _STRING,
                                    },
                                },
                            },
                        },
                    },
                },
                "aggregationType": {"enum": ["auto", "byPage", "byProperty"]},
                "rowLimit": {"type": "integer", "minimum": 1, "maximum": 25000},
                "startRow": {"type": "integer", "minimum": 0},
                "dataState": {"enum": ["final", "all", "hourly_all"]},
            },
        },
        "response": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "rows": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "keys": {"type": "array", "items": _STRING},
                            "clicks": _NUMBER,
                            "impressions": _NUMBER,
                            "ctr": _NUMBER,
                            "position": _NUMBER,
                        },
                    },
                },
                "responseAggregationType": {"enum": ["auto", "byPage", "byProperty"]},
            },
        },
    },
}


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if e not in DISCOVERY_ENDPOINTS],
    ids=lambda e: e.operation.document,
)
def test_each_other_endpoint_is_the_documented_method(endpoint: GoogleEndpoint) -> None:
    documented = DOCUMENTED[endpoint.operation.document or ""]
    assert documented["method"] == endpoint.operation.method.value
    assert documented["path"] == _template(endpoint.operation.path)


# --------------------------------------------------------------------------- bodies


def _request_validator(endpoint: GoogleEndpoint) -> jsonschema.Draft202012Validator | None:
    method_id = endpoint.operation.document or ""
    if endpoint in DISCOVERY_ENDPOINTS:
        document, method = _discovery(endpoint)
        request = method.get("request")
        return _validator(document, request["$ref"]) if request else None
    schema = DOCUMENTED[method_id].get("request")
    return jsonschema.Draft202012Validator(schema) if schema else None


def _response_validator(endpoint: GoogleEndpoint) -> jsonschema.Draft202012Validator:
    if endpoint in DISCOVERY_ENDPOINTS:
        document, method = _discovery(endpoint)
        return _validator(document, method["response"]["$ref"])
    return jsonschema.Draft202012Validator(
        DOCUMENTED[endpoint.operation.document or ""]["response"]
    )


def _query_parameters(endpoint: GoogleEndpoint) -> set[str]:
    if endpoint in DISCOVERY_ENDPOINTS:
        _, method = _discovery(endpoint)
        return {n for n, p in method.get("parameters", {}).items() if p["location"] == "query"}
    return set(DOCUMENTED[endpoint.operation.document or ""]["query"])


def _errors(validator: jsonschema.Draft202012Validator, body: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.path)) or '(root)'}: {e.message[:160]}"
        for e in validator.iter_errors(body)
    ][:5]


def _check_requests(spec_name: str, requests: list[Any]) -> None:
    endpoint = endpoint_of(GOOGLE.tools.spec(spec_name).operation)
    validator = _request_validator(endpoint)
    for request in requests:
        assert set(request.url.params) <= _query_parameters(endpoint), request.url
        if request.method == "POST":
            assert validator is not None
            assert not _errors(validator, json.loads(request.content))
        else:
            assert not request.content


def _requires_shared(endpoint: GoogleEndpoint) -> None:
    if endpoint in DISCOVERY_ENDPOINTS and not SHARED.is_dir():
        pytest.skip("the official Discovery documents (/work/shared) are not here")


@pytest.mark.parametrize("name", sorted(SANDBOX_CALLS))
async def test_requests_and_sandbox_answers_follow_the_official_schemas(name: str) -> None:
    endpoint = endpoint_of(GOOGLE.tools.spec(name).operation)
    _requires_shared(endpoint)
    h = sandbox()
    await h.call(name, SANDBOX_CALLS[name])
    _check_requests(name, h.api_requests())
    validator = _response_validator(endpoint)
    for body in h.recorder.bodies:
        assert not _errors(validator, json.loads(body)), name


RECORDED = {
    "analyticsadmin.accountSummaries.list.200.json": "google_list_analytics_properties",
    "analyticsdata.runReport.200.json": "google_analytics_report",
    "analyticsdata.runReport.compare.200.json": "google_analytics_report",
    "analyticsdata.runRealtimeReport.200.json": "google_analytics_realtime",
    "merchantapi.accounts.list.200.json": "google_list_merchant_accounts",
    "merchantapi.reports.search.product_view.200.json": "google_merchant_product_statuses",
    "merchantapi.products.get.200.json": "google_get_merchant_product",
    "merchantapi.accounts.issues.list.200.json": "google_list_merchant_account_issues",
    "searchconsole.sites.list.200.json": "google_list_search_console_sites",
    "searchconsole.searchanalytics.query.200.json": "google_search_console_analytics",
}


def test_every_recorded_answer_is_checked() -> None:
    recorded = {p.name for p in (Path(__file__).parents[1] / "fixtures" / "google").iterdir()}
    assert {n for n in recorded if not n.startswith("error.")} == set(RECORDED)
    for name in recorded:
        source = fixture(name)["_source"]
        assert source["operation"] and source["spec"] and source["kind"].startswith("constructed")


@pytest.mark.parametrize(("name", "tool"), sorted(RECORDED.items()))
async def test_recorded_answers_follow_the_official_schemas(name: str, tool: str) -> None:
    endpoint = endpoint_of(GOOGLE.tools.spec(tool).operation)
    _requires_shared(endpoint)
    assert not _errors(_response_validator(endpoint), fixture(name)["body"])
    # And the module reads it, with a request that follows the schema too.
    h = scripted([response(name)])
    await h.call(tool, SANDBOX_CALLS[tool])
    _check_requests(tool, h.requests)


def test_a_misspelt_field_would_fail() -> None:
    validator = jsonschema.Draft202012Validator(DOCUMENTED["webmasters.sites.list"]["response"])
    assert _errors(validator, {"siteEntries": []})


@needs_shared
def test_a_misspelt_discovery_field_would_fail() -> None:
    from shopmcp_adapters.upstreams.google.endpoints import RUN_REPORT

    document, _ = _discovery(RUN_REPORT)
    assert _errors(_validator(document, "RunReportRequest"), {"dateRange": []})
    assert _errors(_validator(document, "RunReportRequest"), {"limit": 10})  # int64: a string


@needs_shared
def test_the_product_status_query_selects_product_view_fields() -> None:
    from shopmcp_adapters.upstreams.google.endpoints import SEARCH_REPORTS

    document, _ = _discovery(SEARCH_REPORTS)
    view = document["schemas"]["ProductView"]["properties"]
    for field in PRODUCT_STATUS_FIELDS:
        camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), field)
        assert camel in view, field
    statuses = set(view["aggregatedReportingContextStatus"]["enum"])
    assert {s.upstream for s in ProductStatus} <= statuses


@needs_shared
def test_recorded_product_names_agree_with_their_encoding() -> None:
    product = fixture("merchantapi.products.get.200.json")["body"]
    from shopmcp_adapters.upstreams.google.inputs.merchant import encode_product_id

    plain = product["name"].rsplit("/", 1)[1]
    assert product["base64EncodedName"].endswith("/" + encode_product_id(plain))
