"""Neto publishes no machine-readable spec (its XSDs could not be obtained), so the project's
fixtures and the requests the tools build are checked against the closest thing to one: the
request and response templates extracted from the Neto API documentation pages into
``/work/shared/fixtures/neto/examples/*template*.json`` (see that folder's SOURCES.md).

- Every key of a recorded answer is a field the action's response template names, at the same
  place and with the same nesting (a list where the template has a list; one bare object is
  accepted where a single repeated element may collapse); every value is a string, as Neto
  sends them. ``Ack``, ``CurrentTime`` and ``Messages`` are the envelope.
- Every ``Filter`` key a tool sends is a filter the request template names, a list where the
  template takes several values and a single value where it takes one.
- Every ``OutputSelector`` a tool sends names a field of the response template (``ShipAddress``
  and ``BillAddress`` select the ``Ship*``/``Bill*`` fields; ``X.Y`` selects ``Y`` inside ``X``;
  ``RmaLine`` and ``Refund`` are the ``RmaLines``/``Refunds`` wrappers; a ``*UTC`` selector the
  UTC variant of a documented date).

Actions whose templates are not stored (GetCategory, GetShippingMethods, GetVoucher,
UpdateItem) are followed from their pages by hand; their fixtures say so. A fresh clone without
``/work/shared`` skips this module, with the reason.
"""

from __future__ import annotations

import contextlib
import json
import pathlib
from collections.abc import Mapping
from typing import Any

import pytest

from shopmcp_adapters.upstreams.neto import PACKAGE as NETO
from shopmcp_adapters.upstreams.neto.inputs import OrderStatus
from shopmcp_domain.errors import UpstreamError
from tests.contract.neto.helpers import FIXTURES, answer, harness

SHARED = pathlib.Path("/work/shared/fixtures/neto/examples")
pytestmark = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"the Neto documentation templates are not here ({SHARED})"
)

TEMPLATES = {
    "GetOrder": ("getorder.request-template.4.json", "getorder.response-template.5.json"),
    "GetItem": ("getitem.request-template.1.json", "getitem.response-template.2.json"),
    "GetCustomer": ("getcustomer.request-template.1.json", "getcustomer.response-template.2.json"),
    "GetRma": ("getrma.request-template.1.json", "getrma.response-template.2.json"),
    "GetPayment": ("getpayment.request-template.1.json", "getpayment.response-template.2.json"),
    "GetWarehouse": (
        "getwarehouse.request-template.1.json",
        "getwarehouse.response-template.2.json",
    ),
}
DATA_KEYS = {
    "GetOrder": "Order",
    "GetItem": "Item",
    "GetCustomer": "Customer",
    "GetRma": "Rma",
    "GetPayment": "Payment",
    "GetWarehouse": "Warehouse",
}
ENVELOPE = {"Ack", "CurrentTime", "Messages"}
# Each tool called with every filter it has, so the request shows all of them.
FULL_CALLS: dict[str, dict[str, Any]] = {
    "neto_list_orders": {
        "statuses": ["New", "On Hold"],
        "payment_status": "Pending",
        "username": "mia.nguyen",
        "sku": "A1",
        "placed_from": "2026-01-01",
        "placed_to": "2026-01-31",
    },
    "neto_get_order": {"order_id": "N1"},
    "neto_list_items": {
        "skus": ["A1"],
        "name": "Tent",
        "brand": "Summit",
        "category_id": 3,
        "is_active": False,
        "updated_from": "2026-01-01",
        "updated_to": "2026-01-31",
    },
    "neto_get_item": {"sku": "A1"},
    "neto_get_stock": {"skus": ["A1", "B2"]},
    "neto_list_customers": {
        "username": "u1",
        "email": "a@example.com",
        "type": "Prospect",
        "active": True,
        "added_from": "2026-01-01",
        "added_to": "2026-01-31",
    },
    "neto_get_customer": {"customer_id": 5},
    "neto_list_rmas": {
        "order_id": "N1",
        "rma_id": 2,
        "username": "u1",
        "status": "Closed",
        "issued_from": "2026-01-01",
        "issued_to": "2026-01-31",
    },
    "neto_list_payments": {
        "order_ids": ["N1", "N2"],
        "paid_from": "2026-01-01",
        "paid_to": "2026-01-31",
    },
    "neto_list_warehouses": {},
}


def template(name: str) -> Any:
    return json.loads((SHARED / name).read_text())["body"]


def recorded(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def _shape_problems(value: Any, documented: Any, where: str) -> list[str]:
    if isinstance(documented, list):
        if isinstance(value, Mapping):  # one repeated element, collapsed to the object
            value = [value]
        if not isinstance(value, list):
            return [f"{where}: a list in the template"]
        return [
            p
            for i, v in enumerate(value)
            for p in _shape_problems(v, documented[0], f"{where}[{i}]")
        ]
    if isinstance(documented, Mapping):
        if not isinstance(value, Mapping):
            return [f"{where}: an object in the template"]
        problems = [f"{where}.{k}: not in the template" for k in value if k not in documented]
        for key in value.keys() & documented.keys():
            problems += _shape_problems(value[key], documented[key], f"{where}.{key}")
        return problems
    return [] if isinstance(value, str) else [f"{where}: Neto sends strings, not {value!r}"]


# --------------------------------------------------------------------------- the fixtures


def _fixtures_of(action: str) -> list[str]:
    names = [
        path.name
        for path in sorted(FIXTURES.glob("*.json"))
        if recorded(path.name)["_fixture"]["action"] == action
    ]
    assert names, f"no fixture for {action}"
    return names


@pytest.mark.parametrize("action", sorted(TEMPLATES))
def test_recorded_answers_use_only_documented_fields(action: str) -> None:
    documented = template(TEMPLATES[action][1])
    data_key = DATA_KEYS[action]
    for name in _fixtures_of(action):
        body = recorded(name)["body"]
        assert set(body) <= {data_key, *ENVELOPE}, name
        if body.get(data_key) == "":  # the empty element of an error answer
            continue
        problems = _shape_problems(body.get(data_key, []), documented[data_key], data_key)
        if "Messages" in body:
            problems += _shape_problems(body["Messages"], _messages_template(), "Messages")
        assert not problems, f"{name}: " + "; ".join(problems[:5])
        assert body["Ack"] in {"Success", "Warning", "Error"}, name


def _messages_template() -> Any:
    return template("getorder.response-template.5.json")["Messages"]


def test_the_envelope_fixtures_follow_the_shared_constructed_ones() -> None:
    for ours, theirs in [
        ("getorder.error.200.json", "getorder.error.constructed.json"),
        ("getorder.warning.200.json", "getorder.warning.constructed.json"),
    ]:
        mine, shared = recorded(ours)["body"], template(theirs)
        assert mine["Ack"] == shared["Ack"]
        assert set(mine["Messages"]) == set(shared["Messages"])
        kind = next(iter(shared["Messages"]))
        assert set(mine["Messages"][kind][0]) == set(shared["Messages"][kind][0])


# --------------------------------------------------------------------------- the requests


async def _request_body(tool: str) -> Any:
    h = harness([answer({"Ack": "Success"})])
    with contextlib.suppress(UpstreamError):  # a get finds nothing in an empty answer
        await h.call(tool, FULL_CALLS[tool])
    [request] = h.requests
    return json.loads(request.content)


def test_every_templated_read_is_covered() -> None:
    templated = {s.name for s in NETO.specs if s.operation.document in TEMPLATES}
    assert templated == set(FULL_CALLS)


@pytest.mark.parametrize("tool", sorted(FULL_CALLS))
async def test_request_filters_are_documented_filters(tool: str) -> None:
    action = NETO.tools.spec(tool).operation.document
    assert action is not None
    documented = template(TEMPLATES[action][0])["Filter"]
    sent = (await _request_body(tool))["Filter"]
    for key, value in sent.items():
        assert key in documented, f"{tool} sends Filter.{key}, which {action} does not document"
        assert isinstance(value, list) == isinstance(documented[key], list), (tool, key)


@pytest.mark.parametrize("tool", sorted(FULL_CALLS))
async def test_output_selectors_name_documented_fields(tool: str) -> None:
    action = NETO.tools.spec(tool).operation.document
    assert action is not None
    item = template(TEMPLATES[action][1])[DATA_KEYS[action]][0]
    selectors = (await _request_body(tool))["Filter"]["OutputSelector"]
    missing = [s for s in selectors if not _documented(item, s)]
    assert not missing, f"{tool} selects fields {action}'s template does not name: {missing}"


_GROUPS = {"ShipAddress": "ShipStreetLine1", "BillAddress": "BillStreetLine1"}


def _documented(node: Any, selector: str) -> bool:
    for part in selector.split("."):
        if isinstance(node, list):
            node = node[0]
        if not isinstance(node, Mapping):
            return False
        part = _GROUPS.get(part, part)
        if part not in node and f"{part}s" in node:  # RmaLine -> RmaLines[].RmaLine
            wrapper = node[f"{part}s"]
            node = wrapper[0] if isinstance(wrapper, list) else wrapper
        if part not in node and part.endswith("UTC") and part[:-3] in node:
            return True
        if part not in node:
            return False
        node = node[part]
    return True


def test_order_statuses_cover_the_documented_examples() -> None:
    for example in sorted(SHARED.glob("getorder.request-example.*.json")):
        for status in template(example.name)["Filter"].get("OrderStatus", []):
            assert status in set(OrderStatus), (example.name, status)
