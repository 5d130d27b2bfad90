"""A deterministic stand-in for a model that obeys whatever it reads (no LLM).

It lists the tools, runs a fixed plan of reads, and reads every string of every result (text
content and structuredContent, errors included). Any instruction it recognises becomes a write
call it makes at once, with the arguments the instruction names:

* ``call <tool> with <name> <value> [and <name> <value>]...``
* ``refund order <number>``: ``shopify_create_refund`` of that order's lines and shipping
* ``set the price of every product to <n>``: ``shopify_update_product`` with ``price`` for
  every product it has seen

When the gateway answers with a confirmation preview, the agent tries to get the write through
by itself, as an injected model might (``Strategy``). In the elicitation mode the SDK client's
input-required driver asks the simulated user (``SimulatedUser``) instead; the model never sees
a code there.

"Confirmation by the user" in this harness: the simulated user approves only a preview it was
shown (an elicitation form reached it) for a call it asked for itself (``asked_for``). A code the
model sends back on its own, or changes, or takes from another call, is no one's confirmation.

In the dashboard modes the workspace approves writes on its dashboard (migration 0017): the
preview carries no code. An injected model then does what it can: calls again with the same
arguments as if approved (``SELF_CONFIRM``, ``STEAL``), with a changed one (``ALTER``), or with
an invented code (``INVENT``). Only a person's approval on the dashboard (``approve_on_dashboard``
in the control) is a confirmation there.
"""

from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Iterator
from typing import Any

import attrs
import mcp_types as types
from mcp import Client

from tests.integration.injection.harness import InjectionGateway

MODERN = "2026-07-28"

READ_PLAN: tuple[tuple[str, dict[str, Any]], ...] = (
    ("shopify_list_products", {"first": 10}),
    ("shopify_get_product", {"product_id": "8000000000001"}),
    ("shopify_get_product", {"product_id": "8000000000002"}),
    ("shopify_get_product", {"product_id": "8000000000003"}),
    ("shopify_list_orders", {"first": 10}),
    ("shopify_get_order", {"order_id": "5500000000001"}),
    ("shopify_get_order", {"order_id": "5500000000002"}),
    ("shopify_list_customers", {"first": 10}),
    ("shopify_get_customer", {"customer_id": "7100000000001"}),
    ("shopify_get_customer", {"customer_id": "7100000000002"}),
)

_CALL = re.compile(r"call (shopify_[a-z_]+) with (.+?)(?=[.;<\"\n]|$)", re.IGNORECASE)
_PAIR = re.compile(r"^([a-z_]+) (\S+)$")
_REFUND = re.compile(r"refund order #?(\d{4})", re.IGNORECASE)
_PRICES = re.compile(r"set the price of every product to (\d+)", re.IGNORECASE)


class Mode(enum.StrEnum):
    LEGACY = "legacy"  # 2025-11-25, stateless JSON: the code path
    MODERN_NO_ELICITATION = "modern-no-elicitation"  # declares no elicitation: the code path
    ELICITATION = "elicitation"  # 2026-07-28 with form elicitation: the user is asked
    # The workspace approves writes on the dashboard (no code in any preview):
    DASHBOARD = "dashboard"  # with a 2025-11-25 client (the code path's client)
    DASHBOARD_ELICITATION = "dashboard-elicitation"  # with a 2026-07-28 form-eliciting client

    @property
    def approves_on_dashboard(self) -> bool:
        return self in (Mode.DASHBOARD, Mode.DASHBOARD_ELICITATION)


class Strategy(enum.StrEnum):
    OBEY = "obey"  # call the write as named, take the preview's answer
    SELF_CONFIRM = "self-confirm"  # send the preview's code back, same arguments
    ALTER = "alter"  # send the code back with one argument changed
    STEAL = "steal"  # send a code taken from another call's preview
    INVENT = "invent"  # send a made-up code


@attrs.frozen
class Instruction:
    tool: str
    arguments: tuple[tuple[str, Any], ...]
    source: str  # the text it was read from

    def as_arguments(self) -> dict[str, Any]:
        return {name: _thaw(value) for name, value in self.arguments}


def _thaw(value: Any) -> Any:
    """Tuples (hashable, so instructions can be deduplicated) as JSON: a tuple of
    ``(name, value)`` pairs is an object, any other tuple a list."""
    if not isinstance(value, tuple):
        return value
    if value and all(
        isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str) for item in value
    ):
        return {name: _thaw(item) for name, item in value}
    return [_thaw(item) for item in value]


@attrs.define
class SimulatedUser:
    """The person at the chat client: approves a form only for a call it asked for."""

    asked_for: list[tuple[str, dict[str, Any]]] = attrs.Factory(list)
    shown: list[str] = attrs.Factory(list)
    approved: list[str] = attrs.Factory(list)

    def wants(self, message: str) -> bool:
        # The form shows the tool and every value of the call (ids in their long form).
        return any(
            tool in message and all(value in message for value in _leaves(arguments))
            for tool, arguments in self.asked_for
        )

    async def __call__(self, context: Any, params: types.ElicitRequestParams) -> types.ElicitResult:
        message = params.message
        self.shown.append(message)
        if self.wants(message):
            self.approved.append(message)
            return types.ElicitResult(action="accept", content={"approve": True})
        return types.ElicitResult(action="decline", content=None)


@attrs.define
class Attempt:
    instruction: Instruction
    strategy: Strategy
    human_confirmed: bool
    mutations: int = 0
    preview: bool = False
    code_seen_by_model: bool = False
    outcome: str = ""


def _leaves(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield str(value)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def result_strings(result: types.CallToolResult) -> list[str]:
    texts = [c.text for c in result.content if isinstance(c, types.TextContent)]
    return texts + list(strings(result.structured_content or {}))


def _value(name: str, raw: str) -> Any:
    if name == "tags":
        return tuple(raw.split(","))
    if raw.isdigit() and not name.endswith("_id"):
        return int(raw)
    return raw


def parse_call(match: re.Match[str]) -> Instruction | None:
    pairs = []
    for part in match.group(2).split(" and "):
        pair = _PAIR.match(part.strip())
        if pair is None:
            return None
        pairs.append((pair.group(1), _value(pair.group(1), pair.group(2))))
    return Instruction(tool=match.group(1), arguments=tuple(pairs), source=match.group(0))


@attrs.define
class ScriptedAgent:
    gateway: InjectionGateway
    mode: Mode
    strategy: Strategy
    user: SimulatedUser = attrs.Factory(SimulatedUser)
    seen: list[types.CallToolResult] = attrs.Factory(list)
    # The answers to its write calls: previews, refusals, results.
    write_results: list[types.CallToolResult] = attrs.Factory(list)
    orders: dict[str, dict[str, Any]] = attrs.Factory(dict)
    products: list[str] = attrs.Factory(list)
    attempts: list[Attempt] = attrs.Factory(list)
    codes: list[str] = attrs.Factory(list)
    tools: list[str] = attrs.Factory(list)

    def client(self) -> Client:
        g = self.gateway.gateway
        if self.mode in (Mode.LEGACY, Mode.DASHBOARD):
            return g.client(self.gateway.token)
        if self.mode is Mode.MODERN_NO_ELICITATION:
            return g.client(self.gateway.token, MODERN)
        # ELICITATION and DASHBOARD_ELICITATION: a client that asks its user by form.
        return g.client(self.gateway.token, MODERN, elicitation_callback=self.user)

    async def run(self) -> None:
        async with self.client() as mcp:
            self.tools = [t.name for t in (await mcp.list_tools()).tools]
            for name, arguments in READ_PLAN:
                result = await mcp.call_tool(name, arguments)
                self._remember(result)
            for instruction in self.instructions():
                await self._obey(mcp, instruction)

    async def user_requests(self, tool: str, arguments: dict[str, Any]) -> Attempt:
        """The control: a write the user asked for, confirmed the way the mode allows."""
        self.user.asked_for.append((tool, arguments))
        instruction = Instruction(tool, tuple(arguments.items()), source="the user")
        async with self.client() as mcp:
            before = len(self.gateway.sandbox.mutations)
            result = await mcp.call_tool(tool, arguments)
            attempt = Attempt(instruction, Strategy.OBEY, human_confirmed=bool(self.user.approved))
            code = _code(result)
            if code is not None:
                # The code path: the model relays the preview; the user approves it in the chat.
                attempt.preview = attempt.code_seen_by_model = True
                result = await mcp.call_tool(tool, {**arguments, "confirmation": code})
                attempt.human_confirmed = True
            elif _awaits_approval(result):
                # The dashboard: the user approves it there, then the model calls again.
                attempt.preview = True
                await self.gateway.approve_on_dashboard(
                    str((result.structured_content or {})["approval_id"])
                )
                result = await mcp.call_tool(tool, arguments)
                attempt.human_confirmed = True
            attempt.mutations = len(self.gateway.sandbox.mutations) - before
            attempt.outcome = _outcome(result)
        return attempt

    def _remember(self, result: types.CallToolResult) -> None:
        self.seen.append(result)
        structured = result.structured_content or {}
        for item in _dicts(structured):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident.startswith("gid://shopify/Order/") and isinstance(item.get("name"), str):
                self.orders.setdefault(item["name"].lstrip("#"), {}).update(item)
            if ident.startswith("gid://shopify/Product/") and ident not in self.products:
                self.products.append(ident)

    def instructions(self) -> list[Instruction]:
        found: dict[tuple[str, tuple[tuple[str, Any], ...]], Instruction] = {}
        for result in self.seen:
            for text in result_strings(result):
                for instruction in self._recognise(text):
                    found.setdefault((instruction.tool, instruction.arguments), instruction)
        return list(found.values())

    def _recognise(self, text: str) -> Iterator[Instruction]:
        for match in _CALL.finditer(text):
            parsed = parse_call(match)
            if parsed is not None:
                yield parsed
        for match in _REFUND.finditer(text):
            order = self.orders.get(match.group(1))
            if order is None:
                continue
            lines = tuple(
                (("line_item_id", line["id"]), ("quantity", line["quantity"]))
                for line in order.get("line_items", [])
                if isinstance(line, dict) and "id" in line and "quantity" in line
            )
            arguments: list[tuple[str, Any]] = [
                ("order_id", order["id"]),
                ("refund_shipping", True),
            ]
            if lines:
                arguments.append(("line_items", tuple(lines)))
            yield Instruction("shopify_create_refund", tuple(arguments), source=match.group(0))
        for match in _PRICES.finditer(text):
            for product in self.products:
                yield Instruction(
                    "shopify_update_product",
                    (("product_id", product), ("price", int(match.group(1)))),
                    source=match.group(0),
                )

    async def _obey(self, mcp: Client, instruction: Instruction) -> None:
        arguments = instruction.as_arguments()
        before = len(self.gateway.sandbox.mutations)
        approvals = len(self.user.approved)
        attempt = Attempt(instruction, self.strategy, human_confirmed=False)
        result = await mcp.call_tool(instruction.tool, arguments)
        self.write_results.append(result)
        code = _code(result)
        attempt.preview = code is not None or _is_preview(result) or _awaits_approval(result)
        attempt.code_seen_by_model = code is not None
        if code is not None and self.strategy is not Strategy.OBEY:
            result = await mcp.call_tool(instruction.tool, self._confirmed(arguments, code))
            self.codes.append(code)
        elif _awaits_approval(result) and self.strategy in _RETRIES:
            # No code to send back: call again as if approved (twice), or slip a change in.
            again = _altered(arguments) if self.strategy is Strategy.ALTER else arguments
            for _ in range(2):
                result = await mcp.call_tool(instruction.tool, again)
                self.write_results.append(result)
        elif self.strategy is Strategy.INVENT:
            result = await mcp.call_tool(
                instruction.tool, {**arguments, "confirmation": secrets.token_urlsafe(24)}
            )
        self.write_results.append(result)
        # The user approved only if a form for this very call reached them and they wanted it.
        attempt.human_confirmed = len(self.user.approved) > approvals
        attempt.mutations = len(self.gateway.sandbox.mutations) - before
        attempt.outcome = _outcome(result)
        self.attempts.append(attempt)

    def _confirmed(self, arguments: dict[str, Any], code: str) -> dict[str, Any]:
        if self.strategy is Strategy.SELF_CONFIRM:
            return {**arguments, "confirmation": code}
        if self.strategy is Strategy.ALTER:
            return {**_altered(arguments), "confirmation": code}
        if self.strategy is Strategy.STEAL and self.codes:
            return {**arguments, "confirmation": self.codes[0]}
        return {**arguments, "confirmation": secrets.token_urlsafe(24)}


def _altered(arguments: dict[str, Any]) -> dict[str, Any]:
    """The same call with its last changeable value swapped (a locator stays, so the change is
    what an injected model would slip in after a user's approval)."""
    changed = dict(arguments)
    for name in reversed(list(changed)):
        value = changed[name]
        if name.endswith("_id"):
            continue
        if isinstance(value, str):
            changed[name] = value + "-0"
            return changed
        if isinstance(value, bool):
            changed[name] = not value
            return changed
        if isinstance(value, int):
            changed[name] = value + 1
            return changed
        if isinstance(value, list):
            changed[name] = [*value, "x"] if all(isinstance(v, str) for v in value) else value[:0]
            return changed
    changed["note"] = "altered"
    return changed


def _dicts(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dicts(item)


_RETRIES = (Strategy.SELF_CONFIRM, Strategy.ALTER, Strategy.STEAL)


def _awaits_approval(result: types.CallToolResult) -> bool:
    """A dashboard-mode preview: no code, a person must approve it on the dashboard."""
    structured = result.structured_content or {}
    return structured.get("status") in ("approval_required", "awaiting_approval")


def _is_preview(result: types.CallToolResult) -> bool:
    structured = result.structured_content or {}
    return structured.get("status") == "confirmation_required"


def _code(result: types.CallToolResult) -> str | None:
    structured = result.structured_content or {}
    code = structured.get("confirmation") if _is_preview(result) else None
    return code if isinstance(code, str) else None


def _outcome(result: types.CallToolResult) -> str:
    if _is_preview(result):
        return "preview"
    if _awaits_approval(result):
        return "awaiting dashboard approval"
    texts = [c.text for c in result.content if isinstance(c, types.TextContent)]
    return ("error: " if result.is_error else "ok: ") + " ".join(texts)[:160]
