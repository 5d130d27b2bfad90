"""Playbooks render safely; the meter outbox drains once per usage event."""

import pytest

from shopmcp_adapters.memory import InMemoryMeter
from shopmcp_domain.errors import UpstreamError
from shopmcp_domain.ids import new_playbook_id
from shopmcp_domain.playbooks import Playbook, PlaybookArgument, PlaybookRenderError
from shopmcp_domain.services.call_tool import call_tool
from shopmcp_domain.services.metering import drain_meter_outbox
from tests.factories import ADMITTED, NOW, World, make_workspace


def _playbook(template: str, *args: PlaybookArgument) -> Playbook:
    return Playbook(
        id=new_playbook_id(),
        workspace_id=make_workspace().id,
        name="weekly-report",
        description="Weekly sales report",
        template=template,
        created_at=NOW,
        arguments=args,
    )


def test_playbooks_render_declared_arguments() -> None:
    playbook = _playbook(
        "Summarise orders since {since} for {store}.",
        PlaybookArgument("since"),
        PlaybookArgument("store", required=False),
    )
    assert playbook.render({"since": "Monday"}) == "Summarise orders since Monday for ."
    with pytest.raises(PlaybookRenderError, match="missing arguments: since"):
        playbook.render({})
    with pytest.raises(PlaybookRenderError, match="unknown arguments: x"):
        playbook.render({"since": "Monday", "x": "1"})


@pytest.mark.parametrize(
    "template", ["{since.__class__}", "{since[0]}", "{0}", "{undeclared}", "{__import__}"]
)
def test_templates_cannot_reach_into_objects_or_use_undeclared_names(template: str) -> None:
    with pytest.raises(ValueError, match="undeclared"):
        _playbook(template, PlaybookArgument("since"))


def test_values_are_inserted_verbatim_not_reinterpreted() -> None:
    playbook = _playbook("Look at {x}", PlaybookArgument("x"))
    assert playbook.render({"x": "{x.__class__}"}) == "Look at {x.__class__}"


async def _world_with_calls(ok: int, failed: int, customer: str | None) -> World:
    world = World()
    workspace, issued = await world.tenant()
    async with world.store.unit_of_work(workspace.id) as uow:
        await uow.workspaces.update(workspace.set_billing_customer(customer))
    for _ in range(ok):
        await call_tool(
            world.deps,
            await world.scope(issued.token),
            ADMITTED,
            "shopify_get_thing",
            {"thing_id": 1},
        )
    world.upstream.answer("shopify_get_thing", UpstreamError("shopify", 404, "nope"))
    for _ in range(failed):
        with pytest.raises(UpstreamError):
            await call_tool(
                world.deps,
                await world.scope(issued.token),
                ADMITTED,
                "shopify_get_thing",
                {"thing_id": 1},
            )
    return world


async def test_only_successful_calls_of_billable_workspaces_are_sent_once() -> None:
    world = await _world_with_calls(ok=3, failed=2, customer="cus_123")
    meter = InMemoryMeter()
    report = await drain_meter_outbox(world.store, meter)
    assert (report.sent, report.skipped, report.failed) == (3, 2, 0)
    assert {customer for _, customer in meter.sent.values()} == {"cus_123"}
    again = await drain_meter_outbox(world.store, meter)
    assert (again.sent, again.skipped) == (0, 0)
    assert meter.calls == 3
    assert world.store.unsent_count() == 0


async def test_a_billing_failure_is_retried_later_without_double_billing() -> None:
    world = await _world_with_calls(ok=2, failed=0, customer="cus_123")
    meter = InMemoryMeter()
    meter.fail_next = ConnectionError("stripe down")
    first = await drain_meter_outbox(world.store, meter)
    assert (first.sent, first.failed) == (1, 1)
    second = await drain_meter_outbox(world.store, meter)
    assert second.sent == 1
    assert len(meter.sent) == 2
    assert world.store.unsent_count() == 0


async def test_workspaces_without_billing_are_settled_without_a_billing_call() -> None:
    world = await _world_with_calls(ok=2, failed=0, customer=None)
    meter = InMemoryMeter()
    report = await drain_meter_outbox(world.store, meter)
    assert (report.sent, report.skipped) == (0, 2)
    assert meter.calls == 0
