"""The Xero sandbox's sample organisation: the books of the Shopify sandbox's shop (Acme
Outfitters, AUD), built the same way every time.

Its sales invoices are the Shopify sandbox's **paid** orders, one invoice per order with the
order's name as ``Reference``, except for three deliberate mismatches a reconciliation
playbook should find (:data:`SEEDED_MISMATCHES`): a paid order with no invoice, an order
invoiced twice, and an invoice whose total differs from the order's. Around them: contacts
(the shop's customers and two suppliers), payments, a credit note, bank transactions, the
chart of accounts, items (the shop's products), a quote, a purchase order and reports.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any, Final

import attrs

from shopmcp_entrypoints.demo.sandboxes import shopify_data

TENANT_ID: Final = "6f2b3c1e-9a7d-4e5b-8c11-0d5a7e9b3f20"
TENANT_HEADER: Final = "xero-tenant-id"
ORGANISATION_NAME: Final = "Acme Outfitters Pty Ltd (sandbox)"
CLIENT_ID: Final = "SHOPMCPDEMOXEROCLIENT0000000000001"
CLIENT_SECRET: Final = "sandbox-xero-client-secret-0123456789"  # noqa: S105 - the sandbox's own
SCOPES: Final = (
    "offline_access accounting.transactions.read accounting.contacts.read "
    "accounting.reports.read accounting.settings.read"
)
CURRENCY: Final = "AUD"
_NAMESPACE = uuid.UUID("3a1f0c55-5d3e-4f5b-9a0e-6b7c8d9e0f10")


def xero_id(kind: str, key: object) -> str:
    """A stable UUID for a sample record."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def ms_date(day: dt.datetime | dt.date) -> str:
    """Xero's MS-JSON date: ``/Date(<ms since the epoch>+0000)/``."""
    if not isinstance(day, dt.datetime):
        day = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return f"/Date({int(day.timestamp() * 1000)}+0000)/"


# --------------------------------------------------------------------------- the mismatches


class MismatchKind(enum.StrEnum):
    MISSING_INVOICE = "missing_invoice"
    DUPLICATE_INVOICE = "duplicate_invoice"
    AMOUNT_MISMATCH = "amount_mismatch"


@attrs.frozen
class SeededMismatch:
    """One deliberate difference between the Shopify sandbox's paid orders and these books."""

    kind: MismatchKind
    shopify_order: str  # the order's name, e.g. "#1004"
    shopify_total: Decimal
    # The invoices whose Reference is the order (none when missing, two when duplicated).
    invoice_numbers: tuple[str, ...]
    xero_total: Decimal | None
    note: str


def _paid_orders() -> list[dict[str, Any]]:
    return [
        o for o in shopify_data.sample_data()["orders"] if o["displayFinancialStatus"] == "PAID"
    ]


def _total(order: dict[str, Any]) -> Decimal:
    return Decimal(order["currentTotalPriceSet"]["shopMoney"]["amount"])


# Which paid order each mismatch is seeded on (by its name).
_MISSING = "#1004"
_DUPLICATED = "#1007"
_WRONG_AMOUNT = "#1009"
_WRONG_BY = Decimal("-5.00")


@attrs.frozen
class _Invoice:
    number: str
    reference: str
    customer: int  # index into the Shopify sandbox's customers
    date: dt.datetime
    total: Decimal
    status: str


def _add(
    invoices: list[_Invoice],
    reference: str,
    customer: int,
    created: dt.datetime,
    total: Decimal,
    status: str = "PAID",
) -> _Invoice:
    made = _Invoice(f"INV-{len(invoices) + 1:04d}", reference, customer, created, total, status)
    invoices.append(made)
    return made


def _sales_invoices() -> tuple[list[_Invoice], list[SeededMismatch]]:
    invoices: list[_Invoice] = []
    mismatches: list[SeededMismatch] = []
    for order in _paid_orders():
        name, total = order["name"], _total(order)
        created = dt.datetime.fromisoformat(order["createdAt"].replace("Z", "+00:00"))
        customer = int(order["customerIndex"])

        if name == _MISSING:
            mismatches.append(
                SeededMismatch(
                    MismatchKind.MISSING_INVOICE,
                    name,
                    total,
                    (),
                    None,
                    "paid in Shopify, never invoiced in Xero",
                )
            )
        elif name == _DUPLICATED:
            first = _add(invoices, name, customer, created, total)
            second = _add(invoices, name, customer, created, total, "AUTHORISED")
            mismatches.append(
                SeededMismatch(
                    MismatchKind.DUPLICATE_INVOICE,
                    name,
                    total,
                    (first.number, second.number),
                    total,
                    "invoiced twice; the second is still awaiting payment",
                )
            )
        elif name == _WRONG_AMOUNT:
            wrong = _add(invoices, name, customer, created, total + _WRONG_BY)
            mismatches.append(
                SeededMismatch(
                    MismatchKind.AMOUNT_MISMATCH,
                    name,
                    total,
                    (wrong.number,),
                    wrong.total,
                    "invoice total differs from the order total",
                )
            )
        else:
            _add(invoices, name, customer, created, total)
    return invoices, mismatches


_INVOICES, _MISMATCHES = _sales_invoices()
SEEDED_MISMATCHES: Final[tuple[SeededMismatch, ...]] = tuple(_MISMATCHES)
# The paid orders whose single invoice matches them exactly.
MATCHED_ORDERS: Final[tuple[str, ...]] = tuple(
    o["name"]
    for o in _paid_orders()
    if o["name"] not in {m.shopify_order for m in SEEDED_MISMATCHES}
)


# --------------------------------------------------------------------------- the records


def _customer_contacts() -> list[dict[str, Any]]:
    out = []
    for c, customer in enumerate(shopify_data.sample_data()["customers"]):
        first, last = customer["firstName"], customer["lastName"]
        out.append(
            {
                "ContactID": xero_id("contact", c),
                "ContactStatus": "ACTIVE",
                "Name": f"{first} {last}",
                "FirstName": first,
                "LastName": last,
                "EmailAddress": customer["defaultEmailAddress"]["emailAddress"],
                "IsCustomer": True,
                "IsSupplier": False,
                "Phones": [{"PhoneType": "DEFAULT", "PhoneNumber": f"0400 000 00{c}"}],
                "Addresses": [{"AddressType": "POBOX", "City": "", "Country": "Australia"}],
                "UpdatedDateUTC": ms_date(dt.datetime(2026, 8, 1, tzinfo=dt.UTC)),
            }
        )
    return out


_SUPPLIERS = [("Southern Wool Co", "accounts@southernwool.example"), ("Coastline Apparel", "")]


def _supplier_contacts() -> list[dict[str, Any]]:
    return [
        {
            "ContactID": xero_id("supplier", s),
            "ContactStatus": "ACTIVE",
            "Name": name,
            "EmailAddress": email,
            "IsCustomer": False,
            "IsSupplier": True,
            "Phones": [],
            "Addresses": [],
            "UpdatedDateUTC": ms_date(dt.datetime(2026, 7, 1, tzinfo=dt.UTC)),
        }
        for s, (name, email) in enumerate(_SUPPLIERS)
    ]


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def _invoice_record(inv: _Invoice, contacts: list[dict[str, Any]]) -> dict[str, Any]:
    contact = contacts[inv.customer]
    tax = (inv.total / 11).quantize(Decimal("0.01"))
    paid = inv.total if inv.status == "PAID" else Decimal(0)
    record: dict[str, Any] = {
        "Type": "ACCREC",
        "InvoiceID": xero_id("invoice", inv.number),
        "InvoiceNumber": inv.number,
        "Reference": inv.reference,
        "Contact": {"ContactID": contact["ContactID"], "Name": contact["Name"]},
        "Date": ms_date(inv.date.date()),
        "DueDate": ms_date(inv.date.date() + dt.timedelta(days=14)),
        "Status": inv.status,
        "LineAmountTypes": "Inclusive",
        "LineItems": [
            {
                "Description": f"Shopify order {inv.reference}",
                "Quantity": 1.0,
                "UnitAmount": _money(inv.total),
                "AccountCode": "200",
                "TaxType": "OUTPUT",
                "TaxAmount": _money(tax),
                "LineAmount": _money(inv.total),
            }
        ],
        "SubTotal": _money(inv.total - tax),
        "TotalTax": _money(tax),
        "Total": _money(inv.total),
        "AmountDue": _money(inv.total - paid),
        "AmountPaid": _money(paid),
        "AmountCredited": 0.0,
        "CurrencyCode": CURRENCY,
        "UpdatedDateUTC": ms_date(inv.date + dt.timedelta(hours=2)),
        "Payments": (
            [
                {
                    "PaymentID": xero_id("payment", inv.number),
                    "Date": ms_date(inv.date.date()),
                    "Amount": _money(inv.total),
                    "Reference": f"Shopify payout {inv.reference}",
                }
            ]
            if inv.status == "PAID"
            else []
        ),
    }
    if inv.status == "PAID":
        record["FullyPaidOnDate"] = ms_date(inv.date.date())
    return record


def _bill(suppliers: list[dict[str, Any]]) -> dict[str, Any]:
    day = dt.date(2026, 9, 5)
    return {
        "Type": "ACCPAY",
        "InvoiceID": xero_id("bill", 1),
        "InvoiceNumber": "SW-2291",
        "Reference": "Wool socks and beanies restock",
        "Contact": {"ContactID": suppliers[0]["ContactID"], "Name": suppliers[0]["Name"]},
        "Date": ms_date(day),
        "DueDate": ms_date(day + dt.timedelta(days=30)),
        "Status": "AUTHORISED",
        "LineAmountTypes": "Exclusive",
        "LineItems": [
            {
                "Description": "Trail Socks x 60",
                "Quantity": 60.0,
                "UnitAmount": 8.5,
                "AccountCode": "310",
                "TaxType": "INPUT",
                "TaxAmount": 51.0,
                "LineAmount": 510.0,
            }
        ],
        "SubTotal": 510.0,
        "TotalTax": 51.0,
        "Total": 561.0,
        "AmountDue": 561.0,
        "AmountPaid": 0.0,
        "AmountCredited": 0.0,
        "CurrencyCode": CURRENCY,
        "UpdatedDateUTC": ms_date(dt.datetime(2026, 9, 5, 3, tzinfo=dt.UTC)),
        "Payments": [],
    }


ACCOUNTS: Final = [
    ("090", "Business Bank Account", "BANK", "ASSET"),
    ("200", "Sales", "REVENUE", "REVENUE"),
    ("260", "Other Revenue", "OTHERINCOME", "REVENUE"),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "EXPENSE"),
    ("400", "Advertising", "EXPENSE", "EXPENSE"),
    ("425", "Freight & Courier", "EXPENSE", "EXPENSE"),
    ("610", "Accounts Receivable", "CURRENT", "ASSET"),
    ("800", "Accounts Payable", "CURRLIAB", "LIABILITY"),
    ("820", "GST", "CURRLIAB", "LIABILITY"),
    ("970", "Owner A Funds Introduced", "EQUITY", "EQUITY"),
]


def sample_books() -> dict[str, Any]:
    """Every record the sandbox serves, keyed by Xero's collection names."""
    customers = _customer_contacts()
    suppliers = _supplier_contacts()
    contacts = customers + suppliers
    invoices = [_invoice_record(inv, customers) for inv in _INVOICES] + [_bill(suppliers)]
    payments = [
        {
            "PaymentID": p["PaymentID"],
            "Date": p["Date"],
            "Amount": p["Amount"],
            "Reference": p["Reference"],
            "PaymentType": "ACCRECPAYMENT",
            "Status": "AUTHORISED",
            "IsReconciled": True,
            "Invoice": {"InvoiceID": inv["InvoiceID"], "InvoiceNumber": inv["InvoiceNumber"]},
            "Account": {"AccountID": xero_id("account", "090"), "Code": "090"},
            "UpdatedDateUTC": inv["UpdatedDateUTC"],
        }
        for inv in invoices
        for p in inv["Payments"]
    ]
    products = shopify_data.sample_data()["products"]
    items = [
        {
            "ItemID": xero_id("item", p["title"]),
            "Code": p["variants"][0]["sku"].rsplit("-", 1)[0],
            "Name": p["title"],
            "Description": p["title"],
            "IsSold": True,
            "IsPurchased": p["vendor"] != "Acme",
            "SalesDetails": {"UnitPrice": float(p["variants"][0]["price"]), "AccountCode": "200"},
            "PurchaseDetails": {"UnitPrice": round(float(p["variants"][0]["price"]) * 0.4, 2)},
            "IsTrackedAsInventory": False,
        }
        for p in products
        if p["status"] == "ACTIVE"
    ]
    return {
        "Organisations": [
            {
                "OrganisationID": TENANT_ID,
                "Name": ORGANISATION_NAME,
                "LegalName": "Acme Outfitters Pty Ltd",
                "ShortCode": "!acme1",
                "CountryCode": "AU",
                "BaseCurrency": CURRENCY,
                "OrganisationType": "COMPANY",
                "Timezone": "AUSEASTERNSTANDARDTIME",
                "FinancialYearEndDay": 30,
                "FinancialYearEndMonth": 6,
                "SalesTaxBasis": "ACCRUALS",
                "IsDemoCompany": False,
                "CreatedDateUTC": ms_date(dt.datetime(2024, 7, 1, tzinfo=dt.UTC)),
            }
        ],
        "Contacts": contacts,
        "Invoices": invoices,
        "Payments": payments,
        "CreditNotes": [
            {
                "CreditNoteID": xero_id("credit", 1),
                "CreditNoteNumber": "CN-0001",
                "Type": "ACCRECCREDIT",
                "Status": "PAID",
                "Contact": {
                    "ContactID": customers[1]["ContactID"],
                    "Name": customers[1]["Name"],
                },
                "Date": ms_date(dt.date(2026, 9, 8)),
                "CurrencyCode": CURRENCY,
                "Total": 29.0,
                "RemainingCredit": 0.0,
                "Reference": "Refund on Shopify order #1002",
            }
        ],
        "BankTransactions": [
            {
                "BankTransactionID": xero_id("bank", n),
                "Type": kind,
                "Status": "AUTHORISED",
                "Contact": {"Name": who},
                "BankAccount": {"AccountID": xero_id("account", "090"), "Name": "Business Bank"},
                "Date": ms_date(day),
                "Reference": ref,
                "CurrencyCode": CURRENCY,
                "LineItems": [
                    {
                        "Description": ref,
                        "Quantity": 1.0,
                        "UnitAmount": total,
                        "AccountCode": "200" if kind == "RECEIVE" else "400",
                        "LineAmount": total,
                    }
                ],
                "SubTotal": total,
                "TotalTax": 0.0,
                "Total": total,
                "IsReconciled": reconciled,
            }
            for n, (kind, who, day, ref, total, reconciled) in enumerate(
                [
                    ("RECEIVE", "Shopify", dt.date(2026, 9, 8), "Shopify payout", 359.9, True),
                    ("SPEND", "Meta Ads", dt.date(2026, 9, 12), "Ad campaign", 400.0, True),
                    ("SPEND", "Australia Post", dt.date(2026, 9, 20), "Postage", 86.4, False),
                    ("RECEIVE", "Shopify", dt.date(2026, 9, 29), "Shopify payout", 241.9, False),
                ]
            )
        ],
        "Accounts": [
            {
                "AccountID": xero_id("account", code),
                "Code": code,
                "Name": name,
                "Type": kind,
                "Class": klass,
                "Status": "ACTIVE",
                "TaxType": "OUTPUT" if klass == "REVENUE" else "INPUT",
            }
            for code, name, kind, klass in ACCOUNTS
        ],
        "Items": items,
        "Quotes": [
            {
                "QuoteID": xero_id("quote", 1),
                "QuoteNumber": "QU-0001",
                "Status": "SENT",
                "Title": "Wholesale socks order",
                "Contact": {
                    "ContactID": customers[2]["ContactID"],
                    "Name": customers[2]["Name"],
                },
                "Date": ms_date(dt.date(2026, 9, 15)),
                "ExpiryDate": ms_date(dt.date(2026, 10, 15)),
                "CurrencyCode": CURRENCY,
                "Total": 540.0,
                "Reference": "Priya - wholesale",
            }
        ],
        "PurchaseOrders": [
            {
                "PurchaseOrderID": xero_id("po", 1),
                "PurchaseOrderNumber": "PO-0001",
                "Status": "AUTHORISED",
                "Contact": {"ContactID": suppliers[1]["ContactID"], "Name": suppliers[1]["Name"]},
                "Date": ms_date(dt.date(2026, 9, 18)),
                "DeliveryDate": ms_date(dt.date(2026, 10, 2)),
                "CurrencyCode": CURRENCY,
                "Total": 1890.0,
                "Reference": "Rain shells for summer",
            }
        ],
    }
