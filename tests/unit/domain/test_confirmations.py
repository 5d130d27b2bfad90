"""Write confirmations bound to the exact call, and idempotent writes: the use case against the
in-memory fakes. Every refusal here must also leave the fake upstream untouched."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from shopmcp_adapters.upstreams.shopify import PACKAGE as SHOPIFY
from shopmcp_domain.confirmations import (
    MAX_STORED_RESULT_BYTES,
    WriteOutcome,
    arguments_digest,
    hash_code,
)
from shopmcp_domain.errors import (
    ConfirmationRefused,
    IdempotencyConflict,
    InvalidArguments,
    UpstreamError,
    UsageStatus,
    WriteAlreadyExecuted,
    WriteFieldRejected,
)
from shopmcp_domain.ids import new_connection_id
from shopmcp_domain.keys import issue_key
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.services.call_tool import call_tool
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_domain.workspaces import Workspace
from tests.factories import ADMITTED, NOW, UpdateThingInput, World

TOOL = "shopify_update_thing"
ARGS: dict[str, Any] = {"thing_id": 7, "title": "New title"}


async def _setup(
    platforms: tuple[Platform, ...] = (Platform.SHOPIFY,),
) -> tuple[World, Workspace, RequestScope]:
    world = World()
    workspace, issued = await world.tenant(
        platforms=platforms, write_enabled=frozenset({Platform.SHOPIFY})
    )
    return world, workspace, await world.scope(issued.token)


async def _call(world: World, scope: RequestScope, name: str, args: dict[str, Any]) -> ToolOutput:
    return await call_tool(world.deps, scope, ADMITTED, name, args)


async def _preview(world: World, scope: RequestScope, args: dict[str, Any] = ARGS) -> str:
    out = await _call(world, scope, TOOL, args)
    assert out.structured["status"] == "confirmation_required"
    code = out.structured["confirmation"]
    assert isinstance(code, str)
    return code


async def _statuses(world: World, workspace: Workspace) -> list[UsageStatus]:
    async with world.store.unit_of_work(workspace.id) as uow:
        return sorted(e.status for e in await uow.usage.recent(100))


async def test_the_first_call_previews_and_sends_nothing() -> None:
    world, workspace, scope = await _setup()
    out = await _call(world, scope, TOOL, ARGS)
    assert world.upstream.calls == []
    preview = out.structured
    assert preview["changes"] == {"thing_id": 7, "title": "New title"}
    assert preview["store"] == scope.connections[0].label
    assert preview["platform"] == "shopify" and preview["tool"] == TOOL
    assert dt.datetime.fromisoformat(preview["expires_at"]) == NOW + dt.timedelta(minutes=5)
    assert preview["confirmation"] in out.text and "Nothing has been changed" in out.text
    assert await _statuses(world, workspace) == [UsageStatus.CONFIRMATION_REQUIRED]


async def test_the_code_is_stored_only_hashed() -> None:
    world, workspace, scope = await _setup()
    code = await _preview(world, scope)
    stored = await world.confirmations.find(workspace.id, hash_code(code))
    assert stored is not None and stored.code_hash == hash_code(code)
    assert code not in repr(stored) and code not in repr(world.confirmations.__dict__)


async def test_the_confirmed_call_runs_exactly_that_call_once() -> None:
    world, _, scope = await _setup()
    code = await _preview(world, scope)
    out = await _call(world, scope, TOOL, {**ARGS, "confirmation": code})
    assert out.structured["tool"] == TOOL
    [sent] = world.upstream.calls
    # The gateway's write arguments never reach the tool's model (or the whitelist).
    assert sent.arguments == UpdateThingInput(thing_id=7, title="New title")


@pytest.mark.parametrize(
    "changed",
    [
        {"thing_id": 8, "title": "New title"},
        {"thing_id": 7, "title": "Other title"},
        {"thing_id": 7, "title": "New title", "status": "draft"},
        {"thing_id": 7},
    ],
    ids=["locator", "value", "added-field", "dropped-field"],
)
async def test_a_changed_argument_is_refused_and_nothing_is_sent(changed: dict[str, Any]) -> None:
    world, _, scope = await _setup()
    code = await _preview(world, scope)
    with pytest.raises(ConfirmationRefused, match="arguments differ"):
        await _call(world, scope, TOOL, {**changed, "confirmation": code})
    assert world.upstream.calls == []


async def test_the_same_arguments_in_another_order_or_spelling_are_the_same_call() -> None:
    world, _, scope = await _setup()
    code = await _preview(world, scope, {"title": "New title", "thing_id": 7})
    await _call(world, scope, TOOL, {"thing_id": 7, "title": "New title", "confirmation": code})
    assert len(world.upstream.calls) == 1


async def test_another_store_is_a_changed_call() -> None:
    world, workspace, scope = await _setup(platforms=())
    await world.connect(workspace.id, Platform.SHOPIFY, "a.myshopify.com", display_name="A")
    await world.connect(workspace.id, Platform.SHOPIFY, "b.myshopify.com", display_name="B")
    scope = await world.scope(world.tokens[workspace.id])
    code = await _preview(world, scope, {**ARGS, "store": "A"})
    with pytest.raises(ConfirmationRefused, match="arguments differ"):
        await _call(world, scope, TOOL, {**ARGS, "store": "B", "confirmation": code})
    assert world.upstream.calls == []


async def test_a_late_confirmation_is_refused() -> None:
    world, _, scope = await _setup()
    code = await _preview(world, scope)
    world.clock.advance(5 * 60)
    with pytest.raises(ConfirmationRefused, match="expired"):
        await _call(world, scope, TOOL, {**ARGS, "confirmation": code})
    assert world.upstream.calls == []


async def test_a_confirmation_just_in_time_runs() -> None:
    world, _, scope = await _setup()
    code = await _preview(world, scope)
    world.clock.advance(5 * 60 - 1)
    await _call(world, scope, TOOL, {**ARGS, "confirmation": code})
    assert len(world.upstream.calls) == 1


async def test_a_reused_confirmation_for_another_call_is_refused() -> None:
    world, _, scope = await _setup()
    code = await _preview(world, scope)
    await _call(world, scope, TOOL, {**ARGS, "confirmation": code})
    with pytest.raises(ConfirmationRefused):
        await _call(world, scope, TOOL, {"thing_id": 9, "title": "x", "confirmation": code})
    assert len(world.upstream.calls) == 1


async def test_a_confirmation_of_another_key_is_refused() -> None:
    world, workspace, scope = await _setup()
    code = await _preview(world, scope)
    other = issue_key(workspace.id, NOW, scope.key.scopes)
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.keys.add(other.key)
    other_scope = await world.scope(other.token)
    with pytest.raises(ConfirmationRefused, match="another MCP key"):
        await _call(world, other_scope, TOOL, {**ARGS, "confirmation": code})
    assert world.upstream.calls == []
    # ...and it is burnt: single use means the first presenter used it up.
    with pytest.raises(ConfirmationRefused):
        await _call(world, scope, TOOL, {**ARGS, "confirmation": code})
    assert world.upstream.calls == []


async def test_a_confirmation_of_another_workspace_is_unknown() -> None:
    world, _, scope = await _setup()
    code = await _preview(world, scope)
    _, issued = await world.tenant(write_enabled=frozenset({Platform.SHOPIFY}))
    stranger = await world.scope(issued.token)
    with pytest.raises(ConfirmationRefused, match="no such confirmation"):
        await _call(world, stranger, TOOL, {**ARGS, "confirmation": code})
    assert world.upstream.calls == []


async def test_a_confirmation_for_another_tool_is_refused() -> None:
    world, _, scope = await _setup(platforms=(Platform.SHOPIFY, Platform.BIGCOMMERCE))
    world.writes_locked = frozenset()
    async with world.store.unit_of_work(scope.workspace.id) as uow:
        current = await uow.workspaces.get()
        assert current is not None
        await uow.workspaces.update(current.enable_writes(Platform.BIGCOMMERCE))
    scope = await world.scope(world.tokens[scope.workspace.id])
    code = await _preview(world, scope)
    with pytest.raises(ConfirmationRefused, match="another tool"):
        await _call(world, scope, "bigcommerce_update_thing", {**ARGS, "confirmation": code})
    assert world.upstream.calls == []


async def test_a_write_policy_change_invalidates_pending_confirmations() -> None:
    world, workspace, scope = await _setup()
    code = await _preview(world, scope)
    async with world.store.unit_of_work(workspace.id) as uow:
        current = await uow.workspaces.get()
        assert current is not None
        await uow.workspaces.update(current.enable_writes(Platform.BIGCOMMERCE))
    scope = await world.scope(world.tokens[workspace.id])
    with pytest.raises(ConfirmationRefused, match="write settings changed"):
        await _call(world, scope, TOOL, {**ARGS, "confirmation": code})
    assert world.upstream.calls == []


@pytest.mark.parametrize(
    "bad", ["", "x" * 31, "x" * 33, "a b" * 11, 12345, None.__class__.__name__ * 8]
)
async def test_a_malformed_code_is_invalid_arguments(bad: object) -> None:
    world, _, scope = await _setup()
    with pytest.raises(InvalidArguments, match="confirmation"):
        await _call(world, scope, TOOL, {**ARGS, "confirmation": bad})
    assert world.upstream.calls == []


async def test_the_whitelist_still_applies_to_a_confirmed_call() -> None:
    world, _, scope = await _setup()
    code = await _preview(world, scope)
    with pytest.raises(WriteFieldRejected):
        await _call(world, scope, TOOL, {**ARGS, "password": "x", "confirmation": code})
    assert world.upstream.calls == []


async def test_reads_do_not_accept_a_confirmation() -> None:
    world, _, scope = await _setup()
    with pytest.raises(InvalidArguments):
        await _call(world, scope, "shopify_get_thing", {"thing_id": 1, "confirmation": "x" * 32})


# --------------------------------------------------------------------------- idempotency


async def test_a_repeated_client_key_returns_the_first_result_and_sends_nothing() -> None:
    world, workspace, scope = await _setup()
    keyed = {**ARGS, "idempotency_key": "order-7-title-v2"}
    code = await _preview(world, scope, keyed)
    first = await _call(world, scope, TOOL, {**keyed, "confirmation": code})
    # Without a code: the key alone finds the first outcome (no new preview, no request).
    again = await _call(world, scope, TOOL, keyed)
    # With a fresh confirmation of the same call: still the first outcome.
    code2 = await _preview(world, scope, {**ARGS})
    with_new_code = await _call(world, scope, TOOL, {**keyed, "confirmation": code2})
    assert again.structured == first.structured == with_new_code.structured
    assert len(world.upstream.calls) == 1
    assert world.upstream.calls[0].idempotency_key == "order-7-title-v2"
    statuses = await _statuses(world, workspace)
    assert statuses.count(UsageStatus.REPLAYED) == 2 and statuses.count(UsageStatus.OK) == 1


async def test_a_client_key_reused_for_another_write_is_refused() -> None:
    world, _, scope = await _setup()
    keyed = {**ARGS, "idempotency_key": "my-key-0001"}
    code = await _preview(world, scope, keyed)
    await _call(world, scope, TOOL, {**keyed, "confirmation": code})
    other = {"thing_id": 7, "title": "Different", "idempotency_key": "my-key-0001"}
    with pytest.raises(IdempotencyConflict):
        await _call(world, scope, TOOL, other)
    assert len(world.upstream.calls) == 1


async def test_a_failed_write_is_replayed_as_its_failure() -> None:
    world, _, scope = await _setup()
    world.upstream.answer(TOOL, UpstreamError("shopify", 422, "Title is too long"))
    code = await _preview(world, scope)
    with pytest.raises(UpstreamError):
        await _call(world, scope, TOOL, {**ARGS, "confirmation": code})
    with pytest.raises(WriteAlreadyExecuted, match="it failed"):
        await _call(world, scope, TOOL, {**ARGS, "confirmation": code})
    assert len(world.upstream.calls) == 1


async def test_a_kept_outcome_is_redacted_and_bounded() -> None:
    kept = WriteOutcome.succeeded({"note": "token: shpat_0123456789abcdef"}, "Bearer abcdefghijk")
    assert "shpat_0123456789abcdef" not in str(kept.structured)
    assert "abcdefghijk" not in kept.text
    big = WriteOutcome.succeeded({"blob": "x" * MAX_STORED_RESULT_BYTES}, "ok")
    assert big.structured is None and "too large" in big.text


async def test_the_digest_ignores_nothing_that_is_sent() -> None:
    connection = new_connection_id()
    base = arguments_digest(UpdateThingInput(thing_id=1, title="a"), connection)
    assert base == arguments_digest(UpdateThingInput(title="a", thing_id=1), connection)
    assert base != arguments_digest(UpdateThingInput(thing_id=1, title="b"), connection)
    assert base != arguments_digest(UpdateThingInput(thing_id=1, title="a"), new_connection_id())


# --------------------------------------------------------------------------- the opt-out


async def test_an_owner_opt_out_runs_writes_on_the_first_call_still_idempotently() -> None:
    world, workspace, _ = await _setup()
    async with world.store.unit_of_work(workspace.id) as uow:
        current = await uow.workspaces.get()
        assert current is not None
        await uow.workspaces.update(current.set_confirmation(Platform.SHOPIFY, on=False))
    scope = await world.scope(world.tokens[workspace.id])
    keyed = {**ARGS, "idempotency_key": "no-confirm-01"}
    first = await _call(world, scope, TOOL, keyed)
    again = await _call(world, scope, TOOL, keyed)
    assert first.structured["tool"] == TOOL and again.structured == first.structured
    assert len(world.upstream.calls) == 1
    # Other platforms are still confirmed.
    assert workspace.confirms_writes(Platform.BIGCOMMERCE)


# --------------------------------------------------------------------------- before -> after


async def _shopify_world() -> tuple[World, RequestScope]:
    world = World(registry=ToolRegistry(SHOPIFY.specs))
    _, issued = await world.tenant(write_enabled=frozenset({Platform.SHOPIFY}))
    return world, await world.scope(issued.token)


async def test_the_preview_shows_current_values_read_by_the_tools_own_read() -> None:
    world, scope = await _shopify_world()
    world.upstream.answer(
        "shopify_get_product",
        ToolOutput(
            structured={"id": "gid://shopify/Product/1", "title": "Old tee", "vendor": "Acme"},
            text="",
        ),
    )
    args = {"product_id": 8000000000001, "title": "New tee"}
    out = await _call(world, scope, "shopify_update_product", args)
    assert out.structured["before"] == {"title": "Old tee"}
    assert out.structured["changes"]["title"] == "New tee"
    assert "<untrusted-text source=\"shopify\">title: 'Old tee'</untrusted-text>" in out.text
    [read] = world.upstream.calls
    assert read.tool.name == "shopify_get_product" and not read.tool.is_write
    assert str(read.arguments.model_dump()["product_id"]).endswith("8000000000001")


async def test_a_failed_current_read_still_previews_without_before() -> None:
    world, scope = await _shopify_world()
    world.upstream.answer("shopify_get_product", UpstreamError("shopify", 500, "down"))
    out = await _call(world, scope, "shopify_update_product", {"product_id": 1, "title": "x"})
    assert out.structured["status"] == "confirmation_required"
    assert out.structured["before"] is None
    assert not any(c.tool.is_write for c in world.upstream.calls)


def test_a_current_values_read_is_declared_only_within_the_writes_own_fields() -> None:
    spec = next(s for s in SHOPIFY.specs if s.name == "shopify_update_product")
    assert spec.current is not None
    for bad in (
        attrs.evolve(spec.current, read="bigcommerce_get_product"),
        attrs.evolve(spec.current, arguments={"product_id": "title"}),
        attrs.evolve(spec.current, fields={"sku": "sku"}),
    ):
        with pytest.raises(ValueError, match="current"):
            attrs.evolve(spec, current=bad)
