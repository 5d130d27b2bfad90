"""The built-in Magento-to-Xero and Neto-to-Xero reconciliations, run through run_playbook
against the demo sandboxes: the real Magento, Neto and Xero modules (each over the sandbox's
ASGI app), every step through call_tool.

The Xero sandbox's books are the Shopify sandbox's (its invoices' references are Shopify order
names), so nothing a Magento or Neto store sold is invoiced there: what each run must find is
computed here from the sandboxes' own data. Every paid order of the period is missing in Xero
with its grand total; every sales invoice of the period is missing on the store's side, the
twice-invoiced Shopify order a duplicate; nothing matches."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import attrs
import httpx
import pytest

from shopmcp_adapters.memory import FakeLease
from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.magento import PACKAGE as MAGENTO
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_adapters.upstreams.neto import PACKAGE as NETO
from shopmcp_adapters.upstreams.platforms import PACKAGES
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.ids import new_connection_id, new_credential_id, new_workspace_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.playbook_definitions import build_playbook
from shopmcp_domain.playbook_library import LIBRARY
from shopmcp_domain.playbook_steps import normalise_key
from shopmcp_domain.ports import ToolOutput, UpstreamCall
from shopmcp_domain.services.playbooks import scope_tool_problem
from shopmcp_domain.services.run_playbook import PlaybookRunDeps, run_playbook
from shopmcp_domain.tools.registry import ToolRegistry
from shopmcp_entrypoints.demo.sandboxes import magento_data, neto_sales, shopify_data, xero_data
from shopmcp_entrypoints.demo.sandboxes.magento import create_sandbox_app as magento_app
from shopmcp_entrypoints.demo.sandboxes.neto import SANDBOX_USERNAME
from shopmcp_entrypoints.demo.sandboxes.neto import create_sandbox_app as neto_app
from tests.asgi import asgi_app
from tests.contract.magento.helpers import make_http as magento_http
from tests.contract.neto.helpers import make_http as neto_http
from tests.contract.xero.helpers import sandbox as xero_sandbox
from tests.factories import NOW, World
from tests.platforms import module_of

REGISTRY = ToolRegistry(spec for package in PACKAGES for spec in package.tools.specs)
MAGENTO_TOKEN = "sandbox-token-0123456789abcdef"
NETO_KEY = "sandbox-key-0123456789abcdef"
MAGENTO_PAID = {"processing", "complete", "closed"}

Forward = Callable[[UpstreamCall], Awaitable[ToolOutput]]


def _connection(platform: Platform, store_ref: str) -> Connection:
    return Connection(
        id=new_connection_id(),
        workspace_id=new_workspace_id(),
        platform=platform,
        store_ref=store_ref,
        credential_id=new_credential_id(),
        created_at=NOW,
    )


def _forward(
    module: PlatformModule[Any], connection: Connection, credentials: dict[str, str]
) -> Forward:
    """The sandbox's answer to a call the gateway made: the same validated arguments, on the
    sandbox's connection and credentials."""

    async def call(made: UpstreamCall) -> ToolOutput:
        lease = FakeLease(CredentialPayload(credentials), rotation_allowed=False)
        return await module.call(attrs.evolve(made, connection=connection, credentials=lease))

    return call


def _magento() -> Forward:
    host = "magento-sandbox.test"
    http = magento_http(
        httpx.ASGITransport(app=asgi_app(magento_app(MAGENTO_TOKEN))),
        guard=HostGuard(allowed_hosts=frozenset({host})),
    )
    return _forward(
        module_of(MAGENTO, http),
        _connection(Platform.MAGENTO, f"https://{host}"),
        {"access_token": MAGENTO_TOKEN},
    )


def _neto() -> Forward:
    host = "neto-sandbox.test"
    http = neto_http(
        httpx.ASGITransport(app=asgi_app(neto_app(NETO_KEY))),
        guard=HostGuard(allowed_hosts=frozenset({host})),
    )
    return _forward(
        module_of(NETO, http),
        _connection(Platform.NETO, f"https://{host}"),
        {"username": SANDBOX_USERNAME, "api_key": NETO_KEY},
    )


def _xero() -> Forward:
    harness = xero_sandbox()

    async def call(made: UpstreamCall) -> ToolOutput:
        return await harness.call(made.tool.name, made.arguments.model_dump(exclude_unset=True))

    return call


def _xero_day(value: str) -> dt.date:
    match = re.fullmatch(r"/Date\((\d+)\+0000\)/", value)
    assert match, value
    return dt.datetime.fromtimestamp(int(match.group(1)) / 1000, tz=dt.UTC).date()


def _invoices(since: dt.date, until: dt.date) -> list[dict[str, Any]]:
    return [
        i
        for i in xero_data.sample_books()["Invoices"]
        if i["Type"] == "ACCREC" and since <= _xero_day(i["Date"]) <= until
    ]


def _period(store_days: list[str]) -> tuple[dt.date, dt.date]:
    """From a day before the store's first order to a day after the Xero books' last."""
    shopify_days = [o["createdAt"][:10] for o in shopify_data.sample_data()["orders"]]
    days = sorted(dt.date.fromisoformat(d[:10]) for d in [*store_days, *shopify_days])
    return days[0] - dt.timedelta(days=1), days[-1] + dt.timedelta(days=1)


async def _run(key: str, store: Platform, answers: dict[str, Forward], period: Any) -> Any:
    world = World(registry=REGISTRY)
    _, issued = await world.tenant(platforms=(store, Platform.XERO))
    scope = await world.scope(issued.token)
    for tool, forward in answers.items():
        world.upstream.answer(tool, forward)
    playbook = build_playbook(LIBRARY[key], scope.workspace.id, NOW, scope_tool_problem(scope))
    since, until = period
    return await run_playbook(
        PlaybookRunDeps(world.deps, world.limiter),
        scope,
        playbook,
        {"since": since.isoformat(), "until": until.isoformat()},
    )


def _expected_xero_side(since: dt.date, until: dt.date) -> tuple[list[str], list[tuple[str, int]]]:
    references: dict[str, int] = {}
    for invoice in _invoices(since, until):
        key = normalise_key(invoice["Reference"])
        assert key is not None
        references[key] = references.get(key, 0) + 1
    duplicates = sorted((k, n) for k, n in references.items() if n > 1)
    return sorted(references), duplicates


def _assert_nothing_matches(
    result: dict[str, Any], paid: dict[str, float], since: dt.date, until: dt.date
) -> None:
    invoiced, duplicated = _expected_xero_side(since, until)
    assert paid and invoiced, "the sandboxes hold data for the period"
    assert not set(paid) & set(invoiced), "a store's order number is a Shopify order name"
    assert result["matched"] == []
    assert result["amount_mismatches"] == []
    assert result["missing_in_right"] == [
        {"key": key, "amounts": [paid[key]]} for key in sorted(paid)
    ]
    assert [m["key"] for m in result["missing_in_left"]] == invoiced
    assert [(d["key"], d["count"]) for d in result["duplicates_in_right"]] == duplicated
    assert result["duplicates_in_left"] == []
    assert result["counts"] == {"left": len(paid), "right": len(_invoices(since, until))}


async def test_the_magento_reconciliation_against_the_sandboxes() -> None:
    orders = magento_data.sample_data()["orders"]
    since, until = _period([o["created_at"] for o in orders])
    summary = await _run(
        "reconcile-magento-xero",
        Platform.MAGENTO,
        {
            "magento_search_orders": _magento(),
            "xero_list_invoices": _xero(),
            "xero_list_payments": _xero(),
        },
        (since, until),
    )

    assert summary["status"] == "completed", summary
    steps = {s["id"]: s for s in summary["steps"]}
    listed = steps["orders"]["result"]["orders"]
    assert len(listed) == len(orders)
    paid = {
        str(normalise_key(o["increment_id"])): float(o["grand_total"])
        for o in orders
        if o["state"] in MAGENTO_PAID
    }
    # The order number as customers see it: the zero-padded increment id.
    assert all(re.fullmatch(r"0{6}\d{3}", key) for key in paid)
    assert len(paid) < len(orders), "the sandbox has unpaid orders the filter leaves out"
    assert steps["paid"]["result"]["count"] == len(paid)
    _assert_nothing_matches(steps["orders_vs_invoices"]["result"], paid, since, until)
    assert steps["invoices_vs_payments"]["status"] == "ok"


async def test_the_neto_reconciliation_against_the_sandboxes() -> None:
    orders = neto_sales.sales()["Order"]
    since, until = _period([o["DatePlaced"] for o in orders])
    summary = await _run(
        "reconcile-neto-xero",
        Platform.NETO,
        {
            "neto_list_orders": _neto(),
            "xero_list_invoices": _xero(),
            "xero_list_payments": _xero(),
        },
        (since, until),
    )

    assert summary["status"] == "completed", summary
    steps = {s["id"]: s for s in summary["steps"]}

    def fully_paid(order: dict[str, Any]) -> bool:
        paid = sum(Decimal(p["Amount"]) for p in order["OrderPayment"])
        return paid >= Decimal(order["GrandTotal"])

    paid = {
        str(normalise_key(o["OrderID"])): float(o["GrandTotal"]) for o in orders if fully_paid(o)
    }
    assert 0 < len(paid) < len(orders), "the sandbox has orders not fully paid"
    assert len(steps["orders"]["result"]["orders"]) == len(paid)
    _assert_nothing_matches(steps["orders_vs_invoices"]["result"], paid, since, until)


@pytest.mark.parametrize("key", ["reconcile-magento-xero", "reconcile-neto-xero"])
def test_a_store_order_number_would_match_its_xero_reference(key: str) -> None:
    """What a merchant types in the Xero reference matches the key the reconcile reads."""
    if key == "reconcile-magento-xero":
        number = magento_data.sample_data()["orders"][0]["increment_id"]
        typed = [f"#{number}", number, f" {number} "]
    else:
        number = neto_sales.sales()["Order"][0]["OrderID"]
        typed = [number, number.lower(), f"#{number}"]
    assert {normalise_key(t) for t in typed} == {normalise_key(number)}
