"""The confirmation machinery every write shares: redeem a one-time code, ask a person on the
dashboard, run once under an idempotency key, answer a repeat with the first outcome.

Why one module: a platform write (:mod:`~shopmcp_domain.services.confirmed_write`) and a
playbook's save or delete (:mod:`~shopmcp_domain.services.playbook_writes`) make the same
promises -- a code works once, for exactly its call; a used code or a repeated key gets the
first outcome and nothing runs twice; a key still in flight is refused; in a workspace that
approves writes on its dashboard no code exists and only a person's approval lets the call run
-- and a promise kept in two copies drifts. The callers keep what differs: how a call is bound
(its tool, target, arguments digest and policy), what its preview shows and what running it
does.

* :func:`redeem_code` consumes a code atomically and checks its binding; a code used before
  answers only a repeat of exactly its call, with that call's first outcome.
* :func:`replay` answers from a kept outcome (or refuses: another call under the key, still in
  flight, failed, or kept without its result).
* :func:`run_once` claims the key, runs, keeps the outcome. A failed keep leaves the claim in
  progress: a repeat is refused rather than run again.
* :func:`approve_on_dashboard` is the dashboard mode's request, wait, run once or refuse.

Pure: no I/O beyond the ports it is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Literal

import attrs

from shopmcp_domain.approvals import (
    ApprovalBinding,
    ApprovalPreview,
    Step,
    WriteApproval,
    approval_text,
    approvals_path,
    next_step,
)
from shopmcp_domain.confirmation_ports import ConfirmationStore
from shopmcp_domain.confirmations import (
    Confirmation,
    IdempotentWrite,
    WriteOutcome,
    WriteState,
    hash_code,
)
from shopmcp_domain.errors import (
    ApprovalRefused,
    ConfirmationRefused,
    IdempotencyConflict,
    InvalidArguments,
    ShopMcpError,
    UsageStatus,
    WriteAlreadyExecuted,
    WriteInProgress,
)
from shopmcp_domain.ids import WorkspaceId
from shopmcp_domain.ports import (
    Clock,
    ToolOutput,
)

# A write call's answer and the status its usage event is recorded with.
Answer = tuple[ToolOutput, UsageStatus]
# What running the write does, given the idempotency key it runs under (called at most once
# per key).
Run = Callable[[str], Awaitable[ToolOutput]]
# A confirmation's binding check against the call at hand, at a time; raises
# ``ConfirmationRefused`` on any mismatch.
BindingCheck = Callable[[Confirmation, dt.datetime], None]


@attrs.frozen
class WriteIdentity:
    """What a kept outcome is matched against: the workspace, the tool and the digest of the
    call's validated arguments. A repeat under the same key with anything else is a conflict."""

    workspace_id: WorkspaceId
    tool: str
    digest: str


@attrs.frozen
class Redemption:
    """A code redeemed: the confirmation consumed now, its binding checked (run the write);
    or, for a code used before by exactly this call, that call's first answer."""

    confirmation: Confirmation | None = None
    replayed: Answer | None = None


def replay(write: WriteIdentity, earlier: IdempotentWrite) -> Answer:
    """The first outcome of the write under this key, for a repeat of exactly that call."""
    if earlier.tool != write.tool or earlier.arguments_digest != write.digest:
        raise IdempotencyConflict(write.tool)
    outcome = earlier.outcome
    if earlier.state is WriteState.IN_PROGRESS or outcome is None:
        raise WriteInProgress(write.tool)
    if earlier.state is WriteState.FAILED:
        raise WriteAlreadyExecuted(write.tool, f"it failed: {outcome.error}")
    if outcome.structured is None:
        raise WriteAlreadyExecuted(write.tool, outcome.text)
    return ToolOutput(structured=outcome.structured, text=outcome.text), UsageStatus.REPLAYED


async def replay_key(
    store: ConfirmationStore, write: WriteIdentity, idempotency_key: str | None, now: dt.datetime
) -> Answer | None:
    """A call without a code that names a key already used: that write's first outcome (None
    when the key is not known)."""
    if idempotency_key is None:
        return None
    earlier = await store.written(write.workspace_id, idempotency_key, now)
    return None if earlier is None else replay(write, earlier)


async def redeem_code(
    store: ConfirmationStore,
    write: WriteIdentity,
    code: str,
    idempotency_key: str | None,
    check: BindingCheck,
    now: dt.datetime,
) -> Redemption:
    """Consume ``code`` atomically and check its binding (``check``), or answer a repeat of the
    call that used it. An unknown code, or a used one presented by any other call, is refused;
    nothing runs."""
    code_hash = hash_code(code)
    confirmation = await store.consume(write.workspace_id, code_hash, now)
    if confirmation is not None:
        check(confirmation, now)
        return Redemption(confirmation=confirmation)
    used = await store.find(write.workspace_id, code_hash)
    if used is None:
        raise ConfirmationRefused(write.tool, "no such confirmation code in this workspace")
    # A code used before: a repeat of exactly that call gets its first outcome (while it is
    # kept, even after the code's expiry); anything else is refused as reuse.
    check(used, used.created_at)
    earlier = await store.written(write.workspace_id, idempotency_key or str(used.id), now)
    if earlier is None:
        raise ConfirmationRefused(write.tool, "it was already used")
    return Redemption(replayed=replay(write, earlier))


async def run_once(
    clock: Clock, store: ConfirmationStore, write: WriteIdentity, key: str, run: Run
) -> Answer:
    """Run the write once under ``key``: claimed first, so a concurrent or later repeat gets the
    first outcome (or is refused while it is in flight) and nothing runs twice."""
    claim = IdempotentWrite.claim(
        workspace_id=write.workspace_id,
        idempotency_key=key,
        tool=write.tool,
        arguments_digest=write.digest,
        now=clock.now(),
    )
    earlier = await store.claim(claim)
    if earlier is not None:
        return replay(write, earlier)
    try:
        output = await run(key)
    except BaseException as error:
        message = error.message if isinstance(error, ShopMcpError) else "internal error"
        await _keep(store, write, key, WriteState.FAILED, WriteOutcome.failed(message))
        raise
    outcome = WriteOutcome.succeeded(output.structured, output.text)
    await _keep(store, write, key, WriteState.SUCCEEDED, outcome)
    return output, UsageStatus.OK


async def _keep(
    store: ConfirmationStore,
    write: WriteIdentity,
    key: str,
    state: WriteState,
    outcome: WriteOutcome,
) -> None:
    try:
        await store.finish(write.workspace_id, key, state, outcome)
    except Exception:
        # The write's own answer stands. The claim stays "in progress", so a repeat of the key
        # is refused (never run again) rather than answered wrongly.
        return


def refuse_code_on_dashboard(tool: str) -> ApprovalRefused:
    """The refusal of a ``confirmation`` argument in a workspace that approves on its
    dashboard: no code exists there, so any code is the model's invention or another mode's."""
    return ApprovalRefused(
        tool,
        "this workspace approves writes on its dashboard, where no confirmation code "
        "exists; call the tool without 'confirmation'",
    )


@attrs.frozen
class ApprovalRequest:
    """What a person is shown on the dashboard for one write, and what binds the retry."""

    binding: ApprovalBinding
    # The platform's name, or "gateway" for the gateway's own tools (playbooks).
    platform: str
    # The store's label, or "gateway".
    store: str
    # The validated arguments (or a playbook's definition): redacted and bounded when kept.
    changes: Mapping[str, Any]


async def approve_on_dashboard(
    clock: Clock,
    store: ConfirmationStore,
    write: WriteIdentity,
    request: ApprovalRequest,
    idempotency_key: str | None,
    run: Run,
    *,
    before_run: Callable[[], Awaitable[None]] | None = None,
) -> Answer:
    """A write of a workspace that approves writes on its dashboard: the first call stores a
    pending approval and says where to approve it; before a decision the call is told it
    still waits; after a rejection or the expiry it is refused once; the approved call runs
    once (the approval is closed atomically, so of two concurrent retries one runs and the
    other gets its outcome). ``before_run`` runs just before (the month's quota)."""
    tool = request.binding.tool
    now = clock.now()
    step, approval = next_step(await store.approvals_for(write.workspace_id, request.binding), now)
    if step is Step.REQUEST or approval is None:
        return await _request_approval(clock, store, write, request)
    if step is Step.WAIT:
        return _approval_output(approval, "awaiting_approval")
    if step is Step.REJECTED:
        await store.close_approval(write.workspace_id, approval.id, now)
        raise ApprovalRefused(
            tool,
            "a person rejected it on the dashboard; call the tool again only if the user "
            "wants to ask for approval anew",
        )
    if step is Step.EXPIRED:
        await store.close_approval(write.workspace_id, approval.id, now)
        raise ApprovalRefused(
            tool,
            "its approval request expired before it was approved on the dashboard; call the "
            "tool again to request a new approval",
        )
    key = idempotency_key or str(approval.id)
    if step is Step.EXECUTE:
        if before_run is not None:
            # Before the approval is closed: a refusal here (the month's quota) leaves the
            # approval usable once the quota allows.
            await before_run()
        closed = await store.close_approval(write.workspace_id, approval.id, now)
        if closed is not None:
            return await run_once(clock, store, write, key, run)
    # Executed already (or by a concurrent retry this instant): that write's outcome.
    earlier = await store.written(write.workspace_id, key, now)
    if earlier is None:
        raise WriteInProgress(tool)
    return replay(write, earlier)


async def _request_approval(
    clock: Clock, store: ConfirmationStore, write: WriteIdentity, request: ApprovalRequest
) -> Answer:
    try:
        approval = WriteApproval.request(
            workspace_id=write.workspace_id,
            binding=request.binding,
            platform=request.platform,
            store=request.store,
            changes=request.changes,
            now=clock.now(),
        )
    except ValueError as error:
        raise InvalidArguments(write.tool, [str(error)]) from None
    await store.request_approval(approval)
    return _approval_output(approval, "approval_required")


def _approval_output(
    approval: WriteApproval, status: Literal["approval_required", "awaiting_approval"]
) -> Answer:
    preview = ApprovalPreview(
        status=status,
        tool=approval.tool,
        platform=approval.platform,
        store=approval.store,
        connection_id=str(approval.connection_id),
        changes=dict(approval.changes),
        approval_id=str(approval.id),
        approve_at=approvals_path(approval.workspace_id),
        expires_at=approval.expires_at,
    )
    # The changes are the model's own arguments (shown in the structured part only); the
    # text is the gateway's, with no store text in it.
    return (
        ToolOutput(structured=preview.model_dump(mode="json"), text=approval_text(preview)),
        UsageStatus.CONFIRMATION_REQUIRED,
    )
