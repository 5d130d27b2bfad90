"""The load: closed-loop MCP clients, each bound to one workspace, every response checked
against that workspace's own store.

Built on the hot-path benchmark's load generator (:mod:`benchmarks.hot_path.loadgen`: requests
are bytes built once, responses read by raw asyncio streams), with what a resilience run needs
on top: several workspaces and replicas at once, a record of every call (when it was sent, when
it was answered, how it ended), and a classification of every answer:

* ``ok``: the workspace's own 20 orders (every order name ends with its slug, and no other
  slug appears anywhere in the body). A body already found good is recognised byte for byte;
* ``refused``: a tool error saying the plan's rate limit was reached, with ``Retry-After``;
* ``tool_error``: any other tool error (the upstream's, the vault's, ...), its text kept;
* ``leak``: a body carrying another workspace's slug (never acceptable);
* ``wrong``: a result that is none of the above (e.g. the wrong number of orders);
* ``rpc_error``, ``http_5xx``, ``http_other``: no tool result at all;
* ``broken``: no HTTP response (connection refused or dropped, or no answer in time).

``ok``, ``refused``, ``tool_error``, ``leak`` and ``wrong`` are *answered* calls: the client got
a ``tools/call`` result, so the gateway must have committed its usage row before sending it.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import math
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, Final

import attrs
from benchmarks.hot_path import loadgen

from tests.resilience.standin import SLUG_RE, order_name_suffix

LOOPBACK: Final = "127.0.0.1"
ORDERS: Final = 20
ANSWER_SECONDS: Final = 30.0  # a probe's answer (the gateway is idle or lightly loaded)
_GOOD_BODIES_KEPT: Final = 4
_BROKEN: Final = (OSError, EOFError, asyncio.LimitOverrunError, loadgen.ResponseError, ValueError)


class Outcome(enum.StrEnum):
    OK = "ok"
    REFUSED = "refused"
    TOOL_ERROR = "tool_error"
    LEAK = "leak"
    WRONG = "wrong"
    RPC_ERROR = "rpc_error"
    HTTP_5XX = "http_5xx"
    HTTP_OTHER = "http_other"
    BROKEN = "broken"


ANSWERED: Final = frozenset(
    {Outcome.OK, Outcome.REFUSED, Outcome.TOOL_ERROR, Outcome.LEAK, Outcome.WRONG}
)


@attrs.frozen
class Caller:
    """Who a client calls as: the workspace's key and the slug of its store."""

    slug: str
    token: str


@attrs.frozen(slots=True)
class Call:
    caller: int  # index into the load's callers
    replica: int  # index into the load's ports
    sent: float  # wall-clock seconds (the rate limiter's windows are epoch-aligned)
    received: float
    outcome: Outcome
    detail: str = ""


def tools_call(port: int, token: str, body: bytes | None = None) -> bytes:
    return loadgen.http_post(
        f"{LOOPBACK}:{port}",
        f"/mcp/{token}",
        body or loadgen.tools_call_body(),
        loadgen.MCP_HEADERS,
    )


def rpc_body(method: str, params: dict[str, Any] | None = None) -> bytes:
    message: dict[str, Any] = {"jsonrpc": "2.0", "id": 1, "method": method}
    if params is not None:
        message["params"] = params
    return json.dumps(message, separators=(",", ":")).encode()


def tool_text(result: Any) -> str:
    content = result.get("content") if isinstance(result, dict) else None
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("text", ""))
    return ""


class Checker:
    """Classifies ``tools/call`` answers, per caller."""

    def __init__(self, callers: Sequence[Caller]) -> None:
        self._slugs = [c.slug.encode() for c in callers]
        self._good: list[list[bytes]] = [[] for _ in callers]

    def classify(self, caller: int, status: int, head: bytes, body: bytes) -> tuple[Outcome, str]:
        if status >= 500:
            return Outcome.HTTP_5XX, f"HTTP {status}: {body[:160]!r}"
        if status != 200:
            return Outcome.HTTP_OTHER, f"HTTP {status}: {body[:160]!r}"
        good = self._good[caller]
        if body in good:
            return Outcome.OK, ""
        own = self._slugs[caller]
        foreign = set(SLUG_RE.findall(body)) - {own}
        if foreign:
            names = ", ".join(sorted(s.decode() for s in foreign))
            return Outcome.LEAK, f"{names} in an answer to {own.decode()}"
        try:
            message = json.loads(body)
        except ValueError:
            return Outcome.WRONG, f"not JSON: {body[:120]!r}"
        if not isinstance(message, dict) or "result" not in message:
            return Outcome.RPC_ERROR, str(message)[:200]
        result = message["result"]
        if not isinstance(result, dict):
            return Outcome.WRONG, f"no result object: {str(message)[:200]}"
        if result.get("isError"):
            text = tool_text(result)
            if text.startswith("rate limit of "):
                if b"\r\nretry-after: " not in head:
                    return Outcome.WRONG, f"a refusal without Retry-After: {text[:120]}"
                return Outcome.REFUSED, text[:200]
            return Outcome.TOOL_ERROR, text[:300]
        reason = self._orders_problem(result, own.decode())
        if reason is not None:
            return Outcome.WRONG, reason
        if len(good) < _GOOD_BODIES_KEPT:
            good.append(body)
        return Outcome.OK, ""

    @staticmethod
    def _orders_problem(result: dict[str, Any], slug: str) -> str | None:
        structured = result.get("structuredContent")
        orders = structured.get("orders") if isinstance(structured, dict) else None
        if not isinstance(orders, list) or len(orders) != ORDERS:
            return f"not {ORDERS} orders: {str(result)[:200]}"
        suffix = order_name_suffix(slug)
        for order in orders:
            name = order.get("name") if isinstance(order, dict) else None
            if not isinstance(name, str) or not name.endswith(suffix):
                return f"an order that is not {slug}'s: {str(order)[:200]}"
        return None


class Load:
    """Closed-loop clients: client ``n`` calls as ``callers[assignment[n]]``, sending its next
    ``tools/call`` as soon as the last is answered (plus ``pause`` seconds), on persistent
    connections, to ``ports[n % len(ports)]`` or, with ``alternate``, to each port in turn.

    ``stop()`` sends nothing new and lets every call in flight finish (up to ``grace``
    seconds), so every answer the gateway sent is counted; calls still unanswered then are
    abandoned (counted, not recorded)."""

    def __init__(
        self,
        callers: Sequence[Caller],
        ports: Sequence[int],
        assignment: Sequence[int],
        *,
        alternate: bool = False,
        pause: float = 0.0,
        answer_timeout: float = 120.0,
    ) -> None:
        self.callers = tuple(callers)
        self.ports = tuple(ports)
        self.assignment = tuple(assignment)
        self.alternate = alternate
        self.pause = pause
        self.answer_timeout = answer_timeout
        self.checker = Checker(self.callers)
        self.calls: list[Call] = []
        self.abandoned = 0
        self.started_at: float | None = None
        self.stopped_at: float | None = None
        self._requests = [[tools_call(port, c.token) for port in self.ports] for c in self.callers]
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self.started_at = time.time()
        self._tasks = [
            asyncio.create_task(self._client(n), name=f"resilience-client-{n}")
            for n in range(len(self.assignment))
        ]
        await asyncio.sleep(0)

    async def stop(self, grace: float = 60.0) -> None:
        self._stopping = True
        _, pending = await asyncio.wait(self._tasks, timeout=grace) if self._tasks else ((), ())
        for task in pending:
            task.cancel()
        self.abandoned += len(pending)
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.stopped_at = time.time()

    async def run(self, seconds: float) -> None:
        await self.start()
        await asyncio.sleep(seconds)
        await self.stop()

    async def _client(self, n: int) -> None:
        caller = self.assignment[n]
        connections: dict[int, tuple[asyncio.StreamReader, asyncio.StreamWriter]] = {}
        turn = n
        try:
            while not self._stopping:
                replica = turn % len(self.ports) if self.alternate else n % len(self.ports)
                turn += 1
                connection = connections.get(replica)
                sent = time.time()
                try:
                    if connection is None:
                        connection = await asyncio.open_connection(
                            LOOPBACK, self.ports[replica], limit=1 << 20
                        )
                        connections[replica] = connection
                    reader, writer = connection
                    writer.write(self._requests[caller][replica])
                    status, head, body, closes = await asyncio.wait_for(
                        loadgen.read_response_with_head(reader), self.answer_timeout
                    )
                except (*_BROKEN, TimeoutError) as error:
                    self.calls.append(
                        Call(caller, replica, sent, time.time(), Outcome.BROKEN, repr(error)[:160])
                    )
                    dropped = connections.pop(replica, None)
                    if dropped is not None:
                        dropped[1].close()
                    await asyncio.sleep(0.05)  # no hot loop against a gateway that is down
                    continue
                outcome, detail = self.checker.classify(caller, status, head, body)
                self.calls.append(Call(caller, replica, sent, time.time(), outcome, detail))
                if closes:
                    connections.pop(replica)[1].close()
                if outcome is Outcome.HTTP_5XX:
                    await asyncio.sleep(0.05)
                if self.pause:
                    await asyncio.sleep(self.pause)
        finally:
            for _, writer in connections.values():
                writer.close()

    async def probe(self, caller: int, replica: int = 0) -> Call:
        """One call outside the clients' loop (on a connection of its own), recorded and
        checked like theirs."""
        sent = time.time()
        port = self.ports[replica]
        status, head, body = await send_once(port, self._requests[caller][replica])
        outcome, detail = self.checker.classify(caller, status, head, body)
        call = Call(caller, replica, sent, time.time(), outcome, detail)
        self.calls.append(call)
        return call

    # ---- views

    def between(self, start: float, end: float) -> list[Call]:
        """Calls sent in [start, end)."""
        return [c for c in self.calls if start <= c.sent < end]


def outcomes(calls: Iterable[Call]) -> dict[str, int]:
    counted = Counter(c.outcome.value for c in calls)
    return {outcome.value: counted.get(outcome.value, 0) for outcome in Outcome}


def answered_by_caller(calls: Iterable[Call]) -> Counter[tuple[int, str]]:
    """(caller, outcome) -> answered calls."""
    return Counter((c.caller, c.outcome.value) for c in calls if c.outcome in ANSWERED)


def samples(calls: Iterable[Call], outcome: Outcome, limit: int = 3) -> list[str]:
    out: list[str] = []
    for call in calls:
        if call.outcome is outcome and call.detail not in out:
            out.append(call.detail)
            if len(out) >= limit:
                break
    return out


def latency_ms(calls: Iterable[Call]) -> dict[str, float | None]:
    ordered = sorted((c.received - c.sent) * 1000 for c in calls)

    def rank(p: float) -> float | None:
        if not ordered:
            return None
        return round(ordered[max(1, math.ceil(len(ordered) * p / 100)) - 1], 1)

    return {"p50": rank(50), "p90": rank(90), "p99": rank(99), "max": rank(100)}


@attrs.frozen
class WindowCount:
    """Admitted calls of one caller in one of the limiter's fixed windows. ``definite``: sent
    and answered inside the window (admitted in it, whatever the latency); ``possible``: any
    part of sent..answered inside it."""

    start: float
    definite: int
    possible: int

    def as_json(self) -> dict[str, Any]:
        return {"window_start": round(self.start, 3), "definite": self.definite}


def admitted_per_window(calls: Iterable[Call], caller: int, window: float) -> list[WindowCount]:
    """The limiter counts in windows aligned to the epoch (``now // window``); a call was
    admitted somewhere between its sending and its answer."""
    definite: Counter[int] = Counter()
    possible: Counter[int] = Counter()
    for call in calls:
        if call.caller != caller or call.outcome is not Outcome.OK:
            continue
        first, last = math.floor(call.sent / window), math.floor(call.received / window)
        if first == last:
            definite[first] += 1
        for index in range(first, last + 1):
            possible[index] += 1
    return [
        WindowCount(index * window, definite[index], possible[index]) for index in sorted(possible)
    ]


async def send_once(port: int, request: bytes) -> tuple[int, bytes, bytes]:
    """One request on a connection of its own: (status, lower-cased head, body)."""
    reader, writer = await asyncio.open_connection(LOOPBACK, port, limit=1 << 20)
    try:
        writer.write(request)
        async with asyncio.timeout(ANSWER_SECONDS):
            status, head, body, _ = await loadgen.read_response_with_head(reader)
    finally:
        writer.close()
    return status, head, body


def most_in_any_span(times: Iterable[float], span: float) -> int:
    """The most events in any interval of ``span`` seconds."""
    ordered = sorted(times)
    most = start = 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - span:
            start += 1
        most = max(most, end - start + 1)
    return most
