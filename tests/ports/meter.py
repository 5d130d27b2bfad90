"""The Meter port's suite: the billing sink is idempotent per usage event id.

Run on ``InMemoryMeter`` and on ``StripeMeter`` through the stripe library into the fake
Stripe in process (``tests/unit/billing``), and on ``StripeMeter`` over loopback HTTP
(``tests/integration/billing``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import attrs
import pytest

from shopmcp_adapters.billing import StripeMeter
from shopmcp_domain.ids import new_usage_event_id, new_workspace_id
from shopmcp_domain.limit_ports import Meter
from shopmcp_domain.usage import MeterRecord
from tests.fakes.stripe import Failure, FakeStripe


@attrs.define
class MeterPort:
    """A meter under test and what the suite needs to observe and break its sink."""

    name: str
    meter: Meter
    # What the sink has billed: usage event id (as text) -> (customer id, quantity).
    billed: Callable[[], Mapping[str, tuple[str, int]]]
    fail_next: Callable[[], None]  # the next send fails and the sink records nothing
    fail_next_after_accepting: Callable[[], None]  # the sink records it, the send still fails


def stripe_meter_port(fake: FakeStripe, meter: StripeMeter) -> MeterPort:
    """A Stripe meter sending to ``fake`` (in process or served), as the suite sees it."""

    def fail_next() -> None:
        fake.failures.append(Failure(503, "api_error", "Service unavailable"))

    def fail_after_accepting() -> None:
        fake.failures.append(Failure(500, "api_error", "An unknown error", after_accepting=True))

    return MeterPort(
        name="stripe",
        meter=meter,
        billed=lambda: {
            identifier: (form["payload[stripe_customer_id]"], int(form["payload[value]"]))
            for identifier, form in fake.accepted.items()
        },
        fail_next=fail_next,
        fail_next_after_accepting=fail_after_accepting,
    )


def a_record(quantity: int = 1, seconds: int = 0) -> MeterRecord:
    return MeterRecord(
        usage_event_id=new_usage_event_id(),
        workspace_id=new_workspace_id(),
        quantity=quantity,
        created_at=dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC) + dt.timedelta(seconds=seconds),
    )


class MeterSuite:
    async def test_a_record_is_billed_to_its_customer_with_its_quantity(
        self, case: MeterPort
    ) -> None:
        record = a_record(quantity=3)
        await case.meter.send(record, "cus_A")
        assert dict(case.billed()) == {str(record.usage_event_id): ("cus_A", 3)}

    async def test_sending_a_record_again_never_bills_twice(self, case: MeterPort) -> None:
        record = a_record()
        await case.meter.send(record, "cus_A")
        await case.meter.send(record, "cus_A")  # no error: it was delivered
        assert dict(case.billed()) == {str(record.usage_event_id): ("cus_A", 1)}

    async def test_each_record_is_billed_on_its_own(self, case: MeterPort) -> None:
        records = [a_record(seconds=i) for i in range(3)]
        for record, customer in zip(records, ["cus_A", "cus_B", "cus_A"], strict=True):
            await case.meter.send(record, customer)
        assert dict(case.billed()) == {
            str(records[0].usage_event_id): ("cus_A", 1),
            str(records[1].usage_event_id): ("cus_B", 1),
            str(records[2].usage_event_id): ("cus_A", 1),
        }

    async def test_a_failed_send_raises_bills_nothing_and_can_be_retried(
        self, case: MeterPort
    ) -> None:
        record = a_record()
        case.fail_next()
        with pytest.raises(Exception):
            await case.meter.send(record, "cus_A")
        assert dict(case.billed()) == {}
        await case.meter.send(record, "cus_A")
        assert dict(case.billed()) == {str(record.usage_event_id): ("cus_A", 1)}

    async def test_a_resend_after_a_lost_answer_is_not_billed_twice(self, case: MeterPort) -> None:
        record = a_record()
        case.fail_next_after_accepting()
        with pytest.raises(Exception):
            await case.meter.send(record, "cus_A")
        await case.meter.send(record, "cus_A")  # the sink already has it: counts as sent
        assert dict(case.billed()) == {str(record.usage_event_id): ("cus_A", 1)}
