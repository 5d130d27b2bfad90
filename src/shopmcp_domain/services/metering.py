"""Drain the meter outbox to the billing provider."""

from __future__ import annotations

import attrs

from shopmcp_domain.ports import Meter, MeterOutbox


@attrs.frozen
class DrainReport:
    sent: int
    skipped: int
    failed: int


async def drain_meter_outbox(
    outbox: MeterOutbox, meter: Meter, batch_size: int = 100
) -> DrainReport:
    """Send one batch. Zero-quantity records (failed calls) and workspaces without a billing
    customer are settled without a billing call. A failure leaves the record for a later try;
    the billing side deduplicates on the usage event id, so a resend never bills twice."""
    pending = await outbox.claim(batch_size)
    settled = []
    sent = skipped = failed = 0
    for item in pending:
        if item.record.quantity == 0 or item.billing_customer_id is None:
            settled.append(item.record.usage_event_id)
            skipped += 1
            continue
        try:
            await meter.send(item.record, item.billing_customer_id)
        except Exception as error:
            await outbox.mark_failed(item.record.usage_event_id, type(error).__name__)
            failed += 1
        else:
            settled.append(item.record.usage_event_id)
            sent += 1
    if settled:
        await outbox.mark_sent(settled)
    return DrainReport(sent=sent, skipped=skipped, failed=failed)
