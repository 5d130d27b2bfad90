"""Billing: the Stripe meter and the outbox drain worker.

The composition root calls ``stripe_outbox_drainer(outbox, api_key, event_name)`` and, if it
returns a drainer, ``start()``s it in the app lifespan and ``await stop()``s it on shutdown.
Without an API key it returns ``None``: nothing runs and the outbox simply accumulates.
"""

from __future__ import annotations

from shopmcp_adapters.billing.drainer import OutboxDrainer
from shopmcp_adapters.billing.stripe_meter import (
    DEFAULT_EVENT_NAME,
    DEFAULT_OVERAGE_EVENT_NAME,
    MeterError,
    MeterRejected,
    MeterUnavailable,
    StripeMeter,
    is_duplicate_identifier,
)
from shopmcp_domain.ports import MeterOutbox


def stripe_outbox_drainer(
    outbox: MeterOutbox,
    api_key: str | None,
    event_name: str = DEFAULT_EVENT_NAME,
    *,
    overage_event_name: str = DEFAULT_OVERAGE_EVENT_NAME,
    api_base: str | None = None,
    batch_size: int = 100,
    idle_interval: float = 5.0,
) -> OutboxDrainer | None:
    """A drainer sending ``outbox`` to Stripe, or ``None`` when no API key is configured.
    The drainer closes the meter's HTTP client when stopped."""
    if not api_key:
        return None
    meter = StripeMeter.from_api_key(
        api_key, event_name, overage_event_name=overage_event_name, api_base=api_base
    )
    return OutboxDrainer(
        outbox, meter, batch_size=batch_size, idle_interval=idle_interval, on_stop=meter.aclose
    )


__all__ = [
    "DEFAULT_EVENT_NAME",
    "DEFAULT_OVERAGE_EVENT_NAME",
    "MeterError",
    "MeterRejected",
    "MeterUnavailable",
    "OutboxDrainer",
    "StripeMeter",
    "is_duplicate_identifier",
    "stripe_outbox_drainer",
]
