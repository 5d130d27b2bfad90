"""create_playbook and delete_playbook are writes that need confirmation, with a platform
write's guarantees: the first call changes nothing and issues a code bound to the key, the
tool, the validated arguments and the playbook the preview showed; the code works once, in
time, for exactly that call; a repeat gets the first outcome; nothing is ever saved twice."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from shopmcp_adapters.memory.confirmations import InMemoryConfirmationStore
from shopmcp_domain.confirmations import (
    DEFAULT_CONFIRMATION_TTL,
    GATEWAY_CONNECTION_ID,
    Confirmation,
    IdempotentWrite,
    WriteOutcome,
    WriteState,
    hash_code,
)
from shopmcp_domain.errors import (
    ConfirmationRefused,
    Conflict,
    IdempotencyConflict,
    InvalidArguments,
    NotFound,
    PlaybookInvalid,
    ShopMcpError,
    UsageStatus,
    WriteInProgress,
)
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.keys import Access, KeyScopes, issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_definitions import PlaybookDefinition
from shopmcp_domain.playbooks import Playbook
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.services import playbooks as use_cases
from shopmcp_domain.services.playbook_tools import PlaybookToolDeps, call_playbook_tool
from shopmcp_domain.services.run_playbook import PlaybookRunDeps
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.usage import UsageEvent
from tests.factories import NOW, World

DEFINITION: dict[str, Any] = {
    "name": "daily",
    "description": "One thing.",
    "mode": "tool_steps",
    "arguments": [{"name": "thing"}],
    "steps": [
        {"id": "get", "tool": "shopify_get_thing", "arguments": {"thing_id": "{{ args.thing }}"}}
    ],
}
EDITED: dict[str, Any] = {**DEFINITION, "description": "One thing, edited."}


class YieldingConfirmations(InMemoryConfirmationStore):
    """The in-memory store, but every call lets other tasks run first (as a database round
    trip does), so concurrent calls interleave between its steps; ``slow_finish`` more turns
    before an outcome is kept, so others find the claim still in progress."""

    def __init__(self, slow_finish: int = 0) -> None:
        super().__init__()
        self.slow_finish = slow_finish

    async def consume(
        self, workspace_id: WorkspaceId, code_hash: str, at: dt.datetime
    ) -> Confirmation | None:
        await asyncio.sleep(0)
        return await super().consume(workspace_id, code_hash, at)

    async def find(self, workspace_id: WorkspaceId, code_hash: str) -> Confirmation | None:
        await asyncio.sleep(0)
        return await super().find(workspace_id, code_hash)

    async def claim(self, write: IdempotentWrite) -> IdempotentWrite | None:
        await asyncio.sleep(0)
        return await super().claim(write)

    async def written(
        self, workspace_id: WorkspaceId, idempotency_key: str, at: dt.datetime
    ) -> IdempotentWrite | None:
        await asyncio.sleep(0)
        return await super().written(workspace_id, idempotency_key, at)

    async def finish(
        self,
        workspace_id: WorkspaceId,
        idempotency_key: str,
        state: WriteState,
        outcome: WriteOutcome,
    ) -> None:
        for _ in range(1 + self.slow_finish):
            await asyncio.sleep(0)
        await super().finish(workspace_id, idempotency_key, state, outcome)


def _deps(world: World) -> PlaybookToolDeps:
    return PlaybookToolDeps(
        clock=world.clock,
        audit=world.store,
        run=PlaybookRunDeps(tool_call=world.deps, limiter=world.limiter),
        confirmations=world.confirmations,
    )


async def _call(world: World, scope: RequestScope, tool: str, **arguments: Any) -> ToolOutput:
    return await call_playbook_tool(_deps(world), scope, await world.admit(scope), tool, arguments)


async def _setup(world: World) -> RequestScope:
    _, issued = await world.tenant(platforms=(Platform.SHOPIFY,))
    return await world.scope(issued.token)


async def _stored(world: World, scope: RequestScope) -> list[Playbook]:
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        return list(await uow.playbooks.list())


async def _events(world: World, scope: RequestScope) -> list[UsageEvent]:
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        return sorted(await uow.usage.recent(1000), key=lambda e: e.created_at)


async def _save_directly(world: World, scope: RequestScope, definition: dict[str, Any]) -> Playbook:
    """Another editor (the dashboard, another key) saving meanwhile."""
    return await use_cases.save_playbook(
        world.store,
        world.clock,
        scope.workspace.id,
        PlaybookDefinition.model_validate(definition),
        use_cases.scope_tool_problem(scope),
        replace=True,
    )


async def test_the_preview_saves_nothing_and_the_confirmation_saves_it_once() -> None:
    world = World()
    scope = await _setup(world)

    preview = await _call(world, scope, "create_playbook", playbook=DEFINITION)

    assert await _stored(world, scope) == []
    shown = preview.structured
    assert shown["status"] == "confirmation_required"
    assert shown["tool"] == "create_playbook"
    assert (shown["action"], shown["version"], shown["replaces_version"]) == ("create", 1, None)
    assert shown["playbook"]["steps"] == [{"kind": "tool", **DEFINITION["steps"][0]}]
    assert dt.datetime.fromisoformat(shown["expires_at"]) == NOW + DEFAULT_CONFIRMATION_TTL
    issued = await world.confirmations.find(scope.workspace.id, hash_code(shown["confirmation"]))
    assert issued is not None and issued.connection_id == GATEWAY_CONNECTION_ID
    assert issued.key_id == scope.key.id and issued.tool == "create_playbook"

    done = await _call(
        world, scope, "create_playbook", playbook=DEFINITION, confirmation=shown["confirmation"]
    )

    [saved] = await _stored(world, scope)
    assert done.structured["saved"]["version"] == saved.version == 1
    events = await _events(world, scope)
    assert [(e.status, e.playbook_id, e.playbook_version) for e in events] == [
        (UsageStatus.CONFIRMATION_REQUIRED, None, None),
        (UsageStatus.OK, saved.id, 1),
    ]


async def test_a_new_version_is_previewed_as_one_and_replaced_once() -> None:
    world = World()
    scope = await _setup(world)
    await _save_directly(world, scope, DEFINITION)

    preview = await _call(world, scope, "create_playbook", playbook=EDITED, replace=True)

    assert (preview.structured["action"], preview.structured["version"]) == ("new_version", 2)
    assert preview.structured["replaces_version"] == 1
    [still] = await _stored(world, scope)
    assert (still.version, still.description) == (1, "One thing.")
    code = preview.structured["confirmation"]
    await _call(world, scope, "create_playbook", playbook=EDITED, replace=True, confirmation=code)
    [edited] = await _stored(world, scope)
    assert (edited.version, edited.description) == (2, "One thing, edited.")


@pytest.mark.parametrize(
    ("definition", "replace", "error", "said"),
    [
        (
            {
                **DEFINITION,
                "name": "other",
                "steps": [{"id": "x", "tool": "shopify_drop_all", "arguments": {}}],
            },
            False,
            PlaybookInvalid,
            "unknown tool",
        ),
        (
            {
                **DEFINITION,
                "name": "other",
                "steps": [{"id": "x", "tool": "magento_get_thing", "arguments": {}}],
            },
            False,
            PlaybookInvalid,
            "not available to this key",
        ),
        (
            {
                **DEFINITION,
                "name": "other",
                "steps": [{**DEFINITION["steps"][0], "arguments": {"a": "{{ x"}}],
            },
            False,
            PlaybookInvalid,
            "",
        ),
        (DEFINITION, False, Conflict, "exists"),
    ],
)
async def test_a_bad_definition_gets_its_error_before_any_code_is_issued(
    definition: dict[str, Any], replace: bool, error: type[ShopMcpError], said: str
) -> None:
    world = World()
    scope = await _setup(world)
    await _save_directly(world, scope, DEFINITION)

    with pytest.raises(error) as raised:
        await _call(world, scope, "create_playbook", playbook=definition, replace=replace)

    assert said in raised.value.message
    assert world.confirmations.issued == 0


async def test_deleting_a_playbook_that_is_not_there_issues_no_code() -> None:
    world = World()
    scope = await _setup(world)
    with pytest.raises(NotFound):
        await _call(world, scope, "delete_playbook", name="daily")
    assert world.confirmations.issued == 0


async def test_delete_previews_the_playbook_and_version_then_deletes_once() -> None:
    world = World()
    scope = await _setup(world)
    stored = await _save_directly(world, scope, DEFINITION)

    preview = await _call(world, scope, "delete_playbook", name="daily")

    assert (preview.structured["action"], preview.structured["version"]) == ("delete", 1)
    assert preview.structured["playbook"]["name"] == "daily"
    assert "Nothing has been deleted yet" in preview.text
    assert await _stored(world, scope) == [stored]
    code = preview.structured["confirmation"]
    done = await _call(world, scope, "delete_playbook", name="daily", confirmation=code)
    assert done.structured == {"deleted": "daily"}
    assert await _stored(world, scope) == []
    # The same call again: its first outcome, nothing more.
    again = await _call(world, scope, "delete_playbook", name="daily", confirmation=code)
    assert again.structured == {"deleted": "daily"}
    statuses = [e.status for e in await _events(world, scope)]
    assert statuses == [
        UsageStatus.CONFIRMATION_REQUIRED,
        UsageStatus.OK,
        UsageStatus.REPLAYED,
    ]


# --------------------------------------------------------------------------- adversarial


async def test_an_old_code_does_not_confirm_a_changed_definition() -> None:
    world = World()
    scope = await _setup(world)
    preview = await _call(world, scope, "create_playbook", playbook=DEFINITION)
    code = preview.structured["confirmation"]
    injected = {
        **DEFINITION,
        "steps": [
            {"id": "get", "tool": "shopify_update_thing", "arguments": {"thing_id": 1}},
        ],
    }

    with pytest.raises(ConfirmationRefused, match="arguments differ"):
        await _call(world, scope, "create_playbook", playbook=injected, confirmation=code)
    # replace flipped on is another call too.
    with pytest.raises(ConfirmationRefused):
        await _call(
            world, scope, "create_playbook", playbook=DEFINITION, replace=True, confirmation=code
        )

    assert await _stored(world, scope) == []


async def test_a_code_issued_to_another_key_is_refused() -> None:
    world = World()
    scope = await _setup(world)
    other = issue_key(scope.workspace.id, NOW, KeyScopes(access=frozenset(Access)))
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        await uow.keys.add(other.key)
    other_scope = await world.scope(other.token)
    preview = await _call(world, scope, "create_playbook", playbook=DEFINITION)

    with pytest.raises(ConfirmationRefused, match="another MCP key"):
        await _call(
            world,
            other_scope,
            "create_playbook",
            playbook=DEFINITION,
            confirmation=preview.structured["confirmation"],
        )
    assert await _stored(world, scope) == []


async def test_a_code_from_another_workspace_is_unknown_here() -> None:
    world = World()
    scope = await _setup(world)
    elsewhere = await _setup(world)
    preview = await _call(world, elsewhere, "create_playbook", playbook=DEFINITION)

    with pytest.raises(ConfirmationRefused, match="no such confirmation code"):
        await _call(
            world,
            scope,
            "create_playbook",
            playbook=DEFINITION,
            confirmation=preview.structured["confirmation"],
        )
    assert await _stored(world, scope) == [] and await _stored(world, elsewhere) == []


async def test_a_delete_code_does_not_confirm_a_create() -> None:
    world = World()
    scope = await _setup(world)
    await _save_directly(world, scope, DEFINITION)
    preview = await _call(world, scope, "delete_playbook", name="daily")

    with pytest.raises(ConfirmationRefused, match="another tool"):
        await _call(
            world,
            scope,
            "create_playbook",
            playbook=EDITED,
            replace=True,
            confirmation=preview.structured["confirmation"],
        )
    [kept] = await _stored(world, scope)
    assert (kept.version, kept.description) == (1, "One thing.")


async def test_an_expired_code_is_refused() -> None:
    world = World()
    scope = await _setup(world)
    preview = await _call(world, scope, "create_playbook", playbook=DEFINITION)
    world.clock.advance(DEFAULT_CONFIRMATION_TTL.total_seconds())

    with pytest.raises(ConfirmationRefused, match="expired"):
        await _call(
            world,
            scope,
            "create_playbook",
            playbook=DEFINITION,
            confirmation=preview.structured["confirmation"],
        )
    assert await _stored(world, scope) == []


async def test_a_used_code_never_saves_twice_even_for_another_definition() -> None:
    world = World()
    scope = await _setup(world)
    await _save_directly(world, scope, DEFINITION)
    preview = await _call(world, scope, "create_playbook", playbook=EDITED, replace=True)
    code = preview.structured["confirmation"]
    first = await _call(
        world, scope, "create_playbook", playbook=EDITED, replace=True, confirmation=code
    )

    again = await _call(
        world, scope, "create_playbook", playbook=EDITED, replace=True, confirmation=code
    )
    with pytest.raises(ConfirmationRefused):
        await _call(
            world, scope, "create_playbook", playbook=DEFINITION, replace=True, confirmation=code
        )

    assert again.structured == first.structured
    [stored] = await _stored(world, scope)
    assert (stored.version, stored.description) == (2, "One thing, edited.")


async def test_a_confirmed_delete_does_not_remove_a_version_the_user_did_not_see() -> None:
    world = World()
    scope = await _setup(world)
    await _save_directly(world, scope, DEFINITION)
    preview = await _call(world, scope, "delete_playbook", name="daily")
    await _save_directly(world, scope, EDITED)  # version 2, saved by someone else meanwhile

    with pytest.raises(ConfirmationRefused, match="changed since the preview"):
        await _call(
            world,
            scope,
            "delete_playbook",
            name="daily",
            confirmation=preview.structured["confirmation"],
        )
    [kept] = await _stored(world, scope)
    assert kept.version == 2


async def test_a_confirmed_edit_does_not_overwrite_a_playbook_recreated_meanwhile() -> None:
    world = World()
    scope = await _setup(world)
    first = await _save_directly(world, scope, DEFINITION)
    preview = await _call(world, scope, "create_playbook", playbook=EDITED, replace=True)
    # Deleted and created again (version 1 again, another playbook).
    await use_cases.delete_playbook(world.store, scope.workspace.id, "daily")
    second = await _save_directly(world, scope, DEFINITION)
    assert (second.id, second.version) != (first.id, 2) and second.version == 1

    with pytest.raises(ConfirmationRefused, match="changed since the preview"):
        await _call(
            world,
            scope,
            "create_playbook",
            playbook=EDITED,
            replace=True,
            confirmation=preview.structured["confirmation"],
        )
    assert await _stored(world, scope) == [second]


async def test_a_confirmed_create_never_overwrites_one_created_meanwhile() -> None:
    world = World()
    scope = await _setup(world)
    preview = await _call(world, scope, "create_playbook", playbook=EDITED)
    other = await _save_directly(world, scope, DEFINITION)

    with pytest.raises(Conflict, match="exists"):
        await _call(
            world,
            scope,
            "create_playbook",
            playbook=EDITED,
            confirmation=preview.structured["confirmation"],
        )
    assert await _stored(world, scope) == [other]


@pytest.mark.parametrize("slow_finish", [0, 3])
async def test_one_code_used_twice_at_once_saves_exactly_once(slow_finish: int) -> None:
    world = World(confirmations=YieldingConfirmations(slow_finish))
    scope = await _setup(world)
    await _save_directly(world, scope, DEFINITION)
    preview = await _call(world, scope, "create_playbook", playbook=EDITED, replace=True)
    code = preview.structured["confirmation"]

    async def confirm() -> ToolOutput:
        return await _call(
            world, scope, "create_playbook", playbook=EDITED, replace=True, confirmation=code
        )

    outcomes = await asyncio.gather(*(confirm() for _ in range(4)), return_exceptions=True)

    saved = [o for o in outcomes if isinstance(o, ToolOutput)]
    refused = [o for o in outcomes if not isinstance(o, ToolOutput)]
    assert saved and all(o.structured["saved"]["version"] == 2 for o in saved)
    assert all(isinstance(e, ConfirmationRefused | WriteInProgress) for e in refused), refused
    [stored] = await _stored(world, scope)
    assert stored.version == 2  # not 3, 4 or 5
    statuses = [e.status for e in await _events(world, scope)]
    assert statuses.count(UsageStatus.OK) == 1
    # The others were answered with the first outcome or refused while it ran.
    assert len(saved) == 4 if slow_finish == 0 else refused


async def test_an_idempotency_key_answers_a_repeat_and_refuses_other_arguments() -> None:
    world = World()
    scope = await _setup(world)
    key = "client-key-0001"
    preview = await _call(world, scope, "create_playbook", playbook=DEFINITION, idempotency_key=key)
    assert preview.structured["idempotency_key"] == key
    code = preview.structured["confirmation"]
    first = await _call(
        world,
        scope,
        "create_playbook",
        playbook=DEFINITION,
        confirmation=code,
        idempotency_key=key,
    )

    # A repeat with the key alone (no code): the first outcome, not a new preview.
    again = await _call(world, scope, "create_playbook", playbook=DEFINITION, idempotency_key=key)
    with pytest.raises(IdempotencyConflict):
        await _call(world, scope, "create_playbook", playbook=EDITED, idempotency_key=key)

    assert again.structured == first.structured
    assert world.confirmations.issued == 1
    assert len(await _stored(world, scope)) == 1


async def test_malformed_controls_are_refused_and_read_tools_take_none() -> None:
    world = World()
    scope = await _setup(world)
    with pytest.raises(InvalidArguments, match="not a confirmation code"):
        await _call(world, scope, "create_playbook", playbook=DEFINITION, confirmation="x")
    with pytest.raises(InvalidArguments):
        await _call(world, scope, "list_playbooks", confirmation="a" * 32)
    assert world.confirmations.issued == 0
