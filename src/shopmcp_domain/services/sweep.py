"""The retention sweep (``shopmcp sweep``; a worker job once the scheduler lands): erases the
workspaces whose erasure window has passed, drops history past each plan's retention, and
purges spent sign-in codes, ended sessions, expired OAuth connect flows and expired write
confirmations and kept write results.

It runs cross-tenant on the owner connection; the store re-checks, in the transaction that
deletes, that the workspace's erasure request exists and is past the window (the operator's
authority covers the job, each deletion is authorised by its request).
"""

from __future__ import annotations

import datetime as dt

from shopmcp_domain.confirmation_ports import ConfirmationStore
from shopmcp_domain.plans import PlanTier
from shopmcp_domain.ports import (
    Clock,
    RetentionStore,
)
from shopmcp_domain.retention import (
    DEFAULT_ERASURE_WINDOW,
    HistoryExpired,
    SweepReport,
    history_retention,
)


async def sweep(
    store: RetentionStore,
    clock: Clock,
    *,
    now: dt.datetime | None = None,
    erasure_window: dt.timedelta = DEFAULT_ERASURE_WINDOW,
    confirmations: ConfirmationStore | None = None,
) -> SweepReport:
    """One pass. ``now`` replaces the clock's reading (tests, and an operator catching up);
    running it again at the same ``now`` removes nothing more. ``confirmations``: also drop
    expired write confirmations, dashboard approvals and the write outcomes kept for repeats
    (the security page keeps no tool results: these are the bounded exception, gone a day
    after the write)."""
    if erasure_window < dt.timedelta(0):
        raise ValueError("the erasure window cannot be negative")
    at = now or clock.now()
    cutoff = at - erasure_window
    erased = []
    for workspace_id in await store.erasable(cutoff):
        if await store.erase(workspace_id, cutoff):
            erased.append(workspace_id)
    history = HistoryExpired()
    for plan in PlanTier:
        history += await store.expire_history(plan, at - history_retention(plan))
    sign_ins = await store.purge_sign_ins(at)
    purged = await confirmations.purge(at) if confirmations is not None else 0
    return SweepReport(
        swept_at=at,
        erased_workspaces=tuple(erased),
        history=history,
        sign_ins=sign_ins,
        write_confirmations=purged,
    )
