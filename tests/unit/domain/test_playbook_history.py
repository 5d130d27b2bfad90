"""A playbook's history: every save (create, replace, import, enable, restore) is a version
kept as it was; restore saves an old definition as a new version and never rewrites history;
another workspace's history is never found; bad requests are clear refusals that change
nothing."""

from __future__ import annotations

import pytest

from shopmcp_domain.errors import NotFound, PlaybookInvalid
from shopmcp_domain.playbook_definitions import definition_of, parse_definition
from shopmcp_domain.playbook_steps import ToolStep
from shopmcp_domain.playbooks import Playbook
from shopmcp_domain.services import playbooks as use_cases
from tests.factories import World

TOOLS = {"shopify_get_thing", "shopify_list_things"}


def _known(name: str) -> str | None:
    return None if name in TOOLS else f"unknown tool {name!r}"


def _steps(tool: str, description: str) -> dict[str, object]:
    return {
        "name": "orders",
        "mode": "tool_steps",
        "description": description,
        "arguments": [{"name": "since"}],
        "steps": [{"id": "a", "tool": tool, "arguments": {"from": "{{ args.since }}"}}],
    }


def _tool(playbook: Playbook) -> str:
    [step] = playbook.steps
    assert isinstance(step, ToolStep)
    return step.tool


async def test_every_save_is_a_version_read_back_as_it_was() -> None:
    world = World()
    workspace, _ = await world.tenant()
    start = world.clock.now()
    for n in range(3):
        await use_cases.save_playbook(
            world.store,
            world.clock,
            workspace.id,
            parse_definition(_steps("shopify_get_thing", f"v{n + 1}")),
            _known,
            replace=n > 0,
        )
        world.clock.advance(60)
    history = await use_cases.playbook_versions(world.store, workspace.id, "orders")
    assert [v.version for v in history] == [3, 2, 1]  # newest first
    assert [v.playbook.description for v in history] == ["v3", "v2", "v1"]
    assert [(v.saved_at - start).total_seconds() for v in history] == [120, 60, 0]
    # The playbook's own creation time is kept on every version.
    assert {v.playbook.created_at for v in history} == {start}
    two = await use_cases.get_playbook_version(world.store, workspace.id, "orders", 2)
    assert two.playbook.description == "v2" and two.version == 2
    assert two.playbook.id == history[0].playbook.id


async def test_restore_saves_the_old_definition_as_a_new_version() -> None:
    world = World()
    workspace, _ = await world.tenant()
    for n, tool in enumerate(("shopify_get_thing", "shopify_list_things")):
        await use_cases.save_playbook(
            world.store,
            world.clock,
            workspace.id,
            parse_definition(_steps(tool, f"v{n + 1}")),
            _known,
            replace=n > 0,
        )
    world.clock.advance(3600)
    restored = await use_cases.restore_playbook(
        world.store, world.clock, workspace.id, "orders", 1, _known
    )
    assert restored.version == 3
    current = await use_cases.get_playbook(world.store, workspace.id, "orders")
    assert current == restored
    one = await use_cases.get_playbook_version(world.store, workspace.id, "orders", 1)
    assert definition_of(current).model_copy(update={"version": 1}) == definition_of(one.playbook)
    history = await use_cases.playbook_versions(world.store, workspace.id, "orders")
    # Nothing rewritten: version 2 is still there as it was, and 3 is the restore.
    assert [(v.version, _tool(v.playbook)) for v in history] == [
        (3, "shopify_get_thing"),
        (2, "shopify_list_things"),
        (1, "shopify_get_thing"),
    ]
    assert history[0].saved_at == world.clock.now()
    assert history[0].playbook.created_at == history[2].playbook.created_at


async def test_restoring_a_version_that_names_a_tool_now_gone_is_refused() -> None:
    world = World()
    workspace, _ = await world.tenant()
    for n, tool in enumerate(("shopify_get_thing", "shopify_list_things")):
        await use_cases.save_playbook(
            world.store,
            world.clock,
            workspace.id,
            parse_definition(_steps(tool, f"v{n + 1}")),
            _known,
            replace=n > 0,
        )

    def without_get(name: str) -> str | None:
        return "gone" if name == "shopify_get_thing" else _known(name)

    with pytest.raises(PlaybookInvalid, match="gone"):
        await use_cases.restore_playbook(
            world.store, world.clock, workspace.id, "orders", 1, without_get
        )
    current = await use_cases.get_playbook(world.store, workspace.id, "orders")
    assert current.version == 2
    assert len(await use_cases.playbook_versions(world.store, workspace.id, "orders")) == 2


async def test_unknown_names_versions_and_workspaces_are_not_found() -> None:
    world = World()
    workspace, _ = await world.tenant()
    await use_cases.save_playbook(
        world.store,
        world.clock,
        workspace.id,
        parse_definition(_steps("shopify_get_thing", "v1")),
        _known,
    )
    with pytest.raises(NotFound, match=r"^playbook not found"):
        await use_cases.playbook_versions(world.store, workspace.id, "nope")
    with pytest.raises(NotFound, match="'orders' version 2"):
        await use_cases.get_playbook_version(world.store, workspace.id, "orders", 2)
    for out_of_range in (0, -1, 2**31, 10**30):
        with pytest.raises(NotFound, match="'orders' version"):
            await use_cases.get_playbook_version(world.store, workspace.id, "orders", out_of_range)
    with pytest.raises(NotFound, match="'orders' version 7"):
        await use_cases.restore_playbook(
            world.store, world.clock, workspace.id, "orders", 7, _known
        )
    stranger, _ = await World().tenant()  # a workspace id this store never saw
    with pytest.raises(NotFound, match=r"^workspace not found"):
        await use_cases.playbook_versions(world.store, stranger.id, "orders")
    assert len(await use_cases.playbook_versions(world.store, workspace.id, "orders")) == 1


async def test_another_workspace_never_sees_or_restores_this_history() -> None:
    world = World()
    mine, _ = await world.tenant()
    theirs, _ = await world.tenant()
    await use_cases.save_playbook(
        world.store,
        world.clock,
        theirs.id,
        parse_definition(_steps("shopify_get_thing", "secret")),
        _known,
    )
    for attempt in (
        use_cases.playbook_versions(world.store, mine.id, "orders"),
        use_cases.get_playbook_version(world.store, mine.id, "orders", 1),
        use_cases.restore_playbook(world.store, world.clock, mine.id, "orders", 1, _known),
    ):
        with pytest.raises(NotFound, match=r"^playbook not found"):
            await attempt
    # Same name in both: each sees only its own versions.
    await use_cases.save_playbook(
        world.store,
        world.clock,
        mine.id,
        parse_definition(_steps("shopify_list_things", "mine")),
        _known,
    )
    [only] = await use_cases.playbook_versions(world.store, mine.id, "orders")
    assert only.playbook.description == "mine"


async def test_a_deleted_playbooks_history_is_kept_but_a_new_one_starts_afresh() -> None:
    world = World()
    workspace, _ = await world.tenant()
    for n in range(2):
        await use_cases.save_playbook(
            world.store,
            world.clock,
            workspace.id,
            parse_definition(_steps("shopify_get_thing", f"old v{n + 1}")),
            _known,
            replace=n > 0,
        )
    deleted = await use_cases.delete_playbook(world.store, workspace.id, "orders")
    with pytest.raises(NotFound):
        await use_cases.playbook_versions(world.store, workspace.id, "orders")
    fresh = await use_cases.save_playbook(
        world.store,
        world.clock,
        workspace.id,
        parse_definition(_steps("shopify_get_thing", "new")),
        _known,
    )
    [only] = await use_cases.playbook_versions(world.store, workspace.id, "orders")
    assert only.playbook == fresh and fresh.id != deleted.id
    async with world.store.unit_of_work(workspace.id) as uow:
        kept = await uow.playbooks.versions(deleted.id)
    assert [v.playbook.description for v in kept] == ["old v2", "old v1"]


async def test_import_and_enable_are_versions_too() -> None:
    world = World()
    workspace, _ = await world.tenant()
    document = {
        "format": "shopmcp.playbooks",
        "format_version": 1,
        "playbooks": [_steps("shopify_get_thing", "imported")],
    }
    await use_cases.import_playbooks(world.store, world.clock, workspace.id, document, _known)
    await use_cases.import_playbooks(
        world.store, world.clock, workspace.id, document, _known, replace=True
    )
    history = await use_cases.playbook_versions(world.store, workspace.id, "orders")
    assert [v.version for v in history] == [2, 1]
