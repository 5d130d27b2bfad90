"""Contract tests of the cart price rule and coupon tools: the exact searches, the creation
bodies (built from the whitelisted input, every field the schema requires set explicitly) and
how Magento's rules and coupons are read (fixtures in tests/contract/fixtures/magento)."""

from __future__ import annotations

import json

import pytest

from shopmcp_domain.errors import InvalidArguments
from tests.contract.magento.helpers import assert_get, criteria, harness, response

RULE_1 = {
    "rule_id": 1,
    "name": "Welcome 10% off",
    "description": "Welcome 10% off.",
    "is_active": True,
    "simple_action": "by_percent",
    "discount_amount": 10.0,
    "discount_qty": 0.0,
    "coupon_type": "specific",
    "use_auto_generation": False,
    "customer_group_ids": [0, 1],
    "website_ids": [1],
    "from_date": "2026-01-01",
    "to_date": None,
    "uses_per_customer": 0,
    "times_used": 4,
    "apply_to_shipping": False,
    "stop_rules_processing": False,
    "sort_order": 0,
}


async def test_list_cart_rules_by_name_active_only() -> None:
    h = harness([response("sales_rules_search.200.json")])
    out = await h.call("magento_list_cart_rules", {"name_contains": "off", "active_only": True})
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/salesRules/search",
        criteria(
            [[("name", "%off%", "like")], [("is_active", "1", "eq")]],
            page_size=20,
            sort=[("sort_order", "ASC"), ("rule_id", "ASC")],
        ),
    )
    rules = out.structured["rules"]
    assert rules[0] == RULE_1
    assert [(r["rule_id"], r["coupon_type"]) for r in rules] == [
        (1, "specific"),
        (3, "auto"),
        (2, "none"),
    ]
    assert out.text == (
        "3 cart rule(s) match; page 1 shows 3: id 1 'Welcome 10% off' 10% off, active, coupon "
        "code; id 3 '$5 off bags' 5 off each item, active, generated coupons; id 2 'VIP 15% "
        "off everything' 15% off, active, no coupon"
    )


async def test_get_cart_rule() -> None:
    h = harness([response("sales_rule_get.200.json")])
    out = await h.call("magento_get_cart_rule", {"rule_id": 1})
    assert_get(h.requests[0], "/rest/V1/salesRules/1", [])
    assert out.structured == RULE_1
    assert out.text == (
        "Cart rule id 1 'Welcome 10% off' 10% off, active, coupon code, customer groups [0, 1], "
        "from 2026-01-01 to no end, used 4 time(s)."
    )


async def test_create_cart_rule_sends_a_complete_basic_rule() -> None:
    h = harness([response("sales_rule_create.200.json")])
    out = await h.call(
        "magento_create_cart_rule",
        {
            "name": "VIP 10% code",
            "description": "For our VIPs.",
            "discount_type": "percent",
            "discount_amount": 10,
            "customer_group_ids": [4],
            "website_scope": [1],
            "from_date": "2026-04-01",
            "to_date": "2026-04-30",
            "uses_per_customer": 1,
            "max_discount_qty": 3,
        },
    )
    [request] = h.requests
    assert (request.method, str(request.url)) == (
        "POST",
        "https://shop.example.com/rest/all/V1/salesRules",
    )
    assert json.loads(request.content) == {
        "rule": {
            "name": "VIP 10% code",
            "is_active": True,
            "website_ids": [1],
            "customer_group_ids": [4],
            "simple_action": "by_percent",
            "discount_amount": 10.0,
            "discount_step": 0,
            "apply_to_shipping": False,
            "stop_rules_processing": False,
            "sort_order": 0,
            "uses_per_customer": 1,
            "coupon_type": "SPECIFIC_COUPON",
            "use_auto_generation": False,
            "uses_per_coupon": 0,
            "times_used": 0,
            "is_advanced": True,
            "is_rss": False,
            "description": "For our VIPs.",
            "from_date": "2026-04-01",
            "to_date": "2026-04-30",
            "discount_qty": 3.0,
        }
    }
    assert out.structured["rule_id"] == 5
    assert out.text == "Created cart rule id 5 'VIP 10% code' 10% off, active, coupon code."


@pytest.mark.parametrize(
    ("discount_type", "action"),
    [("fixed_per_item", "by_fixed"), ("fixed_cart", "cart_fixed")],
)
async def test_a_fixed_discount_without_a_coupon(discount_type: str, action: str) -> None:
    h = harness([response("sales_rule_create.200.json")])
    await h.call(
        "magento_create_cart_rule",
        {
            "name": "Automatic",
            "discount_type": discount_type,
            "discount_amount": 150,
            "customer_group_ids": [0, 1],
            "website_scope": [1, 2],
            "requires_coupon": False,
        },
    )
    rule = json.loads(h.requests[0].content)["rule"]
    assert (rule["simple_action"], rule["coupon_type"], rule["website_ids"]) == (
        action,
        "NO_COUPON",
        [1, 2],
    )


@pytest.mark.parametrize(
    "change",
    [
        {"discount_amount": 101},  # more than 100 percent
        {"discount_amount": 0},
        {"customer_group_ids": []},
        {"customer_group_ids": [1, 1]},
        {"website_scope": [0]},
        {"from_date": "2026-05-01", "to_date": "2026-04-01"},
        {"discount_type": "buy_x_get_y"},
        {"name": "line\nbreak"},
    ],
)
async def test_an_invalid_rule_is_refused_before_any_request(change: dict[str, object]) -> None:
    h = harness([])
    arguments = {
        "name": "VIP",
        "discount_type": "percent",
        "discount_amount": 10,
        "customer_group_ids": [4],
        "website_scope": [1],
        **change,
    }
    with pytest.raises(InvalidArguments):
        await h.call("magento_create_cart_rule", arguments)
    assert h.requests == []


async def test_list_coupons_of_a_rule() -> None:
    h = harness([response("coupons_search.200.json")])
    out = await h.call("magento_list_coupons", {"rule_id": 3, "code": "BAGS-7Q2K"})
    [request] = h.requests
    assert_get(
        request,
        "/rest/V1/coupons/search",
        criteria(
            [[("rule_id", "3", "eq")], [("code", "BAGS-7Q2K", "eq")]],
            page_size=20,
            sort=[("code", "ASC")],
        ),
    )
    assert out.structured["coupons"][0] == {
        "coupon_id": 2,
        "rule_id": 3,
        "code": "BAGS-7Q2K",
        "usage_limit": 1,
        "usage_per_customer": 1,
        "times_used": 1,
        "expiration_date": None,
        "created_at": "2026-01-01 08:00:00",
        "is_primary": False,
        "generated": True,
    }
    assert out.text == (
        "2 coupon(s) match; page 1 shows 2: BAGS-7Q2K (coupon id 2, rule id 3, used 1/1), "
        "BAGS-M4XD (coupon id 3, rule id 3, used 0/1)"
    )


async def test_create_coupon() -> None:
    h = harness([response("coupon_create.200.json")])
    out = await h.call(
        "magento_create_coupon",
        {"rule_id": 5, "code": "VIP10", "usage_limit": 100, "usage_per_customer": 1},
    )
    [request] = h.requests
    assert (request.method, str(request.url)) == (
        "POST",
        "https://shop.example.com/rest/all/V1/coupons",
    )
    assert json.loads(request.content) == {
        "coupon": {
            "rule_id": 5,
            "code": "VIP10",
            "usage_limit": 100,
            "usage_per_customer": 1,
            "times_used": 0,
            "is_primary": True,
            "type": 0,
        }
    }
    assert (out.structured["coupon_id"], out.structured["generated"]) == (5, False)
    assert out.text == "Created coupon VIP10 (coupon id 5, rule id 5, used 0/100)."
