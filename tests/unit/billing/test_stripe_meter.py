"""StripeMeter: the request it makes and how it reads Stripe's answers, through the real
stripe library into the fake Stripe in process (no sockets; ``tests/integration/billing``
sends the same over loopback HTTP)."""

from __future__ import annotations

import datetime as dt

import pytest
import stripe

from shopmcp_adapters.billing import (
    MeterError,
    MeterRejected,
    MeterUnavailable,
    StripeMeter,
    is_duplicate_identifier,
)
from shopmcp_adapters.memory import InMemoryTenantStore
from shopmcp_domain.limit_ports import Meter
from tests.factories import billable_workspace, record_calls
from tests.fakes.stripe import Failure, FakeStripe


def test_it_satisfies_the_port() -> None:
    meter: Meter = StripeMeter(FakeStripe().client(), "tool_calls")
    assert callable(meter.send)


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_the_event_name_must_be_one_stripe_accepts(name: str) -> None:
    with pytest.raises(ValueError, match="event name"):
        StripeMeter(FakeStripe().client(), name)


async def test_sends_event_name_customer_value_identifier_and_timestamp() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_123")
    (record,) = await record_calls(store, workspace, ok=1)
    fake = FakeStripe()
    await StripeMeter(fake.client(), "shopmcp_calls").send(record, "cus_123")
    (request,) = fake.received
    assert (request.method, request.path) == ("POST", "/v1/billing/meter_events")
    assert sorted(request.form) == sorted(
        [
            ("event_name", "shopmcp_calls"),
            ("payload[stripe_customer_id]", "cus_123"),
            ("payload[value]", "1"),
            ("identifier", str(record.usage_event_id)),
            ("timestamp", str(int(record.created_at.astimezone(dt.UTC).timestamp()))),
        ]
    )


async def test_a_duplicate_identifier_counts_as_sent() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_123")
    (record,) = await record_calls(store, workspace, ok=1)
    fake = FakeStripe()
    meter = StripeMeter(fake.client())
    await meter.send(record, "cus_123")
    await meter.send(record, "cus_123")  # Stripe answers 400 "already exists": fine
    assert len(fake.received) == 2 and len(fake.accepted) == 1


def _invalid(
    message: str, code: str | None = None, param: str | None = None, status: int = 400
) -> stripe.InvalidRequestError:
    # stripe's error constructors carry no annotations (the library's typing gap).
    return stripe.InvalidRequestError(  # type: ignore[no-untyped-call]
        message, param, code, http_status=status
    )


@pytest.mark.parametrize(
    ("error", "duplicate"),
    [
        (_invalid("An event already exists with identifier evt-1."), True),
        (_invalid("already exists", code="resource_already_exists", param="identifier"), True),
        # Another event's identifier, another resource, another status: not ours to swallow.
        (_invalid("An event already exists with identifier evt-2."), False),
        (_invalid("Customer already exists", code="resource_already_exists"), False),
        (_invalid("No active meter found for event_name shopmcp_tool_call"), False),
        (_invalid("An event already exists with identifier evt-1.", status=404), False),
        (stripe.APIError("An event already exists with identifier evt-1.", http_status=500), False),
    ],
)
def test_only_a_refusal_of_this_very_identifier_is_a_duplicate(
    error: stripe.StripeError, duplicate: bool
) -> None:
    assert is_duplicate_identifier(error, "evt-1") is duplicate


@pytest.mark.parametrize(
    ("answer", "mapped"),
    [
        ("connection refused", MeterUnavailable),
        (Failure(429, "rate_limit_error", "Too many requests"), MeterUnavailable),
        (Failure(500, "api_error", "boom"), MeterUnavailable),
        (Failure(401, "invalid_request_error", "Invalid API Key provided"), MeterRejected),
        (Failure(403, "invalid_request_error", "nope"), MeterRejected),
        (
            Failure(
                400,
                "invalid_request_error",
                "No active meter found for event_name x",
                code="resource_missing",
            ),
            MeterRejected,
        ),
    ],
)
async def test_other_errors_are_mapped_by_whether_a_retry_can_help(
    answer: Failure | str, mapped: type[MeterError]
) -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_123")
    (record,) = await record_calls(store, workspace, ok=1)
    fake = FakeStripe()
    if isinstance(answer, Failure):
        fake.failures.append(answer)
    else:
        fake.transport.refused_connections = 1
    with pytest.raises(mapped) as raised:
        await StripeMeter(fake.client()).send(record, "cus_123")
    assert raised.value.retryable is (mapped is MeterUnavailable)


async def test_errors_never_carry_the_api_key() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_123")
    (record,) = await record_calls(store, workspace, ok=1)
    fake = FakeStripe()
    fake.failures.append(
        Failure(401, "invalid_request_error", "Invalid API Key provided: sk_test_****abcd")
    )
    with pytest.raises(MeterRejected) as raised:
        await StripeMeter(fake.client()).send(record, "cus_123")
    assert "sk_test" not in str(raised.value)
    assert "AuthenticationError" in str(raised.value)


async def test_an_outage_is_worth_retrying_and_nothing_is_billed_until_it_ends() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_123")
    (record,) = await record_calls(store, workspace, ok=1)
    fake = FakeStripe(down=True)
    meter = StripeMeter(fake.client())
    with pytest.raises(MeterUnavailable):
        await meter.send(record, "cus_123")
    assert fake.accepted == {}
    fake.down = False
    await meter.send(record, "cus_123")
    assert list(fake.accepted) == [str(record.usage_event_id)]
    assert fake.statuses == [503, 200]
