"""What each Neto tool asks for: the fixed ``OutputSelector`` lists, and how validated input
values are written into a ``Filter``.

Neto returns only the fields a request selects, so these lists are the audit of what data a
tool can bring into a chat: each is a constant, chosen per tool, never taken from input. Some
fields are never selected by any tool: a customer's ``Password``, ``IdentificationDetails``
and ``DateOfBirth``, a payment's card and bank details (``CardHolder``, ``CardExpiryDate``,
``CardAuthorisation``, ``AccountName``, ``AccountBSB``, ``AccountNumber``), and a voucher's
``SecretKey`` (see :data:`NEVER_SELECTED`; a contract test checks every tool against it).
Selector names follow the OutputSelector enumerations on each action's page of the Neto API
documentation (developers.maropost.com, "API documentation").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from shopmcp_adapters.upstreams.neto.parsing import NETO_DATETIME

NEVER_SELECTED = frozenset(
    {
        "Password",
        "IdentificationDetails",
        "IdentificationType",
        "DateOfBirth",
        "CardHolder",
        "CardExpiryDate",
        "CardAuthorisation",
        "AccountName",
        "AccountBSB",
        "AccountNumber",
        "ChequeNumber",
        "SecretKey",
        "ClientIPAddress",
    }
)

ORDER_SUMMARY = (
    "ID",
    "OrderStatus",
    "OrderType",
    "Username",
    "Email",
    "GrandTotal",
    "SalesChannel",
    "ShippingOption",
    "DatePlaced",
    "DateUpdated",
    "DatePaid",
    "CompleteStatus",
)
ORDER_DETAIL = (
    *ORDER_SUMMARY,
    "ShipAddress",
    "BillAddress",
    "DeliveryInstruction",
    "PurchaseOrderNumber",
    "ProductSubtotal",
    "ShippingTotal",
    "ShippingDiscount",
    "OrderTax",
    "SurchargeTotal",
    "CouponCode",
    "CouponDiscount",
    "TaxInclusive",
    "DateInvoiced",
    "DateRequired",
    "DateCompleted",
    "DateCompletedUTC",
    "OrderPayment",
    "OrderPayment.PaymentType",
    "OrderPayment.DatePaid",
    "OrderLine",
    "OrderLine.ProductName",
    "OrderLine.Quantity",
    "OrderLine.UnitPrice",
    "OrderLine.Tax",
    "OrderLine.ProductDiscount",
    "OrderLine.WarehouseID",
    "OrderLine.WarehouseName",
    "OrderLine.QuantityShipped",
    "OrderLine.BackorderQuantity",
    "OrderLine.ShippingMethod",
    "OrderLine.ShippingTracking",
    "OrderLine.ShippingCarrierName",
)

ITEM_SUMMARY = (
    "ID",
    "Name",
    "ParentSKU",
    "Brand",
    "IsActive",
    "Approved",
    "DefaultPrice",
    "PromotionPrice",
    "RRP",
    "AvailableSellQuantity",
    "DateUpdated",
    "DateUpdatedUTC",
)
ITEM_DETAIL = (
    *ITEM_SUMMARY,
    "Model",
    "Type",
    "CostPrice",
    "PromotionStartDateUTC",
    "PromotionExpiryDateUTC",
    "ShortDescription",
    "ItemURL",
    "Categories",
    "WarehouseQuantity",
    "CommittedQuantity",
    "DateAdded",
    "DateAddedUTC",
)
ITEM_STOCK = (
    "ID",
    "Name",
    "IsActive",
    "WarehouseQuantity",
    "CommittedQuantity",
    "AvailableSellQuantity",
)

CUSTOMER_SUMMARY = (
    "ID",
    "Username",
    "Type",
    "EmailAddress",
    "Active",
    "UserGroup",
    "BillingAddress",
    "DateAdded",
    "DateAddedUTC",
)
CUSTOMER_DETAIL = (
    *CUSTOMER_SUMMARY,
    "ShippingAddress",
    "NewsletterSubscriber",
    "OnCreditHold",
    "CreditLimit",
    "AccountBalance",
    "AvailableCredit",
    "SalesChannel",
    "DefaultOrderType",
    "DateUpdated",
    "DateUpdatedUTC",
)

RMA = (
    "OrderID",
    "InvoiceNumber",
    "CustomerUsername",
    "RmaStatus",
    "CurrencyCode",
    "RefundSubtotal",
    "ShippingRefundAmount",
    "RefundTotal",
    "RefundedTotal",
    "DateIssued",
    "DateUpdated",
    "DateApproved",
    "RmaLine",
    "RmaLine.ProductName",
    "RmaLine.RefundSubtotal",
    "RmaLine.ReturnReason",
    "RmaLine.ResolutionOutcome",
    "RmaLine.ItemStatus",
    "Refund",
    "Refund.PaymentMethodName",
    "Refund.DateRefunded",
    "Refund.RefundStatus",
)

PAYMENT = (
    "ID",
    "AmountPaid",
    "CurrencyCode",
    "DatePaid",
    "DatePaidUTC",
    "PaymentMethod",
    "PaymentMethodName",
)

CATEGORY = (
    "CategoryID",
    "CategoryName",
    "ParentCategoryID",
    "Active",
    "SortOrder",
    "OnMenu",
    "DateUpdated",
)

WAREHOUSE = (
    "ID",
    "WarehouseID",
    "WarehouseName",
    "WarehouseReference",
    "IsPrimary",
    "IsActive",
    "WarehouseCity",
    "WarehouseState",
    "WarehouseCountry",
    "WarehousePostcode",
)

VOUCHER = (
    "VoucherID",
    "VoucherProgramID",
    "VoucherTitle",
    "VoucherCode",
    "IsRedeemed",
    "ProgramType",
    "Owner",
    "CreatedFromOrderID",
    "DateAdded",
    "Balance",
)


# --------------------------------------------------------------------------- filter values


def day_start(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time.min).strftime(NETO_DATETIME)


def day_end(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(23, 59, 59)).strftime(NETO_DATETIME)


def flag(value: bool) -> str:
    return "True" if value else "False"


def neto_filter(
    selectors: Iterable[str],
    values: Mapping[str, Any],
    *,
    page: int | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """``{"Filter": {...}}``: the values that are set (``None`` and empty lists left out), the
    page and limit when the action pages, and the tool's fixed selectors."""
    chosen = tuple(selectors)
    refused = NEVER_SELECTED.intersection(chosen)
    if refused:
        raise ValueError(f"selectors {sorted(refused)} are never requested")
    body: dict[str, Any] = {
        key: value for key, value in values.items() if value is not None and value != []
    }
    if page is not None:
        body["Page"] = page
    if limit is not None:
        body["Limit"] = limit
    body["OutputSelector"] = list(chosen)
    return {"Filter": body}


def date_range(name: str, first: dt.date | None, last: dt.date | None) -> dict[str, str | None]:
    """Neto's ``<name>From``/``<name>To`` pair for whole days, both ends inclusive."""
    return {
        f"{name}From": day_start(first) if first else None,
        f"{name}To": day_end(last) if last else None,
    }
