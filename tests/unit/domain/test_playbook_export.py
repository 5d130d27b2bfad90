"""Export and import: JSON with a published schema; import refuses unknown tools and invalid
templates (and saves nothing then); export -> import -> export round-trips."""

import json
from pathlib import Path

import pytest

from shopmcp_domain.errors import (
    Conflict,
    PlaybookInvalid,
)
from shopmcp_domain.playbook_definitions import export_json_schema, parse_definition
from shopmcp_domain.playbook_library import LIBRARY
from shopmcp_domain.services import playbooks as use_cases
from tests.factories import World

SCHEMA_FILE = Path(__file__).parents[3] / "docs" / "playbooks.schema.json"
TOOLS = {"shopify_get_thing", "bigcommerce_get_thing"}


def _known(name: str) -> str | None:
    return None if name in TOOLS else f"unknown tool {name!r}"


STEPS = {
    "name": "two",
    "mode": "tool_steps",
    "arguments": [{"name": "thing", "description": "an id"}],
    "steps": [
        {"id": "a", "tool": "shopify_get_thing", "arguments": {"thing_id": "{{ args.thing }}"}},
        {
            "id": "b",
            "tool": "bigcommerce_get_thing",
            "arguments": {"thing_id": "{{ item }}"},
            "for_each": {"source": "steps.a.ids", "max": 3},
        },
        {
            "kind": "filter",
            "id": "c",
            "source": "steps.b.items",
            "field": "n",
            "op": "gt",
            "value": 1,
        },
    ],
}
PROMPT = {
    "name": "weekly",
    "description": "Weekly review",
    "template": "Review sales since {since}.",
    "arguments": [{"name": "since"}],
}


def test_the_published_schema_is_the_generated_one() -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == export_json_schema()


async def test_export_import_round_trips() -> None:
    world = World()
    source, _ = await world.tenant()
    target, _ = await world.tenant()
    for data in (STEPS, PROMPT):
        await use_cases.save_playbook(
            world.store, world.clock, source.id, parse_definition(data), _known
        )
    exported = await use_cases.export_playbooks(world.store, source.id)
    document = json.loads(exported.model_dump_json())
    assert document["format"] == "shopmcp.playbooks"

    imported = await use_cases.import_playbooks(
        world.store, world.clock, target.id, document, _known
    )
    assert [p.name for p in imported] == ["two", "weekly"]
    again = await use_cases.export_playbooks(world.store, target.id)
    assert again == exported
    with pytest.raises(Conflict):
        await use_cases.import_playbooks(world.store, world.clock, target.id, document, _known)
    replaced = await use_cases.import_playbooks(
        world.store, world.clock, target.id, document, _known, replace=True
    )
    assert [p.version for p in replaced] == [2, 2]


async def test_an_import_naming_a_taken_playbook_saves_none_of_the_document() -> None:
    world = World()
    target, _ = await world.tenant()
    await use_cases.save_playbook(
        world.store, world.clock, target.id, parse_definition(STEPS), _known
    )
    document = {"format": "shopmcp.playbooks", "format_version": 1, "playbooks": [PROMPT, STEPS]}
    with pytest.raises(Conflict, match="'two' exists"):
        await use_cases.import_playbooks(world.store, world.clock, target.id, document, _known)
    # "weekly" comes first in the document and is new: it is not saved either.
    assert [p.name for p in await use_cases.list_playbooks(world.store, target.id)] == ["two"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"tool": "shopify_delete_shop"}, "unknown tool 'shopify_delete_shop'"),
        ({"arguments": {"thing_id": "{{ args.thing "}}, "unbalanced"),
        ({"arguments": {"thing_id": "{{ steps.z.id }}"}}, "refers to no step"),
        ({"arguments": {"thing_id": "{{ __import__('os') }}"}}, "a reference starts with"),
    ],
)
async def test_import_refuses_unknown_tools_and_invalid_templates_and_saves_nothing(
    change: dict[str, object], problem: str
) -> None:
    world = World()
    target, _ = await world.tenant()
    bad_step = {**STEPS["steps"][0], **change}  # type: ignore[dict-item]
    bad = {**STEPS, "name": "bad", "steps": [bad_step]}
    document = {"format": "shopmcp.playbooks", "format_version": 1, "playbooks": [PROMPT, bad]}
    with pytest.raises(PlaybookInvalid) as raised:
        await use_cases.import_playbooks(world.store, world.clock, target.id, document, _known)
    assert any(problem in p for p in raised.value.problems), raised.value.problems
    assert list(await use_cases.list_playbooks(world.store, target.id)) == []


async def test_import_refuses_another_format_and_unknown_fields() -> None:
    world = World()
    target, _ = await world.tenant()
    for document in (
        {"format": "other", "format_version": 1, "playbooks": []},
        {"format": "shopmcp.playbooks", "format_version": 2, "playbooks": []},
        {"format": "shopmcp.playbooks", "format_version": 1, "playbooks": [{**PROMPT, "x": 1}]},
    ):
        with pytest.raises(PlaybookInvalid):
            await use_cases.import_playbooks(world.store, world.clock, target.id, document, _known)


async def test_a_library_entry_is_refused_where_its_tools_are_unknown() -> None:
    world = World()
    target, _ = await world.tenant()
    with pytest.raises(PlaybookInvalid, match="unknown tool"):
        await use_cases.enable_builtin(
            world.store, world.clock, target.id, "reconcile-shopify-xero", _known
        )
    assert "reconcile-shopify-xero" in LIBRARY
