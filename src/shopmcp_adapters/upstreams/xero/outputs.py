"""The Xero tools' outputs, parsed from Xero's PascalCase JSON (the spec's schemas) into
snake_case fields: what leaves the gateway is each model's serialised form.

Dates arrive as MS-JSON (``/Date(1551399323399+0000)/``) and leave as ISO 8601 (``date`` fields
as ``YYYY-MM-DD``, ``*_at`` fields as UTC timestamps). Amounts are numbers (``double`` in the
spec; the official Payments example sends some as strings, which are coerced). Unknown fields
are ignored, so a field Xero adds changes nothing here.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasPath, BaseModel, BeforeValidator, ConfigDict, Field

from shopmcp_adapters.upstreams.xero.client import xero_date, xero_datetime

XeroDate = Annotated[str | None, BeforeValidator(xero_date)]
XeroTimestamp = Annotated[str | None, BeforeValidator(xero_datetime)]


class _Out(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def _alias(name: str) -> Any:
    return Field(default=None, validation_alias=name)


def _nested(*path: str) -> Any:
    return Field(default=None, validation_alias=AliasPath(*path))


class Paging(_Out):
    page: int
    page_size: int
    count: int = Field(description="Results on this page.")
    has_more: bool = Field(description="Whether a next page may hold more.")

    @classmethod
    def of(cls, body: Any, page: int, page_size: int, count: int) -> Paging:
        """From Xero's ``pagination`` object when sent, else from a full page."""
        pagination = body.get("pagination") if isinstance(body, dict) else None
        page_count = pagination.get("pageCount") if isinstance(pagination, dict) else None
        has_more = page < page_count if isinstance(page_count, int) else count >= page_size
        return cls(page=page, page_size=page_size, count=count, has_more=has_more)


# --------------------------------------------------------------------------- organisation


class Organisation(_Out):
    organisation_id: str | None = _alias("OrganisationID")
    name: str | None = _alias("Name")
    legal_name: str | None = _alias("LegalName")
    short_code: str | None = _alias("ShortCode")
    country_code: str | None = _alias("CountryCode")
    base_currency: str | None = _alias("BaseCurrency")
    organisation_type: str | None = _alias("OrganisationType")
    timezone: str | None = _alias("Timezone")
    financial_year_end_day: int | None = _alias("FinancialYearEndDay")
    financial_year_end_month: int | None = _alias("FinancialYearEndMonth")
    sales_tax_basis: str | None = _alias("SalesTaxBasis")
    is_demo_company: bool | None = _alias("IsDemoCompany")
    created_at: XeroTimestamp = _alias("CreatedDateUTC")


class OrganisationOutput(_Out):
    organisation: Organisation


# --------------------------------------------------------------------------- invoices


class InvoiceSummary(_Out):
    invoice_id: str = Field(validation_alias="InvoiceID")
    invoice_number: str | None = _alias("InvoiceNumber")
    type: str | None = _alias("Type")
    status: str | None = _alias("Status")
    contact_id: str | None = _nested("Contact", "ContactID")
    contact_name: str | None = _nested("Contact", "Name")
    reference: str | None = _alias("Reference")
    date: XeroDate = _alias("Date")
    due_date: XeroDate = _alias("DueDate")
    currency_code: str | None = _alias("CurrencyCode")
    sub_total: float | None = _alias("SubTotal")
    total_tax: float | None = _alias("TotalTax")
    total: float | None = _alias("Total")
    amount_due: float | None = _alias("AmountDue")
    amount_paid: float | None = _alias("AmountPaid")
    amount_credited: float | None = _alias("AmountCredited")
    updated_at: XeroTimestamp = _alias("UpdatedDateUTC")


class LineItem(_Out):
    description: str | None = _alias("Description")
    quantity: float | None = _alias("Quantity")
    unit_amount: float | None = _alias("UnitAmount")
    item_code: str | None = _alias("ItemCode")
    account_code: str | None = _alias("AccountCode")
    tax_type: str | None = _alias("TaxType")
    tax_amount: float | None = _alias("TaxAmount")
    line_amount: float | None = _alias("LineAmount")


class InvoicePayment(_Out):
    payment_id: str | None = _alias("PaymentID")
    date: XeroDate = _alias("Date")
    amount: float | None = _alias("Amount")
    reference: str | None = _alias("Reference")


class InvoiceDetail(InvoiceSummary):
    line_amount_types: str | None = _alias("LineAmountTypes")
    line_items: list[LineItem] = Field(default_factory=list, validation_alias="LineItems")
    payments: list[InvoicePayment] = Field(default_factory=list, validation_alias="Payments")
    fully_paid_at: XeroDate = _alias("FullyPaidOnDate")


class InvoiceListOutput(_Out):
    invoices: list[InvoiceSummary]
    paging: Paging


class InvoiceOutput(_Out):
    invoice: InvoiceDetail


# --------------------------------------------------------------------------- contacts


class ContactSummary(_Out):
    contact_id: str = Field(validation_alias="ContactID")
    name: str | None = _alias("Name")
    first_name: str | None = _alias("FirstName")
    last_name: str | None = _alias("LastName")
    email_address: str | None = _alias("EmailAddress")
    account_number: str | None = _alias("AccountNumber")
    contact_status: str | None = _alias("ContactStatus")
    is_customer: bool | None = _alias("IsCustomer")
    is_supplier: bool | None = _alias("IsSupplier")
    updated_at: XeroTimestamp = _alias("UpdatedDateUTC")


class Phone(_Out):
    phone_type: str | None = _alias("PhoneType")
    phone_number: str | None = _alias("PhoneNumber")
    phone_area_code: str | None = _alias("PhoneAreaCode")
    phone_country_code: str | None = _alias("PhoneCountryCode")


class Address(_Out):
    address_type: str | None = _alias("AddressType")
    address_line1: str | None = _alias("AddressLine1")
    city: str | None = _alias("City")
    region: str | None = _alias("Region")
    postal_code: str | None = _alias("PostalCode")
    country: str | None = _alias("Country")


class ContactDetail(ContactSummary):
    default_currency: str | None = _alias("DefaultCurrency")
    phones: list[Phone] = Field(default_factory=list, validation_alias="Phones")
    addresses: list[Address] = Field(default_factory=list, validation_alias="Addresses")
    receivable_outstanding: float | None = _nested("Balances", "AccountsReceivable", "Outstanding")
    receivable_overdue: float | None = _nested("Balances", "AccountsReceivable", "Overdue")
    payable_outstanding: float | None = _nested("Balances", "AccountsPayable", "Outstanding")
    payable_overdue: float | None = _nested("Balances", "AccountsPayable", "Overdue")


class ContactListOutput(_Out):
    contacts: list[ContactSummary]
    paging: Paging


class ContactOutput(_Out):
    contact: ContactDetail


# --------------------------------------------------------------------------- money movements


class Payment(_Out):
    payment_id: str = Field(validation_alias="PaymentID")
    date: XeroDate = _alias("Date")
    amount: float | None = _alias("Amount")
    reference: str | None = _alias("Reference")
    payment_type: str | None = _alias("PaymentType")
    status: str | None = _alias("Status")
    is_reconciled: bool | None = _alias("IsReconciled")
    invoice_id: str | None = _nested("Invoice", "InvoiceID")
    invoice_number: str | None = _nested("Invoice", "InvoiceNumber")
    account_code: str | None = _nested("Account", "Code")
    updated_at: XeroTimestamp = _alias("UpdatedDateUTC")


class PaymentListOutput(_Out):
    payments: list[Payment]
    paging: Paging


class CreditNote(_Out):
    credit_note_id: str = Field(validation_alias="CreditNoteID")
    credit_note_number: str | None = _alias("CreditNoteNumber")
    type: str | None = _alias("Type")
    status: str | None = _alias("Status")
    contact_name: str | None = _nested("Contact", "Name")
    date: XeroDate = _alias("Date")
    currency_code: str | None = _alias("CurrencyCode")
    total: float | None = _alias("Total")
    remaining_credit: float | None = _alias("RemainingCredit")
    reference: str | None = _alias("Reference")


class CreditNoteListOutput(_Out):
    credit_notes: list[CreditNote]
    paging: Paging


class BankTransaction(_Out):
    bank_transaction_id: str = Field(validation_alias="BankTransactionID")
    type: str | None = _alias("Type")
    status: str | None = _alias("Status")
    contact_name: str | None = _nested("Contact", "Name")
    bank_account_name: str | None = _nested("BankAccount", "Name")
    date: XeroDate = _alias("Date")
    reference: str | None = _alias("Reference")
    currency_code: str | None = _alias("CurrencyCode")
    total: float | None = _alias("Total")
    is_reconciled: bool | None = _alias("IsReconciled")


class BankTransactionListOutput(_Out):
    bank_transactions: list[BankTransaction]
    paging: Paging


# --------------------------------------------------------------------------- settings


class Account(_Out):
    account_id: str = Field(validation_alias="AccountID")
    code: str | None = _alias("Code")
    name: str | None = _alias("Name")
    type: str | None = _alias("Type")
    account_class: str | None = _alias("Class")
    status: str | None = _alias("Status")
    tax_type: str | None = _alias("TaxType")
    description: str | None = _alias("Description")


class AccountListOutput(_Out):
    accounts: list[Account]


class Item(_Out):
    item_id: str = Field(validation_alias="ItemID")
    code: str | None = _alias("Code")
    name: str | None = _alias("Name")
    description: str | None = _alias("Description")
    is_sold: bool | None = _alias("IsSold")
    is_purchased: bool | None = _alias("IsPurchased")
    sales_unit_price: float | None = _nested("SalesDetails", "UnitPrice")
    purchase_unit_price: float | None = _nested("PurchaseDetails", "UnitPrice")
    is_tracked_as_inventory: bool | None = _alias("IsTrackedAsInventory")
    quantity_on_hand: float | None = _alias("QuantityOnHand")


class ItemListOutput(_Out):
    items: list[Item]


# --------------------------------------------------------------------------- quotes and orders


class Quote(_Out):
    quote_id: str = Field(validation_alias="QuoteID")
    quote_number: str | None = _alias("QuoteNumber")
    status: str | None = _alias("Status")
    title: str | None = _alias("Title")
    contact_name: str | None = _nested("Contact", "Name")
    date: XeroDate = _alias("Date")
    expiry_date: XeroDate = _alias("ExpiryDate")
    currency_code: str | None = _alias("CurrencyCode")
    total: float | None = _alias("Total")
    reference: str | None = _alias("Reference")


class QuoteListOutput(_Out):
    quotes: list[Quote]
    page: int
    has_more: bool


class PurchaseOrder(_Out):
    purchase_order_id: str = Field(validation_alias="PurchaseOrderID")
    purchase_order_number: str | None = _alias("PurchaseOrderNumber")
    status: str | None = _alias("Status")
    contact_name: str | None = _nested("Contact", "Name")
    date: XeroDate = _alias("Date")
    delivery_date: XeroDate = _alias("DeliveryDate")
    currency_code: str | None = _alias("CurrencyCode")
    total: float | None = _alias("Total")
    reference: str | None = _alias("Reference")


class PurchaseOrderListOutput(_Out):
    purchase_orders: list[PurchaseOrder]
    paging: Paging


# --------------------------------------------------------------------------- reports


class ReportLine(BaseModel):
    """One line of a report: the section it is in, what the line is (``row`` or ``summary``),
    its label (the first cell) and its values (the other cells, as Xero formats them)."""

    section: str | None
    kind: str
    label: str
    values: list[str]


class ReportOutput(BaseModel):
    report_name: str
    titles: list[str]
    report_date: str | None
    updated_at: str | None
    columns: list[str] = Field(description="The value columns' headings (periods, dates).")
    lines: list[ReportLine]


class _Cell(_Out):
    value: str = Field(default="", validation_alias="Value")


class _Row(_Out):
    row_type: str = Field(validation_alias="RowType")
    title: str | None = _alias("Title")
    cells: list[_Cell] = Field(default_factory=list, validation_alias="Cells")
    rows: list[_Row] = Field(default_factory=list, validation_alias="Rows")


class _Report(_Out):
    report_name: str = Field(validation_alias="ReportName")
    report_titles: list[str] = Field(default_factory=list, validation_alias="ReportTitles")
    report_date: str | None = _alias("ReportDate")
    updated_at: XeroTimestamp = _alias("UpdatedDateUTC")
    rows: list[_Row] = Field(default_factory=list, validation_alias="Rows")


class _Reports(_Out):
    reports: list[_Report] = Field(min_length=1, validation_alias="Reports")


def parse_report(body: Any) -> ReportOutput:
    """The first report of ``ReportWithRows``, its nested rows flattened to lines."""
    report = _Reports.model_validate(body).reports[0]
    columns: list[str] = []
    lines: list[ReportLine] = []

    def walk(rows: list[_Row], section: str | None) -> None:
        for row in rows:
            kind = row.row_type.lower()
            if kind == "header":
                columns[:] = [cell.value for cell in row.cells[1:]]
            elif kind == "section":
                walk(row.rows, row.title or section)
            elif row.cells:
                lines.append(
                    ReportLine(
                        section=section,
                        kind="summary" if kind == "summaryrow" else "row",
                        label=row.cells[0].value,
                        values=[cell.value for cell in row.cells[1:]],
                    )
                )

    walk(report.rows, None)
    return ReportOutput(
        report_name=report.report_name,
        titles=report.report_titles,
        report_date=report.report_date,
        updated_at=report.updated_at,
        columns=columns,
        lines=lines,
    )


# --------------------------------------------------------------------------- writes


class DraftInvoiceOutput(_Out):
    invoice: InvoiceDetail


class UpdateContactOutput(_Out):
    contact: ContactDetail
    updated_fields: list[str]
