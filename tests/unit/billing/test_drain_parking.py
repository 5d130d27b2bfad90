"""The meter drain against a fake Stripe: 5xx, 429 and network failures are retried (with the
drainer's backoff) until each event is delivered exactly once by its identifier; a 4xx is
parked with its error for an operator, listed, and re-queueable; overage records go to the
overage meter."""

from __future__ import annotations

from collections import Counter

from shopmcp_adapters.billing import DEFAULT_OVERAGE_EVENT_NAME, OutboxDrainer, StripeMeter
from shopmcp_adapters.memory import InMemoryTenantStore
from shopmcp_domain.ids import new_usage_event_id, new_workspace_id
from shopmcp_domain.services.metering import DrainReport
from shopmcp_domain.usage import MAX_METER_ATTEMPTS, MeterRecord
from tests.factories import NOW, billable_workspace, record_calls
from tests.fakes.stripe import Failure, FakeStripe


async def _drain_until_settled(drainer: OutboxDrainer, store: InMemoryTenantStore) -> list[float]:
    """Rounds until nothing is left to send; the delays the drainer asked for between them."""
    delays = []
    for _ in range(50):
        report = await drainer.run_once()
        delays.append(drainer.next_delay(report))
        if store.unsent_count() == len(await store.parked(1000)):
            return delays
    raise AssertionError("the outbox never settled")


async def test_five_failures_then_each_event_is_delivered_exactly_once_by_identifier() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_1")
    records = await record_calls(store, workspace, ok=3)
    fake = FakeStripe()
    fake.failures += [
        Failure(500, "api_error", "boom"),
        # Stripe recorded this one, then the answer was an error: the resend must not bill.
        Failure(500, "api_error", "boom after accepting", after_accepting=True),
        Failure(503, "api_error", "unavailable"),
        Failure(429, "rate_limit_error", "slow down", code="rate_limit"),
        Failure(502, "api_error", "bad gateway", after_accepting=True),
    ]
    drainer = OutboxDrainer(store, StripeMeter(fake.client()), idle_interval=1.0)

    delays = await _drain_until_settled(drainer, store)

    identifiers = {str(r.usage_event_id) for r in records}
    assert set(fake.accepted) == identifiers
    assert store.unsent_count() == 0 and await store.parked() == []
    # Every identifier was accepted once; a resend of one Stripe had taken was refused as a
    # duplicate (400 "already exists") and counted as sent.
    answers = [
        (dict(r.form)["identifier"], status)
        for r, status in zip(fake.received, fake.statuses, strict=True)
    ]
    created = Counter(identifier for identifier, status in answers if status == 200)
    duplicates = {identifier for identifier, status in answers if status == 400}
    assert {identifier for identifier, _ in answers} == identifiers
    assert all(count == 1 for count in created.values())
    # Those Stripe took before failing were refused as duplicates when resent, never created
    # a second time.
    assert set(created) | duplicates == identifiers and not set(created) & duplicates
    assert duplicates
    assert drainer.totals.sent == 3 and drainer.totals.parked == 0
    # The rounds with failures backed off, growing, and a clean round reset it.
    failing = [d for d in delays[:-1] if d > 1.0]
    assert failing == sorted(failing) and delays[-1] == 1.0


async def test_a_4xx_is_parked_with_its_error_and_requeued_by_an_operator() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_gone")
    [record] = await record_calls(store, workspace, ok=1)
    fake = FakeStripe()
    fake.failures.append(
        Failure(
            400, "invalid_request_error", "No such customer: 'cus_gone'", code="resource_missing"
        )
    )
    drainer = OutboxDrainer(store, StripeMeter(fake.client()))

    report = await drainer.run_once()

    assert report == DrainReport(sent=0, skipped=0, failed=0, parked=1)
    [parked] = await store.parked()
    assert parked.record.usage_event_id == record.usage_event_id
    assert "resource_missing" in parked.error and "400" in parked.error
    assert "sk_test" not in parked.error
    # Parked records are never claimed again: later rounds send nothing.
    assert await drainer.run_once() == DrainReport(sent=0, skipped=0, failed=0, parked=0)
    assert len(fake.received) == 1

    # The operator fixed the customer and re-queues it: delivered once.
    assert await store.requeue([record.usage_event_id]) == 1
    assert (await drainer.run_once()) == DrainReport(sent=1, skipped=0, failed=0, parked=0)
    assert await store.parked() == [] and store.unsent_count() == 0
    assert set(fake.accepted) == {str(record.usage_event_id)}


async def test_a_record_out_of_attempts_is_parked_not_dropped() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_1")
    await record_calls(store, workspace, ok=1)
    fake = FakeStripe()
    fake.down = True
    drainer = OutboxDrainer(store, StripeMeter(fake.client()))
    for _ in range(MAX_METER_ATTEMPTS):
        await drainer.run_once()
    [parked] = await store.parked()
    assert parked.attempts == MAX_METER_ATTEMPTS
    assert store.unsent_count() == 1
    fake.down = False
    assert await store.requeue() == 1
    assert (await drainer.run_once()).sent == 1  # type: ignore[union-attr]


def test_an_overage_record_goes_to_the_overage_meter() -> None:
    meter = StripeMeter(FakeStripe().client())
    included = MeterRecord(new_usage_event_id(), new_workspace_id(), 1, NOW)
    overage = MeterRecord(new_usage_event_id(), new_workspace_id(), 1, NOW, overage=True)
    assert meter.params(included, "cus_1")["event_name"] == "shopmcp_tool_call"
    assert meter.params(overage, "cus_1")["event_name"] == DEFAULT_OVERAGE_EVENT_NAME
