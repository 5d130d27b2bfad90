"""Every built-in playbook is valid against the real tool registry: its tools exist, its
arguments (filled with sample values) pass each tool's strict input model, and every path a
filter or reconcile step reads names a field of the tool's output model."""

from typing import Any, get_args

import pytest
from pydantic import BaseModel

from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_domain.playbook_definitions import build_playbook
from shopmcp_domain.playbook_library import LIBRARY
from shopmcp_domain.playbook_steps import AnyStep, FilterStep, ReconcileStep, ToolStep
from shopmcp_domain.playbook_templates import Scope, parse_reference, render_value
from shopmcp_domain.tools.registry import ToolRegistry
from tests.factories import NOW, make_workspace

REGISTRY = ToolRegistry(spec for package in PACKAGES for spec in package.tools.specs)
SAMPLE_ARGS = {
    "since": "2026-01-01",
    "until": "2026-01-31",
    "day": "2026-01-15",
    "threshold": 5,
    "amount": 200,
    "before": "2025-10-01",
}


def _model_of(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
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


def _source_item(source: str, outputs: dict[str, type[BaseModel]]) -> type[BaseModel] | None:
    """The record model of a list a step reads from a tool step's output."""
    ref = parse_reference(source)
    keys = [getattr(s, "name", "") for s in ref.path]
    if ref.name in outputs:
        model = outputs[ref.name]
        assert _has_path(model, keys), f"{source}: not a field of {model.__name__}"
        field = model.model_fields[keys[0]]
        item = _model_of(field.annotation)
        assert item is not None, source
        return item
    return None  # a filter's or reconcile's own output: checked by the domain tests


@pytest.mark.parametrize("key", sorted(LIBRARY))
def test_library_entry_is_valid_against_the_registry(key: str) -> None:
    definition = LIBRARY[key]
    playbook = build_playbook(
        definition,
        make_workspace().id,
        NOW,
        lambda name: None if name in REGISTRY else f"unknown tool {name}",
    )
    args = {a.name: SAMPLE_ARGS[a.name] for a in playbook.arguments}
    outputs: dict[str, type[BaseModel]] = {}
    step: AnyStep
    for step in playbook.steps:
        if isinstance(step, ToolStep):
            spec = REGISTRY[step.tool]
            assert not spec.is_write, "library playbooks only read"
            spec.input_model.model_validate(render_value(step.arguments, Scope(args, {})))
            outputs[step.id] = spec.output_model
        elif isinstance(step, FilterStep):
            found = _source_item(step.source, outputs)
            if found is not None:
                assert _has_path(found, step.field.split(".")), (step.id, step.field)
        elif isinstance(step, ReconcileStep):
            for side in (step.left, step.right):
                found = _source_item(side.source, outputs)
                if found is not None:
                    for path in (side.key, side.amount):
                        assert _has_path(found, path.split(".")), (step.id, path)


def test_the_library_names_its_entries_and_covers_the_issue() -> None:
    assert {
        "low-stock",
        "refunds-over-threshold",
        "daily-sales-digest",
        "slow-movers",
        "customers-at-risk",
        "reconcile-shopify-xero",
    } <= set(LIBRARY)
    assert all(d.builtin == key == d.name for key, d in LIBRARY.items())
