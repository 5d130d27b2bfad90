"""Wiring for the Xero contract tests: the Xero module over the real UpstreamHttp policy (no
sleeping between retries) and the real OAuth client, answered by recorded fixtures on Xero's
own hosts (an httpx.MockTransport) or by the demo's sandbox (httpx.ASGITransport)."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
import httpx

from shopmcp_adapters.memory import FakeClock, FakeLease
from shopmcp_adapters.upstreams.host_guard import HostGuard
from shopmcp_adapters.upstreams.http import HttpPolicy, UpstreamHttp, build_async_client
from shopmcp_adapters.upstreams.module import PlatformModule
from shopmcp_adapters.upstreams.oauth2 import OAuthClient, OAuthClientConfig
from shopmcp_adapters.upstreams.xero import PACKAGE as XERO
from shopmcp_adapters.upstreams.xero.client import XeroClient
from shopmcp_adapters.upstreams.xero.oauth import XERO_OAUTH
from shopmcp_domain.connections import Connection
from shopmcp_domain.credentials import CredentialPayload
from shopmcp_domain.ids import new_connection_id, new_credential_id, new_workspace_id
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    ToolOutput,
    UpstreamCall,
)
from shopmcp_domain.services.call_tool import validate_arguments
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_entrypoints.demo.sandboxes import xero_data
from tests.platforms import module_of

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "xero"
SPECS: dict[str, ToolSpec] = {spec.name: spec for spec in XERO.specs}
NOW = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)
# The per-process rate-limit state is keyed by tenant: tests that spend or block a budget use
# a tenant of their own (``fresh_tenant``).
TENANT = "a3b5e0b6-6f0c-4b8e-9a76-4a1a2f3c9d01"
ACCESS_TOKEN = "xero-test-access-token-0123456789"
REFRESH_TOKEN = "xero-test-refresh-token-0123456789"
XERO_HOSTS = frozenset({"api.xero.com", "identity.xero.com"})
CONTACT = "bd2270c3-8706-4c11-9cfb-000b551c3f51"
INVOICE = "243216c5-369e-4056-ac67-05388f86dc81"

# One call of every tool, with arguments exercising its filters, and the fixture answering it.
CALLS: dict[str, tuple[dict[str, Any], str]] = {
    "xero_get_organisation": ({}, "getOrganisations"),
    "xero_list_invoices": (
        {
            "invoice_type": "ACCREC",
            "statuses": ["AUTHORISED", "PAID"],
            "contact_id": CONTACT,
            "date_from": "2026-10-01",
            "date_to": "2026-10-31",
            "page": 2,
            "page_size": 50,
        },
        "getInvoices",
    ),
    "xero_search_invoices": (
        {"search_term": "INV-00", "invoice_numbers": ["INV-0001"]},
        "getInvoices",
    ),
    "xero_get_invoice": ({"invoice_id": INVOICE}, "getInvoice"),
    "xero_list_contacts": (
        {"search_term": "Bank", "customers_only": True, "include_archived": True},
        "getContacts",
    ),
    "xero_get_contact": ({"contact_id": CONTACT}, "getContact"),
    "xero_list_payments": (
        {"status": "AUTHORISED", "date_from": "2026-10-01"},
        "getPayments",
    ),
    "xero_list_credit_notes": (
        {"credit_note_type": "ACCRECCREDIT", "status": "AUTHORISED"},
        "getCreditNotes",
    ),
    "xero_list_bank_transactions": (
        {"transaction_type": "SPEND", "reconciled": False, "date_to": "2026-10-31"},
        "getBankTransactions",
    ),
    "xero_list_accounts": ({"account_class": "REVENUE"}, "getAccounts"),
    "xero_list_items": ({"sold_only": True}, "getItems"),
    "xero_list_quotes": (
        {"status": "SENT", "contact_id": CONTACT, "date_from": "2026-01-01"},
        "getQuotes",
    ),
    "xero_list_purchase_orders": (
        {"status": "AUTHORISED", "date_from": "2026-10-01", "date_to": "2026-10-31"},
        "getPurchaseOrders",
    ),
    "xero_report_profit_and_loss": (
        {"date_from": "2026-10-01", "date_to": "2026-10-31", "periods": 1, "timeframe": "MONTH"},
        "getReportProfitAndLoss",
    ),
    "xero_report_balance_sheet": ({"date": "2026-10-31"}, "getReportBalanceSheet"),
    "xero_report_aged_receivables": (
        {"contact_id": CONTACT, "date": "2026-10-31"},
        "getReportAgedReceivablesByContact",
    ),
    "xero_report_aged_payables": (
        {"contact_id": CONTACT, "date": "2026-10-31"},
        "getReportAgedPayablesByContact",
    ),
    "xero_report_trial_balance": ({"date": "2026-10-31"}, "getReportTrialBalance"),
    "xero_create_draft_invoice": (
        {
            "contact_id": CONTACT,
            "date": "2026-11-30",
            "due_date": "2026-12-14",
            "reference": "Order #1001",
            "line_items": [
                {"description": "Black Tee", "quantity": 2, "unit_amount": "25.00"},
            ],
        },
        "createInvoices",
    ),
    "xero_update_contact": (
        {"contact_id": CONTACT, "first_name": "Jane", "phone_number": "+61 2 9999 0000"},
        "updateContact",
    ),
}


def fresh_tenant() -> str:
    return str(uuid.uuid4())


def fixture(name: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return doc


def response(name: str) -> httpx.Response:
    doc = fixture(name)
    return httpx.Response(doc.get("status", 200), headers=doc.get("headers", {}), json=doc["body"])


def credentials(
    access_token: str = ACCESS_TOKEN,
    refresh_token: str = REFRESH_TOKEN,
    expires_at: dt.datetime = NOW + dt.timedelta(minutes=25),
) -> dict[str, str]:
    return {
        "access_token": access_token,
        "refresh_token": refresh_token,
        "expires_at": expires_at.isoformat(),
        "scopes": " ".join(XERO_OAUTH.scopes),
    }


def make_http(transport: httpx.AsyncBaseTransport, guard: HostGuard | None = None) -> UpstreamHttp:
    async def no_sleep(_: float) -> None:
        return None

    return UpstreamHttp(
        platform="xero",
        client=build_async_client(HttpPolicy(), transport=transport),
        guard=guard,
        sleep=no_sleep,
    )


def oauth_client(http: UpstreamHttp, clock: FakeClock, origin: str | None = None) -> OAuthClient:
    provider = XERO_OAUTH.with_origin(origin) if origin else XERO_OAUTH
    config = OAuthClientConfig(
        # The sandbox's registration (the scripted fixtures do not check it).
        client_id=xero_data.CLIENT_ID,
        client_secret=xero_data.CLIENT_SECRET,
        redirect_uri="http://127.0.0.1:8000/oauth/xero/callback",
    )
    return OAuthClient(provider, http, clock, config, "set the Xero client settings")


def connection(tenant: str = TENANT) -> Connection:
    return Connection(
        id=new_connection_id(),
        workspace_id=new_workspace_id(),
        platform=Platform.XERO,
        store_ref=tenant,
        credential_id=new_credential_id(),
        created_at=NOW,
    )


@attrs.define
class Recorder(httpx.AsyncBaseTransport):
    inner: httpx.AsyncBaseTransport
    requests: list[httpx.Request] = attrs.Factory(list)
    bodies: list[bytes] = attrs.Factory(list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        answered = await self.inner.handle_async_request(request)
        content = await answered.aread()
        self.bodies.append(content)
        return httpx.Response(answered.status_code, headers=answered.headers, content=content)


@attrs.define
class Harness:
    module: PlatformModule[XeroClient]
    lease: FakeLease
    recorder: Recorder
    clock: FakeClock
    tenant: str = TENANT

    async def call(self, tool: str, arguments: Mapping[str, Any]) -> ToolOutput:
        spec = SPECS[tool]
        return await self.module.call(
            UpstreamCall(
                tool=spec,
                arguments=validate_arguments(spec, arguments),
                connection=connection(self.tenant),
                credentials=self.lease,
            )
        )

    @property
    def requests(self) -> list[httpx.Request]:
        return self.recorder.requests

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.startswith("/api.xro/")]

    def token_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == "/connect/token"]


def harness(
    transport: httpx.AsyncBaseTransport,
    payload: Mapping[str, str] | None = None,
    *,
    base_url: str | None = None,
    hosts: frozenset[str] = XERO_HOSTS,
    clock: FakeClock | None = None,
    tenant: str = TENANT,
) -> Harness:
    recorder = Recorder(transport)
    clock = clock or FakeClock(NOW)
    http = make_http(recorder, guard=HostGuard(allowed_hosts=hosts))
    module = module_of(
        XERO, http, clock=clock, base_url=base_url, oauth=oauth_client(http, clock, base_url)
    )
    lease = FakeLease(CredentialPayload(dict(payload or credentials())))
    return Harness(module, lease, recorder, clock, tenant)


def scripted(
    responses: Iterable[httpx.Response] | Callable[[httpx.Request], httpx.Response],
    payload: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> Harness:
    """The module on Xero's own hosts, answered in order by ``responses`` (or by a function)."""
    if callable(responses):
        return harness(httpx.MockTransport(responses), payload, **kwargs)
    queue = list(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        if not queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return queue.pop(0)

    return harness(httpx.MockTransport(handle), payload, **kwargs)


# --------------------------------------------------------------------------- the sandbox

SANDBOX_TOKEN = "sandbox-xero-token-0123456789abcdef"
SANDBOX_HOST = "xero-sandbox.test"
SANDBOX_ORIGIN = f"https://{SANDBOX_HOST}"


def sandbox_calls() -> dict[str, dict[str, Any]]:
    """One call of every tool the sandbox answers with data (its sample ids)."""
    books = xero_data.sample_books()
    jane = books["Contacts"][0]["ContactID"]
    supplier = next(c for c in books["Contacts"] if c["IsSupplier"])["ContactID"]
    invoice = books["Invoices"][0]["InvoiceID"]
    return {
        "xero_get_organisation": {},
        "xero_list_invoices": {"invoice_type": "ACCREC", "date_from": "2026-09-01"},
        "xero_search_invoices": {"search_term": "#1007"},
        "xero_get_invoice": {"invoice_id": invoice},
        "xero_list_contacts": {"customers_only": True},
        "xero_get_contact": {"contact_id": jane},
        "xero_list_payments": {"status": "AUTHORISED"},
        "xero_list_credit_notes": {},
        "xero_list_bank_transactions": {"transaction_type": "SPEND"},
        "xero_list_accounts": {"account_class": "REVENUE"},
        "xero_list_items": {"sold_only": True},
        "xero_list_quotes": {"status": "SENT"},
        "xero_list_purchase_orders": {"date_from": "2026-09-01"},
        "xero_report_profit_and_loss": {"date_from": "2026-09-01", "date_to": "2026-09-30"},
        "xero_report_balance_sheet": {"date": "2026-09-30"},
        "xero_report_aged_receivables": {"contact_id": books["Contacts"][3]["ContactID"]},
        "xero_report_aged_payables": {"contact_id": supplier, "date": "2026-11-30"},
        "xero_report_trial_balance": {"date": "2026-09-30"},
        "xero_create_draft_invoice": {
            "contact_id": jane,
            "reference": "#1004",
            "line_items": [{"description": "Rain Shell", "quantity": 1, "unit_amount": "189"}],
        },
        "xero_update_contact": {"contact_id": jane, "phone_number": "0400 111 222"},
    }


def sandbox(payload: Mapping[str, str] | None = None, token: str = SANDBOX_TOKEN) -> Harness:
    """The module against a fresh sandbox, through the base-URL mapping the demo uses."""
    from shopmcp_entrypoints.demo.sandboxes.xero import create_sandbox_app
    from shopmcp_entrypoints.demo.sandboxes.xero_state import refresh_token_for
    from tests.asgi import asgi_app

    app = create_sandbox_app(token)
    transport = httpx.ASGITransport(app=asgi_app(app))
    given = payload or credentials(access_token=token, refresh_token=refresh_token_for(token))
    return harness(
        transport,
        given,
        base_url=SANDBOX_ORIGIN,
        hosts=frozenset({SANDBOX_HOST}),
        tenant=xero_data.TENANT_ID,
    )
