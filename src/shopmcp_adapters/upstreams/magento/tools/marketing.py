"""The marketing tools: cart price rules (list, read, create a basic one) and their coupon codes
(list, create)."""

from __future__ import annotations

from typing import Any

from shopmcp_adapters.upstreams.magento.client import MagentoClient
from shopmcp_adapters.upstreams.magento.inputs.marketing import (
    SIMPLE_ACTIONS,
    CreateCartRuleInput,
    CreateCouponInput,
    GetCartRuleInput,
    ListCartRulesInput,
    ListCouponsInput,
)
from shopmcp_adapters.upstreams.magento.operations import (
    COUPON_CREATE,
    COUPONS_SEARCH,
    SALES_RULE_CREATE,
    SALES_RULE_GET,
    SALES_RULES_SEARCH,
)
from shopmcp_adapters.upstreams.magento.outputs.marketing import (
    CartRule,
    CartRuleListOutput,
    Coupon,
    CouponListOutput,
)
from shopmcp_adapters.upstreams.magento.search import (
    Direction,
    FilterGroup,
    SearchCriteria,
    SearchField,
    SearchResults,
    contains,
    equals,
)
from shopmcp_adapters.upstreams.magento.tools.table import page_text, paging, tools
from shopmcp_adapters.upstreams.module import Reply
from shopmcp_domain.tools.spec import ToolAnnotations
from shopmcp_domain.tools.whitelist import WriteWhitelist

_DISCOUNT_TEXT = {"by_percent": "{:g}% off", "by_fixed": "{:g} off each item"}


def _discount(rule: CartRule) -> str:
    amount = rule.discount_amount or 0
    if rule.simple_action == "cart_fixed":
        return f"{amount:g} off the cart"
    template = _DISCOUNT_TEXT.get(rule.simple_action or "")
    return template.format(amount) if template else f"{rule.simple_action} {amount:g}"


def _rule_line(rule: CartRule) -> str:
    state = "active" if rule.is_active else "inactive"
    coupon = {"none": "no coupon", "specific": "coupon code", "auto": "generated coupons"}.get(
        rule.coupon_type or "", "coupon ?"
    )
    return f"id {rule.rule_id} {rule.name!r} {_discount(rule)}, {state}, {coupon}"


@tools.read(
    "magento_list_cart_rules",
    "List Magento cart price rules",
    "Cart price rules (discounts, with or without coupon codes) by name text and optionally "
    "active ones only, highest priority first; paged (page_size at most 100). Each rule's "
    "id is what magento_get_cart_rule, magento_list_coupons and magento_create_coupon take.",
    ListCartRulesInput,
    CartRuleListOutput,
    SALES_RULES_SEARCH,
)
async def list_cart_rules(client: MagentoClient, args: ListCartRulesInput) -> Reply:
    groups: list[FilterGroup] = []
    if args.name_contains:
        groups.append(contains(args.name_contains, SearchField.NAME))
    if args.active_only:
        groups.append(equals(SearchField.IS_ACTIVE, 1))
    criteria = SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.SORT_ORDER, Direction.ASC), (SearchField.RULE_ID, Direction.ASC)],
    )
    found = SearchResults[CartRule].model_validate(
        await client.get(SALES_RULES_SEARCH, criteria=criteria)
    )
    result = CartRuleListOutput(rules=found.items, paging=paging(found, criteria))
    shown = "; ".join(_rule_line(r) for r in result.rules[:10])
    return Reply(result, page_text("cart rule(s)", result.paging, len(result.rules), shown))


@tools.read(
    "magento_get_cart_rule",
    "Get a Magento cart price rule",
    "One cart price rule by its id: discount, customer groups, websites, dates, usage "
    "limits and coupon type.",
    GetCartRuleInput,
    CartRule,
    SALES_RULE_GET,
)
async def get_cart_rule(client: MagentoClient, args: GetCartRuleInput) -> Reply:
    rule = CartRule.model_validate(await client.get(SALES_RULE_GET, {"rule_id": args.rule_id}))
    groups = ", ".join(str(g) for g in rule.customer_group_ids)
    dates = f", from {rule.from_date or 'now'} to {rule.to_date or 'no end'}"
    return Reply(
        rule,
        f"Cart rule {_rule_line(rule)}, customer groups [{groups}]{dates}, used "
        f"{rule.times_used or 0} time(s).",
    )


@tools.read(
    "magento_list_coupons",
    "List Magento coupon codes",
    "Coupon codes, optionally of one cart price rule or one exact code, with their usage "
    "counts and limits; paged (page_size at most 100).",
    ListCouponsInput,
    CouponListOutput,
    COUPONS_SEARCH,
)
async def list_coupons(client: MagentoClient, args: ListCouponsInput) -> Reply:
    groups: list[FilterGroup] = []
    if args.rule_id:
        groups.append(equals(SearchField.RULE_ID, args.rule_id))
    if args.code:
        groups.append(equals(SearchField.CODE, args.code))
    criteria = SearchCriteria(
        groups=groups,
        page_size=args.page_size,
        current_page=args.page,
        sort=[(SearchField.CODE, Direction.ASC)],
    )
    found = SearchResults[Coupon].model_validate(
        await client.get(COUPONS_SEARCH, criteria=criteria)
    )
    result = CouponListOutput(coupons=found.items, paging=paging(found, criteria))
    shown = ", ".join(_coupon_line(c) for c in result.coupons[:10])
    return Reply(result, page_text("coupon(s)", result.paging, len(result.coupons), shown))


def _coupon_line(coupon: Coupon) -> str:
    limit = coupon.usage_limit or "unlimited"
    return (
        f"{coupon.code} (coupon id {coupon.coupon_id}, rule id {coupon.rule_id}, used "
        f"{coupon.times_used or 0}/{limit})"
    )


# Creating adds a rule or a code; nothing existing is changed.
_CREATES_RULE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False)
# Coupon codes are unique in Magento: the same call again is refused, so it changes nothing more.
_CREATES_CODE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True)


def cart_rule_body(args: CreateCartRuleInput) -> dict[str, Any]:
    """``POST /V1/salesRules``, built from the whitelisted input: a rule active from creation
    (or ``from_date``), with every field the schema requires set explicitly."""
    rule: dict[str, Any] = {
        "name": args.name,
        "is_active": True,
        "website_ids": list(args.website_scope),
        "customer_group_ids": list(args.customer_group_ids),
        "simple_action": SIMPLE_ACTIONS[args.discount_type],
        "discount_amount": args.discount_amount,
        "discount_step": 0,
        "apply_to_shipping": args.apply_to_shipping,
        "stop_rules_processing": args.stop_further_rules,
        "sort_order": args.priority,
        "uses_per_customer": args.uses_per_customer,
        "coupon_type": "SPECIFIC_COUPON" if args.requires_coupon else "NO_COUPON",
        "use_auto_generation": False,
        "uses_per_coupon": 0,
        "times_used": 0,
        "is_advanced": True,
        "is_rss": False,
    }
    if args.description is not None:
        rule["description"] = args.description
    if args.from_date is not None:
        rule["from_date"] = args.from_date.isoformat()
    if args.to_date is not None:
        rule["to_date"] = args.to_date.isoformat()
    if args.max_discount_qty is not None:
        rule["discount_qty"] = args.max_discount_qty
    return {"rule": rule}


@tools.write(
    "magento_create_cart_rule",
    "Create a Magento cart price rule",
    "Creates a basic cart price rule, active from creation (or from from_date): a percent or "
    "fixed discount for the given customer groups (magento_list_customer_groups) on the "
    "given websites (magento_get_store), with or without a coupon code (add the code with "
    "magento_create_coupon). Conditions on the cart or products are not set.",
    CreateCartRuleInput,
    CartRule,
    SALES_RULE_CREATE,
    whitelist=WriteWhitelist(
        writable=frozenset(
            {
                "name",
                "description",
                "discount_type",
                "discount_amount",
                "customer_group_ids",
                "website_scope",
                "requires_coupon",
                "from_date",
                "to_date",
                "uses_per_customer",
                "max_discount_qty",
                "apply_to_shipping",
                "stop_further_rules",
                "priority",
            }
        )
    ),
    annotations=_CREATES_RULE,
)
async def create_cart_rule(client: MagentoClient, args: CreateCartRuleInput) -> Reply:
    rule = CartRule.model_validate(await client.post(SALES_RULE_CREATE, {}, cart_rule_body(args)))
    return Reply(rule, f"Created cart rule {_rule_line(rule)}.")


@tools.write(
    "magento_create_coupon",
    "Create a Magento coupon code",
    "Gives a cart price rule created with requires_coupon (by rule id) its coupon code, with "
    "optional limits on uses in total and per customer; such a rule has one code. Magento "
    "refuses a code that exists, and a rule without coupons or with generated coupons.",
    CreateCouponInput,
    Coupon,
    COUPON_CREATE,
    whitelist=WriteWhitelist(
        writable=frozenset({"code", "usage_limit", "usage_per_customer"}),
        locators=frozenset({"rule_id"}),
    ),
    annotations=_CREATES_CODE,
)
async def create_coupon(client: MagentoClient, args: CreateCouponInput) -> Reply:
    body = {
        "coupon": {
            "rule_id": args.rule_id,
            "code": args.code,
            "usage_limit": args.usage_limit,
            "usage_per_customer": args.usage_per_customer,
            "times_used": 0,
            "is_primary": True,
            "type": 0,  # typed in, not generated
        }
    }
    coupon = Coupon.model_validate(await client.post(COUPON_CREATE, {}, body))
    return Reply(coupon, f"Created coupon {_coupon_line(coupon)}.")
