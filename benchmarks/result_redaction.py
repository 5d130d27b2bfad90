"""What a result's safety pass costs: a 16 KB tool result (an order list as a platform
returns it: names, addresses, notes, ids, money, dates) through
``shopmcp_domain.results.redact_output`` (the secret scan), clean and with a few secrets
planted, and through ``mark_output`` (the third-party text pointers) plus the text view the
text content is built from, timed with ``time.perf_counter`` over SHOPMCP_BENCH_SAMPLES
(default 2,000) runs. Prints the median and p99 per result and the throughput in MB/s."""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import attrs
from pydantic import BaseModel, ConfigDict

from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import ToolOutput
from shopmcp_domain.results import mark_output, redact_output
from shopmcp_domain.tools.spec import HttpMethod, ToolSpec, UpstreamOperation
from shopmcp_domain.untrusted import text_view

TARGET_BYTES = 16 * 1024


def _order(n: int) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/Order/{5641000000000 + n}",
        "name": f"#{1000 + n}",
        "email": f"customer{n}@example.com",
        "created_at": "2026-11-30T17:39:14Z",
        "total_price": {"amount": f"{n * 3}.95", "currencyCode": "AUD"},
        "note": "Please leave the parcel at the back door, the dog is friendly. Call on arrival.",
        "shipping_address": {
            "address1": f"{n} Example Street",
            "city": "Melbourne",
            "province": "VIC",
            "zip": "3000",
            "country": "AU",
            "phone": "+61 3 9000 0000",
        },
        "line_items": [
            {"sku": f"SKU-{n}-{i}", "title": "Merino crew, charcoal", "quantity": i + 1}
            for i in range(3)
        ],
        "tags": ["wholesale", "priority"],
    }


def _result(secrets: bool) -> ToolOutput:
    orders: list[dict[str, Any]] = []
    while len(json.dumps({"orders": orders})) < TARGET_BYTES:
        orders.append(_order(len(orders)))
    if secrets:
        orders[1]["note"] = "use shpat_0123456789abcdef0123456789abcdef for the app"
        orders[5]["note"] = "card 4111 1111 1111 1111 exp 12/29"
        orders[9]["tags"] = ["Authorization: Bearer abc123def456ghi789"]
    return ToolOutput({"orders": orders}, f"{len(orders)} orders")


class _Any(BaseModel):
    model_config = ConfigDict(extra="forbid")


# A stand-in tool whose notes are third-party text (the model classes are not used).
_SPEC = ToolSpec.read(
    "shopify_list_orders_bench",
    Platform.SHOPIFY,
    "Orders",
    "Benchmark stand-in.",
    _Any,
    _Any,
    UpstreamOperation(HttpMethod.GET, "/orders"),
)
_SPEC = attrs.evolve(_SPEC, untrusted_fields=("orders/-/note",))


def _redact(output: ToolOutput) -> None:
    redact_output(output)


def _mark(output: ToolOutput) -> None:
    text_view(mark_output(_SPEC, output).structured)


def _time(work: Callable[[ToolOutput], None], output: ToolOutput, samples: int) -> list[float]:
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        work(output)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    samples = int(os.environ.get("SHOPMCP_BENCH_SAMPLES", "2000"))
    for label, secrets, work in (
        ("clean", False, _redact),
        ("3 secrets", True, _redact),
        ("marking", False, _mark),
    ):
        output = _result(secrets)
        size = len(json.dumps(dict(output.structured))) + len(output.text)
        found = redact_output(output).redactions
        _time(work, output, 50)  # warm up
        times = sorted(_time(work, output, samples))
        median = statistics.median(times)
        p99 = times[int(len(times) * 0.99) - 1]
        print(
            f"{label:>10}: {size / 1024:.1f} KB, {found} redactions: median "
            f"{median * 1e3:.3f} ms, p99 {p99 * 1e3:.3f} ms, {size / median / 1e6:.1f} MB/s",
            flush=True,
        )


if __name__ == "__main__":
    main()
