"""The Google module's surface on one screen: every tool a read with truthful hints, bound to
one of the Google methods in ``endpoints.py`` (each method used), and every name a tool passes
on to Google (metrics, dimensions, statuses, search types, operators) an enumeration."""

from __future__ import annotations

from typing import Any

import pytest

from shopmcp_adapters.upstreams.google import PACKAGE as GOOGLE
from shopmcp_adapters.upstreams.google.endpoints import ENDPOINTS
from shopmcp_domain.keys import Access
from shopmcp_domain.tools.spec import ToolAnnotations, ToolSpec

# Every tool only reads, and reaches Google (a world outside the gateway).
HINTS = {
    spec.name: ToolAnnotations(
        read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True
    )
    for spec in GOOGLE.specs
}
# The input fields whose values Google reads as names from its own vocabulary.
NAMED_FIELDS = {
    "metrics", "dimensions", "order_by", "status", "search_type", "match", "operator",
    "dimension",
}  # fmt: skip


def test_every_tool_is_a_read_with_truthful_hints() -> None:
    assert len(GOOGLE.specs) == 9
    for spec in GOOGLE.specs:
        assert spec.access is Access.READ
        assert spec.whitelist is None
        assert spec.annotations == HINTS[spec.name]


def test_each_google_method_serves_exactly_one_tool() -> None:
    operations = [spec.operation for spec in GOOGLE.specs]
    assert sorted(o.key for o in operations) == sorted(e.operation.key for e in ENDPOINTS)
    assert all(o.document for o in operations)  # the Discovery method id


def _named(schema: dict[str, Any], defs: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = defs[node["$ref"].split("/")[-1]]
        return node

    def walk(node: dict[str, Any]) -> None:
        node = resolve(node)
        for option in node.get("anyOf", []):
            walk(option)
        if node.get("type") == "array":
            walk(node["items"])
        for name, sub in node.get("properties", {}).items():
            if name in NAMED_FIELDS:
                found.append((name, sub))
            walk(sub)

    walk(schema)
    return found


def test_the_check_sees_the_named_fields() -> None:
    schema = GOOGLE.tools.spec("google_analytics_report").input_schema()
    found = {name for name, _ in _named(schema, schema["$defs"])}
    assert found == {"metrics", "dimensions", "order_by", "dimension", "match"}


@pytest.mark.parametrize("spec", GOOGLE.specs, ids=lambda s: s.name)
def test_names_google_reads_are_enumerations(spec: ToolSpec) -> None:
    schema = spec.input_schema()
    defs = schema.get("$defs", {})
    for name, node in _named(schema, defs):
        options = node.get("anyOf", [node])
        for option in options:
            while "$ref" in option:
                option = defs[option["$ref"].split("/")[-1]]
            if option.get("type") == "null":
                continue
            target = option["items"] if option.get("type") == "array" else option
            while "$ref" in target:
                target = defs[target["$ref"].split("/")[-1]]
            assert "enum" in target, f"{spec.name}.{name} is not an enumeration"
