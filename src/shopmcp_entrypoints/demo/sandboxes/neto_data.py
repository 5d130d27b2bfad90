"""The Neto sandbox's catalogue, in the JSON shapes of the Neto API documentation pages (every
value a string): an Australian outdoor-gear shop with three warehouses, products with stock
spread across them (one variant family, one out of stock, one inactive), categories and
shipping methods. Its customers, orders, payments, returns and vouchers are in ``neto_sales``.
Built afresh, identically, for each store.

Records hold every field the sandbox can return; what a request gets is cut down to its
OutputSelectors by ``neto_store``. Dates are the store's local time (Australia/Melbourne,
UTC+11 in summer) with a ``*UTC`` variant where the documentation's templates have one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

JSON = dict[str, Any]

_OFFSET = dt.timedelta(hours=11)


def utc(local: str) -> str:
    parsed = dt.datetime.strptime(local, "%Y-%m-%d %H:%M:%S")
    return (parsed - _OFFSET).strftime("%Y-%m-%d %H:%M:%S")


def _warehouses() -> list[JSON]:
    def warehouse(wid: int, name: str, ref: str, city: str, state: str, post: str) -> JSON:
        return {
            "ID": str(wid),
            "WarehouseID": str(wid),
            "WarehouseName": name,
            "WarehouseReference": ref,
            "IsPrimary": "True" if wid == 1 else "False",
            "IsActive": "True",
            "ShowQuantity": "True",
            "WarehouseStreet1": f"{wid * 10} Dock Road",
            "WarehouseStreet2": "",
            "WarehouseCity": city,
            "WarehouseState": state,
            "WarehousePostcode": post,
            "WarehouseCountry": "AU",
            "WarehouseContact": "Dispatch",
            "WarehousePhone": f"03 900{wid} 0000",
            "WarehouseNotes": "",
        }

    return [
        warehouse(1, "Melbourne", "MEL", "Port Melbourne", "VIC", "3207"),
        warehouse(2, "Sydney", "SYD", "Alexandria", "NSW", "2015"),
        warehouse(3, "Brisbane", "BNE", "Eagle Farm", "QLD", "4009"),
    ]


def _categories() -> list[JSON]:
    def category(cid: int, name: str, parent: int, active: bool, sort: int, updated: str) -> JSON:
        return {
            "ID": str(cid),
            "CategoryID": str(cid),
            "CategoryName": name,
            "ParentCategoryID": str(parent),
            "Active": "True" if active else "False",
            "SortOrder": str(sort),
            "OnSiteMap": "True",
            "OnMenu": "True" if active else "False",
            "AllowReviews": "True",
            "RequireLogin": "False",
            "DateUpdated": updated,
        }

    return [
        category(10, "Camping", 0, True, 1, "2025-08-01 09:00:00"),
        category(11, "Kitchen", 0, True, 2, "2025-08-01 09:00:00"),
        category(13, "Tents", 10, True, 1, "2026-01-05 10:00:00"),
        category(14, "Sleeping Bags", 10, True, 2, "2025-10-12 10:00:00"),
        category(15, "Stoves", 11, True, 1, "2025-08-01 09:00:00"),
        category(21, "Autumn Sale", 0, False, 9, "2026-02-25 16:30:00"),
    ]


def _item(
    sku: str,
    item_id: int,
    name: str,
    price: str,
    stock: dict[int, int],
    *,
    parent: str = "",
    brand: str = "Summit Gear",
    promo: str = "",
    rrp: str = "",
    cost: str = "",
    categories: tuple[tuple[int, str], ...] = (),
    committed: int = 0,
    active: bool = True,
    added: str = "2025-09-14 12:00:00",
    updated: str = "2026-02-27 15:03:11",
    summary: str = "",
) -> JSON:
    on_hand = sum(stock.values())
    return {
        "SKU": sku,
        "ID": str(item_id),
        "InventoryID": str(item_id),
        "Name": name,
        "ParentSKU": parent,
        "Brand": brand,
        "Model": name.split(" [")[0],
        "Type": "",
        "IsActive": "True" if active else "False",
        "Approved": "True",
        "Visible": "True" if active else "False",
        "DefaultPrice": price,
        "PromotionPrice": promo,
        "PromotionStartDateUTC": "2026-03-01 00:00:00" if promo else "0000-00-00 00:00:00",
        "PromotionExpiryDateUTC": "2026-03-31 13:00:00" if promo else "0000-00-00 00:00:00",
        "RRP": rrp,
        "CostPrice": cost,
        "ShortDescription": summary,
        "ItemURL": sku.lower(),
        "Categories": {
            "Category": [
                {"CategoryID": str(cid), "Priority": str(i + 1), "CategoryName": cname}
                for i, (cid, cname) in enumerate(categories)
            ]
        },
        "WarehouseQuantity": [
            {"WarehouseID": str(wid), "Quantity": str(qty)} for wid, qty in sorted(stock.items())
        ],
        "CommittedQuantity": str(committed),
        "AvailableSellQuantity": str(max(on_hand - committed, 0)),
        "DateAdded": added,
        "DateAddedUTC": utc(added),
        "DateUpdated": updated,
        "DateUpdatedUTC": utc(updated),
    }


def _items() -> list[JSON]:
    tents = ((10, "Camping"), (13, "Tents"))
    return [
        _item(
            "BAG-DOWN-M10",
            130,
            "Alpine Down Bag -10C",
            "349.00",
            {1: 6, 2: 2},
            rrp="399.00",
            cost="160.00",
            categories=((10, "Camping"), (14, "Sleeping Bags")),
            summary="Hydrophobic down, rated to -10C.",
            updated="2026-01-20 11:00:00",
        ),
        _item(
            "MUG-TI-450",
            118,
            "Titanium Mug 450ml",
            "24.95",
            {2: 57},
            rrp="29.95",
            cost="8.10",
            categories=((11, "Kitchen"),),
            summary="Weighs 68 g.",
        ),
        _item(
            "STOVE-CAN-1",
            140,
            "Canister Stove",
            "79.95",
            {1: 0, 2: 0, 3: 0},
            rrp="89.95",
            cost="31.00",
            categories=((11, "Kitchen"), (15, "Stoves")),
            summary="Piezo ignition, 2.6 kW.",
            updated="2026-03-03 09:30:00",
        ),
        _item(
            "STOVE-LEGACY",
            141,
            "Legacy Spirit Stove",
            "39.95",
            {1: 3},
            active=False,
            categories=((15, "Stoves"),),
            updated="2025-06-30 17:00:00",
        ),
        _item(
            "TENT-2P",
            100,
            "Ridge 2P Tent",
            "159.95",
            {},
            categories=tents,
            summary="Two-person, three-season hiking tent.",
            updated="2026-03-01 10:00:00",
        ),
        _item(
            "TENT-2P-GRN",
            102,
            "Ridge 2P Tent [Green]",
            "159.95",
            {1: 3, 2: 2},
            parent="TENT-2P",
            promo="149.95",
            rrp="199.00",
            cost="71.20",
            committed=1,
            categories=(*tents, (21, "Autumn Sale")),
            summary="Two-person, three-season hiking tent.",
            updated="2026-03-01 10:00:00",
        ),
        _item(
            "TENT-2P-ORG",
            103,
            "Ridge 2P Tent [Orange]",
            "159.95",
            {1: 1, 3: 4},
            parent="TENT-2P",
            rrp="199.00",
            cost="71.20",
            categories=tents,
            summary="Two-person, three-season hiking tent.",
            updated="2026-02-11 14:20:00",
        ),
    ]


def _shipping_methods() -> list[JSON]:
    def method(mid: int, name: str, description: str, active: bool, ebay: bool) -> JSON:
        return {
            "id": str(mid),
            "name": name,
            "description": description,
            "status": "Active" if active else "Inactive",
            "visibility": {
                "customers": "True" if active else "False",
                "ebay": "True" if ebay else "False",
                "staff": "True",
            },
        }

    return [
        method(1, "Standard Shipping", "3-7 business days", True, False),
        method(4, "Express Post", "Next business day to metro areas", True, True),
        method(7, "Click & Collect", "Melbourne warehouse", False, False),
    ]


def catalogue() -> dict[str, list[JSON]]:
    return {
        "Item": _items(),
        "Category": _categories(),
        "Warehouse": _warehouses(),
        "ShippingMethod": _shipping_methods(),
    }
