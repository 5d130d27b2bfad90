"""Drain the meter outbox to the billing provider."""

from __future__ import annotations

import attrs

from shopmcp_domain.limit_ports import Meter
from shopmcp_domain.ports import MeterOutbox
from shopmcp_domain.usage import MAX_METER_ATTEMPTS


@attrs.frozen
class DrainReport:
    sent: int
    skipped: int
    failed: int
    # Refused for good (a 4xx), or out of attempts: set aside for an operator.
    parked: int = 0


def is_permanent(error: Exception) -> bool:
    """Whether the same request can never succeed (the meter says ``retryable = False``)."""
    return getattr(error, "retryable", True) is False


async def drain_meter_outbox(
    outbox: MeterOutbox, meter: Meter, batch_size: int = 100
) -> DrainReport:
    """Send one batch. Zero-quantity records (failed calls) and workspaces without a billing
    customer are settled without a billing call. A failure worth retrying (network, 429, 5xx)
    leaves the record for a later round; one that is not (a 4xx), or the last attempt a record
    has, parks it with its error for an operator, so it neither blocks the queue nor
    disappears. The billing side deduplicates on the usage event id, so a resend (a retry, a
    requeued record) never bills twice."""
    pending = await outbox.claim(batch_size)
    settled = []
    sent = skipped = failed = parked = 0
    for item in pending:
        if item.record.quantity == 0 or item.billing_customer_id is None:
            settled.append(item.record.usage_event_id)
            skipped += 1
            continue
        try:
            await meter.send(item.record, item.billing_customer_id)
        except Exception as error:
            if is_permanent(error) or item.attempts + 1 >= MAX_METER_ATTEMPTS:
                # The meter's message names Stripe's error code and request id, never a key.
                await outbox.park(item.record.usage_event_id, f"{type(error).__name__}: {error}")
                parked += 1
            else:
                await outbox.mark_failed(item.record.usage_event_id, type(error).__name__)
                failed += 1
        else:
            settled.append(item.record.usage_event_id)
            sent += 1
    if settled:
        await outbox.mark_sent(settled)
    return DrainReport(sent=sent, skipped=skipped, failed=failed, parked=parked)
