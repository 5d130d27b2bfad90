"""The outbox drain worker: sends each billable record once, retries without double
billing, skips what is not billable, backs off, and starts/stops cleanly."""

from __future__ import annotations

import asyncio

import pytest

from shopmcp_adapters.billing import OutboxDrainer, StripeMeter, stripe_outbox_drainer
from shopmcp_adapters.memory import InMemoryMeter, InMemoryTenantStore
from shopmcp_domain.services.metering import DrainReport
from tests.factories import billable_workspace, record_calls
from tests.fakes.stripe import Failure, FakeStripe


async def test_each_billable_record_is_sent_exactly_once() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_1")
    records = await record_calls(store, workspace, ok=3)
    meter = InMemoryMeter()
    drainer = OutboxDrainer(store, meter)
    assert await drainer.run_once() == DrainReport(sent=3, skipped=0, failed=0)
    assert await drainer.run_once() == DrainReport(sent=0, skipped=0, failed=0)
    assert meter.calls == 3
    assert set(meter.sent) == {r.usage_event_id for r in records}
    assert store.unsent_count() == 0


async def test_zero_quantity_and_customerless_records_are_settled_without_a_call() -> None:
    store = InMemoryTenantStore()
    billed = await billable_workspace(store, "cus_1")
    unbilled = await billable_workspace(store, None)
    await record_calls(store, billed, ok=1, failed=2)
    await record_calls(store, unbilled, ok=2)
    meter = InMemoryMeter()
    report = await OutboxDrainer(store, meter).run_once()
    assert report == DrainReport(sent=1, skipped=4, failed=0)
    assert meter.calls == 1
    assert store.unsent_count() == 0


async def test_a_failure_is_retried_and_a_lost_response_never_bills_twice() -> None:
    """Stripe accepted the event but the answer was lost (a timeout): the record stays in
    the outbox, the resend is refused as a duplicate identifier, and that counts as sent."""
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_1")
    records = await record_calls(store, workspace, ok=2)
    fake = FakeStripe()
    fake.transport.lose_next_answer = True
    drainer = OutboxDrainer(store, StripeMeter(fake.client()))
    first = await drainer.run_once()
    assert first == DrainReport(sent=1, skipped=0, failed=1)
    assert store.unsent_count() == 1
    second = await drainer.run_once()
    assert second == DrainReport(sent=1, skipped=0, failed=0)
    assert store.unsent_count() == 0
    # Three requests, two billed events: one per usage event id.
    assert len(fake.received) == 3
    assert set(fake.accepted) == {str(r.usage_event_id) for r in records}


async def test_a_failing_meter_does_not_lose_records() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_1")
    await record_calls(store, workspace, ok=2)
    fake = FakeStripe()
    fake.failures += [Failure(500, "api_error", "boom") for _ in range(4)]
    drainer = OutboxDrainer(store, StripeMeter(fake.client()))
    assert (await drainer.run_once()).failed == 2  # type: ignore[union-attr]
    assert (await drainer.run_once()).failed == 2  # type: ignore[union-attr]
    assert store.unsent_count() == 2
    assert (await drainer.run_once()).sent == 2  # type: ignore[union-attr]
    assert store.unsent_count() == 0 and len(fake.accepted) == 2


def test_backoff_grows_on_failure_resets_on_success_and_skips_waiting_on_a_full_batch() -> None:
    drainer = OutboxDrainer(
        InMemoryTenantStore(), InMemoryMeter(), batch_size=10, idle_interval=2, max_backoff=20
    )
    failed = DrainReport(sent=3, skipped=0, failed=1)
    assert [drainer.next_delay(failed) for _ in range(5)] == [2, 4, 8, 16, 20]
    assert drainer.next_delay(None) == 20  # the round itself raised
    assert drainer.next_delay(DrainReport(sent=4, skipped=6, failed=0)) == 0  # full batch
    assert drainer.next_delay(DrainReport(sent=1, skipped=0, failed=0)) == 2  # idle again
    assert drainer.next_delay(failed) == 2  # the backoff starts over


class BrokenOutbox(InMemoryTenantStore):
    async def claim(self, limit: int):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("database down")


async def test_a_round_that_raises_is_survived() -> None:
    drainer = OutboxDrainer(BrokenOutbox(), InMemoryMeter())
    assert await drainer.run_once() is None
    assert drainer.next_delay(None) == 5.0


async def test_the_background_task_drains_new_records_and_stops_promptly() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_1")
    meter = InMemoryMeter()
    closed = asyncio.Event()

    async def on_stop() -> None:
        closed.set()

    drainer = OutboxDrainer(store, meter, idle_interval=0.01, on_stop=on_stop)
    drainer.start()
    assert drainer.running
    with pytest.raises(RuntimeError):
        drainer.start()
    await record_calls(store, workspace, ok=3)
    for _ in range(200):
        if len(meter.sent) == 3:
            break
        await asyncio.sleep(0.01)
    assert len(meter.sent) == 3
    await asyncio.wait_for(drainer.stop(), 1.0)
    assert not drainer.running and closed.is_set()
    await record_calls(store, workspace, ok=1)
    await asyncio.sleep(0.05)
    assert len(meter.sent) == 3  # nothing runs after stop


async def test_stop_waits_out_a_long_idle_sleep_without_delay() -> None:
    drainer = OutboxDrainer(
        InMemoryTenantStore(), InMemoryMeter(), idle_interval=3600, max_backoff=3600
    )
    drainer.start()
    await asyncio.sleep(0.01)
    await asyncio.wait_for(drainer.stop(), 0.5)
    assert drainer.rounds == 1


async def test_a_stuck_round_is_cancelled_after_the_stop_timeout() -> None:
    class StuckOutbox(InMemoryTenantStore):
        async def claim(self, limit: int):  # type: ignore[no-untyped-def]
            await asyncio.sleep(3600)

    drainer = OutboxDrainer(StuckOutbox(), InMemoryMeter(), stop_timeout=0.05)
    drainer.start()
    await asyncio.sleep(0.01)
    await asyncio.wait_for(drainer.stop(), 1.0)
    assert not drainer.running


async def test_without_a_stripe_key_nothing_runs_and_the_outbox_accumulates() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_1")
    await record_calls(store, workspace, ok=2)
    assert stripe_outbox_drainer(store, None) is None
    assert stripe_outbox_drainer(store, "") is None
    assert store.unsent_count() == 2


async def test_with_a_stripe_key_the_drainer_is_built_but_not_started() -> None:
    drainer = stripe_outbox_drainer(InMemoryTenantStore(), "sk_test_123", "calls")
    assert drainer is not None and not drainer.running
    await drainer.stop()  # closes the meter's HTTP client even though it never started
