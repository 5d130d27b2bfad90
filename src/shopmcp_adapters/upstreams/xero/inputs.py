"""The Xero tools' inputs: strict models (unknown fields refused), filters as enumerations,
dates as calendar dates with their order checked, pages bounded.

Xero's ``where`` parameter is an expression language; the gateway never passes one through.
:func:`where` builds it from validated values only (enumeration members, dates, booleans), so
no argument can add a clause of its own.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Annotated, Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

MAX_PAGE: Final = 1000
MAX_PAGE_SIZE: Final = 100
DEFAULT_PAGE_SIZE: Final = 25
EARLIEST: Final = dt.date(2000, 1, 1)
LATEST: Final = dt.date(2100, 12, 31)
MAX_LINE_ITEMS: Final = 50
MAX_IDS: Final = 50

XeroId = uuid.UUID
Page = Annotated[int, Field(ge=1, le=MAX_PAGE, description="Page number, 1 is the first.")]
PageSize = Annotated[
    int, Field(ge=1, le=MAX_PAGE_SIZE, description=f"Results per page, at most {MAX_PAGE_SIZE}.")
]
Day = Annotated[dt.date, Field(ge=EARLIEST, le=LATEST, description="A date, YYYY-MM-DD.")]
SearchTerm = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\"]+$")]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class _DateRange(_Input):
    date_from: Day | None = None
    date_to: Day | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from must not be after date_to")
        return self


class _Paged(_Input):
    page: Page = 1
    page_size: PageSize = DEFAULT_PAGE_SIZE


# --------------------------------------------------------------------------- enumerations


class InvoiceType(enum.StrEnum):
    SALES = "ACCREC"  # accounts receivable: invoices to customers
    BILLS = "ACCPAY"  # accounts payable: bills from suppliers


class InvoiceStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    AUTHORISED = "AUTHORISED"
    PAID = "PAID"
    VOIDED = "VOIDED"
    DELETED = "DELETED"


class PaymentStatus(enum.StrEnum):
    AUTHORISED = "AUTHORISED"
    DELETED = "DELETED"


class CreditNoteType(enum.StrEnum):
    SALES = "ACCRECCREDIT"
    PURCHASES = "ACCPAYCREDIT"


class BankTransactionType(enum.StrEnum):
    RECEIVE = "RECEIVE"
    SPEND = "SPEND"
    RECEIVE_OVERPAYMENT = "RECEIVE-OVERPAYMENT"
    SPEND_OVERPAYMENT = "SPEND-OVERPAYMENT"
    RECEIVE_PREPAYMENT = "RECEIVE-PREPAYMENT"
    SPEND_PREPAYMENT = "SPEND-PREPAYMENT"


class AccountClass(enum.StrEnum):
    ASSET = "ASSET"
    EQUITY = "EQUITY"
    EXPENSE = "EXPENSE"
    LIABILITY = "LIABILITY"
    REVENUE = "REVENUE"


class QuoteStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    SENT = "SENT"
    DECLINED = "DECLINED"
    ACCEPTED = "ACCEPTED"
    INVOICED = "INVOICED"
    DELETED = "DELETED"


class PurchaseOrderStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    SUBMITTED = "SUBMITTED"
    AUTHORISED = "AUTHORISED"
    BILLED = "BILLED"
    DELETED = "DELETED"


class Timeframe(enum.StrEnum):
    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


class LineAmountTypes(enum.StrEnum):
    EXCLUSIVE = "Exclusive"
    INCLUSIVE = "Inclusive"
    NO_TAX = "NoTax"


# --------------------------------------------------------------------------- where


def _datetime(day: dt.date) -> str:
    return f"DateTime({day.year},{day.month:02d},{day.day:02d})"


def where(
    *,
    equals: dict[str, enum.StrEnum | bool | None] | None = None,
    date_field: str = "Date",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> str | None:
    """A ``where`` expression from validated values only (field names are constants)."""
    clauses: list[str] = []
    for field, value in (equals or {}).items():
        if value is None:
            continue
        if isinstance(value, bool):
            clauses.append(f"{field}=={'true' if value else 'false'}")
        else:
            clauses.append(f'{field}=="{value.value}"')
    if date_from is not None:
        clauses.append(f"{date_field}>={_datetime(date_from)}")
    if date_to is not None:
        clauses.append(f"{date_field}<={_datetime(date_to)}")
    return " AND ".join(clauses) or None


# --------------------------------------------------------------------------- reads


class GetOrganisationInput(_Input):
    pass


class ListInvoicesInput(_Paged, _DateRange):
    invoice_type: InvoiceType | None = Field(
        default=None, description="ACCREC: sales invoices; ACCPAY: bills. Both when omitted."
    )
    statuses: list[InvoiceStatus] | None = Field(default=None, min_length=1, max_length=6)
    contact_id: XeroId | None = Field(default=None, description="Only this contact's invoices.")


class SearchInvoicesInput(_Paged):
    search_term: SearchTerm = Field(
        description="Text matched against invoice numbers and references (Xero's searchTerm)."
    )
    invoice_numbers: list[Annotated[str, Field(min_length=1, max_length=255)]] | None = Field(
        default=None, max_length=MAX_IDS
    )


class GetInvoiceInput(_Input):
    invoice_id: XeroId


class ListContactsInput(_Paged):
    search_term: SearchTerm | None = Field(
        default=None, description="Matched against names, email addresses and account numbers."
    )
    customers_only: bool = False
    suppliers_only: bool = False
    include_archived: bool = False


class GetContactInput(_Input):
    contact_id: XeroId


class ListPaymentsInput(_Paged, _DateRange):
    status: PaymentStatus | None = None


class ListCreditNotesInput(_Paged, _DateRange):
    credit_note_type: CreditNoteType | None = None
    status: InvoiceStatus | None = None


class ListBankTransactionsInput(_Paged, _DateRange):
    transaction_type: BankTransactionType | None = None
    reconciled: bool | None = None


class ListAccountsInput(_Input):
    account_class: AccountClass | None = None
    include_archived: bool = False


class ListItemsInput(_Input):
    sold_only: bool = False
    purchased_only: bool = False


class ListQuotesInput(_DateRange):
    page: Page = 1
    status: QuoteStatus | None = None
    contact_id: XeroId | None = None
    quote_number: Annotated[str, Field(min_length=1, max_length=255)] | None = None


class ListPurchaseOrdersInput(_Paged, _DateRange):
    status: PurchaseOrderStatus | None = None


class ProfitAndLossInput(_DateRange):
    periods: int | None = Field(
        default=None, ge=1, le=11, description="How many earlier periods to compare with."
    )
    timeframe: Timeframe | None = Field(default=None, description="The comparison periods' size.")
    payments_only: bool = False

    @model_validator(mode="after")
    def _comparison(self) -> Self:
        if (self.periods is None) != (self.timeframe is None):
            raise ValueError("periods and timeframe go together")
        return self


class BalanceSheetInput(_Input):
    date: Day | None = Field(default=None, description="The balance date; today when omitted.")
    periods: int | None = Field(default=None, ge=1, le=11)
    timeframe: Timeframe | None = None
    payments_only: bool = False

    @model_validator(mode="after")
    def _comparison(self) -> Self:
        if (self.periods is None) != (self.timeframe is None):
            raise ValueError("periods and timeframe go together")
        return self


class AgedReportInput(_DateRange):
    contact_id: XeroId = Field(description="The contact whose aged balance is reported.")
    date: Day | None = Field(default=None, description="The report date; today when omitted.")


class TrialBalanceInput(_Input):
    date: Day | None = None
    payments_only: bool = False


# --------------------------------------------------------------------------- writes


class DraftLineItem(_Input):
    description: str = Field(min_length=1, max_length=4000)
    quantity: Decimal = Field(gt=0, le=Decimal("1e9"), max_digits=14, decimal_places=4)
    unit_amount: Decimal = Field(ge=0, le=Decimal("1e12"), max_digits=16, decimal_places=4)
    account_code: str | None = Field(default=None, min_length=1, max_length=10)
    item_code: str | None = Field(default=None, min_length=1, max_length=30)
    tax_type: str | None = Field(default=None, min_length=1, max_length=40, pattern=r"^[A-Z0-9]+$")


# The only fields a draft invoice may be created with; status is always DRAFT (set by the tool,
# never an argument), so nothing this tool makes is sent to a customer or posted.
DRAFT_INVOICE_FIELDS: Final = (
    "invoice_type",
    "contact_id",
    "date",
    "due_date",
    "reference",
    "currency_code",
    "line_amount_types",
    "line_items",
)


class CreateDraftInvoiceInput(_Input):
    invoice_type: InvoiceType = InvoiceType.SALES
    contact_id: XeroId
    date: Day | None = None
    due_date: Day | None = None
    reference: str | None = Field(default=None, max_length=255)
    currency_code: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    line_amount_types: LineAmountTypes = LineAmountTypes.EXCLUSIVE
    line_items: list[DraftLineItem] = Field(min_length=1, max_length=MAX_LINE_ITEMS)

    @model_validator(mode="after")
    def _due_after_date(self) -> Self:
        if self.date and self.due_date and self.due_date < self.date:
            raise ValueError("due_date must not be before date")
        return self


# The contact fields this tool may change. Not the email address (globally forbidden: it would
# redirect invoices), not the status (archiving), not bank or tax details.
CONTACT_WRITABLE_FIELDS: Final = ("name", "first_name", "last_name", "phone_number")
CONTACT_LOCATORS: Final = ("contact_id",)


class UpdateContactInput(_Input):
    contact_id: XeroId
    name: str | None = Field(default=None, min_length=1, max_length=255)
    first_name: str | None = Field(default=None, min_length=1, max_length=255)
    last_name: str | None = Field(default=None, min_length=1, max_length=255)
    phone_number: str | None = Field(
        default=None, min_length=3, max_length=50, pattern=r"^[0-9 +()\-]+$"
    )

    @model_validator(mode="after")
    def _something(self) -> Self:
        if all(getattr(self, f) is None for f in CONTACT_WRITABLE_FIELDS):
            raise ValueError(f"give at least one of {', '.join(CONTACT_WRITABLE_FIELDS)}")
        return self
