"""How long the gateway keeps what it holds, and what the sweep removes (the security page's
erasure and retention promises).

* An erased workspace (an :class:`~shopmcp_domain.erasure.ErasureRequest` older than the
  erasure window) loses every remaining row: the sweep deletes it whole.
* Usage events and audit entries older than the workspace's plan's history retention go.
* Sign-in codes past their use and sessions that ended go.

:func:`history_retention` is the one place that says how long a plan keeps history: the plan's
own ``audit_retention_days`` (:mod:`shopmcp_domain.plans`).
"""

from __future__ import annotations

import datetime as dt

import attrs

from shopmcp_domain.erasure import ERASURE_DEADLINE
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.plans import PlanTier

# By default a workspace is erased once its request is this old. The promise is "within 30
# days" (ERASURE_DEADLINE); the sweep runs every few hours (the worker: 6 h by default) and at
# least daily, so it starts a day early: a request is gone before its deadline, not up to one
# sweep interval after it.
SWEEP_SLACK = dt.timedelta(days=1)
DEFAULT_ERASURE_WINDOW = ERASURE_DEADLINE - SWEEP_SLACK


def history_retention(plan: PlanTier) -> dt.timedelta:
    """How long a workspace on ``plan`` keeps its usage events and audit log."""
    return plan.plan.audit_retention


@attrs.frozen
class HistoryExpired:
    """What one retention pass over one plan's workspaces removed."""

    usage_events: int = 0
    audit_entries: int = 0

    def __add__(self, other: HistoryExpired) -> HistoryExpired:
        return HistoryExpired(
            self.usage_events + other.usage_events, self.audit_entries + other.audit_entries
        )


@attrs.frozen
class SignInsPurged:
    codes: int = 0
    sessions: int = 0
    oauth_flows: int = 0


@attrs.frozen
class SweepReport:
    """What one sweep removed (counts only: it names no person)."""

    swept_at: dt.datetime
    erased_workspaces: tuple[WorkspaceId, ...]
    history: HistoryExpired
    sign_ins: SignInsPurged
    # Expired write confirmations, dashboard approvals and kept write outcomes (kept 24 hours
    # for repeats).
    write_confirmations: int = 0

    def lines(self) -> list[str]:
        return [
            f"erased workspaces: {len(self.erased_workspaces)}",
            *(f"  {workspace_id}" for workspace_id in self.erased_workspaces),
            f"usage events past retention: {self.history.usage_events}",
            f"audit entries past retention: {self.history.audit_entries}",
            f"expired sign-in codes: {self.sign_ins.codes}",
            f"ended sessions: {self.sign_ins.sessions}",
            f"expired OAuth connect flows: {self.sign_ins.oauth_flows}",
            "expired write confirmations, approvals and kept write results: "
            f"{self.write_confirmations}",
        ]
