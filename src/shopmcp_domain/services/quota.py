"""The monthly tool-call quota: one count per tools/call that is about to reach its store.

Counted after the call is authorised and its arguments validated, just before the upstream
request: a refused or malformed call costs the merchant nothing, and only tools/call counts
(tools/list, initialize and the rest never reach this). A call that then fails upstream stays
counted (it was dispatched); it is not billed (its meter quantity is 0).
"""

from __future__ import annotations

import datetime as dt

import attrs

from shopmcp_domain.errors import (
    QuotaExhausted,
    QuotaUnavailable,
)
from shopmcp_domain.limit_ports import (
    QuotaCounter,
    QuotaDecision,
)
from shopmcp_domain.plans import PlanTier, billing_month, billing_month_end
from shopmcp_domain.ports import Clock
from shopmcp_domain.workspaces import Workspace


async def count_tool_call(quota: QuotaCounter, clock: Clock, workspace: Workspace) -> QuotaDecision:
    """Count the call against the workspace's plan for this billing month. Past the quota:
    ``QuotaExhausted`` (not retryable before the month ends), unless the plan bills overage,
    when the decision says ``overage`` and the call goes on. A counter that cannot answer
    refuses the call (``QuotaUnavailable``): an outage never lifts a quota."""
    plan = workspace.plan.plan
    now = clock.now()
    try:
        decision = await quota.count(
            workspace.id, billing_month(now), plan.monthly_calls, overage=plan.overage_billed
        )
    except Exception as error:
        raise QuotaUnavailable() from error
    if not decision.allowed:
        resets_at = billing_month_end(now).strftime("%Y-%m-%d %H:%M")
        raise QuotaExhausted(plan.title, plan.monthly_calls, resets_at)
    return decision


@attrs.frozen
class LimitsState:
    """A workspace's limits as the usage review shows them: the plan's rate limit and where
    the month's tool calls stand against its quota."""

    plan: PlanTier
    month: str
    monthly_calls: int
    used: int
    resets_at: dt.datetime
    requests_per_minute: int
    overage_billed: bool

    @property
    def remaining(self) -> int:
        return max(self.monthly_calls - self.used, 0)

    @property
    def overage_calls(self) -> int:
        return max(self.used - self.monthly_calls, 0)

    @property
    def exhausted(self) -> bool:
        return not self.overage_billed and self.used >= self.monthly_calls


async def limits_state(quota: QuotaCounter, clock: Clock, workspace: Workspace) -> LimitsState:
    now = clock.now()
    plan = workspace.plan.plan
    month = billing_month(now)
    return LimitsState(
        plan=workspace.plan,
        month=month,
        monthly_calls=plan.monthly_calls,
        used=await quota.used(workspace.id, month),
        resets_at=billing_month_end(now),
        requests_per_minute=plan.requests_per_minute,
        overage_billed=plan.overage_billed,
    )
