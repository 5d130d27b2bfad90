"""Plans as sold, as data: what each plan costs and allows.

The plans live here, in code, rather than in a ``plans`` table: every request needs its
workspace's plan (the rate limit, the monthly quota), and a plan in code costs no join and no
cache on the hot path; tests enumerate the table; and a change of what a plan includes is a
reviewed change with its migration of existing workspaces, not an ad-hoc UPDATE. What differs
between environments, the Stripe price of each plan, is configuration
(``SHOPMCP_STRIPE_PRICE_<PLAN>``) and is matched to a plan by :func:`plan_for_price`. The
database stores only a workspace's plan code, constrained to these codes (migration 0007).

The numbers (Solo's are the ones on the pricing page; Brand's and Portfolio's are ours):

=========  ======  ==========  =======  ================  =========  =======
plan       $/mo    calls/mo    req/min  stores/platform   history    overage
=========  ======  ==========  =======  ================  =========  =======
solo       79      3,000       300      1                 30 days    refused
brand      249     15,000      600      3                 90 days    billed
portfolio  549     60,000      1,200    10                365 days   billed
demo       0       5,000       1,200    3                 30 days    refused
=========  ======  ==========  =======  ================  =========  =======

``demo`` is internal: the sandbox workspace of ``shopmcp demo`` (a protocol conformance run
and a few hundred calls fit comfortably), never sold, with no Stripe price.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

import attrs


@attrs.frozen
class RateLimit:
    """At most ``limit`` requests in any sliding window of ``window_seconds``."""

    limit: int = attrs.field(validator=attrs.validators.gt(0))
    window_seconds: float = attrs.field(validator=attrs.validators.gt(0))


@attrs.frozen
class Plan:
    """What one plan allows. ``monthly_calls`` counts tools/call requests per billing month;
    past it a call is refused, unless ``overage_billed`` (then it runs and is metered as
    overage)."""

    title: str
    monthly_price_usd: int = attrs.field(validator=attrs.validators.ge(0))
    monthly_calls: int = attrs.field(validator=attrs.validators.gt(0))
    requests_per_minute: int = attrs.field(validator=attrs.validators.gt(0))
    stores_per_platform: int = attrs.field(validator=attrs.validators.gt(0))
    audit_retention_days: int = attrs.field(validator=attrs.validators.gt(0))
    overage_billed: bool
    # Sold (has a Stripe price) or internal.
    sold: bool = True

    @property
    def rate_limit(self) -> RateLimit:
        return RateLimit(limit=self.requests_per_minute, window_seconds=60)

    @property
    def audit_retention(self) -> dt.timedelta:
        return dt.timedelta(days=self.audit_retention_days)


class PlanTier(enum.StrEnum):
    """A plan's code: what a workspace row stores."""

    SOLO = "solo"
    BRAND = "brand"
    PORTFOLIO = "portfolio"
    DEMO = "demo"

    @property
    def plan(self) -> Plan:
        return PLANS[self]

    @property
    def rate_limit(self) -> RateLimit:
        return PLANS[self].rate_limit


PLANS: Mapping[PlanTier, Plan] = {
    PlanTier.SOLO: Plan(
        title="Solo",
        monthly_price_usd=79,
        monthly_calls=3_000,
        requests_per_minute=300,
        stores_per_platform=1,
        audit_retention_days=30,
        overage_billed=False,
    ),
    PlanTier.BRAND: Plan(
        title="Brand",
        monthly_price_usd=249,
        monthly_calls=15_000,
        requests_per_minute=600,
        stores_per_platform=3,
        audit_retention_days=90,
        overage_billed=True,
    ),
    PlanTier.PORTFOLIO: Plan(
        title="Portfolio",
        monthly_price_usd=549,
        monthly_calls=60_000,
        requests_per_minute=1_200,
        stores_per_platform=10,
        audit_retention_days=365,
        overage_billed=True,
    ),
    PlanTier.DEMO: Plan(
        title="Demo",
        monthly_price_usd=0,
        monthly_calls=5_000,
        requests_per_minute=1_200,
        stores_per_platform=3,
        audit_retention_days=30,
        overage_billed=False,
        sold=False,
    ),
}

# The plan a new workspace starts on until a subscription says otherwise.
DEFAULT_PLAN = PlanTier.SOLO

SOLD_PLANS: tuple[PlanTier, ...] = tuple(tier for tier, plan in PLANS.items() if plan.sold)


def plan_for_price(price_id: str, prices: Mapping[PlanTier, str]) -> PlanTier | None:
    """The sold plan whose configured Stripe price is ``price_id``; None for an unknown price
    (a subscription to something this gateway does not sell)."""
    for tier, configured in prices.items():
        if configured and configured == price_id and PLANS[tier].sold:
            return tier
    return None


def billing_month(at: dt.datetime) -> str:
    """The billing month ``at`` falls in, as ``YYYY-MM`` (UTC calendar months: the quota
    resets at 00:00 UTC on the 1st)."""
    return at.astimezone(dt.UTC).strftime("%Y-%m")


def billing_month_end(at: dt.datetime) -> dt.datetime:
    """When the billing month of ``at`` ends (the next quota reset), UTC."""
    utc = at.astimezone(dt.UTC)
    year, month = (utc.year + 1, 1) if utc.month == 12 else (utc.year, utc.month + 1)
    return dt.datetime(year, month, 1, tzinfo=dt.UTC)
