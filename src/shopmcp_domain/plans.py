"""Plan tiers and the request budgets that come with them."""

from __future__ import annotations

import enum

import attrs


@attrs.frozen
class RateLimit:
    """At most ``limit`` requests in any sliding window of ``window_seconds``."""

    limit: int = attrs.field(validator=attrs.validators.gt(0))
    window_seconds: float = attrs.field(validator=attrs.validators.gt(0))


class PlanTier(enum.StrEnum):
    FREE = "free"
    STARTER = "starter"
    GROWTH = "growth"
    SCALE = "scale"

    @property
    def rate_limit(self) -> RateLimit:
        return PLAN_RATE_LIMITS[self]


PLAN_RATE_LIMITS: dict[PlanTier, RateLimit] = {
    PlanTier.FREE: RateLimit(limit=60, window_seconds=60),
    PlanTier.STARTER: RateLimit(limit=300, window_seconds=60),
    PlanTier.GROWTH: RateLimit(limit=1_200, window_seconds=60),
    PlanTier.SCALE: RateLimit(limit=6_000, window_seconds=60),
}
