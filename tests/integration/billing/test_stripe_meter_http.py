"""StripeMeter over real HTTP (the official stripe library and its httpx client) against a
fake Stripe on loopback: the exact form-encoded request, and how answers are read."""

from __future__ import annotations

import datetime as dt

import pytest

from shopmcp_adapters.billing import (
    MeterRejected,
    MeterUnavailable,
    StripeMeter,
    stripe_outbox_drainer,
)
from shopmcp_adapters.memory import InMemoryTenantStore
from shopmcp_domain.ids import UsageEventId, new_usage_event_id, new_workspace_id
from shopmcp_domain.usage import MeterRecord
from tests.factories import billable_workspace, record_calls
from tests.fakes.stripe import API_KEY, Failure, FakeStripe


def a_record(quantity: int = 1) -> MeterRecord:
    return MeterRecord(
        usage_event_id=UsageEventId(new_usage_event_id()),
        workspace_id=new_workspace_id(),
        quantity=quantity,
        created_at=dt.datetime(2026, 3, 4, 5, 6, 7, 890_000, tzinfo=dt.UTC),
    )


async def test_the_request_is_exactly_stripes_meter_event_form(
    fake: FakeStripe, meter: StripeMeter
) -> None:
    record = a_record()
    await meter.send(record, "cus_Nz1")
    (request,) = fake.received
    assert (request.method, request.path) == ("POST", "/v1/billing/meter_events")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sorted(request.form) == sorted(
        [
            ("event_name", "shopmcp_tool_call"),
            ("payload[stripe_customer_id]", "cus_Nz1"),
            ("payload[value]", "1"),
            ("identifier", str(record.usage_event_id)),
            ("timestamp", str(int(dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC).timestamp()))),
        ]
    )


async def test_a_duplicate_identifier_answer_is_treated_as_sent(
    fake: FakeStripe, meter: StripeMeter
) -> None:
    record = a_record()
    await meter.send(record, "cus_Nz1")
    await meter.send(record, "cus_Nz1")  # 400 "An event already exists with identifier ..."
    assert len(fake.received) == 2
    assert set(fake.accepted) == {str(record.usage_event_id)}


async def test_a_server_error_is_retryable_and_a_bad_key_is_not(
    fake: FakeStripe, meter: StripeMeter
) -> None:
    fake.failures.append(Failure(500, "api_error", "An unknown error occurred"))
    with pytest.raises(MeterUnavailable):
        await meter.send(a_record(), "cus_Nz1")
    fake.failures.append(
        Failure(401, "invalid_request_error", "Invalid API Key provided: sk_test_****Only")
    )
    with pytest.raises(MeterRejected) as rejected:
        await meter.send(a_record(), "cus_Nz1")
    assert "sk_test" not in str(rejected.value)
    # Another refusal that says "already exists" but not of our identifier is not swallowed.
    fake.failures.append(
        Failure(400, "invalid_request_error", "An event already exists with identifier x.")
    )
    with pytest.raises(MeterRejected):
        await meter.send(a_record(), "cus_Nz1")


async def test_the_drainer_delivers_an_outbox_through_http_once_per_event(
    fake: FakeStripe,
) -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_Nz1")
    records = await record_calls(store, workspace, ok=3, failed=1)
    # Two 503s: the library's one network retry absorbs neither, so one record fails and
    # stays in the outbox for the next round.
    fake.failures += [Failure(503, "api_error", "Service unavailable")] * 2
    drainer = stripe_outbox_drainer(store, API_KEY, "calls", api_base=fake.base_url)
    assert drainer is not None
    try:
        first = await drainer.run_once()
        second = await drainer.run_once()
    finally:
        await drainer.stop()
    assert first is not None and (first.sent, first.skipped, first.failed) == (2, 1, 1)
    assert second is not None and (second.sent, second.failed) == (1, 0)
    billed = {str(r.usage_event_id) for r in records if r.quantity}
    assert set(fake.accepted) == billed
    assert all(dict(r.form)["event_name"] == "calls" for r in fake.received)
    assert store.unsent_count() == 0
    # The library's retry reused the failed request's idempotency key.
    failed_once, retried = fake.received[0], fake.received[1]
    assert failed_once.body == retried.body
    assert failed_once.headers["idempotency-key"] == retried.headers["idempotency-key"]


async def test_one_server_error_is_absorbed_by_the_librarys_retry(fake: FakeStripe) -> None:
    meter = StripeMeter.from_api_key(API_KEY, api_base=fake.base_url, max_network_retries=1)
    try:
        fake.failures.append(Failure(503, "api_error", "Service unavailable"))
        await meter.send(a_record(), "cus_Nz1")
    finally:
        await meter.aclose()
    assert len(fake.received) == 2 and len(fake.accepted) == 1
