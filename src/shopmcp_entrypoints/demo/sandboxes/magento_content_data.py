"""The Magento sandbox's store-wide data beyond orders and products, in the admin REST API's
shapes (2.4.9): customer groups, the category tree and its product links, cart price rules and
their coupons, CMS pages and blocks, and the inventory sources. Built afresh for each store."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]


def customer_groups() -> list[JSON]:
    rows = [(0, "NOT LOGGED IN"), (1, "General"), (2, "Wholesale"), (3, "Retailer"), (4, "VIP")]
    return [
        {
            "id": group_id,
            "code": code,
            "tax_class_id": 3,
            "tax_class_name": "Retail Customer",
        }
        for group_id, code in rows
    ]


# (id, parent id, name, position, active, product SKUs)
_CATEGORIES: list[tuple[int, int, str, int, bool, list[str]]] = [
    (1, 0, "Root Catalog", 0, True, []),
    (2, 1, "Default Category", 1, True, []),
    (3, 2, "Gear", 1, True, ["24-MB01", "24-MB04", "24-WB04", "24-UG06"]),
    (4, 3, "Bags", 1, True, ["24-MB01", "24-MB04", "24-WB04"]),
    (5, 3, "Fitness Equipment", 2, True, ["24-UG06"]),
    (6, 3, "Watches", 3, False, ["24-MG03"]),
    (7, 2, "Men", 2, True, ["MH01"]),
    (8, 7, "Hoodies & Sweatshirts", 1, True, ["MH01"]),
    (9, 2, "Gift Cards", 3, True, ["GC-25"]),
]


def _level(category_id: int) -> int:
    parents = {c[0]: c[1] for c in _CATEGORIES}
    level = 0
    while parents.get(category_id):
        category_id = parents[category_id]
        level += 1
    return level


def _path(category_id: int) -> str:
    parents = {c[0]: c[1] for c in _CATEGORIES}
    ids = [category_id]
    while parents.get(ids[-1]):
        ids.append(parents[ids[-1]])
    return "/".join(str(i) for i in reversed(ids))


def categories() -> list[JSON]:
    """Each category as ``GET /V1/categories/{id}`` answers it (catalog-data-category-interface)."""
    out = []
    for category_id, parent_id, name, position, active, _ in _CATEGORIES:
        children = [str(c[0]) for c in _CATEGORIES if c[1] == category_id]
        out.append(
            {
                "id": category_id,
                "parent_id": parent_id,
                "name": name,
                "is_active": active,
                "position": position,
                "level": _level(category_id),
                "children": ",".join(children),
                "created_at": "2025-11-20 10:00:00",
                "updated_at": "2026-02-01 09:00:00",
                "path": _path(category_id),
                "available_sort_by": [],
                "include_in_menu": category_id > 2,
                "extension_attributes": {},
                "custom_attributes": [
                    {"attribute_code": "url_key", "value": name.lower().replace(" & ", "-")},
                    {"attribute_code": "description", "value": f"<p>{name}.</p>"},
                ],
            }
        )
    return out


def category_links() -> dict[int, list[JSON]]:
    """``GET /V1/categories/{id}/products``: the SKUs assigned to each category."""
    return {
        category_id: [
            {"sku": sku, "position": n, "category_id": str(category_id)}
            for n, sku in enumerate(skus)
        ]
        for category_id, _, _, _, _, skus in _CATEGORIES
    }


def _condition() -> JSON:
    return {
        "condition_type": "Magento\\SalesRule\\Model\\Rule\\Condition\\Combine",
        "conditions": [],
        "aggregator_type": "all",
        "operator": None,
        "value": "1",
    }


def _rule(
    rule_id: int,
    name: str,
    action: str,
    amount: float,
    groups: list[int],
    coupon_type: str,
    *,
    active: bool = True,
    sort_order: int = 0,
    times_used: int = 0,
    to_date: str | None = None,
) -> JSON:
    rule: JSON = {
        "rule_id": rule_id,
        "name": name,
        "store_labels": [],
        "description": f"{name} (sample rule)",
        "website_ids": [1],
        "customer_group_ids": groups,
        "from_date": "2026-01-01",
        "uses_per_customer": 0,
        "is_active": active,
        "condition": _condition(),
        "action_condition": {
            **_condition(),
            "condition_type": "Magento\\SalesRule\\Model\\Rule\\Condition\\Product\\Combine",
        },
        "stop_rules_processing": False,
        "is_advanced": True,
        "sort_order": sort_order,
        "simple_action": action,
        "discount_amount": amount,
        "discount_qty": 0,
        "discount_step": 0,
        "apply_to_shipping": False,
        "times_used": times_used,
        "is_rss": True,
        "coupon_type": coupon_type,
        "use_auto_generation": coupon_type == "AUTO",
        "uses_per_coupon": 0,
        "simple_free_shipping": "0",
        "extension_attributes": {},
    }
    if to_date:
        rule["to_date"] = to_date
    return rule


def sales_rules() -> list[JSON]:
    return [
        _rule(1, "Welcome 10% off", "by_percent", 10, [0, 1], "SPECIFIC_COUPON", times_used=4),
        _rule(2, "VIP 15% off everything", "by_percent", 15, [4], "NO_COUPON", sort_order=1),
        _rule(3, "$5 off bags", "by_fixed", 5, [0, 1, 2, 3], "AUTO", times_used=2),
        _rule(
            4,
            "Winter sale",
            "cart_fixed",
            20,
            [1],
            "SPECIFIC_COUPON",
            active=False,
            to_date="2026-02-28",
        ),
        # Waiting for its coupon code.
        _rule(5, "Spring sale 15% off", "by_percent", 15, [1, 4], "SPECIFIC_COUPON", active=False),
    ]


def coupons() -> list[JSON]:
    def coupon(coupon_id: int, rule_id: int, code: str, used: int, generated: bool) -> JSON:
        return {
            "coupon_id": coupon_id,
            "rule_id": rule_id,
            "code": code,
            "usage_limit": 0 if not generated else 1,
            "usage_per_customer": 1,
            "times_used": used,
            "is_primary": not generated,
            "created_at": "2026-01-01 08:00:00",
            "type": 1 if generated else 0,
        }

    return [
        coupon(1, 1, "WELCOME10", 4, False),
        coupon(2, 3, "BAGS-7Q2K", 1, True),
        coupon(3, 3, "BAGS-M4XD", 1, True),
        coupon(4, 4, "WINTER20", 0, False),
    ]


def _cms(entity_id: int, identifier: str, title: str, active: bool, content: str) -> JSON:
    return {
        "id": entity_id,
        "identifier": identifier,
        "title": title,
        "content": content,
        "creation_time": "2025-11-20 10:00:00",
        "update_time": "2026-02-10 15:30:00",
        "active": active,
    }


def cms_pages() -> list[JSON]:
    pages = [
        (1, "no-route", "404 Not Found", True, "<h1>Whoops, our bad...</h1>"),
        (2, "home", "Home Page", True, "<p>Welcome to the demo store.</p>" * 3),
        (3, "enable-cookies", "Enable Cookies", True, "<p>Please enable cookies.</p>"),
        (
            4,
            "privacy-policy-cookie-restriction-mode",
            "Privacy Policy",
            True,
            "<p>We respect your privacy.</p>",
        ),
        (5, "about-us", "About Us", True, "<p>Outdoor gear since 2009.</p>"),
        (6, "summer-lookbook", "Summer Lookbook (draft)", False, "<p>Coming soon.</p>"),
    ]
    out = []
    for entity_id, identifier, title, active, content in pages:
        page = _cms(entity_id, identifier, title, active, content)
        page.update(
            {
                "page_layout": "1column" if identifier != "home" else "cms-full-width",
                "meta_title": title,
                "meta_keywords": "",
                "meta_description": f"{title} of the demo store",
                "content_heading": title,
                "sort_order": "0",
            }
        )
        out.append(page)
    return out


def cms_blocks() -> list[JSON]:
    return [
        _cms(1, "footer-links", "Footer Links", True, "<ul><li>About us</li><li>Contact</li></ul>"),
        _cms(
            2, "free-shipping-banner", "Free Shipping Banner", True, "<p>Free shipping over $50</p>"
        ),
        _cms(3, "holiday-promo", "Holiday Promo", False, "<p>Holiday deals</p>"),
    ]


def sources() -> list[JSON]:
    def source(code: str, name: str, enabled: bool, city: str, postcode: str) -> JSON:
        return {
            "source_code": code,
            "name": name,
            "email": f"{code}@demo-store.example",
            "contact_name": "Warehouse Manager",
            "enabled": enabled,
            "description": f"{name} (sample source)",
            "latitude": 0,
            "longitude": 0,
            "country_id": "US",
            "region_id": 12,
            "city": city,
            "street": "1 Dock Road",
            "postcode": postcode,
            "phone": "(555) 010-0100",
            "use_default_carrier_config": True,
            "carrier_links": [],
            "extension_attributes": {"is_pickup_location_active": False},
        }

    return [
        source("default", "Default Source", True, "Austin", "78701"),
        source("warehouse_east", "East Coast Warehouse", True, "Newark", "07102"),
        source("popup_store", "Pop-up Store (closed)", False, "Portland", "97201"),
    ]
