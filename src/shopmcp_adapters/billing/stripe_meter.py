"""The Stripe meter: each billable usage event becomes one Stripe Billing meter event
(``POST /v1/billing/meter_events``), identified by the usage event id so a resend never bills
twice."""

from __future__ import annotations

import datetime as dt
import logging

import stripe
from stripe.params.billing import MeterEventCreateParams

from shopmcp_domain.usage import MeterRecord

logger = logging.getLogger(__name__)

DEFAULT_EVENT_NAME = "shopmcp_tool_call"
# Calls past a plan's monthly quota, where the plan bills overage: a meter of their own, so
# the overage price applies to them alone.
DEFAULT_OVERAGE_EVENT_NAME = "shopmcp_tool_call_overage"


class MeterError(Exception):
    """Sending a meter event failed. ``retryable`` tells whether the same request may succeed
    later (network, 429, 5xx) or needs a person (bad key, unknown meter, invalid payload).
    The message holds Stripe's error code and request id, never the API key."""

    retryable: bool = True


class MeterUnavailable(MeterError):
    retryable = True


class MeterRejected(MeterError):
    retryable = False


def is_duplicate_identifier(error: stripe.StripeError, identifier: str) -> bool:
    """Stripe refuses a meter event whose ``identifier`` it has already accepted (400
    ``invalid_request_error``, "An event already exists with identifier <id>"). Since our
    identifier is the usage event id, that refusal proves the usage was delivered."""
    if not isinstance(error, stripe.InvalidRequestError) or error.http_status != 400:
        return False
    message = str(error).lower()
    if "already exists" in message and identifier.lower() in message:
        return True
    return error.param == "identifier" and error.code == "resource_already_exists"


class StripeMeter:
    """``Meter`` on Stripe Billing meter events (v1).

    Each call sends ``event_name`` (configurable: it must match the meter's; an overage record
    goes to ``overage_event_name``, the overage meter's), ``payload``
    ``{stripe_customer_id, value}`` (the meter's default payload keys), ``identifier`` = the
    usage event id, and ``timestamp`` = when the call happened (Stripe accepts up to 35 days
    back). A duplicate-identifier refusal counts as sent. Other failures raise
    ``MeterUnavailable`` (worth retrying) or ``MeterRejected`` (not); the outbox keeps the
    record either way and the drain worker tries again later.
    """

    def __init__(
        self,
        client: stripe.StripeClient,
        event_name: str = DEFAULT_EVENT_NAME,
        overage_event_name: str = DEFAULT_OVERAGE_EVENT_NAME,
    ) -> None:
        for name in (event_name, overage_event_name):
            if not name or len(name) > 100:
                raise ValueError("a Stripe meter event name is 1 to 100 characters")
        self._client = client
        self._event_name = event_name
        self._overage_event_name = overage_event_name
        self._http: stripe.HTTPXClient | None = None

    @classmethod
    def from_api_key(
        cls,
        api_key: str,
        event_name: str = DEFAULT_EVENT_NAME,
        *,
        overage_event_name: str = DEFAULT_OVERAGE_EVENT_NAME,
        api_base: str | None = None,
        timeout: float = 10.0,
        max_network_retries: int = 1,
    ) -> StripeMeter:
        """A meter with its own async HTTP client (httpx; TLS verified against Stripe's CA
        bundle). ``api_base`` points it elsewhere (a local fake in tests). Network retries
        reuse one idempotency key, so they are safe; the outbox retries beyond that."""
        http = stripe.HTTPXClient(timeout=timeout)
        client = stripe.StripeClient(
            api_key,
            http_client=http,
            base_addresses={"api": api_base} if api_base else None,
            max_network_retries=max_network_retries,
        )
        meter = cls(client, event_name, overage_event_name)
        meter._http = http
        return meter

    @property
    def event_name(self) -> str:
        return self._event_name

    def params(self, record: MeterRecord, customer_id: str) -> MeterEventCreateParams:
        """The meter event's fields, exactly as sent."""
        return {
            "event_name": self._overage_event_name if record.overage else self._event_name,
            "payload": {"stripe_customer_id": customer_id, "value": str(record.quantity)},
            "identifier": str(record.usage_event_id),
            "timestamp": int(record.created_at.astimezone(dt.UTC).timestamp()),
        }

    async def send(self, record: MeterRecord, customer_id: str) -> None:
        identifier = str(record.usage_event_id)
        try:
            await self._client.v1.billing.meter_events.create_async(
                self.params(record, customer_id)
            )
        except stripe.StripeError as error:
            if is_duplicate_identifier(error, identifier):
                logger.info("meter event %s was already delivered", identifier)
                return
            raise _mapped(error) from error

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close_async()  # type: ignore[no-untyped-call]


def _mapped(error: stripe.StripeError) -> MeterError:
    summary = f"{type(error).__name__} (status {error.http_status}, code {error.code})"
    if error.request_id:
        summary += f" request {error.request_id}"
    retryable = isinstance(error, stripe.APIConnectionError | stripe.RateLimitError) or (
        error.http_status is None or error.http_status >= 500 or error.http_status == 409
    )
    return MeterUnavailable(summary) if retryable else MeterRejected(summary)
