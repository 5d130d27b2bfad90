"""Output models of the Neto tools, each also the parser of Neto's object for it.

``validation_alias``/``AliasPath`` name where a field sits in Neto's object (the serialised
names are the field names, which ``outputSchema`` advertises); the annotated types of
``parsing.py`` read Neto's all-strings encoding; model-level before-validators reshape what a
field cannot read directly (dates from their UTC or local variant, an address from its
``Ship*``/``Bill*`` keys, one flat object offered to a nested summary model). A body of the
wrong shape fails validation; ``PlatformModule`` reports that as an invalid upstream response.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any

from pydantic import AliasChoices, AliasPath, BeforeValidator, Field, model_validator

from shopmcp_adapters.upstreams.neto.parsing import (
    Amount,
    Count,
    Flag,
    Id,
    LocalDateTime,
    Output,
    Repeated,
    Single,
    Text,
    derive,
    joined,
    nest,
    timestamps,
    unwrap,
)


class Paging(Output):
    page: int = Field(description="The page returned; 0 is the first")
    limit: int
    count: int = Field(description="How many results this page holds")
    may_have_more: bool = Field(description="A full page: ask for the next page to see more")

    @classmethod
    def of(cls, page: int, limit: int, count: int) -> Paging:
        return cls(page=page, limit=limit, count=count, may_have_more=count >= limit)


# --------------------------------------------------------------------------- addresses

_ADDRESS_PARTS = (
    "FirstName",
    "LastName",
    "Company",
    "StreetLine1",
    "StreetLine2",
    "City",
    "State",
    "PostCode",
    "Country",
    "Phone",
)


class Address(Output):
    name: Text = None
    company: Text = Field(default=None, validation_alias="Company")
    street: list[str] = Field(default_factory=list)
    city: Text = Field(default=None, validation_alias="City")
    state: Text = Field(default=None, validation_alias="State")
    postcode: Text = Field(default=None, validation_alias="PostCode")
    country: Text = Field(default=None, validation_alias="Country")
    phone: Text = Field(default=None, validation_alias="Phone")


def address(source: Any, prefix: str) -> dict[str, Any] | None:
    """The ``<prefix>FirstName`` ... ``<prefix>Phone`` keys of ``source`` as an address (or
    ``None`` when all are empty)."""
    if isinstance(source, list) and source:
        source = source[0]
    if not isinstance(source, Mapping):
        return None
    parts = {part: source.get(prefix + part) for part in _ADDRESS_PARTS}
    if not any(isinstance(v, str) and v.strip() for v in parts.values()):
        return None
    lines = [parts[k] for k in ("StreetLine1", "StreetLine2")]
    return {
        **parts,
        "name": joined(parts["FirstName"], parts["LastName"]),
        "street": [line.strip() for line in lines if isinstance(line, str) and line.strip()],
    }


# --------------------------------------------------------------------------- orders


class OrderSummary(Output):
    order_id: Id = Field(validation_alias="OrderID")
    status: Text = Field(default=None, validation_alias="OrderStatus")
    order_type: Text = Field(default=None, validation_alias="OrderType")
    complete_status: Text = Field(default=None, validation_alias="CompleteStatus")
    username: Text = Field(default=None, validation_alias="Username")
    email: Text = Field(default=None, validation_alias="Email")
    grand_total: Amount = Field(default=None, validation_alias="GrandTotal")
    sales_channel: Text = Field(default=None, validation_alias="SalesChannel")
    shipping_option: Text = Field(default=None, validation_alias="ShippingOption")
    placed_at: Text = None
    updated_at: Text = None
    paid_at: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_neto(cls, data: Any) -> Any:
        return timestamps(
            data,
            [
                ("placed_at", "DatePlacedUTC", "DatePlaced"),
                ("updated_at", "DateUpdatedUTC", "DateUpdated"),
                ("paid_at", "DatePaidUTC", "DatePaid"),
            ],
        )


class OrderListOutput(Output):
    orders: list[OrderSummary]
    paging: Paging


class OrderLine(Output):
    line_id: Text = Field(default=None, validation_alias="OrderLineID")
    sku: Text = Field(default=None, validation_alias="SKU")
    name: Text = Field(default=None, validation_alias="ProductName")
    quantity: Count = Field(default=None, validation_alias="Quantity")
    unit_price: Amount = Field(default=None, validation_alias="UnitPrice")
    tax: Amount = Field(default=None, validation_alias="Tax")
    discount: Amount = Field(default=None, validation_alias="ProductDiscount")
    quantity_shipped: Count = Field(default=None, validation_alias="QuantityShipped")
    backorder_quantity: Count = Field(default=None, validation_alias="BackorderQuantity")
    warehouse_id: Count = Field(default=None, validation_alias="WarehouseID")
    warehouse_name: Text = Field(default=None, validation_alias="WarehouseName")
    shipping_method: Text = Field(default=None, validation_alias="ShippingMethod")
    carrier: Text = Field(default=None, validation_alias="ShippingCarrierName")
    tracking_number: Text = Field(default=None, validation_alias="ShippingTracking")


class OrderPaymentLine(Output):
    payment_id: Text = Field(default=None, validation_alias=AliasChoices("Id", "ID"))
    amount: Amount = Field(default=None, validation_alias="Amount")
    payment_type: Text = Field(default=None, validation_alias="PaymentType")
    paid_at: LocalDateTime = Field(default=None, validation_alias="DatePaid")


class OrderDetail(Output):
    order: OrderSummary
    product_subtotal: Amount = Field(default=None, validation_alias="ProductSubtotal")
    shipping_total: Amount = Field(default=None, validation_alias="ShippingTotal")
    shipping_discount: Amount = Field(default=None, validation_alias="ShippingDiscount")
    tax_total: Amount = Field(default=None, validation_alias="OrderTax")
    surcharge_total: Amount = Field(default=None, validation_alias="SurchargeTotal")
    tax_inclusive: Flag = Field(default=None, validation_alias="TaxInclusive")
    coupon_code: Text = Field(default=None, validation_alias="CouponCode")
    coupon_discount: Amount = Field(default=None, validation_alias="CouponDiscount")
    delivery_instruction: Text = Field(default=None, validation_alias="DeliveryInstruction")
    purchase_order_number: Text = Field(default=None, validation_alias="PurchaseOrderNumber")
    invoiced_at: Text = None
    required_at: Text = None
    completed_at: Text = None
    ship_to: Address | None = None
    bill_to: Address | None = None
    lines: Repeated[OrderLine] = Field(default_factory=list, validation_alias="OrderLine")
    payments: Repeated[OrderPaymentLine] = Field(
        default_factory=list, validation_alias="OrderPayment"
    )

    @model_validator(mode="before")
    @classmethod
    def _from_neto(cls, data: Any) -> Any:
        data = timestamps(
            data,
            [
                ("invoiced_at", "DateInvoicedUTC", "DateInvoiced"),
                ("required_at", "DateRequiredUTC", "DateRequired"),
                ("completed_at", "DateCompletedUTC", "DateCompleted"),
            ],
        )
        data = derive(data, "ship_to", address(data, "Ship"))
        data = derive(data, "bill_to", address(data, "Bill"))
        return nest(data, "order")


# --------------------------------------------------------------------------- items


class ItemSummary(Output):
    sku: Id = Field(validation_alias="SKU")
    item_id: Count = Field(default=None, validation_alias="ID")
    name: Text = Field(default=None, validation_alias="Name")
    parent_sku: Text = Field(default=None, validation_alias="ParentSKU")
    brand: Text = Field(default=None, validation_alias="Brand")
    is_active: Flag = Field(default=None, validation_alias="IsActive")
    approved: Flag = Field(default=None, validation_alias="Approved")
    default_price: Amount = Field(default=None, validation_alias="DefaultPrice")
    promotion_price: Amount = Field(default=None, validation_alias="PromotionPrice")
    rrp: Amount = Field(default=None, validation_alias="RRP")
    available_quantity: Count = Field(default=None, validation_alias="AvailableSellQuantity")
    updated_at: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_neto(cls, data: Any) -> Any:
        return timestamps(data, [("updated_at", "DateUpdatedUTC", "DateUpdated")])


class ItemListOutput(Output):
    items: list[ItemSummary]
    paging: Paging


class ItemCategory(Output):
    category_id: int = Field(validation_alias="CategoryID")
    name: Text = Field(default=None, validation_alias="CategoryName")


class WarehouseStock(Output):
    warehouse_id: int = Field(validation_alias="WarehouseID")
    quantity: int = Field(validation_alias="Quantity")


def _warehouse_rows(value: Any) -> Any:
    return unwrap(value, "WarehouseQuantity")


def _category_rows(value: Any) -> Any:
    return unwrap(value, "Category")


WarehouseRows = Annotated[Repeated[WarehouseStock], BeforeValidator(_warehouse_rows)]


class ItemDetail(Output):
    item: ItemSummary
    model: Text = Field(default=None, validation_alias="Model")
    type: Text = Field(default=None, validation_alias="Type")
    cost_price: Amount = Field(default=None, validation_alias="CostPrice")
    promotion_starts_at: Text = None
    promotion_ends_at: Text = None
    short_description: Text = Field(default=None, validation_alias="ShortDescription")
    url: Text = Field(default=None, validation_alias="ItemURL")
    categories: Annotated[Repeated[ItemCategory], BeforeValidator(_category_rows)] = Field(
        default_factory=list, validation_alias="Categories"
    )
    warehouse_stock: WarehouseRows = Field(
        default_factory=list, validation_alias="WarehouseQuantity"
    )
    committed_quantity: Count = Field(default=None, validation_alias="CommittedQuantity")
    added_at: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_neto(cls, data: Any) -> Any:
        data = timestamps(
            data,
            [
                ("promotion_starts_at", "PromotionStartDateUTC", "PromotionStartDate"),
                ("promotion_ends_at", "PromotionExpiryDateUTC", "PromotionExpiryDate"),
                ("added_at", "DateAddedUTC", "DateAdded"),
            ],
        )
        return nest(data, "item")


class ItemStock(Output):
    sku: Id = Field(validation_alias="SKU")
    name: Text = Field(default=None, validation_alias="Name")
    is_active: Flag = Field(default=None, validation_alias="IsActive")
    available_quantity: Count = Field(default=None, validation_alias="AvailableSellQuantity")
    committed_quantity: Count = Field(default=None, validation_alias="CommittedQuantity")
    warehouses: WarehouseRows = Field(default_factory=list, validation_alias="WarehouseQuantity")
    on_hand_total: int = 0

    @model_validator(mode="after")
    def _total(self) -> ItemStock:
        self.on_hand_total = sum(w.quantity for w in self.warehouses)
        return self


class StockOutput(Output):
    items: list[ItemStock]
    missing_skus: list[str] = Field(description="Requested SKUs Neto did not return")

    @classmethod
    def of(cls, skus: Sequence[str], found: Sequence[ItemStock]) -> StockOutput:
        # Only the SKUs asked for, in the order asked, whatever else the answer held.
        by_sku = {item.sku: item for item in found}
        return cls(
            items=[by_sku[sku] for sku in skus if sku in by_sku],
            missing_skus=[sku for sku in skus if sku not in by_sku],
        )


class Category(Output):
    category_id: int = Field(validation_alias="CategoryID")
    name: Text = Field(default=None, validation_alias="CategoryName")
    parent_category_id: Count = Field(default=None, validation_alias="ParentCategoryID")
    active: Flag = Field(default=None, validation_alias="Active")
    on_menu: Flag = Field(default=None, validation_alias="OnMenu")
    sort_order: Count = Field(default=None, validation_alias="SortOrder")
    updated_at: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_neto(cls, data: Any) -> Any:
        return timestamps(data, [("updated_at", "DateUpdatedUTC", "DateUpdated")])


class CategoryListOutput(Output):
    categories: list[Category]
    paging: Paging


# --------------------------------------------------------------------------- customers

_BILLING = "BillingAddress"


class CustomerSummary(Output):
    customer_id: int = Field(validation_alias="ID")
    username: Id = Field(validation_alias="Username")
    email: Text = Field(default=None, validation_alias="EmailAddress")
    type: Text = Field(default=None, validation_alias="Type")
    active: Flag = Field(default=None, validation_alias="Active")
    user_group: Text = Field(default=None, validation_alias="UserGroup")
    name: Text = None
    company: Text = None
    added_at: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_neto(cls, data: Any) -> Any:
        data = timestamps(data, [("added_at", "DateAddedUTC", "DateAdded")])
        billing = address(data.get(_BILLING), "Bill") if isinstance(data, Mapping) else None
        data = derive(data, "name", billing["name"] if billing else None)
        return derive(data, "company", billing["Company"] if billing else None)


class CustomerListOutput(Output):
    customers: list[CustomerSummary]
    paging: Paging


class CustomerDetail(Output):
    customer: CustomerSummary
    billing_address: Address | None = None
    shipping_address: Address | None = None
    newsletter_subscriber: Flag = Field(default=None, validation_alias="NewsletterSubscriber")
    on_credit_hold: Flag = Field(default=None, validation_alias="OnCreditHold")
    credit_limit: Amount = Field(default=None, validation_alias="CreditLimit")
    account_balance: Amount = Field(default=None, validation_alias="AccountBalance")
    available_credit: Amount = Field(default=None, validation_alias="AvailableCredit")
    sales_channel: Text = Field(default=None, validation_alias="SalesChannel")
    default_order_type: Text = Field(default=None, validation_alias="DefaultOrderType")
    updated_at: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_neto(cls, data: Any) -> Any:
        data = timestamps(data, [("updated_at", "DateUpdatedUTC", "DateUpdated")])
        if isinstance(data, Mapping):
            data = derive(data, "billing_address", address(data.get(_BILLING), "Bill"))
            data = derive(data, "shipping_address", address(data.get("ShippingAddress"), "Ship"))
        return nest(data, "customer")


# --------------------------------------------------------------------------- returns, payments


class RmaLine(Output):
    line_id: Text = Field(default=None, validation_alias="RmaLineID")
    sku: Annotated[Text, Single] = Field(default=None, validation_alias="SKU")
    name: Text = Field(default=None, validation_alias="ProductName")
    quantity: Annotated[Count, Single] = Field(default=None, validation_alias="Quantity")
    refund_subtotal: Annotated[Amount, Single] = Field(
        default=None, validation_alias="RefundSubtotal"
    )
    return_reason: Text = Field(default=None, validation_alias="ReturnReason")
    resolution: Text = Field(default=None, validation_alias="ResolutionOutcome")
    item_status: Text = Field(default=None, validation_alias="ItemStatus")


class Refund(Output):
    refund_id: Count = Field(default=None, validation_alias="RefundID")
    amount: Amount = Field(default=None, validation_alias="RefundAmount")
    method: Text = Field(default=None, validation_alias="PaymentMethodName")
    status: Text = Field(default=None, validation_alias="RefundStatus")
    refunded_at: LocalDateTime = Field(default=None, validation_alias="DateRefunded")


def _rma_lines(value: Any) -> Any:
    return unwrap(value, "RmaLine")


def _refunds(value: Any) -> Any:
    return unwrap(value, "Refund")


class Rma(Output):
    rma_id: int = Field(validation_alias="RmaID")
    order_id: Text = Field(default=None, validation_alias="OrderID")
    invoice_number: Text = Field(default=None, validation_alias="InvoiceNumber")
    customer_username: Text = Field(default=None, validation_alias="CustomerUsername")
    status: Text = Field(default=None, validation_alias="RmaStatus")
    currency: Text = Field(default=None, validation_alias="CurrencyCode")
    refund_subtotal: Amount = Field(default=None, validation_alias="RefundSubtotal")
    shipping_refund: Amount = Field(default=None, validation_alias="ShippingRefundAmount")
    refund_total: Amount = Field(default=None, validation_alias="RefundTotal")
    refunded_total: Amount = Field(default=None, validation_alias="RefundedTotal")
    issued_at: Text = None
    updated_at: Text = None
    approved_at: Text = None
    lines: Annotated[Repeated[RmaLine], BeforeValidator(_rma_lines)] = Field(
        default_factory=list, validation_alias=AliasChoices("RmaLines", "RmaLine")
    )
    refunds: Annotated[Repeated[Refund], BeforeValidator(_refunds)] = Field(
        default_factory=list, validation_alias=AliasChoices("Refunds", "Refund")
    )

    @model_validator(mode="before")
    @classmethod
    def _from_neto(cls, data: Any) -> Any:
        return timestamps(
            data,
            [
                ("issued_at", "DateIssuedUTC", "DateIssued"),
                ("updated_at", "DateUpdatedUTC", "DateUpdated"),
                ("approved_at", "DateApprovedUTC", "DateApproved"),
            ],
        )


class RmaListOutput(Output):
    rmas: list[Rma]
    paging: Paging


class Payment(Output):
    payment_id: int = Field(validation_alias=AliasChoices("PaymentID", "ID"))
    order_id: Text = Field(default=None, validation_alias="OrderID")
    amount: Amount = Field(default=None, validation_alias="AmountPaid")
    currency: Text = Field(default=None, validation_alias="CurrencyCode")
    method: Text = Field(default=None, validation_alias="PaymentMethodName")
    method_id: Text = Field(default=None, validation_alias="PaymentMethod")
    paid_at: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_neto(cls, data: Any) -> Any:
        return timestamps(data, [("paid_at", "DatePaidUTC", "DatePaid")])


class PaymentListOutput(Output):
    payments: list[Payment]
    paging: Paging


# --------------------------------------------------------------------------- store set-up


class Warehouse(Output):
    warehouse_id: int = Field(validation_alias=AliasChoices("WarehouseID", "ID"))
    name: Text = Field(default=None, validation_alias="WarehouseName")
    reference: Text = Field(default=None, validation_alias="WarehouseReference")
    is_primary: Flag = Field(default=None, validation_alias="IsPrimary")
    is_active: Flag = Field(default=None, validation_alias="IsActive")
    city: Text = Field(default=None, validation_alias="WarehouseCity")
    state: Text = Field(default=None, validation_alias="WarehouseState")
    postcode: Text = Field(default=None, validation_alias="WarehousePostcode")
    country: Text = Field(default=None, validation_alias="WarehouseCountry")


class WarehouseListOutput(Output):
    warehouses: list[Warehouse]
    paging: Paging


class ShippingMethod(Output):
    method_id: int = Field(validation_alias="id")
    name: Text = Field(default=None, validation_alias="name")
    description: Text = Field(default=None, validation_alias="description")
    status: Text = Field(default=None, validation_alias="status")
    visible_to_customers: Flag = Field(
        default=None, validation_alias=AliasPath("visibility", "customers")
    )
    visible_to_staff: Flag = Field(default=None, validation_alias=AliasPath("visibility", "staff"))
    visible_on_ebay: Flag = Field(default=None, validation_alias=AliasPath("visibility", "ebay"))


def _shipping_method_rows(value: Any) -> Any:
    return unwrap(value, "ShippingMethod")


class ShippingMethodListOutput(Output):
    shipping_methods: Annotated[Repeated[ShippingMethod], BeforeValidator(_shipping_method_rows)]


class Voucher(Output):
    voucher_id: int = Field(validation_alias="VoucherID")
    program_id: Count = Field(default=None, validation_alias="VoucherProgramID")
    title: Text = Field(default=None, validation_alias="VoucherTitle")
    code: Text = Field(default=None, validation_alias="VoucherCode")
    program_type: Text = Field(default=None, validation_alias="ProgramType")
    redeemed: Flag = Field(default=None, validation_alias="IsRedeemed")
    balance: Amount = Field(default=None, validation_alias="Balance")
    owner: Text = Field(default=None, validation_alias="Owner")
    created_from_order_id: Text = Field(default=None, validation_alias="CreatedFromOrderID")
    added_at: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_neto(cls, data: Any) -> Any:
        return timestamps(data, [("added_at", "DateAddedUTC", "DateAdded")])


class VoucherListOutput(Output):
    vouchers: list[Voucher]
    truncated: bool = Field(description="Neto returned more vouchers than a tool reports")


# --------------------------------------------------------------------------- the write


class UpdatedItem(Output):
    sku: Id = Field(validation_alias="SKU")


class UpdateItemOutput(Output):
    sku: str
    updated_fields: list[str] = Field(description="The fields this call set")
