"""Customer groups, carts (abandoned ones by token), coupons and promotions: the exact request
each builds, and the parsed answer."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from shopmcp_domain.errors import (
    InvalidArguments,
    UpstreamError,
    UpstreamResponseInvalid,
)
from tests.contract.bigcommerce.harness import Upstream, assert_request

CART_ID = "4f6a2c1e-8b3d-4e7f-9a0b-1c2d3e4f5a6b"
TOKEN = "1eed6d2d979776ff18e695ceeb10ea61"


async def test_list_customers_in_a_group(upstream: Upstream) -> None:
    upstream.serve("list_customers.200")
    await upstream.call("bigcommerce_list_customers", {"customer_group_id": 2})
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/customers",
        {"customer_group_id:in": "2", "page": "1", "limit": "20"},
    )


async def test_list_customer_groups(upstream: Upstream) -> None:
    upstream.serve("list_customer_groups.200")
    out = await upstream.call("bigcommerce_list_customer_groups", {"name": "VIP", "limit": 3})
    assert_request(
        upstream.only_request,
        "GET",
        "/v2/customer_groups",
        {"name:like": "VIP", "page": "1", "limit": "3"},
    )
    groups = out.structured["groups"]
    assert groups[2] == {
        "id": 3,
        "name": "Wholesale",
        "is_default": False,
        "is_group_for_guests": False,
        "category_access": "specific",
        "discount_rules": [
            {
                "type": "category",
                "method": "percent",
                "amount": "25.0000",
                "category_id": 20,
                "product_id": None,
                "price_list_id": None,
            }
        ],
        "date_created": "2025-02-04T00:00:00Z",
        "date_modified": "2025-02-04T00:00:00Z",
    }
    assert out.structured["has_more"] is True  # a full page of 3
    assert out.text == (
        "3 customer groups: #1 Retail (default); #2 VIP; #3 Wholesale. "
        "More may exist: ask for page 2."
    )


async def test_get_customer_group(upstream: Upstream) -> None:
    upstream.serve("get_customer_group.200")
    out = await upstream.call("bigcommerce_get_customer_group", {"customer_group_id": 2})
    assert_request(upstream.only_request, "GET", "/v2/customer_groups/2")
    assert out.structured["group"]["name"] == "VIP"
    assert out.text == "Customer group #2 VIP, 1 discount rule: percent 10.00 on all"


async def test_get_abandoned_cart(upstream: Upstream) -> None:
    upstream.serve("get_abandoned_cart.200")
    out = await upstream.call("bigcommerce_get_abandoned_cart", {"token": TOKEN.upper()})
    # The token is sent in lower case, the one shape the client lets into a path.
    assert_request(upstream.only_request, "GET", f"/v3/abandoned-carts/{TOKEN}")
    assert out.structured == {"token": TOKEN, "cart_id": CART_ID}
    assert out.text == f"Abandoned cart {CART_ID} (token {TOKEN})."


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("bigcommerce_get_abandoned_cart", {"token": "../../v2/orders"}),
        ("bigcommerce_get_abandoned_cart", {"token": TOKEN + "0"}),
        ("bigcommerce_get_abandoned_cart", {"token": TOKEN[:-1] + "g"}),
        ("bigcommerce_get_cart", {"cart_id": CART_ID + "/items"}),
        ("bigcommerce_get_cart", {"cart_id": CART_ID.replace("-", "")}),
        ("bigcommerce_get_cart", {"cart_id": "%2e%2e"}),
    ],
)
async def test_path_tokens_are_only_their_documented_shape(
    upstream: Upstream, tool: str, arguments: dict[str, Any]
) -> None:
    with pytest.raises(InvalidArguments):
        await upstream.call(tool, arguments)
    assert upstream.requests == []


async def test_get_cart_lists_every_line_with_its_kind(upstream: Upstream) -> None:
    upstream.serve("get_cart.200")
    out = await upstream.call("bigcommerce_get_cart", {"cart_id": CART_ID.upper()})
    assert_request(upstream.only_request, "GET", f"/v3/carts/{CART_ID}")
    cart = out.structured["cart"]
    assert (cart["customer_id"], cart["currency"], cart["cart_amount"]) == (57, "AUD", "67.5")
    assert cart["coupon_codes"] == ["SPRING10"]
    assert cart["items"][0] == {
        "id": "a1b2c3d4-0001-4000-8000-000000000001",
        "kind": "physical",
        "product_id": 112,
        "variant_id": 240,
        "sku": "TEA-SEN-100-TIN",
        "name": "Sencha Loose Leaf 100g",
        "quantity": 2,
        "list_price": "24",
        "sale_price": "24",
        "extended_sale_price": "48",
    }
    assert out.text == (
        f"Cart {CART_ID} of customer #57: 3 items, 67.50 AUD, last changed 2026-11-20: "
        "2 x Sencha Loose Leaf 100g (SKU TEA-SEN-100-TIN, product #112); "
        "1 x Genmaicha Loose Leaf 100g (SKU TEA-GEN-100, product #113)"
    )


async def test_a_cart_without_line_items_is_not_a_cart(upstream: Upstream) -> None:
    upstream.queue = [httpx.Response(200, json={"data": {"id": CART_ID}, "meta": {}})]
    with pytest.raises(UpstreamResponseInvalid):
        await upstream.call("bigcommerce_get_cart", {"cart_id": CART_ID})


# --------------------------------------------------------------------------- coupons (v2)


async def test_list_coupons(upstream: Upstream) -> None:
    upstream.serve("list_coupons.200")
    out = await upstream.call(
        "bigcommerce_list_coupons", {"code": "SPRING10", "discount_type": "percentage_discount"}
    )
    assert_request(
        upstream.only_request,
        "GET",
        "/v2/coupons",
        {"code": "SPRING10", "type": "percentage_discount", "page": "1", "limit": "50"},
    )
    assert out.structured["coupons"][1] == {
        "id": 4,
        "name": "Teaware five off",
        "code": "POT5",
        "type": "per_total_discount",
        "amount": "5.0000",
        "min_purchase": "40.0000",
        "expires": None,
        "enabled": True,
        "num_uses": 0,
        "max_uses": 0,
        "max_uses_per_customer": 0,
        "applies_to": "categories",
        "applies_to_ids": [30],
        "date_created": "2026-10-01T00:00:00Z",
    }
    assert out.text == (
        "3 coupons: #3 SPRING10 (Spring ten): 10% off, used 14 of 100; "
        "#4 POT5 (Teaware five off): 5.00 off the order from 40.00; "
        "#5 FREEPOST (Free post): free shipping, disabled"
    )


async def test_get_coupon_reads_the_collection_filtered_to_one_id(upstream: Upstream) -> None:
    upstream.serve("get_coupon.200")
    out = await upstream.call("bigcommerce_get_coupon", {"coupon_id": 3})
    assert_request(upstream.only_request, "GET", "/v2/coupons", {"id": "3"})
    assert out.structured["coupon"]["code"] == "SPRING10"
    assert out.text == (
        "Coupon #3 SPRING10 (Spring ten): 10% off, used 14 of 100, expires 2026-11-30."
    )


async def test_get_coupon_with_no_match_is_a_clear_404(upstream: Upstream) -> None:
    upstream.serve("v2_list.204")
    with pytest.raises(UpstreamError) as caught:
        await upstream.call("bigcommerce_get_coupon", {"coupon_id": 77})
    assert (caught.value.status, caught.value.upstream_message) == (404, "no coupon with id 77")


async def test_get_coupon_refuses_another_coupon(upstream: Upstream) -> None:
    upstream.serve("list_coupons.200")  # the filter ignored: three coupons
    with pytest.raises(UpstreamResponseInvalid):
        await upstream.call("bigcommerce_get_coupon", {"coupon_id": 3})


async def test_create_coupon_with_every_field(upstream: Upstream) -> None:
    upstream.serve("create_coupon.201")
    out = await upstream.call(
        "bigcommerce_create_coupon",
        {
            "name": "VIP fifteen",
            "code": "VIP15",
            "discount_type": "percentage_discount",
            "amount": "15",
            "min_purchase": "50.00",
            "expires": "2026-12-31",
            "max_uses": 200,
            "max_uses_per_customer": 1,
            "enabled": False,
            "product_ids": [112, 113],
        },
    )
    assert_request(
        upstream.only_request,
        "POST",
        "/v2/coupons",
        body={
            "name": "VIP fifteen",
            "code": "VIP15",
            "type": "percentage_discount",
            "amount": "15",
            "min_purchase": "50",
            "expires": "Thu, 31 Dec 2026 23:59:59 +0000",
            "max_uses": 200,
            "max_uses_per_customer": 1,
            "enabled": False,
            "applies_to": {"entity": "products", "ids": [112, 113]},
        },
    )
    assert out.structured["coupon"]["id"] == 6
    assert out.text == ("Created coupon #6 VIP15 (VIP fifteen): 15% off from 50.00, used 0 of 200.")


async def test_a_coupon_without_restriction_applies_to_every_category(upstream: Upstream) -> None:
    upstream.serve("create_coupon.201")
    await upstream.call(
        "bigcommerce_create_coupon",
        {"name": "Five", "code": "FIVE", "discount_type": "per_total_discount", "amount": 5},
    )
    body = json.loads(upstream.only_request.content)
    assert body["applies_to"] == {"entity": "categories", "ids": [0]}
    assert body["amount"] == "5"


@pytest.mark.parametrize(
    "changes",
    [
        {"code": "VIP 15%"},  # % is not allowed in a code
        {"code": "x" * 51},
        {"discount_type": "percentage_discount", "amount": 120},
        {"discount_type": "percentage_discount", "amount": 0},
        {"discount_type": "per_total_discount", "amount": 0},
        {"discount_type": "free_shipping", "amount": 5},
        {"discount_type": "promotion"},
        {"category_ids": [20], "product_ids": [112]},
        {"expires": "31/12/2026"},
    ],
)
async def test_create_coupon_input_is_validated(
    upstream: Upstream, changes: dict[str, Any]
) -> None:
    arguments = {"name": "N", "code": "C1", "discount_type": "percentage_discount", "amount": 10}
    with pytest.raises(InvalidArguments):
        await upstream.call("bigcommerce_create_coupon", {**arguments, **changes})
    assert upstream.requests == []


# --------------------------------------------------------------------------- promotions (v3)


async def test_list_promotions(upstream: Upstream) -> None:
    upstream.serve("list_promotions.200")
    out = await upstream.call(
        "bigcommerce_list_promotions",
        {"name": "VIP", "redemption_type": "automatic", "status": "ENABLED"},
    )
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/promotions",
        {
            "query": "VIP",
            "redemption_type": "automatic",
            "status": "ENABLED",
            "page": "1",
            "limit": "50",
        },
    )
    assert out.structured["promotions"][0] == {
        "id": 11,
        "name": "10% off for VIPs",
        "display_name": "10% off for VIPs",
        "redemption_type": "AUTOMATIC",
        "status": "ENABLED",
        "current_uses": 31,
        "max_uses": None,
        "start_date": "2026-11-01T00:00:00Z",
        "end_date": None,
        "currency_code": "AUD",
        "customer_group_ids": [2],
        "rules": ["10% off the cart value"],
    }
    assert out.text == (
        "2 promotions: #11 10% off for VIPs (automatic, enabled): 10% off the cart value for "
        "customer groups 2; #12 5 off orders over 60 (coupon, enabled): 5 off the cart value "
        "when spending at least 60"
    )


async def test_a_promotion_with_other_actions_and_null_groups_still_reads(
    upstream: Upstream,
) -> None:
    promotion = {
        "id": 14,
        "name": "Free post",
        "redemption_type": "AUTOMATIC",
        "status": "DISABLED",
        "customer": {"group_ids": None, "segments": None},
        "rules": [{"action": {"shipping": {"free_shipping": True}}}],
        "end_date": None,
        "max_uses": None,
    }
    upstream.queue = [httpx.Response(200, json={"data": promotion, "meta": {}})]
    out = await upstream.call("bigcommerce_get_promotion", {"promotion_id": 14})
    assert out.structured["promotion"]["rules"] == ["shipping"]
    assert out.structured["promotion"]["customer_group_ids"] == []


async def test_get_promotion(upstream: Upstream) -> None:
    upstream.serve("get_promotion.200")
    out = await upstream.call("bigcommerce_get_promotion", {"promotion_id": 12})
    assert_request(upstream.only_request, "GET", "/v3/promotions/12")
    assert out.text == (
        "Promotion #12 5 off orders over 60 (coupon, enabled): 5 off the cart value when "
        "spending at least 60; used 3 times; ends 2026-12-31."
    )


async def test_create_promotion_for_vips(upstream: Upstream) -> None:
    upstream.serve("create_promotion.201")
    out = await upstream.call(
        "bigcommerce_create_promotion",
        {
            "name": "VIP 15% code",
            "display_name": "15% for our VIPs",
            "redemption_type": "COUPON",
            "percent_off": "15",
            "minimum_spend": "50",
            "customer_group_ids": [2],
            "start_date": "2026-12-01T00:00:00+11:00",
            "end_date": "2027-01-01T00:00:00+11:00",
            "max_uses": 100,
        },
    )
    assert_request(
        upstream.only_request,
        "POST",
        "/v3/promotions",
        body={
            "name": "VIP 15% code",
            "display_name": "15% for our VIPs",
            "redemption_type": "COUPON",
            "rules": [
                {
                    "action": {"cart_value": {"discount": {"percentage_amount": "15"}}},
                    "condition": {"cart": {"minimum_spend": "50"}},
                }
            ],
            "status": "ENABLED",
            "customer": {"group_ids": [2]},
            "start_date": "2026-12-01T00:00:00+11:00",
            "end_date": "2027-01-01T00:00:00+11:00",
            "max_uses": 100,
        },
    )
    assert out.structured["promotion"]["id"] == 13
    assert out.text == (
        "Created promotion #13 VIP 15% code (coupon, enabled): 15% off the cart value when "
        "spending at least 50 for customer groups 2. Give it a code: "
        "bigcommerce_create_promotion_code with promotion_id 13."
    )


async def test_an_amount_off_promotion_disabled(upstream: Upstream) -> None:
    upstream.serve("create_promotion.201")
    await upstream.call(
        "bigcommerce_create_promotion",
        {"name": "Five off", "redemption_type": "AUTOMATIC", "amount_off": 5, "enabled": False},
    )
    assert json.loads(upstream.only_request.content) == {
        "name": "Five off",
        "redemption_type": "AUTOMATIC",
        "rules": [{"action": {"cart_value": {"discount": {"fixed_amount": "5"}}}}],
        "status": "DISABLED",
    }


@pytest.mark.parametrize(
    "changes",
    [
        {},  # neither percent nor amount
        {"percent_off": 10, "amount_off": 5},
        {"percent_off": 0},
        {"percent_off": 101},
        {"percent_off": 10, "redemption_type": "automatic"},
        {
            "percent_off": 10,
            "start_date": "2027-01-01T00:00:00Z",
            "end_date": "2026-01-01T00:00:00Z",
        },
        {"percent_off": 10, "customer_group_ids": [-1]},
    ],
)
async def test_create_promotion_input_is_validated(
    upstream: Upstream, changes: dict[str, Any]
) -> None:
    with pytest.raises(InvalidArguments):
        await upstream.call(
            "bigcommerce_create_promotion", {"name": "P", "redemption_type": "COUPON", **changes}
        )
    assert upstream.requests == []


async def test_list_promotion_codes_pages_by_cursor(upstream: Upstream) -> None:
    upstream.serve("list_promotion_codes.200")
    out = await upstream.call(
        "bigcommerce_list_promotion_codes", {"promotion_id": 12, "after": "MjA", "limit": 2}
    )
    assert_request(
        upstream.only_request,
        "GET",
        "/v3/promotions/12/codes",
        {"after": "MjA", "limit": "2"},
    )
    assert out.structured == {
        "promotion_id": 12,
        "codes": [
            {
                "id": 21,
                "code": "OVER60",
                "current_uses": 3,
                "max_uses": 500,
                "max_uses_per_customer": 1,
                "created": "2026-11-01T00:05:00Z",
            },
            {
                "id": 22,
                "code": "OVER60-STAFF",
                "current_uses": 0,
                "max_uses": 0,
                "max_uses_per_customer": 0,
                "created": "2026-11-02T00:05:00Z",
            },
        ],
        "next_cursor": "MjI",
    }
    assert out.text == (
        "Promotion #12: 2 codes: #21 OVER60 (used 3 of 500); #22 OVER60-STAFF (used 0). "
        "More exist: ask with after=MjI."
    )


async def test_the_last_page_of_codes_has_no_cursor(upstream: Upstream) -> None:
    body = {
        "data": [{"id": 21, "code": "OVER60", "current_uses": 3}],
        "meta": {"cursor_pagination": {"end_cursor": "MjE", "links": {}}},
    }
    upstream.queue = [httpx.Response(200, json=body)]
    out = await upstream.call("bigcommerce_list_promotion_codes", {"promotion_id": 12})
    assert out.structured["next_cursor"] is None
    assert out.text == "Promotion #12: 1 code: #21 OVER60 (used 3)"


async def test_create_promotion_code(upstream: Upstream) -> None:
    upstream.serve("create_promotion_code.201")
    out = await upstream.call(
        "bigcommerce_create_promotion_code",
        {"promotion_id": 13, "code": "VIP15", "max_uses": 100, "max_uses_per_customer": 1},
    )
    assert_request(
        upstream.only_request,
        "POST",
        "/v3/promotions/13/codes",
        body={"code": "VIP15", "max_uses": 100, "max_uses_per_customer": 1},
    )
    assert out.structured["code"]["id"] == 23
    assert out.text == "Promotion #13: created code #23 VIP15."
