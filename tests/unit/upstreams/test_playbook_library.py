"""Every built-in playbook is valid against the real tool registry, as listed and as enabled
for each platform alone, all together and two stores of one platform: its tools exist and only
read, its arguments (filled with sample values) pass each tool's strict input model, and every
path a filter or reconcile step reads names a field of the tool's output model (a typo'd path
is caught: see the last tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args, get_origin

import jsonschema
import pytest
from pydantic import BaseModel

from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_domain.connections import Connection
from shopmcp_domain.ids import new_connection_id, new_credential_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_definitions import PlaybookDefinition, PlaybookExport, build_playbook
from shopmcp_domain.playbook_library import ENTRIES, LIBRARY, STORE_PLATFORMS
from shopmcp_domain.playbook_library_stores import library_definition
from shopmcp_domain.playbook_steps import FilterStep, ReconcileStep, ToolStep
from shopmcp_domain.playbook_templates import Scope, parse_reference, render_value
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.tools.stores import split_store_argument
from tests.factories import NOW, make_workspace

REGISTRY = ToolRegistry(spec for package in PACKAGES for spec in package.tools.specs)
SAMPLE_ARGS = {
    "since": "2026-01-01",
    "until": "2026-01-31",
    "day": "2026-01-15",
    "threshold": 5,
    "amount": 200,
}
WORKSPACE = make_workspace()
SCHEMA_FILE = Path(__file__).parents[3] / "docs" / "playbooks.schema.json"


def _registry_problem(name: str) -> str | None:
    return None if name in REGISTRY else f"unknown tool {name}"


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _list_of(annotation: Any) -> type[BaseModel] | None:
    """The record model of a list annotation (through Optional and Annotated), else None."""
    if get_origin(annotation) is list:
        return _model_of(get_args(annotation)[0])
    for arg in get_args(annotation):
        found = _list_of(arg)
        if found is not None:
            return found
    return None


def _has_path(model: type[BaseModel], path: list[str]) -> bool:
    """Whether ``path`` (field names, serialised form) exists in ``model``, descending into
    nested models and lists of models."""
    current: type[BaseModel] | None = model
    for name in path:
        if current is None or name not in current.model_fields:
            return False
        annotation = current.model_fields[name].annotation
        current = _model_of(annotation)
    return True


def problems(definition: PlaybookDefinition) -> list[str]:
    """What is wrong with ``definition`` against the real registry (empty: nothing)."""
    playbook = build_playbook(definition, WORKSPACE.id, NOW, _registry_problem)
    args = {a.name: SAMPLE_ARGS[a.name] for a in playbook.arguments}
    out: list[str] = []
    # The record model of each list a later step may read: a tool's output lists (by the
    # output model), a filter's ``items`` (its source's records).
    outputs: dict[str, type[BaseModel]] = {}
    filtered: dict[str, type[BaseModel]] = {}

    def records(step_id: str, source: str) -> type[BaseModel] | None:
        ref = parse_reference(source)
        keys = [str(getattr(s, "name", "")) for s in ref.path]
        if ref.name in outputs:
            model = outputs[ref.name]
            if not _has_path(model, keys):
                out.append(f"{step_id}: {source} is not a field of {model.__name__}")
                return None
            item = _list_of(model.model_fields[keys[0]].annotation)
            if item is None:
                out.append(f"{step_id}: {source} is not a list of records")
            return item
        if ref.name in filtered and keys == ["items"]:
            return filtered[ref.name]
        out.append(f"{step_id}: {source} is no list of records this check knows")
        return None

    for step in playbook.steps:
        if isinstance(step, ToolStep):
            spec = REGISTRY[step.tool]
            if spec.is_write:
                out.append(f"{step.id}: library playbooks only read")
            _, rest = split_store_argument(render_value(step.arguments, Scope(args, {})))
            spec.input_model.model_validate(rest)
            outputs[step.id] = spec.output_model
        elif isinstance(step, FilterStep):
            item = records(step.id, step.source)
            if item is not None:
                filtered[step.id] = item
                if not _has_path(item, step.field.split(".")):
                    out.append(f"{step.id}: {step.field} is not a field of {item.__name__}")
        elif isinstance(step, ReconcileStep):
            for side in (step.left, step.right):
                item = records(step.id, side.source)
                for path in (side.key, side.amount):
                    if item is not None and not _has_path(item, path.split(".")):
                        out.append(f"{step.id}: {path} is not a field of {item.__name__}")
    return out


def connection(platform: Platform, store_ref: str) -> Connection:
    return Connection(
        id=new_connection_id(),
        workspace_id=WORKSPACE.id,
        platform=platform,
        store_ref=store_ref,
        credential_id=new_credential_id(),
        created_at=NOW,
    )


def _combinations() -> list[tuple[str, tuple[Platform, ...]]]:
    """Each per-store entry for each of its platforms alone, all of them, and two stores of
    each platform."""
    out: list[tuple[str, tuple[Platform, ...]]] = []
    for key, entry in ENTRIES.items():
        if not entry.per_store:
            continue
        out += [(key, (p,)) for p in entry.platforms]
        out.append((key, entry.platforms))
        out += [(key, (p, p)) for p in entry.platforms]
    return out


@pytest.mark.parametrize("key", sorted(LIBRARY))
def test_each_listed_entry_is_valid_against_the_registry(key: str) -> None:
    assert problems(LIBRARY[key]) == []


@pytest.mark.parametrize(
    ("key", "platforms"), _combinations(), ids=lambda v: v if isinstance(v, str) else "+".join(v)
)
def test_each_entry_as_enabled_is_valid_against_the_registry(
    key: str, platforms: tuple[Platform, ...]
) -> None:
    connections = [connection(p, f"{p.value}-{n}.example") for n, p in enumerate(platforms)]
    definition = library_definition(key, connections, _registry_problem)
    assert problems(definition) == []
    tools = [s.tool for s in definition.steps if isinstance(s, ToolStep)]
    assert {REGISTRY[t].platform for t in tools} == set(platforms)


def test_the_library_names_its_entries_and_covers_the_issue() -> None:
    assert {
        "low-stock",
        "refunds-over-threshold",
        "daily-sales-digest",
        "slow-movers",
        "customers-at-risk",
        "reconcile-shopify-xero",
        "reconcile-bigcommerce-xero",
        "reconcile-magento-xero",
        "reconcile-neto-xero",
    } <= set(LIBRARY)
    assert all(d.builtin == key == d.name for key, d in LIBRARY.items())
    for key in ("low-stock", "daily-sales-digest", "refunds-over-threshold", "customers-at-risk"):
        assert ENTRIES[key].platforms == STORE_PLATFORMS, key
    # A platform without the tools for an entry is left out, and the description says so.
    assert ENTRIES["slow-movers"].platforms == (Platform.SHOPIFY, Platform.MAGENTO)
    assert "Not for BigCommerce or Neto" in LIBRARY["slow-movers"].description


@pytest.mark.parametrize(
    ("key", "tool", "key_field", "amount_field"),
    [
        ("reconcile-magento-xero", "magento_search_orders", "increment_id", "grand_total"),
        ("reconcile-neto-xero", "neto_list_orders", "order_id", "grand_total"),
    ],
)
def test_the_reconciliations_key_on_the_order_number_and_compare_the_grand_total(
    key: str, tool: str, key_field: str, amount_field: str
) -> None:
    definition = LIBRARY[key]
    [orders] = [s for s in definition.steps if isinstance(s, ToolStep) and s.id == "orders"]
    assert orders.tool == tool
    [step] = [s for s in definition.steps if s.id == "orders_vs_invoices"]
    assert isinstance(step, ReconcileStep)
    assert (step.left.key, step.left.amount) == (key_field, amount_field)
    assert (step.right.key, step.right.amount) == ("reference", "total")


def _with_step(definition: PlaybookDefinition, index: int, **change: Any) -> PlaybookDefinition:
    steps = list(definition.steps)
    steps[index] = steps[index].model_copy(update=change)
    return definition.model_copy(update={"steps": steps})


def test_the_check_fails_on_a_typoed_filter_field() -> None:
    low = LIBRARY["low-stock"]
    index = next(i for i, s in enumerate(low.steps) if s.id == "neto_low")
    typoed = _with_step(low, index, field="available_quantiy")
    assert problems(typoed) == ["neto_low: available_quantiy is not a field of ItemSummary"]


def test_the_check_fails_on_a_typoed_reconcile_key_or_source() -> None:
    magento = LIBRARY["reconcile-magento-xero"]
    index = next(i for i, s in enumerate(magento.steps) if s.id == "orders_vs_invoices")
    step = magento.steps[index]
    assert isinstance(step, ReconcileStep)
    typoed = _with_step(magento, index, left=step.left.model_copy(update={"key": "incremnt_id"}))
    assert problems(typoed) == ["orders_vs_invoices: incremnt_id is not a field of OrderSummary"]
    wrong_list = _with_step(
        magento, index, right=step.right.model_copy(update={"source": "steps.invoices.paging"})
    )
    assert problems(wrong_list) == [
        "orders_vs_invoices: steps.invoices.paging is not a list of records"
    ]


def test_the_library_as_listed_and_as_enabled_matches_the_published_schema() -> None:
    """What the listing shows and what enabling stores are export documents an import (or any
    JSON Schema validator) accepts."""
    schema = json.loads(SCHEMA_FILE.read_text())
    connections = [connection(p, f"{p.value}-{n}.example") for n, p in enumerate(STORE_PLATFORMS)]
    connections.append(connection(Platform.SHOPIFY, "second.myshopify.com"))
    enabled = [
        library_definition(key, connections, _registry_problem)
        for key, entry in ENTRIES.items()
        if entry.per_store and key != "refunds-over-threshold"  # 5 stores: over 20 steps
    ]
    for definitions in (list(LIBRARY.values()), enabled):
        document = PlaybookExport(playbooks=definitions).model_dump(mode="json", exclude_none=True)
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
        assert errors == []
        assert PlaybookExport.model_validate(document).playbooks == definitions
