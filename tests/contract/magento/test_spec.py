"""The Magento package against the official admin REST schema (admin-schema-2.4.9.yaml, Swagger
2.0, in ../shared/fixtures/magento; this module skips, saying so, when it is absent):

- every tool's operation is an operation of the schema (method and path, placeholders matched
  by position: the package names them after its input fields);
- every request each tool sends (driven against the sandbox store with as many arguments as
  make sense) uses a declared path, path parameters of the declared type, only declared query
  parameters, and a body that validates against the declared body schema and sends no key the
  schema does not declare;
- every recorded fixture answers its operation: the operation id, path and method it names are
  the schema's, and its body validates against the declared response schema.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest

from shopmcp_adapters.upstreams.magento import PACKAGE as MAGENTO
from shopmcp_domain.tools.spec import ToolSpec
from tests.contract.magento.helpers import FIXTURES, sandbox_harness
from tests.contract.magento.sandbox_calls import BEFORE, CALLS

SHARED = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "magento"
SCHEMA_FILE = SHARED / "admin-schema-2.4.9.yaml"
_PLACEHOLDER = re.compile(r"\{[^}]+\}")
_INDEX = re.compile(r"\[\d+\]")
_REST_PREFIX = re.compile(r"^/rest(?:/[a-z][a-z0-9_]*)?(?=/V1/)")

pytestmark = pytest.mark.skipif(
    not SCHEMA_FILE.is_file(), reason=f"the official Magento schema is not present at {SHARED}"
)


@cache
def schema() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    document: dict[str, Any] = yaml.load(SCHEMA_FILE.read_text(), Loader=loader)
    # The one quirk that makes strict tools refuse the file (see UPSTREAMS.md): a $ref where
    # info.description should be text. Patched in memory only.
    document["info"]["description"] = "Adobe Commerce admin REST schema"
    return document


def _validator(node: dict[str, Any], *, partial: bool, nullable: bool) -> Any:
    jsonschema = pytest.importorskip("jsonschema")
    kind = jsonschema.Draft4Validator
    if partial:
        # A PUT saves only the fields it sends (Magento merges them into the stored entity):
        # the entity's required list is not asked of it; every sent value's type still is.
        kind = jsonschema.validators.extend(kind, validators={"required": _not_asked})
    if nullable:
        # Swagger 2.0 cannot declare a value nullable, and Magento's serializer answers null
        # for any unset value, declared required or not (a payment's account_status and a
        # stock item's low_stock_date are required in the schema and null in real answers).
        # In an answer, null stands for any type; every other value is type-checked.
        base = kind.TYPE_CHECKER
        checker = base.redefine_many({name: _or_null(base, name) for name in _JSON_TYPES})
        kind = jsonschema.validators.extend(kind, type_checker=checker)
    return kind({**node, "definitions": schema()["definitions"]})


_JSON_TYPES = ("string", "integer", "number", "boolean", "object", "array")


def _or_null(base: Any, name: str) -> Any:
    def check(_: Any, instance: Any) -> bool:
        return instance is None or bool(base.is_type(instance, name))

    return check


def _not_asked(*_: Any) -> None:
    return None


def _errors(
    node: dict[str, Any], value: Any, *, partial: bool = False, nullable: bool = False
) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:160]}"
        for e in _validator(node, partial=partial, nullable=nullable).iter_errors(value)
    ]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema()["definitions"][node["$ref"].split("/")[-1]]
    return node


def _undeclared(node: dict[str, Any], value: Any, where: str = "") -> list[str]:
    """Keys of ``value`` that the schema does not declare, at any depth (Swagger object
    schemas leave additionalProperties open, so validation alone would not notice a typo)."""
    node = _resolve(node)
    out: list[str] = []
    if isinstance(value, dict) and "properties" in node:
        for key, inner in value.items():
            declared = node["properties"].get(key)
            if declared is None:
                out.append(f"{where}/{key}")
            else:
                out += _undeclared(declared, inner, f"{where}/{key}")
    elif isinstance(value, list) and "items" in node:
        for n, inner in enumerate(value):
            out += _undeclared(node["items"], inner, f"{where}/{n}")
    return out


def _shape(path: str) -> str:
    return _PLACEHOLDER.sub("{}", path)


def _operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The schema's path and operation for a templated path of the package."""
    paths = schema()["paths"]
    found = [p for p in paths if _shape(p) == _shape(path) and method.lower() in paths[p]]
    assert len(found) == 1, f"{method} {path}: schema paths {found}"
    return found[0], paths[found[0]][method.lower()]


def _operation_of_request(request: httpx.Request) -> tuple[str, dict[str, Any], list[str]]:
    """The schema's operation a concrete request targets, and its path segments' values."""
    raw = request.url.raw_path.split(b"?")[0].decode()
    path = _REST_PREFIX.sub("", raw)
    paths = schema()["paths"]
    method = request.method.lower()
    # A literal path (/V1/cmsBlock/search) wins over a templated one (/V1/cmsBlock/{blockId}).
    if path in paths and method in paths[path]:
        return path, paths[path][method], []
    for candidate, operations in paths.items():
        pattern = (
            "^"
            + _PLACEHOLDER.sub(
                "([^/]+)", re.escape(candidate).replace(r"\{", "{").replace(r"\}", "}")
            )
            + "$"
        )
        match = re.match(pattern, path)
        if match and method in operations:
            return candidate, operations[method], list(match.groups())
    raise AssertionError(f"{request.method} {path} is not an operation of the schema")


def _query_name(name: str) -> str:
    """The schema names searchCriteria in camelCase and with index 0; Adobe's search-criteria
    guide writes filter_groups and condition_type, which Magento's input processor maps onto
    the same setters. Both spellings are compared in the schema's."""
    name = _INDEX.sub("[0]", name)
    return name.replace("[filter_groups]", "[filterGroups]").replace(
        "[condition_type]", "[conditionType]"
    )


# --------------------------------------------------------------------------- operations


@pytest.mark.parametrize("spec", MAGENTO.specs, ids=lambda s: s.name)
def test_every_tool_operation_is_in_the_schema(spec: ToolSpec) -> None:
    _, operation = _operation(spec.operation.method.value, spec.operation.path)
    declared = [p for p in operation.get("parameters", []) if p["in"] == "path"]
    assert len(declared) == len(_PLACEHOLDER.findall(spec.operation.path)), spec.name


def test_the_calls_cover_every_tool() -> None:
    assert set(CALLS) == {spec.name for spec in MAGENTO.specs}


async def _requests_of(tool: str) -> list[httpx.Request]:
    harness, recording = sandbox_harness()
    for before, arguments in BEFORE.get(tool, []):
        await harness.call(before, arguments)
    recording.requests.clear()
    await harness.call(tool, CALLS[tool])
    return list(recording.requests)


@pytest.mark.parametrize("spec", MAGENTO.specs, ids=lambda s: s.name)
async def test_every_request_follows_the_schema(spec: ToolSpec) -> None:
    requests = await _requests_of(spec.name)
    assert requests, spec.name
    for request in requests:
        path, operation, segments = _operation_of_request(request)
        assert (request.method, _shape(path)) == (
            spec.operation.method.value,
            _shape(spec.operation.path),
        )
        parameters = operation.get("parameters", [])
        in_path = [p for p in parameters if p["in"] == "path"]
        for parameter, value in zip(in_path, segments, strict=True):
            if parameter.get("type") == "integer":
                assert value.isdigit(), f"{spec.name}: {parameter['name']}={value}"
        declared_query = {p["name"]: p for p in parameters if p["in"] == "query"}
        for name, value in request.url.params.multi_items():
            declared = declared_query.get(_query_name(name))
            assert declared is not None, f"{spec.name}: query parameter {name} is not declared"
            if declared.get("type") == "integer":
                assert value.lstrip("-").isdigit(), f"{spec.name}: {name}={value}"
        body = [p for p in parameters if p["in"] == "body"]
        if body:
            sent = json.loads(request.content)
            partial = request.method == "PUT"
            assert _errors(body[0]["schema"], sent, partial=partial) == [], spec.name
            assert _undeclared(body[0]["schema"], sent) == [], spec.name
        elif request.method != "GET":
            # An action without parameters (hold, cancel): the client sends an empty object.
            assert json.loads(request.content) == {}, spec.name
        else:
            assert request.content == b"", spec.name


# --------------------------------------------------------------------------- fixtures

FIXTURE_FILES = sorted(p.name for p in FIXTURES.glob("*.json"))


def _documented_error_body(body: Any) -> Any:
    # Real error bodies carry `parameters` as a list of values (%1) or an object (%name); the
    # schema declares a list of objects. The fixtures say so (their `source`); the rest of the
    # body is checked.
    parameters = body.get("parameters", []) if isinstance(body, dict) else []
    if not (isinstance(parameters, list) and all(isinstance(p, dict) for p in parameters)):
        return {key: value for key, value in body.items() if key != "parameters"}
    return body


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_every_fixture_answers_its_operation(name: str) -> None:
    document = json.loads((FIXTURES / name).read_text())
    meta = document["_fixture"]
    assert document["status"] == meta["status"]
    path, operation = _operation(meta["method"], meta["path"])
    assert path == meta["path"], f"{name} names {meta['path']}, the schema {path}"
    assert operation["operationId"] == meta["operation"]
    responses = operation["responses"]
    declared = responses.get(str(meta["status"]))
    if declared is None and meta["status"] >= 400:
        declared = responses.get("default")
    if declared is None or "schema" not in declared:
        # The schema declares no body for this answer; the fixture says what stands in.
        assert meta["definition"] == "none declared"
        assert document["body"] in ([], None)
        return
    body = document["body"]
    if meta["status"] >= 400:
        body = _documented_error_body(body)
    assert _errors(declared["schema"], body, nullable=True) == [], name
