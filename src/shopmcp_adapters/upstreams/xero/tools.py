"""Xero tools: one row per tool (name, title, description, input, output, the Accounting API
operation, and for a write its whitelist and annotations) directly above its small handler.

Every tool is one request to one operation of ``xero_accounting.yaml`` (the operation's
``operationId`` is its ``document``); filters become Xero's own query parameters or a ``where``
built from validated values only (``inputs.where``). Each result carries the organisation's
remaining rate budget in ``_meta`` (``client.META_KEY``). Texts name each result's id so a
model can go from a list to the matching get tool.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from shopmcp_adapters.upstreams.module import Reply, ToolTable
from shopmcp_adapters.upstreams.xero import inputs as i
from shopmcp_adapters.upstreams.xero import outputs as o
from shopmcp_adapters.upstreams.xero.client import (
    PLATFORM,
    XeroAnswer,
    XeroClient,
    xero_operation,
)
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)
from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.spec import HttpMethod, ToolAnnotations
from shopmcp_domain.tools.whitelist import WriteWhitelist

GET, PUT, POST = HttpMethod.GET, HttpMethod.PUT, HttpMethod.POST

GET_ORGANISATION = xero_operation(GET, "/Organisation", "getOrganisations")
GET_INVOICES = xero_operation(GET, "/Invoices", "getInvoices")
GET_INVOICE = xero_operation(GET, "/Invoices/{InvoiceID}", "getInvoice")
CREATE_INVOICES = xero_operation(PUT, "/Invoices", "createInvoices")
GET_CONTACTS = xero_operation(GET, "/Contacts", "getContacts")
GET_CONTACT = xero_operation(GET, "/Contacts/{ContactID}", "getContact")
UPDATE_CONTACT = xero_operation(POST, "/Contacts/{ContactID}", "updateContact")
GET_PAYMENTS = xero_operation(GET, "/Payments", "getPayments")
GET_CREDIT_NOTES = xero_operation(GET, "/CreditNotes", "getCreditNotes")
GET_BANK_TRANSACTIONS = xero_operation(GET, "/BankTransactions", "getBankTransactions")
GET_ACCOUNTS = xero_operation(GET, "/Accounts", "getAccounts")
GET_ITEMS = xero_operation(GET, "/Items", "getItems")
GET_QUOTES = xero_operation(GET, "/Quotes", "getQuotes")
GET_PURCHASE_ORDERS = xero_operation(GET, "/PurchaseOrders", "getPurchaseOrders")
GET_PROFIT_AND_LOSS = xero_operation(GET, "/Reports/ProfitAndLoss", "getReportProfitAndLoss")
GET_BALANCE_SHEET = xero_operation(GET, "/Reports/BalanceSheet", "getReportBalanceSheet")
GET_AGED_RECEIVABLES = xero_operation(
    GET, "/Reports/AgedReceivablesByContact", "getReportAgedReceivablesByContact"
)
GET_AGED_PAYABLES = xero_operation(
    GET, "/Reports/AgedPayablesByContact", "getReportAgedPayablesByContact"
)
GET_TRIAL_BALANCE = xero_operation(GET, "/Reports/TrialBalance", "getReportTrialBalance")

# Texts list at most this many results; the structured output has them all.
SHOWN = 10
# Quotes come 100 to a page and take no page size.
QUOTES_PAGE_SIZE = 100

tools = ToolTable[XeroClient](Platform.XERO)


def _reply(output: BaseModel, text: str, answer: XeroAnswer) -> Reply:
    return Reply(output, text, meta=answer.meta() or None)


def _records(answer: XeroAnswer, key: str) -> list[Any]:
    records = answer.body.get(key, [])
    if not isinstance(records, list):
        raise UpstreamResponseInvalid(PLATFORM, f"{key} is not a list")
    return records


def _one(answer: XeroAnswer, key: str, what: str) -> Any:
    records = _records(answer, key)
    if not records:
        raise UpstreamError(PLATFORM, 404, f"no {what}")
    return records[0]


def _money(amount: float | None) -> str:
    return "?" if amount is None else f"{amount:,.2f}"


def _listed(noun: str, lines: Sequence[str], paging: o.Paging | None = None) -> str:
    head = f"{len(lines)} {noun}"
    if paging is not None:
        head += f" on page {paging.page}" + ("; more on the next page" if paging.has_more else "")
    shown = [f"- {line}" for line in lines[:SHOWN]]
    if len(lines) > SHOWN:
        shown.append(f"- ... and {len(lines) - SHOWN} more in the structured result")
    return head + (":\n" + "\n".join(shown) if shown else ".")


def _paged(args: i._Paged) -> dict[str, str | int | bool]:
    return {"page": args.page, "pageSize": args.page_size}


def _with_where(params: dict[str, str | int | bool], expression: str | None) -> None:
    if expression is not None:
        params["where"] = expression


def _invoice_line(inv: o.InvoiceSummary) -> str:
    reference = f" ref {inv.reference}" if inv.reference else ""
    return (
        f"{inv.invoice_number or '(no number)'} ({inv.invoice_id}){reference} {inv.status} "
        f"{inv.contact_name or ''} total {_money(inv.total)} {inv.currency_code or ''} "
        f"due {_money(inv.amount_due)}"
    )


# --------------------------------------------------------------------------- organisation


@tools.read(
    "xero_get_organisation",
    "Xero organisation",
    "The connected Xero organisation: name, country, base currency, financial year end, "
    "tax basis and whether it is Xero's demo company.",
    i.GetOrganisationInput,
    o.OrganisationOutput,
    GET_ORGANISATION,
)
async def get_organisation(client: XeroClient, args: i.GetOrganisationInput) -> Reply:
    answer = await client.get(GET_ORGANISATION)
    org = o.Organisation.model_validate(_one(answer, "Organisations", "organisation"))
    text = (
        f"{org.name} ({org.country_code}, base currency {org.base_currency}), financial year "
        f"ends {org.financial_year_end_day}/{org.financial_year_end_month}."
    )
    return _reply(o.OrganisationOutput(organisation=org), text, answer)


# --------------------------------------------------------------------------- invoices


@tools.read(
    "xero_list_invoices",
    "List Xero invoices",
    "Sales invoices (ACCREC) and bills (ACCPAY), newest first, filtered by type, statuses, "
    "contact and invoice date range (inclusive); paged (page 1 first, at most 100 a page).",
    i.ListInvoicesInput,
    o.InvoiceListOutput,
    GET_INVOICES,
)
async def list_invoices(client: XeroClient, args: i.ListInvoicesInput) -> Reply:
    params = _paged(args) | {"order": "Date DESC"}
    if args.statuses:
        params["Statuses"] = ",".join(s.value for s in args.statuses)
    if args.contact_id:
        params["ContactIDs"] = str(args.contact_id)
    _with_where(
        params,
        i.where(equals={"Type": args.invoice_type}, date_from=args.date_from, date_to=args.date_to),
    )
    answer = await client.get(GET_INVOICES, params=params)
    return _invoice_page(answer, args)


def _invoice_page(answer: XeroAnswer, args: i._Paged) -> Reply:
    invoices = [o.InvoiceSummary.model_validate(r) for r in _records(answer, "Invoices")]
    paging = o.Paging.of(answer.body, args.page, args.page_size, len(invoices))
    text = _listed("invoices", [_invoice_line(inv) for inv in invoices], paging)
    return _reply(o.InvoiceListOutput(invoices=invoices, paging=paging), text, answer)


@tools.read(
    "xero_search_invoices",
    "Search Xero invoices",
    "Invoices whose number or reference contains the search term (Xero's searchTerm), or "
    "with exactly these invoice numbers; paged.",
    i.SearchInvoicesInput,
    o.InvoiceListOutput,
    GET_INVOICES,
)
async def search_invoices(client: XeroClient, args: i.SearchInvoicesInput) -> Reply:
    params = _paged(args) | {"searchTerm": args.search_term}
    if args.invoice_numbers:
        params["InvoiceNumbers"] = ",".join(args.invoice_numbers)
    answer = await client.get(GET_INVOICES, params=params)
    return _invoice_page(answer, args)


@tools.read(
    "xero_get_invoice",
    "Get a Xero invoice",
    "One invoice or bill by its InvoiceID (from xero_list_invoices): contact, dates, status, "
    "line items, totals and the payments applied to it.",
    i.GetInvoiceInput,
    o.InvoiceOutput,
    GET_INVOICE,
)
async def get_invoice(client: XeroClient, args: i.GetInvoiceInput) -> Reply:
    answer = await client.get(GET_INVOICE, path={"InvoiceID": str(args.invoice_id)})
    invoice = o.InvoiceDetail.model_validate(_one(answer, "Invoices", "invoice"))
    lines = [
        f"{li.description or ''} x{li.quantity} @ {_money(li.unit_amount)}"
        for li in invoice.line_items
    ]
    text = _invoice_line(invoice) + ("\n" + _listed("line items", lines) if lines else "")
    return _reply(o.InvoiceOutput(invoice=invoice), text, answer)


# --------------------------------------------------------------------------- contacts


@tools.read(
    "xero_list_contacts",
    "List Xero contacts",
    "Customers and suppliers, optionally matching a search term (names, email addresses, "
    "account numbers), only customers or only suppliers, archived ones included on request; "
    "paged.",
    i.ListContactsInput,
    o.ContactListOutput,
    GET_CONTACTS,
)
async def list_contacts(client: XeroClient, args: i.ListContactsInput) -> Reply:
    params = _paged(args) | {"order": "Name ASC"}
    if args.search_term:
        params["searchTerm"] = args.search_term
    if args.include_archived:
        params["includeArchived"] = True
    _with_where(
        params,
        i.where(
            equals={
                "IsCustomer": True if args.customers_only else None,
                "IsSupplier": True if args.suppliers_only else None,
            }
        ),
    )
    answer = await client.get(GET_CONTACTS, params=params)
    contacts = [o.ContactSummary.model_validate(r) for r in _records(answer, "Contacts")]
    paging = o.Paging.of(answer.body, args.page, args.page_size, len(contacts))
    text = _listed("contacts", [f"{c.name} ({c.contact_id})" for c in contacts], paging)
    return _reply(o.ContactListOutput(contacts=contacts, paging=paging), text, answer)


@tools.read(
    "xero_get_contact",
    "Get a Xero contact",
    "One contact by its ContactID: names, email, phones, addresses and the balances it owes "
    "and is owed.",
    i.GetContactInput,
    o.ContactOutput,
    GET_CONTACT,
)
async def get_contact(client: XeroClient, args: i.GetContactInput) -> Reply:
    answer = await client.get(GET_CONTACT, path={"ContactID": str(args.contact_id)})
    contact = o.ContactDetail.model_validate(_one(answer, "Contacts", "contact"))
    text = (
        f"{contact.name} ({contact.contact_id}), {contact.contact_status}; receivable "
        f"outstanding {_money(contact.receivable_outstanding)}, payable outstanding "
        f"{_money(contact.payable_outstanding)}."
    )
    return _reply(o.ContactOutput(contact=contact), text, answer)


# --------------------------------------------------------------------------- money movements


@tools.read(
    "xero_list_payments",
    "List Xero payments",
    "Payments applied to invoices, credit notes and prepayments, newest first, by status and "
    "payment date range (inclusive); paged.",
    i.ListPaymentsInput,
    o.PaymentListOutput,
    GET_PAYMENTS,
)
async def list_payments(client: XeroClient, args: i.ListPaymentsInput) -> Reply:
    params = _paged(args) | {"order": "Date DESC"}
    _with_where(
        params,
        i.where(equals={"Status": args.status}, date_from=args.date_from, date_to=args.date_to),
    )
    answer = await client.get(GET_PAYMENTS, params=params)
    payments = [o.Payment.model_validate(r) for r in _records(answer, "Payments")]
    paging = o.Paging.of(answer.body, args.page, args.page_size, len(payments))
    lines = [
        f"{p.payment_id} {p.date} {_money(p.amount)} for invoice {p.invoice_number}"
        for p in payments
    ]
    return _reply(
        o.PaymentListOutput(payments=payments, paging=paging),
        _listed("payments", lines, paging),
        answer,
    )


@tools.read(
    "xero_list_credit_notes",
    "List Xero credit notes",
    "Credit notes (refunds and credits to customers, ACCRECCREDIT; from suppliers, "
    "ACCPAYCREDIT), newest first, by type, status and date range; paged.",
    i.ListCreditNotesInput,
    o.CreditNoteListOutput,
    GET_CREDIT_NOTES,
)
async def list_credit_notes(client: XeroClient, args: i.ListCreditNotesInput) -> Reply:
    params = _paged(args) | {"order": "Date DESC"}
    _with_where(
        params,
        i.where(
            equals={"Type": args.credit_note_type, "Status": args.status},
            date_from=args.date_from,
            date_to=args.date_to,
        ),
    )
    answer = await client.get(GET_CREDIT_NOTES, params=params)
    notes = [o.CreditNote.model_validate(r) for r in _records(answer, "CreditNotes")]
    paging = o.Paging.of(answer.body, args.page, args.page_size, len(notes))
    lines = [
        f"{n.credit_note_number} ({n.credit_note_id}) {n.status} {n.contact_name or ''} "
        f"total {_money(n.total)} remaining {_money(n.remaining_credit)}"
        for n in notes
    ]
    return _reply(
        o.CreditNoteListOutput(credit_notes=notes, paging=paging),
        _listed("credit notes", lines, paging),
        answer,
    )


@tools.read(
    "xero_list_bank_transactions",
    "List Xero bank transactions",
    "Spend and receive money transactions on the bank accounts, newest first, by type, "
    "reconciliation and date range; paged.",
    i.ListBankTransactionsInput,
    o.BankTransactionListOutput,
    GET_BANK_TRANSACTIONS,
)
async def list_bank_transactions(client: XeroClient, args: i.ListBankTransactionsInput) -> Reply:
    params = _paged(args) | {"order": "Date DESC"}
    _with_where(
        params,
        i.where(
            equals={"Type": args.transaction_type, "IsReconciled": args.reconciled},
            date_from=args.date_from,
            date_to=args.date_to,
        ),
    )
    answer = await client.get(GET_BANK_TRANSACTIONS, params=params)
    rows = [o.BankTransaction.model_validate(r) for r in _records(answer, "BankTransactions")]
    paging = o.Paging.of(answer.body, args.page, args.page_size, len(rows))
    lines = [
        f"{t.bank_transaction_id} {t.date} {t.type} {_money(t.total)} {t.contact_name or ''}"
        for t in rows
    ]
    return _reply(
        o.BankTransactionListOutput(bank_transactions=rows, paging=paging),
        _listed("bank transactions", lines, paging),
        answer,
    )


# --------------------------------------------------------------------------- settings


@tools.read(
    "xero_list_accounts",
    "List Xero accounts",
    "The chart of accounts: code, name, type and class (ASSET, EQUITY, EXPENSE, LIABILITY, "
    "REVENUE); active accounts only unless archived ones are asked for.",
    i.ListAccountsInput,
    o.AccountListOutput,
    GET_ACCOUNTS,
)
async def list_accounts(client: XeroClient, args: i.ListAccountsInput) -> Reply:
    params: dict[str, str | int | bool] = {"order": "Code ASC"}
    status = None if args.include_archived else "ACTIVE"
    clauses = [
        c
        for c in (
            i.where(equals={"Class": args.account_class}),
            f'Status=="{status}"' if status else None,
        )
        if c
    ]
    if clauses:
        params["where"] = " AND ".join(clauses)
    answer = await client.get(GET_ACCOUNTS, params=params)
    accounts = [o.Account.model_validate(r) for r in _records(answer, "Accounts")]
    lines = [f"{a.code or '-'} {a.name} ({a.account_class}, {a.type})" for a in accounts]
    return _reply(o.AccountListOutput(accounts=accounts), _listed("accounts", lines), answer)


@tools.read(
    "xero_list_items",
    "List Xero items",
    "Products and services set up as items: code, name, sale and purchase prices and, for "
    "tracked inventory, the quantity on hand.",
    i.ListItemsInput,
    o.ItemListOutput,
    GET_ITEMS,
)
async def list_items(client: XeroClient, args: i.ListItemsInput) -> Reply:
    params: dict[str, str | int | bool] = {"order": "Code ASC"}
    _with_where(
        params,
        i.where(
            equals={
                "IsSold": True if args.sold_only else None,
                "IsPurchased": True if args.purchased_only else None,
            }
        ),
    )
    answer = await client.get(GET_ITEMS, params=params)
    items = [o.Item.model_validate(r) for r in _records(answer, "Items")]
    lines = [f"{it.code} {it.name} sells at {_money(it.sales_unit_price)}" for it in items]
    return _reply(o.ItemListOutput(items=items), _listed("items", lines), answer)


# --------------------------------------------------------------------------- quotes and orders


@tools.read(
    "xero_list_quotes",
    "List Xero quotes",
    "Quotes, newest first, by status, contact, quote number and date range; 100 a page.",
    i.ListQuotesInput,
    o.QuoteListOutput,
    GET_QUOTES,
)
async def list_quotes(client: XeroClient, args: i.ListQuotesInput) -> Reply:
    params: dict[str, str | int | bool] = {"page": args.page, "order": "Date DESC"}
    if args.status:
        params["Status"] = args.status.value
    if args.contact_id:
        params["ContactID"] = str(args.contact_id)
    if args.quote_number:
        params["QuoteNumber"] = args.quote_number
    if args.date_from:
        params["DateFrom"] = args.date_from.isoformat()
    if args.date_to:
        params["DateTo"] = args.date_to.isoformat()
    answer = await client.get(GET_QUOTES, params=params)
    quotes = [o.Quote.model_validate(r) for r in _records(answer, "Quotes")]
    has_more = len(quotes) >= QUOTES_PAGE_SIZE
    lines = [f"{q.quote_number} ({q.quote_id}) {q.status} total {_money(q.total)}" for q in quotes]
    text = _listed("quotes", lines) + ("\nMore on the next page." if has_more else "")
    return _reply(o.QuoteListOutput(quotes=quotes, page=args.page, has_more=has_more), text, answer)


@tools.read(
    "xero_list_purchase_orders",
    "List Xero purchase orders",
    "Purchase orders to suppliers, newest first, by status and date range; paged.",
    i.ListPurchaseOrdersInput,
    o.PurchaseOrderListOutput,
    GET_PURCHASE_ORDERS,
)
async def list_purchase_orders(client: XeroClient, args: i.ListPurchaseOrdersInput) -> Reply:
    params = _paged(args) | {"order": "Date DESC"}
    if args.status:
        params["Status"] = args.status.value
    if args.date_from:
        params["DateFrom"] = args.date_from.isoformat()
    if args.date_to:
        params["DateTo"] = args.date_to.isoformat()
    answer = await client.get(GET_PURCHASE_ORDERS, params=params)
    orders = [o.PurchaseOrder.model_validate(r) for r in _records(answer, "PurchaseOrders")]
    paging = o.Paging.of(answer.body, args.page, args.page_size, len(orders))
    lines = [
        f"{po.purchase_order_number} ({po.purchase_order_id}) {po.status} total {_money(po.total)}"
        for po in orders
    ]
    return _reply(
        o.PurchaseOrderListOutput(purchase_orders=orders, paging=paging),
        _listed("purchase orders", lines, paging),
        answer,
    )


# --------------------------------------------------------------------------- reports


def _report_reply(answer: XeroAnswer) -> Reply:
    report = o.parse_report(answer.body)
    columns = " | ".join(report.columns)
    shown = [
        f"{'[' + line.section + '] ' if line.section else ''}{line.label}: "
        + " | ".join(line.values)
        for line in report.lines
        # Totals, and the untitled sections' lines (gross and net profit, net assets).
        if line.kind == "summary" or not line.section
    ]
    text = f"{' - '.join(report.titles) or report.report_name}\n{columns}\n" + _listed(
        "totals", shown
    )
    return _reply(report, text, answer)


def _report_params(
    **values: dt.date | enum.StrEnum | str | int | bool | None,
) -> dict[str, str | int | bool]:
    """A report's query: dates as ISO dates, enumerations as their values; None and False
    (Xero's defaults) are left out."""
    params: dict[str, str | int | bool] = {}
    for name, value in values.items():
        if value is None or value is False:
            continue
        if isinstance(value, dt.date):
            params[name] = value.isoformat()
        elif isinstance(value, enum.StrEnum):
            params[name] = value.value
        else:
            params[name] = value
    return params


@tools.read(
    "xero_report_profit_and_loss",
    "Xero profit and loss",
    "The profit and loss report between two dates (inclusive), optionally compared with up "
    "to 11 earlier periods (months, quarters or years), cash basis on request.",
    i.ProfitAndLossInput,
    o.ReportOutput,
    GET_PROFIT_AND_LOSS,
)
async def profit_and_loss(client: XeroClient, args: i.ProfitAndLossInput) -> Reply:
    params = _report_params(
        fromDate=args.date_from,
        toDate=args.date_to,
        periods=args.periods,
        timeframe=args.timeframe,
        paymentsOnly=args.payments_only,
    )
    return _report_reply(await client.get(GET_PROFIT_AND_LOSS, params=params))


@tools.read(
    "xero_report_balance_sheet",
    "Xero balance sheet",
    "The balance sheet at a date, optionally compared with up to 11 earlier periods.",
    i.BalanceSheetInput,
    o.ReportOutput,
    GET_BALANCE_SHEET,
)
async def balance_sheet(client: XeroClient, args: i.BalanceSheetInput) -> Reply:
    params = _report_params(
        date=args.date,
        periods=args.periods,
        timeframe=args.timeframe,
        paymentsOnly=args.payments_only,
    )
    return _report_reply(await client.get(GET_BALANCE_SHEET, params=params))


@tools.read(
    "xero_report_aged_receivables",
    "Xero aged receivables",
    "What one contact owes, by age (current, 30, 60, 90 days and older), at a date; a "
    "ContactID from xero_list_contacts.",
    i.AgedReportInput,
    o.ReportOutput,
    GET_AGED_RECEIVABLES,
)
async def aged_receivables(client: XeroClient, args: i.AgedReportInput) -> Reply:
    params = _report_params(
        contactId=str(args.contact_id),
        date=args.date,
        fromDate=args.date_from,
        toDate=args.date_to,
    )
    return _report_reply(await client.get(GET_AGED_RECEIVABLES, params=params))


@tools.read(
    "xero_report_aged_payables",
    "Xero aged payables",
    "What the organisation owes one supplier, by age, at a date; a ContactID from "
    "xero_list_contacts.",
    i.AgedReportInput,
    o.ReportOutput,
    GET_AGED_PAYABLES,
)
async def aged_payables(client: XeroClient, args: i.AgedReportInput) -> Reply:
    params = _report_params(
        contactId=str(args.contact_id),
        date=args.date,
        fromDate=args.date_from,
        toDate=args.date_to,
    )
    return _report_reply(await client.get(GET_AGED_PAYABLES, params=params))


@tools.read(
    "xero_report_trial_balance",
    "Xero trial balance",
    "Every account's debit, credit and year-to-date balance at a date.",
    i.TrialBalanceInput,
    o.ReportOutput,
    GET_TRIAL_BALANCE,
)
async def trial_balance(client: XeroClient, args: i.TrialBalanceInput) -> Reply:
    params = _report_params(date=args.date, paymentsOnly=args.payments_only)
    return _report_reply(await client.get(GET_TRIAL_BALANCE, params=params))


# --------------------------------------------------------------------------- writes


def draft_invoice_body(args: i.CreateDraftInvoiceInput) -> Mapping[str, Any]:
    """The ``Invoices`` body of a draft: the whitelisted fields, status fixed to DRAFT."""
    invoice: dict[str, Any] = {
        "Type": args.invoice_type.value,
        "Contact": {"ContactID": str(args.contact_id)},
        "Status": "DRAFT",
        "LineAmountTypes": args.line_amount_types.value,
        "LineItems": [
            {
                k: v
                for k, v in {
                    "Description": li.description,
                    "Quantity": float(li.quantity),
                    "UnitAmount": float(li.unit_amount),
                    "AccountCode": li.account_code,
                    "ItemCode": li.item_code,
                    "TaxType": li.tax_type,
                }.items()
                if v is not None
            }
            for li in args.line_items
        ],
    }
    for key, value in {
        "Date": args.date.isoformat() if args.date else None,
        "DueDate": args.due_date.isoformat() if args.due_date else None,
        "Reference": args.reference,
        "CurrencyCode": args.currency_code,
    }.items():
        if value is not None:
            invoice[key] = value
    return {"Invoices": [invoice]}


@tools.write(
    "xero_create_draft_invoice",
    "Create a draft Xero invoice",
    "Create one DRAFT sales invoice (or bill) for an existing contact with its line items. "
    "It stays a draft: nothing is sent, approved or posted; a person approves it in Xero.",
    i.CreateDraftInvoiceInput,
    o.DraftInvoiceOutput,
    CREATE_INVOICES,
    whitelist=WriteWhitelist(writable=frozenset(i.DRAFT_INVOICE_FIELDS)),
    # Each call creates another draft: not idempotent, but it destroys nothing.
    annotations=ToolAnnotations(
        read_only_hint=False, destructive_hint=False, idempotent_hint=False
    ),
)
async def create_draft_invoice(client: XeroClient, args: i.CreateDraftInvoiceInput) -> Reply:
    answer = await client.write(CREATE_INVOICES, draft_invoice_body(args))
    invoice = o.InvoiceDetail.model_validate(_one(answer, "Invoices", "invoice created"))
    if invoice.status != "DRAFT":
        raise UpstreamError(PLATFORM, 200, "Xero did not keep the invoice a draft")
    return _reply(
        o.DraftInvoiceOutput(invoice=invoice),
        f"Created draft {_invoice_line(invoice)}.",
        answer,
    )


_CONTACT_KEYS = {"name": "Name", "first_name": "FirstName", "last_name": "LastName"}


def update_contact_body(args: i.UpdateContactInput) -> Mapping[str, Any]:
    contact: dict[str, Any] = {
        key: getattr(args, field)
        for field, key in _CONTACT_KEYS.items()
        if getattr(args, field) is not None
    }
    if args.phone_number is not None:
        contact["Phones"] = [{"PhoneType": "DEFAULT", "PhoneNumber": args.phone_number}]
    return {"Contacts": [contact]}


@tools.write(
    "xero_update_contact",
    "Update a Xero contact",
    "Change one contact's name, first or last name, or default phone number. Nothing else "
    "(not its email address, status, bank or tax details) can be changed.",
    i.UpdateContactInput,
    o.UpdateContactOutput,
    UPDATE_CONTACT,
    whitelist=WriteWhitelist(
        writable=frozenset(i.CONTACT_WRITABLE_FIELDS), locators=frozenset(i.CONTACT_LOCATORS)
    ),
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def update_contact(client: XeroClient, args: i.UpdateContactInput) -> Reply:
    answer = await client.write(
        UPDATE_CONTACT, update_contact_body(args), path={"ContactID": str(args.contact_id)}
    )
    contact = o.ContactDetail.model_validate(_one(answer, "Contacts", "contact updated"))
    changed = [f for f in i.CONTACT_WRITABLE_FIELDS if getattr(args, f) is not None]
    return _reply(
        o.UpdateContactOutput(contact=contact, updated_fields=changed),
        f"Updated {contact.name} ({contact.contact_id}): {', '.join(changed)}.",
        answer,
    )
