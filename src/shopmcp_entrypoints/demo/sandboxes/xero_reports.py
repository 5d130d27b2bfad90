"""The Xero sandbox's reports (profit and loss, balance sheet, trial balance, aged
receivables and payables), computed from its books the way the Accounting API lays them out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from shopmcp_entrypoints.demo.sandboxes import xero_data as data
from shopmcp_entrypoints.demo.sandboxes.xero_state import (
    SandboxState,
    _day,
    _validation,
)

# --------------------------------------------------------------------------- reports


def _money(value: float) -> str:
    return f"{value:.2f}"


def _row(label: str, *values: float, summary: bool = False) -> dict[str, Any]:
    return {
        "RowType": "SummaryRow" if summary else "Row",
        "Cells": [{"Value": label}, *({"Value": _money(v)} for v in values)],
    }


def _report(name: str, titles: list[str], columns: list[str], rows: list[Any]) -> dict[str, Any]:
    header = {"RowType": "Header", "Cells": [{"Value": ""}, *({"Value": c} for c in columns)]}
    return {
        "Status": "OK",
        "Reports": [
            {
                "ReportID": name.replace(" ", ""),
                "ReportName": name,
                "ReportType": name.replace(" ", ""),
                "ReportTitles": titles,
                "ReportDate": dt.date.today().strftime("%d %B %Y"),
                "UpdatedDateUTC": data.ms_date(dt.datetime.now(dt.UTC)),
                "Fields": [],
                "Rows": [header, *rows],
            }
        ],
    }


def _in_range(record: dict[str, Any], start: dt.date | None, end: dt.date | None) -> bool:
    day = _day(record.get("Date"))
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


def _date_query(query: dict[str, str], name: str) -> dt.date | None:
    if not query.get(name):
        return None
    try:
        return dt.date.fromisoformat(query[name])
    except ValueError:
        raise _validation(f"{name} must be a date") from None


def _live(records: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in records if r["Type"] == kind and r["Status"] in ("AUTHORISED", "PAID")]


def _profit_and_loss(state: SandboxState, query: dict[str, str]) -> dict[str, Any]:
    start, end = _date_query(query, "fromDate"), _date_query(query, "toDate")
    invoices = [r for r in state.books["Invoices"] if _in_range(r, start, end)]
    sales = sum(r["SubTotal"] for r in _live(invoices, "ACCREC"))
    costs = sum(r["SubTotal"] for r in _live(invoices, "ACCPAY"))
    spends = [
        r
        for r in state.books["BankTransactions"]
        if r["Type"] == "SPEND" and _in_range(r, start, end)
    ]
    expenses = sum(r["Total"] for r in spends)
    org = state.books["Organisations"][0]["Name"]
    period = f"{start or 'the beginning'} to {end or 'today'}"
    return _report(
        "Profit and Loss",
        ["Profit & Loss", org, period],
        [str(end or "Today")],
        [
            {"RowType": "Section", "Title": "Income", "Rows": [
                _row("Sales", sales), _row("Total Income", sales, summary=True)]},
            {"RowType": "Section", "Title": "Less Cost of Sales", "Rows": [
                _row("Cost of Goods Sold", costs),
                _row("Total Cost of Sales", costs, summary=True)]},
            {"RowType": "Section", "Title": "", "Rows": [_row("Gross Profit", sales - costs)]},
            {"RowType": "Section", "Title": "Less Operating Expenses", "Rows": [
                *(_row(r["Contact"]["Name"], r["Total"]) for r in spends),
                _row("Total Operating Expenses", expenses, summary=True)]},
            {"RowType": "Section", "Title": "", "Rows": [
                _row("Net Profit", sales - costs - expenses)]},
        ],
    )  # fmt: skip


def _balances(state: SandboxState, at: dt.date | None) -> dict[str, float]:
    invoices = [r for r in state.books["Invoices"] if _in_range(r, None, at)]
    bank = sum(
        (1 if r["Type"] == "RECEIVE" else -1) * r["Total"]
        for r in state.books["BankTransactions"]
        if _in_range(r, None, at)
    )
    return {
        "bank": bank,
        "receivable": sum(r["AmountDue"] for r in _live(invoices, "ACCREC")),
        "payable": sum(r["AmountDue"] for r in _live(invoices, "ACCPAY")),
    }


def _balance_sheet(state: SandboxState, query: dict[str, str]) -> dict[str, Any]:
    at = _date_query(query, "date")
    b = _balances(state, at)
    assets = b["bank"] + b["receivable"]
    org = state.books["Organisations"][0]["Name"]
    return _report(
        "Balance Sheet",
        ["Balance Sheet", org, f"As at {at or 'today'}"],
        [str(at or "Today")],
        [
            {"RowType": "Section", "Title": "Assets", "Rows": [
                _row("Business Bank Account", b["bank"]),
                _row("Accounts Receivable", b["receivable"]),
                _row("Total Assets", assets, summary=True)]},
            {"RowType": "Section", "Title": "Liabilities", "Rows": [
                _row("Accounts Payable", b["payable"]),
                _row("Total Liabilities", b["payable"], summary=True)]},
            {"RowType": "Section", "Title": "", "Rows": [
                _row("Net Assets", assets - b["payable"])]},
        ],
    )  # fmt: skip


def _trial_balance(state: SandboxState, query: dict[str, str]) -> dict[str, Any]:
    at = _date_query(query, "date")
    b = _balances(state, at)
    invoices = [r for r in state.books["Invoices"] if _in_range(r, None, at)]
    sales = sum(r["SubTotal"] for r in _live(invoices, "ACCREC"))
    costs = sum(r["SubTotal"] for r in _live(invoices, "ACCPAY"))
    debit = b["bank"] + b["receivable"] + costs
    credit = sales + b["payable"]
    return _report(
        "Trial Balance",
        ["Trial Balance", state.books["Organisations"][0]["Name"], f"As at {at or 'today'}"],
        ["Debit", "Credit"],
        [
            {"RowType": "Section", "Title": "Revenue", "Rows": [_row("Sales (200)", 0, sales)]},
            {"RowType": "Section", "Title": "Expenses", "Rows": [
                _row("Cost of Goods Sold (310)", costs, 0)]},
            {"RowType": "Section", "Title": "Assets", "Rows": [
                _row("Business Bank Account (090)", b["bank"], 0),
                _row("Accounts Receivable (610)", b["receivable"], 0)]},
            {"RowType": "Section", "Title": "Liabilities", "Rows": [
                _row("Accounts Payable (800)", 0, b["payable"])]},
            {"RowType": "Section", "Title": "", "Rows": [
                _row("Total", debit, credit, summary=True)]},
        ],
    )  # fmt: skip


def _aged(state: SandboxState, query: dict[str, str], kind: str, name: str) -> dict[str, Any]:
    contact = query.get("contactId", "")
    if not contact:
        raise _validation("contactId is required")
    at = _date_query(query, "date") or dt.date.today()
    owing = [
        r
        for r in _live(state.books["Invoices"], kind)
        if r["Contact"]["ContactID"] == contact and r["AmountDue"] > 0
    ]
    rows = []
    for r in owing:
        due = _day(r["DueDate"]) or at
        days = (at - due).days
        buckets = [0.0] * 5
        slot = 0 if days <= 0 else 1 if days <= 30 else 2 if days <= 60 else 3 if days <= 90 else 4
        buckets[slot] = r["AmountDue"]
        rows.append(_row(r["InvoiceNumber"], *buckets, r["AmountDue"]))
    totals = [0.0] * 5 + [sum(r["AmountDue"] for r in owing)]
    return _report(
        name,
        [name, state.books["Organisations"][0]["Name"], f"As at {at}"],
        ["Current", "< 1 Month", "1 Month", "2 Months", "Older", "Total"],
        [
            {
                "RowType": "Section",
                "Title": "",
                "Rows": [*rows, _row("Total", *totals, summary=True)],
            }
        ],
    )
