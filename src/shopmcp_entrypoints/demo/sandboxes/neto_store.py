"""The Neto sandbox's store: its in-memory state, the ``Filter`` of each Get action as Neto
documents it, ``OutputSelector`` projection, paging, and the one write (``UpdateItem``).

- Each Get action honours the filters the sandbox emulates for it (lists match any value,
  ``...From``/``...To`` bound a date inclusively, booleans are ``"True"``/``"False"``), then
  ``Page`` (0 is the first) and ``Limit``. A filter it does not know, a malformed value or a
  missing ``OutputSelector`` is refused the way Neto refuses: HTTP 200 with ``Ack: Error``.
- A record comes back with its key field(s) and only what the selectors ask for; a selector
  the sandbox does not know is ignored with ``Ack: Warning`` (the data still comes back).
- ``UpdateItem`` applies ``DefaultPrice``, ``PromotionPrice``, ``RRP`` and ``WarehouseQuantity``
  (``set``, ``increment``, ``decrement``) to items located by SKU; anything else is refused and
  nothing is applied.
- Results come in the records' order (orders and items by id, as stored).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from shopmcp_entrypoints.demo.sandboxes.neto_data import JSON, catalogue
from shopmcp_entrypoints.demo.sandboxes.neto_sales import sales

CURRENT_TIME = "2026-03-10 04:12:09"
UPDATED_LOCAL = "2026-03-10 15:12:09"
_DATETIME = "%Y-%m-%d %H:%M:%S"


class NetoRefusal(Exception):
    """An ``Ack: Error`` answer (HTTP 200, as Neto sends them)."""

    def __init__(self, message: str, description: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.description = description

    def body(self) -> JSON:
        error = {"Message": self.message, "SeverityCode": "Error"}
        if self.description:
            error["Description"] = self.description
        return {"Messages": {"Error": [error]}, "CurrentTime": CURRENT_TIME, "Ack": "Error"}


# --------------------------------------------------------------------------- filters

Matcher = Callable[[JSON, Any], bool]


def _values(name: str, value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise NetoRefusal("Invalid filter value", f"{name} takes text values")
    return [str(v) for v in values]


def any_of(field: str, *, fold: bool = False) -> Matcher:
    def match(record: JSON, wanted: list[str]) -> bool:
        actual = str(record.get(field, ""))
        if fold:
            return actual.casefold() in {w.casefold() for w in wanted}
        return actual in wanted

    return match


def flag(field: str) -> Matcher:
    def match(record: JSON, wanted: list[str]) -> bool:
        if not all(w in ("True", "False") for w in wanted):
            raise NetoRefusal("Invalid filter value", f"{field} takes True or False")
        return record.get(field) in wanted

    return match


def _moment(name: str, text: str) -> str:
    for pattern in (_DATETIME, "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).strftime(_DATETIME)
        except ValueError:
            continue
    raise NetoRefusal("Invalid filter value", f"{name} is not a valid date")


def since(field: str) -> Matcher:
    def match(record: JSON, wanted: list[str]) -> bool:
        actual = str(record.get(field) or "")
        return bool(actual) and not actual.startswith("0000") and actual >= wanted[0]

    return match


def until(field: str) -> Matcher:
    def match(record: JSON, wanted: list[str]) -> bool:
        actual = str(record.get(field) or "")
        return bool(actual) and not actual.startswith("0000") and actual <= wanted[0]

    return match


def _line_sku(record: JSON, wanted: list[str]) -> bool:
    return any(line.get("SKU") in wanted for line in record.get("OrderLine", []))


def _payment_status(record: JSON, wanted: list[str]) -> bool:
    paid = sum(Decimal(p["Amount"]) for p in record.get("OrderPayment", []))
    total = Decimal(record["GrandTotal"])
    status = "FullyPaid" if paid >= total else "PartialPaid" if paid > 0 else "Pending"
    return status in wanted


def _category(record: JSON, wanted: list[str]) -> bool:
    return any(c["CategoryID"] in wanted for c in record["Categories"]["Category"])


def _dates(name: str, field: str) -> dict[str, Matcher]:
    return {f"{name}From": since(field), f"{name}To": until(field)}


@attrs.frozen
class Action:
    """One Get action as the sandbox emulates it."""

    data_key: str
    keys: tuple[str, ...]  # always returned
    filters: Mapping[str, Matcher]
    # Selector name -> the record keys it returns, where they differ from the name.
    groups: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    # Repeated sub-records: selector -> (record key, inner key or None, keys always returned).
    children: Mapping[str, tuple[str, str | None, tuple[str, ...]]] = attrs.field(factory=dict)
    pages: bool = True


def _address_keys(prefix: str) -> tuple[str, ...]:
    parts = ("FirstName", "LastName", "Company", "StreetLine1", "StreetLine2", "City", "State")
    return tuple(prefix + p for p in (*parts, "PostCode", "Country", "Phone", "Fax"))


ACTIONS: dict[str, Action] = {
    "GetOrder": Action(
        "Order",
        ("OrderID",),
        {
            "OrderID": any_of("OrderID"),
            "Username": any_of("Username", fold=True),
            "OrderStatus": any_of("OrderStatus"),
            "PaymentStatus": _payment_status,
            "SKU": _line_sku,
            **_dates("DatePlaced", "DatePlaced"),
            **_dates("DateUpdated", "DateUpdated"),
        },
        groups={"ShipAddress": _address_keys("Ship"), "BillAddress": _address_keys("Bill")},
        children={
            "OrderLine": ("OrderLine", None, ("OrderLineID", "SKU")),
            "OrderPayment": ("OrderPayment", None, ("Id", "Amount")),
        },
    ),
    "GetItem": Action(
        "Item",
        ("SKU",),
        {
            "SKU": any_of("SKU"),
            "Name": any_of("Name", fold=True),
            "Brand": any_of("Brand", fold=True),
            "ParentSKU": any_of("ParentSKU"),
            "CategoryID": _category,
            "IsActive": flag("IsActive"),
            **_dates("DateUpdated", "DateUpdated"),
            **_dates("DateAdded", "DateAdded"),
            "OrderBy": lambda _record, _wanted: True,
            "OrderDirection": lambda _record, _wanted: True,
        },
    ),
    "GetCustomer": Action(
        "Customer",
        ("Username",),
        {
            "ID": any_of("ID"),
            "Username": any_of("Username", fold=True),
            "Email": any_of("EmailAddress", fold=True),
            "Type": any_of("Type"),
            "Active": flag("Active"),
            "UserGroup": any_of("UserGroup"),
            **_dates("DateAdded", "DateAdded"),
            **_dates("DateUpdated", "DateUpdated"),
        },
    ),
    "GetRma": Action(
        "Rma",
        ("RmaID",),
        {
            "RmaID": any_of("RmaID"),
            "OrderID": any_of("OrderID"),
            "Username": any_of("CustomerUsername", fold=True),
            "RmaStatus": any_of("RmaStatus"),
            **_dates("DateIssued", "DateIssued"),
            **_dates("DateUpdated", "DateUpdated"),
        },
        children={
            "RmaLine": ("RmaLines", "RmaLine", ("RmaLineID", "SKU", "Quantity")),
            "Refund": ("Refunds", "Refund", ("RefundID", "RefundAmount")),
        },
    ),
    "GetPayment": Action(
        "Payment",
        ("PaymentID", "OrderID"),
        {
            "PaymentID": any_of("PaymentID"),
            "OrderID": any_of("OrderID"),
            **_dates("DatePaid", "DatePaid"),
        },
    ),
    "GetCategory": Action(
        "Category",
        ("CategoryID",),
        {
            "CategoryID": any_of("CategoryID"),
            "ParentCategoryID": any_of("ParentCategoryID"),
            "CategoryName": any_of("CategoryName", fold=True),
            "Active": flag("Active"),
            "OnMenu": flag("OnMenu"),
            **_dates("DateUpdated", "DateUpdated"),
        },
    ),
    "GetWarehouse": Action(
        "Warehouse",
        (),
        {
            "WarehouseID": any_of("WarehouseID"),
            "WarehouseReference": any_of("WarehouseReference"),
            "WarehouseName": any_of("WarehouseName", fold=True),
        },
    ),
    "GetVoucher": Action(
        "Voucher",
        ("VoucherID",),
        {
            "VoucherID": any_of("VoucherID"),
            "VoucherCode": any_of("VoucherCode"),
            "Owner": any_of("Owner", fold=True),
            "CreatedFromOrderID": any_of("CreatedFromOrderID"),
            "ProgramType": any_of("ProgramType"),
            "IsRedeemed": flag("IsRedeemed"),
            **_dates("DateAdded", "DateAdded"),
        },
        pages=False,  # GetVoucher documents no Page or Limit
    ),
}
_ITEM_ORDER = ("ParentSKU", "ID", "Model", "Name", "IsActive", "DateAdded", "DateUpdated")


# --------------------------------------------------------------------------- projection


def _project(action: Action, record: JSON, selectors: Sequence[str]) -> JSON:
    out = {key: record[key] for key in action.keys if key in record}
    for selector in selectors:
        if "." in selector:
            continue  # a child's field: taken with its parent below
        if selector in action.groups:
            out.update({k: record[k] for k in action.groups[selector] if k in record})
        elif selector in action.children:
            out.update(_children(action, record, selector, selectors))
        elif selector in record:
            out[selector] = record[selector]
    return out


def _children(action: Action, record: JSON, selector: str, selectors: Sequence[str]) -> JSON:
    key, inner, base = action.children[selector]
    fields = {*base, *(s.split(".", 1)[1] for s in selectors if s.startswith(selector + "."))}

    def cut(row: JSON) -> JSON:
        return {k: v for k, v in row.items() if k in fields}

    if inner is None:
        return {key: [cut(row) for row in record.get(key, [])]}
    return {key: [{inner: [cut(row) for row in wrapper[inner]]} for wrapper in record.get(key, [])]}


def _known(action: Action, records: Sequence[JSON], selector: str) -> bool:
    name, _, child = selector.partition(".")
    if child:
        return name in action.children
    if name in action.groups or name in action.children:
        return True
    fields = {k for record in records for k in record}
    return name in fields or (name.endswith("UTC") and name[:-3] in fields)


# --------------------------------------------------------------------------- the store


def _count(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise NetoRefusal("Invalid filter value", f"{name} must be a whole number")
    return int(value)


def _decimal(name: str, value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise NetoRefusal("Invalid value", f"{name} must be a decimal") from None
    if not amount.is_finite() or amount < 0:
        raise NetoRefusal("Invalid value", f"{name} must be a positive decimal")
    return f"{amount:.2f}"


class SandboxStore:
    """One store's state, built from fresh sample data."""

    def __init__(self) -> None:
        self.data = {**catalogue(), **sales()}

    def answer(self, action_name: str, body: Any) -> JSON:
        if action_name == "GetShippingMethods":
            methods = self.data["ShippingMethod"]
            return _ok({"ShippingMethods": {"ShippingMethod": methods}})
        if action_name == "UpdateItem":
            return self.update_items(body)
        action = ACTIONS.get(action_name)
        if action is None:
            raise NetoRefusal("Unknown API action", f"{action_name or '(none)'} is not supported")
        return self.get(action, body)

    def get(self, action: Action, body: Any) -> JSON:
        query = body.get("Filter") if isinstance(body, Mapping) else None
        if not isinstance(query, Mapping):
            raise NetoRefusal("Filter is required")
        selectors = query.get("OutputSelector")
        if not selectors or not isinstance(selectors, list):
            raise NetoRefusal("You must specify at least one OutputSelector")
        selectors = _values("OutputSelector", selectors)
        paging = {"Page", "Limit"} if action.pages else set()
        records = self.data[action.data_key]
        found = list(records)
        for name, value in query.items():
            if name in ("OutputSelector", *paging):
                continue
            matcher = action.filters.get(name)
            if matcher is None:
                raise NetoRefusal("Invalid filter", f"{name} is not a filter of this action")
            wanted = _values(name, value)
            if name.endswith(("From", "To")) and name.startswith("Date"):
                wanted = [_moment(name, wanted[0])]
            found = [record for record in found if matcher(record, wanted)]
        if action.data_key == "Item":
            found = _ordered_items(found, query)
        if action.pages:
            found = _page(found, query)
        unknown = [s for s in selectors if not _known(action, records, s)]
        data = {action.data_key: [_project(action, r, selectors) for r in found]}
        if unknown:
            warnings = [
                {"Message": f"Unknown OutputSelector: {s}", "SeverityCode": "Warning"}
                for s in unknown
            ]
            return {**data, "Messages": {"Warning": warnings}, **_ack("Warning")}
        return _ok(data)

    def update_items(self, body: Any) -> JSON:
        rows = body.get("Item") if isinstance(body, Mapping) else None
        rows = [rows] if isinstance(rows, Mapping) else rows
        if not rows or not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
            raise NetoRefusal("Item is required")
        changes = [self._change(row) for row in rows]  # every row checked before any applies
        for apply in changes:
            apply()
        return _ok({"Item": [{"SKU": row["SKU"]} for row in rows]})

    def _change(self, row: Mapping[str, Any]) -> Callable[[], None]:
        allowed = {"SKU", "DefaultPrice", "PromotionPrice", "RRP", "WarehouseQuantity"}
        extra = sorted(set(row) - allowed)
        if extra:
            raise NetoRefusal("Invalid field", f"the sandbox does not update {', '.join(extra)}")
        item = next((i for i in self.data["Item"] if i["SKU"] == row.get("SKU")), None)
        if item is None:
            raise NetoRefusal("Item not found", f"no item with SKU {row.get('SKU')!r}")
        prices = {
            k: _decimal(k, row[k]) for k in ("DefaultPrice", "PromotionPrice", "RRP") if k in row
        }
        stock = row.get("WarehouseQuantity")
        stock_rows = [stock] if isinstance(stock, Mapping) else stock or []
        moves = [self._stock_move(item, s) for s in stock_rows]

        def apply() -> None:
            item.update(prices)
            for move in moves:
                move()
            on_hand = sum(int(w["Quantity"]) for w in item["WarehouseQuantity"])
            committed = int(item["CommittedQuantity"])
            item["AvailableSellQuantity"] = str(max(on_hand - committed, 0))
            item["DateUpdated"] = UPDATED_LOCAL
            item["DateUpdatedUTC"] = CURRENT_TIME

        return apply

    def _stock_move(self, item: JSON, stock: Any) -> Callable[[], None]:
        if not isinstance(stock, Mapping):
            raise NetoRefusal("Invalid WarehouseQuantity")
        warehouse = str(stock.get("WarehouseID", ""))
        if warehouse not in {w["WarehouseID"] for w in self.data["Warehouse"]}:
            raise NetoRefusal("Invalid WarehouseQuantity", f"no warehouse {warehouse!r}")
        quantity = _count("WarehouseQuantity.Quantity", stock.get("Quantity"))
        action = str(stock.get("Action", "set")).lower()
        if action not in ("set", "increment", "decrement"):
            raise NetoRefusal("Invalid WarehouseQuantity", f"unknown Action {action!r}")

        def move() -> None:
            rows = item["WarehouseQuantity"]
            row = next((r for r in rows if r["WarehouseID"] == warehouse), None)
            if row is None:
                row = {"WarehouseID": warehouse, "Quantity": "0"}
                rows.append(row)
                rows.sort(key=lambda r: int(r["WarehouseID"]))
            current = int(row["Quantity"])
            new = {"set": quantity, "increment": current + quantity}.get(action)
            row["Quantity"] = str(max(current - quantity, 0) if new is None else new)

        return move


def _ordered_items(items: list[JSON], query: Mapping[str, Any]) -> list[JSON]:
    field = str(query.get("OrderBy", "ID"))
    direction = str(query.get("OrderDirection", "ASC")).upper()
    if field not in _ITEM_ORDER or direction not in ("ASC", "DESC"):
        raise NetoRefusal("Invalid filter value", "OrderBy or OrderDirection is not supported")

    def key(item: JSON) -> Any:
        return int(item["ID"]) if field == "ID" else str(item.get(field, "")).casefold()

    return sorted(items, key=key, reverse=direction == "DESC")


def _page(records: list[JSON], query: Mapping[str, Any]) -> list[JSON]:
    if "Limit" not in query:
        return records
    limit = _count("Limit", query["Limit"])
    page = _count("Page", query.get("Page", 0))
    return records[page * limit : (page + 1) * limit]


def _ack(ack: str) -> JSON:
    return {"CurrentTime": CURRENT_TIME, "Ack": ack}


def _ok(data: JSON) -> JSON:
    return {**data, **_ack("Success")}
