"""Marketing tools: v2 coupons and v3 promotions with their codes (list, get, create basic).

``bigcommerce_get_coupon`` and ``bigcommerce_list_coupons`` share ``GET /v2/coupons`` (v2 has
no single-coupon GET): the get sends the fixed query ``id=<coupon_id>``, and an empty answer is
a 404-style UpstreamError.
"""

from __future__ import annotations

from decimal import Decimal

from shopmcp_adapters.upstreams.bigcommerce.client import BigCommerceClient
from shopmcp_adapters.upstreams.bigcommerce.inputs.marketing import (
    CouponIdInput,
    CreateCouponInput,
    CreatePromotionCodeInput,
    CreatePromotionInput,
    ListCouponsInput,
    ListPromotionCodesInput,
    ListPromotionsInput,
    PromotionIdInput,
)
from shopmcp_adapters.upstreams.bigcommerce.outputs import marketing as m
from shopmcp_adapters.upstreams.bigcommerce.outputs.common import V2List, V3Data
from shopmcp_adapters.upstreams.bigcommerce.tools import operations as op
from shopmcp_adapters.upstreams.bigcommerce.tools.table import PLATFORM, tools
from shopmcp_adapters.upstreams.bigcommerce.tools.texts import (
    listed,
    money,
    next_page,
    plural,
    v3_more,
)
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.errors import (
    UpstreamError,
    UpstreamResponseInvalid,
)
from shopmcp_domain.tools.spec import ToolAnnotations
from shopmcp_domain.tools.whitelist import WriteWhitelist


def _coupon_discount(c: m.Coupon) -> str:
    if c.type == "percentage_discount":
        return f"{(c.amount or Decimal(0)).normalize():f}% off"
    if c.type == "per_total_discount":
        return f"{money(c.amount)} off the order"
    if c.type == "per_item_discount":
        return f"{money(c.amount)} off each item"
    return c.type.replace("_", " ")


def coupon_line(c: m.Coupon) -> str:
    text = f"#{c.id} {c.code} ({c.name}): {_coupon_discount(c)}"
    if c.min_purchase:
        text += f" from {money(c.min_purchase)}"
    if c.enabled is False:
        text += ", disabled"
    if c.max_uses:
        text += f", used {c.num_uses or 0} of {c.max_uses}"
    return text


@tools.read(
    "bigcommerce_list_coupons",
    "List coupons",
    "The store's coupon codes (legacy v2 coupons), optionally one code or one discount type. "
    "Stores on BigCommerce's promotions engine keep their codes as promotions "
    "(bigcommerce_list_promotions). Paged.",
    ListCouponsInput,
    m.ListCouponsOutput,
    op.COUPONS,
)
async def list_coupons(client: BigCommerceClient, args: ListCouponsInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.code is not None:
        params["code"] = args.code
    if args.discount_type is not None:
        params["type"] = args.discount_type
    body = await client.call(op.COUPONS, params=params, empty=[])
    coupons = V2List[m.Coupon].model_validate(body).root
    out = m.ListCouponsOutput(
        coupons=coupons, page=args.page, limit=args.limit, has_more=len(coupons) >= args.limit
    )
    lines = [coupon_line(c) for c in out.coupons]
    head = plural(len(out.coupons), "coupon")
    return Reply(out, listed(head, lines, next_page(out.page, out.has_more)))


@tools.read(
    "bigcommerce_get_coupon",
    "Get a coupon",
    "One legacy coupon by id: code, discount, minimum purchase, expiry, uses and what it "
    "applies to.",
    CouponIdInput,
    m.GetCouponOutput,
    op.COUPONS,
)
async def get_coupon(client: BigCommerceClient, args: CouponIdInput) -> Reply:
    body = await client.call(op.COUPONS, params={"id": args.coupon_id}, empty=[])
    found = V2List[m.Coupon].model_validate(body).root
    if not found:
        raise UpstreamError(PLATFORM.value, 404, f"no coupon with id {args.coupon_id}")
    if len(found) != 1 or found[0].id != args.coupon_id:
        raise UpstreamResponseInvalid(PLATFORM.value, "the upstream answered another coupon")
    coupon = found[0]
    text = f"Coupon {coupon_line(coupon)}"
    if coupon.expires:
        text += f", expires {coupon.expires.date().isoformat()}"
    return Reply(m.GetCouponOutput(coupon=coupon), text + ".")


@tools.write(
    "bigcommerce_create_coupon",
    "Create a coupon",
    "Create a legacy (v2) coupon code: a percentage, an amount off the order or each item, or "
    "free shipping; optionally a minimum purchase, a last day, use limits, and only some "
    "categories or products. On the promotions engine use bigcommerce_create_promotion.",
    CreateCouponInput,
    m.CreateCouponOutput,
    op.COUPON_CREATE,
    whitelist=WriteWhitelist(
        writable=frozenset(
            {
                "name",
                "code",
                "discount_type",
                "amount",
                "min_purchase",
                "expires",
                "max_uses",
                "max_uses_per_customer",
                "enabled",
                "category_ids",
                "product_ids",
            }
        )
    ),
    # Adds a coupon and changes nothing else. Coupon names and codes are unique in a store,
    # so the same call again is refused and adds nothing: idempotent.
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def create_coupon(client: BigCommerceClient, args: CreateCouponInput) -> Reply:
    coupon = m.Coupon.model_validate(await client.call(op.COUPON_CREATE, json=args.body()))
    return Reply(m.CreateCouponOutput(coupon=coupon), f"Created coupon {coupon_line(coupon)}.")


def promotion_line(p: m.Promotion) -> str:
    text = f"#{p.id} {p.name} ({p.redemption_type.lower()}, {p.status.lower()})"
    if p.rules:
        text += ": " + "; then ".join(p.rules[:3])
    if p.customer_group_ids:
        # Group ids without "#": in this text "#<n>" is always a promotion id.
        text += " for customer groups " + ", ".join(str(g) for g in p.customer_group_ids)
    return text


@tools.read(
    "bigcommerce_list_promotions",
    "List promotions",
    "The store's promotions (automatic ones and coupon promotions), optionally by name, "
    "redemption type or status, with what each gives. Paged.",
    ListPromotionsInput,
    m.ListPromotionsOutput,
    op.PROMOTIONS,
)
async def list_promotions(client: BigCommerceClient, args: ListPromotionsInput) -> Reply:
    params: dict[str, str | int] = {"page": args.page, "limit": args.limit}
    if args.name is not None:
        params["query"] = args.name
    if args.redemption_type is not None:
        params["redemption_type"] = args.redemption_type
    if args.status is not None:
        params["status"] = args.status
    out = m.ListPromotionsOutput.model_validate(await client.call(op.PROMOTIONS, params=params))
    lines = [promotion_line(p) for p in out.promotions]
    more = v3_more(out.pagination.current_page, out.pagination.total_pages)
    return Reply(out, listed(plural(len(out.promotions), "promotion"), lines, more))


@tools.read(
    "bigcommerce_get_promotion",
    "Get a promotion",
    "One promotion by id: what it gives and when, to whom, how often it was used. A coupon "
    "promotion's codes are bigcommerce_list_promotion_codes.",
    PromotionIdInput,
    m.GetPromotionOutput,
    op.PROMOTION,
)
async def get_promotion(client: BigCommerceClient, args: PromotionIdInput) -> Reply:
    out = m.GetPromotionOutput.model_validate(
        await client.call(op.PROMOTION, path={"promotion_id": args.promotion_id})
    )
    p = out.promotion
    text = f"Promotion {promotion_line(p)}"
    if p.current_uses is not None:
        text += f"; used {p.current_uses} times"
    if p.end_date:
        text += f"; ends {p.end_date.date().isoformat()}"
    return Reply(out, text + ".")


@tools.write(
    "bigcommerce_create_promotion",
    "Create a promotion",
    "Create a basic promotion: a percentage or an amount off the cart, optionally above a "
    "minimum spend, for some customer groups only (e.g. VIPs), between two dates, a number of "
    "times. AUTOMATIC applies by itself; COUPON needs a code from "
    "bigcommerce_create_promotion_code.",
    CreatePromotionInput,
    m.CreatePromotionOutput,
    op.PROMOTION_CREATE,
    whitelist=WriteWhitelist(
        writable=frozenset(
            {
                "name",
                "display_name",
                "redemption_type",
                "percent_off",
                "amount_off",
                "minimum_spend",
                "customer_group_ids",
                "start_date",
                "end_date",
                "max_uses",
                "enabled",
            }
        )
    ),
    # Adds a promotion and changes nothing else; promotion names need not be unique, so the
    # same call again adds a second promotion: not idempotent.
    annotations=ToolAnnotations(
        read_only_hint=False, destructive_hint=False, idempotent_hint=False
    ),
)
async def create_promotion(client: BigCommerceClient, args: CreatePromotionInput) -> Reply:
    out = m.CreatePromotionOutput.model_validate(
        await client.call(op.PROMOTION_CREATE, json=args.body())
    )
    text = f"Created promotion {promotion_line(out.promotion)}"
    if out.promotion.redemption_type == "COUPON":
        text += (
            f". Give it a code: bigcommerce_create_promotion_code with promotion_id "
            f"{out.promotion.id}"
        )
    return Reply(out, text + ".")


@tools.read(
    "bigcommerce_list_promotion_codes",
    "A promotion's coupon codes",
    "The coupon codes of one coupon promotion, with their uses. Paged by cursor: pass the "
    "next_cursor of one page as 'after' for the next.",
    ListPromotionCodesInput,
    m.ListPromotionCodesOutput,
    op.PROMOTION_CODES,
)
async def list_promotion_codes(client: BigCommerceClient, args: ListPromotionCodesInput) -> Reply:
    params: dict[str, str | int] = {"limit": args.limit}
    if args.after is not None:
        params["after"] = args.after
    body = await client.call(
        op.PROMOTION_CODES, path={"promotion_id": args.promotion_id}, params=params
    )
    out = m.ListPromotionCodesOutput.model_validate(
        {**body, "promotion_id": args.promotion_id} if isinstance(body, dict) else body
    )
    lines = [
        f"#{c.id} {c.code} (used {c.current_uses or 0}"
        + (f" of {c.max_uses})" if c.max_uses else ")")
        for c in out.codes
    ]
    more = f"More exist: ask with after={out.next_cursor}." if out.next_cursor else None
    head = f"Promotion #{out.promotion_id}: {plural(len(out.codes), 'code')}"
    return Reply(out, listed(head, lines, more))


@tools.write(
    "bigcommerce_create_promotion_code",
    "Create a promotion code",
    "Add a coupon code to a coupon promotion (bigcommerce_create_promotion with "
    "redemption_type COUPON), optionally limiting its uses.",
    CreatePromotionCodeInput,
    m.CreatePromotionCodeOutput,
    op.PROMOTION_CODE_CREATE,
    whitelist=WriteWhitelist(
        writable=frozenset({"code", "max_uses", "max_uses_per_customer"}),
        locators=frozenset({"promotion_id"}),
    ),
    # Adds a code and changes nothing else. Codes are unique in a store, so the same call
    # again is refused and adds nothing: idempotent.
    annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True),
)
async def create_promotion_code(client: BigCommerceClient, args: CreatePromotionCodeInput) -> Reply:
    body = await client.call(
        op.PROMOTION_CODE_CREATE, path={"promotion_id": args.promotion_id}, json=args.body()
    )
    code = V3Data[m.PromotionCode].model_validate(body).data
    out = m.CreatePromotionCodeOutput(promotion_id=args.promotion_id, code=code)
    return Reply(out, f"Promotion #{out.promotion_id}: created code #{code.id} {code.code}.")
