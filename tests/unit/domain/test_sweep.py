"""The sweep on the in-memory store: an erased workspace goes whole once its window passes
(not before), history past the plan's retention goes, and a second pass removes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from shopmcp_adapters.memory import (
    FakeClock,
    FakeVault,
    InMemoryConfirmationStore,
    InMemoryTenantStore,
)
from shopmcp_domain.audit import Actor
from shopmcp_domain.confirmations import (
    Confirmation,
    IdempotentWrite,
    WriteOutcome,
    WriteState,
    hash_code,
)
from shopmcp_domain.ids import new_connection_id, new_key_id
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.retention import history_retention
from shopmcp_domain.services.erasure import request_erasure
from shopmcp_domain.services.sweep import sweep
from shopmcp_domain.usage import MeterRecord, UsageEvent
from tests.factories import NOW, make_workspace
from tests.ports.tenant_store import usage_event


async def test_an_erased_workspace_goes_whole_only_after_its_window() -> None:
    store, clock = InMemoryTenantStore(), FakeClock(NOW)
    doomed, kept = make_workspace(), make_workspace()
    for workspace in (doomed, kept):
        async with store.unit_of_work(workspace.id) as uow:
            await uow.workspaces.add(workspace)
    await request_erasure(store, FakeVault(), clock, doomed.id, Actor.cli())

    early = await sweep(store, clock, now=NOW + dt.timedelta(days=29))
    assert early.erased_workspaces == ()
    assert store.partition(doomed.id) is not None

    late = await sweep(store, clock, now=NOW + dt.timedelta(days=30, seconds=1))
    assert late.erased_workspaces == (doomed.id,)
    assert store.partition(doomed.id) is None
    assert store.partition(kept.id) is not None

    again = await sweep(store, clock, now=NOW + dt.timedelta(days=30, seconds=1))
    assert again.erased_workspaces == ()


async def test_a_shorter_window_erases_sooner_and_a_negative_one_is_refused() -> None:
    store, clock = InMemoryTenantStore(), FakeClock(NOW)
    doomed = make_workspace()
    async with store.unit_of_work(doomed.id) as uow:
        await uow.workspaces.add(doomed)
    await request_erasure(store, FakeVault(), clock, doomed.id, Actor.cli())

    with pytest.raises(ValueError, match="negative"):
        await sweep(store, clock, erasure_window=dt.timedelta(days=-1))
    report = await sweep(
        store, clock, now=NOW + dt.timedelta(days=1, seconds=1), erasure_window=dt.timedelta(days=1)
    )
    assert report.erased_workspaces == (doomed.id,)


@pytest.mark.parametrize("plan", list(PlanTier))
async def test_history_is_kept_exactly_for_the_plans_retention(plan: PlanTier) -> None:
    store, clock = InMemoryTenantStore(), FakeClock(NOW)
    workspace = make_workspace(plan)
    retention = history_retention(plan)
    at = NOW + retention + dt.timedelta(days=1)
    just_old = usage_event(workspace.id, at - retention - dt.timedelta(seconds=1))
    just_young = usage_event(workspace.id, at - retention + dt.timedelta(seconds=1))
    async with store.unit_of_work(workspace.id) as uow:
        await uow.workspaces.add(workspace)
    for event in (just_old, just_young):
        async with store.unit_of_work(workspace.id) as uow:
            await uow.usage.record(event, _sent_meter(event))
    await _settle(store)

    report = await sweep(store, clock, now=at)

    assert report.history.usage_events == 1
    async with store.unit_of_work(workspace.id) as uow:
        assert [e.id for e in await uow.usage.recent()] == [just_young.id]


def test_every_plan_keeps_history_at_least_as_long_as_the_security_page_says() -> None:
    # "30 days of audit history" is the smallest plan's promise.
    assert all(history_retention(plan) >= dt.timedelta(days=30) for plan in PlanTier)


def _sent_meter(event: UsageEvent) -> MeterRecord:
    return MeterRecord(event.id, event.workspace_id, 1, event.created_at)


async def _settle(store: InMemoryTenantStore) -> None:
    while pending := await store.claim(100):
        await store.mark_sent([p.record.usage_event_id for p in pending])


async def test_the_sweep_drops_expired_confirmations_and_kept_write_results() -> None:
    store, clock = InMemoryTenantStore(), FakeClock(NOW)
    confirmations = InMemoryConfirmationStore()
    workspace = make_workspace()
    confirmation, code = Confirmation.issue(
        workspace_id=workspace.id,
        key_id=new_key_id(),
        tool="shopify_update_product",
        connection_id=new_connection_id(),
        arguments_digest="a" * 64,
        policy_version="b" * 64,
        now=NOW,
    )
    await confirmations.issue(confirmation)
    claim = IdempotentWrite.claim(
        workspace_id=workspace.id,
        idempotency_key="kept-result-1",
        tool="shopify_update_product",
        arguments_digest="a" * 64,
        now=NOW,
    )
    await confirmations.claim(claim)
    await confirmations.finish(
        workspace.id,
        "kept-result-1",
        WriteState.SUCCEEDED,
        WriteOutcome.succeeded({"title": "x"}, "ok"),
    )
    within = await sweep(store, clock, now=NOW + dt.timedelta(hours=1), confirmations=confirmations)
    assert within.write_confirmations == 1  # the 5-minute confirmation; the result is kept
    assert await confirmations.find(workspace.id, hash_code(code)) is None
    after = await sweep(store, clock, now=NOW + dt.timedelta(hours=25), confirmations=confirmations)
    assert after.write_confirmations == 1
    assert await confirmations.written(workspace.id, "kept-result-1", NOW) is None
    assert "expired write confirmations, approvals and kept write results: 1" in after.lines()


def test_the_default_window_and_the_workers_interval_meet_the_30_day_promise() -> None:
    # The security page: erasure "within 30 days". A request becomes due at the window and is
    # erased by the next sweep, at most one interval later.
    from shopmcp_domain.erasure import ERASURE_DEADLINE
    from shopmcp_domain.retention import DEFAULT_ERASURE_WINDOW
    from shopmcp_entrypoints.settings import Settings

    interval = dt.timedelta(seconds=Settings.model_fields["sweep_interval_seconds"].default)
    assert DEFAULT_ERASURE_WINDOW + interval <= ERASURE_DEADLINE
    assert dt.timedelta(days=30) == ERASURE_DEADLINE
