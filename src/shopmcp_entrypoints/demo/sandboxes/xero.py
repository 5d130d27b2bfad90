"""A Xero sandbox: one Litestar app answering every Accounting API operation the Xero module
sends, the OAuth token endpoint its refreshes use and the tenant listing, from the sample
books (``xero_data``), under the paths of Xero's own hosts:

| real origin | sandbox path |
|---|---|
| ``https://api.xero.com/api.xro/2.0/...`` | ``/api.xro/2.0/...`` |
| ``https://api.xero.com/connections`` | ``/connections`` |
| ``https://identity.xero.com/connect/token`` | ``/connect/token`` |

- Every API request needs ``Authorization: Bearer <token>`` (the sandbox's own token or one its
  token endpoint issued, compared in constant time) and ``xero-tenant-id`` naming the sample
  organisation (``xero_data.TENANT_ID``); otherwise Xero's problem JSON, 401 or 403.
- ``POST /connect/token`` refreshes for the sandbox's client (``xero_data.CLIENT_ID`` and
  ``CLIENT_SECRET`` as HTTP Basic, as Xero documents it). Refresh tokens **rotate**: each is
  good once, and the answer carries the next (the first is :func:`refresh_token_for` the
  sandbox's token).
- Answers carry ``X-MinLimit-Remaining`` (60 a minute) and ``X-DayLimit-Remaining`` (5,000);
  the 61st call in a minute is a 429 with ``Retry-After``.
- ``where`` is evaluated for the clause forms the gateway builds (``Field=="VALUE"``,
  ``Field==true``, ``Date>=DateTime(y,m,d)``); anything else is a 400 ``ValidationException``.
- Writes change this app's copy of the books: a draft invoice (``PUT /Invoices``, DRAFT only)
  and a contact's names and phone (``POST /Contacts/{id}``).

Each app has its own books, tokens and limits; nothing is persisted.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from litestar import Litestar, Request, Response, route
from litestar.enums import HttpMethod
from litestar.exceptions import HTTPException

from shopmcp_entrypoints.demo.sandboxes import xero_data as data
from shopmcp_entrypoints.demo.sandboxes.litestar_app import json_response, sandbox_app
from shopmcp_entrypoints.demo.sandboxes.xero_reports import (
    _aged,
    _balance_sheet,
    _date_query,
    _in_range,
    _profit_and_loss,
    _trial_balance,
)
from shopmcp_entrypoints.demo.sandboxes.xero_state import (
    _CLAUSE_BOOL,
    _CLAUSE_DATE,
    _CLAUSE_TEXT,
    _ID,
    ACCESS_TOKEN_SECONDS,
    API_PREFIX,
    CONNECTIONS_PATH,
    MINIMUM_TOKEN_LENGTH,
    TOKEN_PATH,
    SandboxState,
    XeroApiError,
    _day,
    _problem,
    _validation,
    refresh_token_for,
)

# --------------------------------------------------------------------------- reads


def _where(records: list[dict[str, Any]], expression: str | None) -> list[dict[str, Any]]:
    if not expression:
        return records
    clauses: list[tuple[str, str, object]] = []
    for clause in expression.split(" AND "):
        clause = clause.strip()
        if m := _CLAUSE_TEXT.fullmatch(clause):
            clauses.append((m.group(1), "==", m.group(2)))
        elif m := _CLAUSE_BOOL.fullmatch(clause):
            clauses.append((m.group(1), "is", m.group(2) == "true"))
        elif m := _CLAUSE_DATE.fullmatch(clause):
            bound = dt.date(int(m.group(3)), int(m.group(4)), int(m.group(5)))
            clauses.append((m.group(1), m.group(2), bound))
        else:
            raise _validation(f"The where clause '{clause[:60]}' is not understood")
    return [r for r in records if all(_holds(r, *c) for c in clauses)]


def _holds(record: dict[str, Any], field: str, op: str, value: object) -> bool:
    if op == "==":
        return str(record.get(field)) == value
    if op == "is":
        return record.get(field) is value
    day = _day(record.get(field))
    if day is None or not isinstance(value, dt.date):
        return False
    return day >= value if op == ">=" else day <= value


def _int(query: dict[str, str], name: str, default: int, high: int) -> int:
    try:
        value = int(query.get(name, default))
    except ValueError:
        raise _validation(f"{name} must be a number") from None
    return min(max(value, 1), high)


def _page(
    key: str, records: list[dict[str, Any]], query: dict[str, str], *, paged: bool = True
) -> dict[str, Any]:
    records = _where(records, query.get("where"))
    if query.get("order", "").endswith("DESC"):
        records = sorted(records, key=lambda r: _day(r.get("Date")) or dt.date.min, reverse=True)
    if not paged:
        return {"Status": "OK", key: records}
    page = _int(query, "page", 1, 10_000)
    size = _int(query, "pageSize", 100, 1000)
    chunk = records[(page - 1) * size : page * size]
    count = len(records)
    return {
        "Status": "OK",
        "pagination": {
            "page": page,
            "pageSize": size,
            "pageCount": max(1, -(-count // size)),
            "itemCount": count,
        },
        key: chunk,
    }


def _csv(query: dict[str, str], name: str) -> set[str] | None:
    raw = query.get(name)
    return {v.strip() for v in raw.split(",") if v.strip()} if raw else None


def _invoices(state: SandboxState, query: dict[str, str]) -> dict[str, Any]:
    records = list(state.books["Invoices"])
    statuses = _csv(query, "Statuses")
    if statuses:
        records = [r for r in records if r["Status"] in statuses]
    numbers = _csv(query, "InvoiceNumbers")
    if numbers:
        records = [r for r in records if r["InvoiceNumber"] in numbers]
    contacts = _csv(query, "ContactIDs")
    if contacts:
        records = [r for r in records if r["Contact"]["ContactID"] in contacts]
    term = query.get("searchTerm", "").lower()
    if term:
        records = [
            r
            for r in records
            if term in r["InvoiceNumber"].lower() or term in (r.get("Reference") or "").lower()
        ]
    return _page("Invoices", records, query)


def _contacts(state: SandboxState, query: dict[str, str]) -> dict[str, Any]:
    records = list(state.books["Contacts"])
    term = query.get("searchTerm", "").lower()
    if term:
        records = [
            r
            for r in records
            if term in r["Name"].lower() or term in (r.get("EmailAddress") or "").lower()
        ]
    if query.get("includeArchived") != "true":
        records = [r for r in records if r["ContactStatus"] == "ACTIVE"]
    records.sort(key=lambda r: r["Name"])
    return _page("Contacts", records, query)


def _one(state: SandboxState, key: str, id_field: str, wanted: str) -> dict[str, Any]:
    for record in state.books[key]:
        if record[id_field] == wanted.lower():
            return {"Status": "OK", key: [record]}
    raise _problem(404, "Not Found", f"The resource you're looking for cannot be found ({key})")


def _quotes(state: SandboxState, query: dict[str, str]) -> dict[str, Any]:
    records = list(state.books["Quotes"])
    if query.get("Status"):
        records = [r for r in records if r["Status"] == query["Status"]]
    if query.get("ContactID"):
        records = [r for r in records if r["Contact"]["ContactID"] == query["ContactID"]]
    if query.get("QuoteNumber"):
        records = [r for r in records if r["QuoteNumber"] == query["QuoteNumber"]]
    records = _date_params(records, query)
    page = _int(query, "page", 1, 10_000)
    return {"Status": "OK", "Quotes": records[(page - 1) * 100 : page * 100]}


def _date_params(records: list[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    start, end = _date_query(query, "DateFrom"), _date_query(query, "DateTo")
    return [r for r in records if _in_range(r, start, end)]


def _purchase_orders(state: SandboxState, query: dict[str, str]) -> dict[str, Any]:
    records = list(state.books["PurchaseOrders"])
    if query.get("Status"):
        records = [r for r in records if r["Status"] == query["Status"]]
    return _page("PurchaseOrders", _date_params(records, query), query)


# --------------------------------------------------------------------------- writes


def _create_invoice(state: SandboxState, body: Any) -> dict[str, Any]:
    records = body.get("Invoices") if isinstance(body, dict) else None
    if not isinstance(records, list) or len(records) != 1 or not isinstance(records[0], dict):
        raise _validation("Send one invoice in Invoices")
    given = records[0]
    if given.get("Status", "DRAFT") != "DRAFT":
        raise _validation("This sandbox only creates draft invoices")
    contact_id = (given.get("Contact") or {}).get("ContactID")
    contact = next((c for c in state.books["Contacts"] if c["ContactID"] == contact_id), None)
    if contact is None:
        raise _validation("The contact could not be found")
    lines = given.get("LineItems") or []
    if not lines:
        raise _validation("An invoice needs at least one line item")
    total = round(sum(float(li["Quantity"]) * float(li["UnitAmount"]) for li in lines), 2)
    number = f"INV-{sum(1 for r in state.books['Invoices'] if r['Type'] == 'ACCREC') + 1:04d}"
    day = dt.date.fromisoformat(given["Date"]) if given.get("Date") else dt.date.today()
    record = {
        "Type": given.get("Type", "ACCREC"),
        "InvoiceID": data.xero_id("created", f"{number}:{secrets.token_hex(4)}"),
        "InvoiceNumber": number,
        "Reference": given.get("Reference", ""),
        "Contact": {"ContactID": contact["ContactID"], "Name": contact["Name"]},
        "Date": data.ms_date(day),
        "DueDate": data.ms_date(
            dt.date.fromisoformat(given["DueDate"]) if given.get("DueDate") else day
        ),
        "Status": "DRAFT",
        "LineAmountTypes": given.get("LineAmountTypes", "Exclusive"),
        "LineItems": [
            {**li, "LineAmount": round(li["Quantity"] * li["UnitAmount"], 2)} for li in lines
        ],
        "SubTotal": total,
        "TotalTax": 0.0,
        "Total": total,
        "AmountDue": total,
        "AmountPaid": 0.0,
        "AmountCredited": 0.0,
        "CurrencyCode": given.get("CurrencyCode", data.CURRENCY),
        "UpdatedDateUTC": data.ms_date(dt.datetime.now(dt.UTC)),
        "Payments": [],
    }
    state.books["Invoices"].append(record)
    return {"Status": "OK", "Invoices": [record]}


def _update_contact(state: SandboxState, contact_id: str, body: Any) -> dict[str, Any]:
    records = body.get("Contacts") if isinstance(body, dict) else None
    if not isinstance(records, list) or len(records) != 1 or not isinstance(records[0], dict):
        raise _validation("Send one contact in Contacts")
    contact = next(
        (c for c in state.books["Contacts"] if c["ContactID"] == contact_id.lower()), None
    )
    if contact is None:
        raise _problem(404, "Not Found", "The resource you're looking for cannot be found")
    allowed = {"Name", "FirstName", "LastName", "Phones"}
    changes = records[0]
    if set(changes) - allowed:
        raise _validation("This sandbox changes only names and phones")
    contact.update(changes)
    contact["UpdatedDateUTC"] = data.ms_date(dt.datetime.now(dt.UTC))
    return {"Status": "OK", "Contacts": [contact]}


# --------------------------------------------------------------------------- routing

Action = Callable[[SandboxState, tuple[str, ...], dict[str, str], Any], Any]

ROUTES: tuple[tuple[str, re.Pattern[str], Action], ...] = (
    ("GET", re.compile(r"/Organisation"), lambda s, g, q, b: {
        "Status": "OK", "Organisations": s.books["Organisations"]}),
    ("GET", re.compile(r"/Invoices"), lambda s, g, q, b: _invoices(s, q)),
    ("PUT", re.compile(r"/Invoices"), lambda s, g, q, b: _create_invoice(s, b)),
    ("GET", re.compile(rf"/Invoices/{_ID}"), lambda s, g, q, b: _one(
        s, "Invoices", "InvoiceID", g[0])),
    ("GET", re.compile(r"/Contacts"), lambda s, g, q, b: _contacts(s, q)),
    ("GET", re.compile(rf"/Contacts/{_ID}"), lambda s, g, q, b: _one(
        s, "Contacts", "ContactID", g[0])),
    ("POST", re.compile(rf"/Contacts/{_ID}"), lambda s, g, q, b: _update_contact(s, g[0], b)),
    ("GET", re.compile(r"/Payments"), lambda s, g, q, b: _page("Payments", s.books["Payments"], q)),
    ("GET", re.compile(r"/CreditNotes"), lambda s, g, q, b: _page(
        "CreditNotes", s.books["CreditNotes"], q)),
    ("GET", re.compile(r"/BankTransactions"), lambda s, g, q, b: _page(
        "BankTransactions", s.books["BankTransactions"], q)),
    ("GET", re.compile(r"/Accounts"), lambda s, g, q, b: _page(
        "Accounts", s.books["Accounts"], q, paged=False)),
    ("GET", re.compile(r"/Items"), lambda s, g, q, b: _page(
        "Items", s.books["Items"], q, paged=False)),
    ("GET", re.compile(r"/Quotes"), lambda s, g, q, b: _quotes(s, q)),
    ("GET", re.compile(r"/PurchaseOrders"), lambda s, g, q, b: _purchase_orders(s, q)),
    ("GET", re.compile(r"/Reports/ProfitAndLoss"), lambda s, g, q, b: _profit_and_loss(s, q)),
    ("GET", re.compile(r"/Reports/BalanceSheet"), lambda s, g, q, b: _balance_sheet(s, q)),
    ("GET", re.compile(r"/Reports/TrialBalance"), lambda s, g, q, b: _trial_balance(s, q)),
    ("GET", re.compile(r"/Reports/AgedReceivablesByContact"), lambda s, g, q, b: _aged(
        s, q, "ACCREC", "Aged Receivables By Contact")),
    ("GET", re.compile(r"/Reports/AgedPayablesByContact"), lambda s, g, q, b: _aged(
        s, q, "ACCPAY", "Aged Payables By Contact")),
)  # fmt: skip


def _xero_error(_: Request[Any, Any, Any], error: XeroApiError) -> Response[Any]:
    response = json_response(error.body, error.status)
    response.headers.update(error.headers)
    return response


def _http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    if error.status_code == 404:
        return _xero_error(request, _problem(404, "Not Found", "The resource cannot be found"))
    return _xero_error(request, _problem(error.status_code, "Error", str(error.detail)))


def _authenticate(state: SandboxState) -> Callable[[Request[Any, Any, Any]], Any]:
    async def check(request: Request[Any, Any, Any]) -> Response[Any] | None:
        if request.url.path == TOKEN_PATH:
            return None  # the token endpoint authenticates the client itself
        scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not presented or not state.accepts(presented):
            return _xero_error(request, _problem(401, "Unauthorized", "TokenExpired"))
        if request.url.path == CONNECTIONS_PATH:
            return None
        tenant = request.headers.get(data.TENANT_HEADER, "")
        if not hmac.compare_digest(tenant.lower().encode(), data.TENANT_ID.encode()):
            return _xero_error(request, _problem(403, "Forbidden", "AuthorizationUnsuccessful"))
        return None

    return check


def _basic_client_ok(header: str) -> bool:
    scheme, _, encoded = header.partition(" ")
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return False
    client_id, _, secret = decoded.partition(":")
    return scheme.lower() == "basic" and bool(
        hmac.compare_digest(client_id.encode(), data.CLIENT_ID.encode())
        & hmac.compare_digest(secret.encode(), data.CLIENT_SECRET.encode())
    )


def _token(state: SandboxState, request: Request[Any, Any, Any], form: dict[str, str]) -> Any:
    if not _basic_client_ok(request.headers.get("Authorization", "")):
        raise XeroApiError(400, {"error": "invalid_client"})
    if form.get("grant_type") != "refresh_token":
        raise XeroApiError(400, {"error": "unsupported_grant_type"})
    presented = form.get("refresh_token", "")
    known = next(
        (t for t in state.refresh_tokens if hmac.compare_digest(t.encode(), presented.encode())),
        None,
    )
    if known is None:
        raise XeroApiError(400, {"error": "invalid_grant"})
    # Rotation: the presented refresh token is spent; the answer carries the next one.
    state.refresh_tokens.discard(known)
    following = "xero-sandbox-rt-" + secrets.token_urlsafe(24)
    state.refresh_tokens.add(following)
    issued = "xero-sandbox-at-" + secrets.token_urlsafe(24)
    state.issued.add(issued)
    return {
        "access_token": issued,
        "expires_in": ACCESS_TOKEN_SECONDS,
        "token_type": "Bearer",
        "refresh_token": following,
        "scope": data.SCOPES,
    }


def _handler(state: SandboxState) -> Any:
    @route("/{rest:path}", http_method=[HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT])
    async def handle(request: Request[Any, Any, Any]) -> Response[Any]:
        path = request.url.path
        if path == TOKEN_PATH and request.method == "POST":
            form = {k: str(v) for k, v in (await request.form()).items()}
            return json_response(_token(state, request, form))
        if path == CONNECTIONS_PATH and request.method == "GET":
            return json_response(
                [
                    {
                        "id": data.xero_id("connection", 1),
                        "tenantId": data.TENANT_ID,
                        "tenantType": "ORGANISATION",
                        "tenantName": data.ORGANISATION_NAME,
                    }
                ]
            )
        if not path.startswith(API_PREFIX + "/"):
            raise _problem(404, "Not Found", "The resource cannot be found")
        headers = state.count_call()
        tail = path[len(API_PREFIX) :]
        for method, pattern, action in ROUTES:
            matched = pattern.fullmatch(tail)
            if matched is None or request.method != method:
                continue
            body = None
            if method != "GET":
                try:
                    body = json.loads(await request.body() or b"null")
                except ValueError:
                    raise _validation("The request body is not JSON") from None
            query = {k: str(v) for k, v in request.query_params.items()}
            response = json_response(action(state, matched.groups(), query, body))
            response.headers.update(headers)
            return response
        raise _problem(404, "Not Found", "The resource cannot be found")

    return handle


def create_sandbox_app(token: str, now: Callable[[], float] | None = None) -> Litestar:
    """An ASGI app serving the sandbox organisation to ``Authorization: Bearer <token>`` (and
    to the tokens its token endpoint issues), with ``xero-tenant-id: xero_data.TENANT_ID``."""
    if len(token) < MINIMUM_TOKEN_LENGTH:
        raise ValueError(f"use a sandbox token of at least {MINIMUM_TOKEN_LENGTH} characters")
    state = SandboxState(token, copy.deepcopy(data.sample_books()), now or time.time)
    state.refresh_tokens.add(refresh_token_for(token))
    return sandbox_app(
        [_handler(state)],
        authenticate=_authenticate(state),
        exception_handlers={XeroApiError: _xero_error, HTTPException: _http_error},
        state={"xero": state},
    )
