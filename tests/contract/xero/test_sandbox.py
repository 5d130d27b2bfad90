"""The Xero module against the demo's sandbox: every tool answers with data, through the same
base-URL mapping and OAuth client the demo uses; the seeded reconciliation mismatches are there
for a playbook to find; refresh tokens rotate; writes change the sandbox's books."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from shopmcp_adapters.upstreams.xero import PACKAGE as XERO
from shopmcp_domain.errors import (
    ReauthorizationRequired,
    UpstreamError,
)
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_entrypoints.demo.sandboxes import shopify_data, xero_data
from shopmcp_entrypoints.demo.sandboxes.xero_state import refresh_token_for
from tests.contract.xero.helpers import NOW, SANDBOX_TOKEN, credentials, sandbox, sandbox_calls
from tests.schemas import assert_matches_output_schema

CALLS = sandbox_calls()


def test_the_sandbox_calls_cover_every_tool() -> None:
    assert set(CALLS) == {spec.name for spec in XERO.specs}


@pytest.mark.parametrize("spec", XERO.specs, ids=lambda s: s.name)
async def test_each_tool_answers_from_the_sandbox(spec: ToolSpec) -> None:
    harness = sandbox()
    output = await harness.call(spec.name, CALLS[spec.name])
    assert_matches_output_schema(spec, output.structured)
    assert len(harness.api_requests()) == 1
    assert (
        output.meta is not None and output.meta["shopmcp/xero-rate-limit"]["minute_remaining"] == 59
    )
    values = [v for v in output.structured.values() if isinstance(v, list)]
    assert not values or any(values), f"{spec.name} answered an empty list"


def _paid_orders() -> dict[str, Decimal]:
    return {
        o["name"]: Decimal(o["currentTotalPriceSet"]["shopMoney"]["amount"])
        for o in shopify_data.sample_data()["orders"]
        if o["displayFinancialStatus"] == "PAID"
    }


async def test_the_seeded_mismatches_are_what_the_tools_show() -> None:
    harness = sandbox()
    listed = await harness.call("xero_list_invoices", {"invoice_type": "ACCREC", "page_size": 100})
    by_reference: dict[str, list[Decimal]] = {}
    for invoice in listed.structured["invoices"]:
        by_reference.setdefault(invoice["reference"], []).append(Decimal(str(invoice["total"])))
    found = {}
    for order, total in _paid_orders().items():
        invoiced = by_reference.get(order, [])
        if not invoiced:
            found[order] = xero_data.MismatchKind.MISSING_INVOICE
        elif len(invoiced) > 1:
            found[order] = xero_data.MismatchKind.DUPLICATE_INVOICE
        elif invoiced[0] != total:
            found[order] = xero_data.MismatchKind.AMOUNT_MISMATCH
    assert found == {m.shopify_order: m.kind for m in xero_data.SEEDED_MISMATCHES}
    assert {m.kind for m in xero_data.SEEDED_MISMATCHES} == set(xero_data.MismatchKind)
    assert set(xero_data.MATCHED_ORDERS) == set(_paid_orders()) - set(found)
    for mismatch in xero_data.SEEDED_MISMATCHES:
        assert mismatch.shopify_total == _paid_orders()[mismatch.shopify_order]


async def test_an_expired_token_is_refreshed_and_the_refresh_token_rotates() -> None:
    first = refresh_token_for(SANDBOX_TOKEN)
    harness = sandbox(
        credentials(
            access_token="expired-access-token-000000",
            refresh_token=first,
            expires_at=NOW - dt.timedelta(minutes=1),
        )
    )
    await harness.call("xero_get_organisation", {})
    rotated = harness.lease.payload.get("refresh_token")
    assert rotated and rotated != first
    assert len(harness.token_requests()) == 1
    # The spent refresh token is refused: a second process holding it would lose the grant.
    harness.clock.advance(3600)
    stale = sandbox(
        credentials(
            access_token="expired-access-token-000000",
            refresh_token=first,
            expires_at=NOW - dt.timedelta(minutes=1),
        )
    )
    stale.recorder.inner = harness.recorder.inner
    with pytest.raises(ReauthorizationRequired):
        await stale.call("xero_get_organisation", {})


async def test_a_draft_invoice_is_created_and_then_listed() -> None:
    harness = sandbox()
    created = await harness.call("xero_create_draft_invoice", CALLS["xero_create_draft_invoice"])
    invoice = created.structured["invoice"]
    assert invoice["status"] == "DRAFT" and invoice["reference"] == "#1004"
    found = await harness.call("xero_search_invoices", {"search_term": "#1004"})
    assert [i["invoice_id"] for i in found.structured["invoices"]] == [invoice["invoice_id"]]


async def test_another_organisation_is_refused() -> None:
    from tests.contract.xero.helpers import SANDBOX_HOST
    from tests.contract.xero.helpers import harness as make

    ours = sandbox()
    other = make(
        ours.recorder.inner,
        credentials(access_token=SANDBOX_TOKEN),
        base_url=f"https://{SANDBOX_HOST}",
        hosts=frozenset({SANDBOX_HOST}),
        tenant="00000000-0000-4000-8000-000000000000",
    )
    with pytest.raises(UpstreamError) as caught:
        await other.call("xero_get_organisation", {})
    assert caught.value.status == 403


async def test_texts_name_what_a_model_reconciles_with() -> None:
    harness = sandbox()
    invoices = await harness.call("xero_search_invoices", {"search_term": "#1009"})
    assert "ref #1009" in invoices.text and "total 50.00" in invoices.text
    report = await harness.call(
        "xero_report_profit_and_loss", {"date_from": "2026-09-01", "date_to": "2026-09-30"}
    )
    assert "Total Income" in report.text and "Net Profit" in report.text
