"""A meter that remembers what it was sent, deduplicating on the usage event id like Stripe's
``identifier`` does. Held to the Meter port suite with the Stripe meter."""

from __future__ import annotations

from shopmcp_domain.ids import UsageEventId
from shopmcp_domain.usage import MeterRecord


class InMemoryMeter:
    def __init__(self) -> None:
        self.sent: dict[UsageEventId, tuple[MeterRecord, str]] = {}
        self.calls = 0
        # The next send raises this, and nothing is recorded (the sink was unreachable).
        self.fail_next: Exception | None = None
        # The next send is recorded, then raises this (the sink took it, the answer was lost):
        # the sender cannot tell it from ``fail_next`` and will send the record again.
        self.fail_next_after_accepting: Exception | None = None

    async def send(self, record: MeterRecord, customer_id: str) -> None:
        self.calls += 1
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        self.sent.setdefault(record.usage_event_id, (record, customer_id))
        if self.fail_next_after_accepting is not None:
            error, self.fail_next_after_accepting = self.fail_next_after_accepting, None
            raise error
