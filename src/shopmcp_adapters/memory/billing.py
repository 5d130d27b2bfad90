"""A meter that remembers what it was sent, deduplicating on the usage event id like Stripe's
``identifier`` does."""

from __future__ import annotations

from shopmcp_domain.ids import UsageEventId
from shopmcp_domain.usage import MeterRecord


class InMemoryMeter:
    def __init__(self) -> None:
        self.sent: dict[UsageEventId, tuple[MeterRecord, str]] = {}
        self.calls = 0
        self.fail_next: Exception | None = None

    async def send(self, record: MeterRecord, customer_id: str) -> None:
        self.calls += 1
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        self.sent.setdefault(record.usage_event_id, (record, customer_id))
