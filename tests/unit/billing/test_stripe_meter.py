"""StripeMeter: the request it makes and how it reads Stripe's answers (no sockets; the
HTTP request itself is checked in tests/integration/billing)."""

from __future__ import annotations

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
from shopmcp_domain.ports import Meter
from tests.unit.billing.fakes import billable_workspace, fake_stripe_client, record_calls


def test_it_satisfies_the_port() -> None:
    client, _ = fake_stripe_client()
    meter: Meter = StripeMeter(client, "tool_calls")
    assert meter is not None


@pytest.mark.parametrize("name", ["", "x" * 101])
def test_the_event_name_must_be_one_stripe_accepts(name: str) -> None:
    client, _ = fake_stripe_client()
    with pytest.raises(ValueError, match="event name"):
        StripeMeter(client, name)


async def test_sends_event_name_customer_value_identifier_and_timestamp() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_123")
    (record,) = await record_calls(store, workspace, ok=1)
    client, events = fake_stripe_client()
    await StripeMeter(client, "shopmcp_calls").send(record, "cus_123")
    assert events.requests == [
        {
            "event_name": "shopmcp_calls",
            "payload": {"stripe_customer_id": "cus_123", "value": "1"},
            "identifier": str(record.usage_event_id),
            "timestamp": int(record.created_at.timestamp()),
        }
    ]


async def test_a_duplicate_identifier_counts_as_sent() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_123")
    (record,) = await record_calls(store, workspace, ok=1)
    client, events = fake_stripe_client()
    meter = StripeMeter(client)
    await meter.send(record, "cus_123")
    await meter.send(record, "cus_123")  # Stripe answers 400 "already exists": fine
    assert len(events.requests) == 2 and len(events.accepted) == 1


def _invalid(
    message: str, code: str | None = None, param: str | None = None, status: int = 400
) -> stripe.InvalidRequestError:
    return stripe.InvalidRequestError(message, param, code, http_status=status)


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
    ("error", "mapped"),
    [
        (stripe.APIConnectionError("Request timed out"), MeterUnavailable),
        (stripe.RateLimitError("Too many requests", http_status=429), MeterUnavailable),
        (stripe.APIError("boom", http_status=500), MeterUnavailable),
        (stripe.AuthenticationError("Invalid API Key provided", http_status=401), MeterRejected),
        (stripe.PermissionError("nope", http_status=403), MeterRejected),
        (
            _invalid("No active meter found for event_name x", code="resource_missing"),
            MeterRejected,
        ),
    ],
)
async def test_other_errors_are_mapped_by_whether_a_retry_can_help(
    error: stripe.StripeError, mapped: type[MeterError]
) -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_123")
    (record,) = await record_calls(store, workspace, ok=1)
    client, events = fake_stripe_client()
    events.fail_next.append(error)
    with pytest.raises(mapped) as raised:
        await StripeMeter(client).send(record, "cus_123")
    assert raised.value.retryable is (mapped is MeterUnavailable)


async def test_errors_never_carry_the_api_key() -> None:
    store = InMemoryTenantStore()
    workspace = await billable_workspace(store, "cus_123")
    (record,) = await record_calls(store, workspace, ok=1)
    client, events = fake_stripe_client()
    events.fail_next.append(
        stripe.AuthenticationError("Invalid API Key provided: sk_test_****abcd", http_status=401)
    )
    with pytest.raises(MeterRejected) as raised:
        await StripeMeter(client).send(record, "cus_123")
    assert "sk_test" not in str(raised.value)
    assert "AuthenticationError" in str(raised.value)
