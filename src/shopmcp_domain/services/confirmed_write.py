"""A write tool's call, after its arguments are validated: preview, confirm, execute once.

* No ``confirmation``: a :class:`~shopmcp_domain.confirmations.WritePreview` and a one-time code
  bound to this exact call; nothing upstream. (With a known ``idempotency_key``: that write's
  first outcome.)
* ``confirmation``: consumed atomically, then its binding checked (key, workspace, tool,
  store, arguments, write policy, expiry); any mismatch is refused and nothing goes upstream.
  A code already used answers a repeat of its own call with that call's first outcome.
* Executed under an idempotency key (the client's, else the confirmation's id), claimed before
  the upstream request: a repeated key gets the first outcome, a key still in flight is refused.
* A platform whose confirmation an owner turned off runs on the first call, still under an
  idempotency key.

Dashboard approval (a workspace whose ``write_approval`` is ``dashboard``, migration 0017):
no code exists. The first call stores a :class:`~shopmcp_domain.approvals.WriteApproval` and
answers with a preview saying where to approve it; a person approves or rejects it on the
dashboard; the next call with exactly the same arguments (same key, tool, store, arguments
digest and write policy) executes once -- the approval is closed atomically, so two concurrent
retries execute once, and the loser gets the winner's outcome. Before a decision the call is
told it still awaits approval; after a rejection or the expiry it is refused (once: the next
identical call requests a new approval). A ``confirmation`` argument is refused in this mode.
A platform whose confirmation an owner turned off runs on the first call in either mode.

Elicitation: on the 2026-07-28 revision, a client that declares form elicitation is asked
instead of being shown the code: the MCP endpoint turns the preview into an input-required
result and the retry carries the code back (``shopmcp_entrypoints.http.mcp``). The binding
checks here are the same either way.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import attrs
from pydantic import BaseModel

from shopmcp_domain.approvals import (
    ApprovalBinding,
    ApprovalPreview,
    Step,
    WriteApproval,
    approval_text,
    approvals_path,
    next_step,
)
from shopmcp_domain.confirmations import (
    Confirmation,
    IdempotentWrite,
    WriteControls,
    WriteOutcome,
    WritePreview,
    WriteState,
    arguments_digest,
    hash_code,
    policy_version,
    preview_text,
)
from shopmcp_domain.connections import Connection
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
    ConfirmationStore,
    ToolOutput,
    UpstreamCall,
    UpstreamClient,
)
from shopmcp_domain.redaction import redact_text
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_domain.untrusted import mark_untrusted


@attrs.frozen
class _Call:
    scope: RequestScope
    spec: ToolSpec
    connection: Connection
    arguments: BaseModel
    digest: str
    policy: str


def _policy_version(scope: RequestScope, spec: ToolSpec) -> str:
    whitelist = spec.whitelist
    assert whitelist is not None  # every write tool has one (ToolSpec refuses otherwise)
    return policy_version(
        platform=spec.platform,
        write_enabled=scope.workspace.write_enabled,
        confirmation_off=scope.workspace.confirmation_off,
        writable=whitelist.writable,
        locators=whitelist.locators,
        write_approval=scope.workspace.write_approval.value,
    )


async def call_write(
    clock: Clock,
    store: ConfirmationStore,
    upstream: UpstreamClient,
    scope: RequestScope,
    spec: ToolSpec,
    connection: Connection,
    arguments: BaseModel,
    controls: WriteControls,
    *,
    before_upstream: Callable[[], Awaitable[None]] | None = None,
) -> tuple[ToolOutput, UsageStatus]:
    """The write's answer and the status its usage event is recorded with. ``before_upstream``
    runs just before a write is executed (the monthly quota's count), not for a preview, a
    refusal or a replay."""
    call = _Call(
        scope=scope,
        spec=spec,
        connection=connection,
        arguments=arguments,
        digest=arguments_digest(arguments, connection.id),
        policy=_policy_version(scope, spec),
    )
    workspace_id = scope.workspace.id
    now = clock.now()
    dashboard = scope.workspace.approves_on_dashboard
    if dashboard and controls.confirmation is not None:
        raise ApprovalRefused(
            spec.name,
            "this workspace approves writes on its dashboard, where no confirmation code "
            "exists; call the tool without 'confirmation'",
        )

    if controls.confirmation is None:
        if controls.idempotency_key is not None:
            earlier = await store.written(workspace_id, controls.idempotency_key, now)
            if earlier is not None:
                return _replay(call, earlier)
        if scope.workspace.confirms_writes(spec.platform):
            if dashboard:
                return await _by_dashboard(clock, store, upstream, call, controls, before_upstream)
            return await _preview(clock, store, upstream, call, controls)
        key = controls.idempotency_key or str(uuid.uuid4())
        return await _execute(clock, store, upstream, call, key, before_upstream)

    code_hash = hash_code(controls.confirmation)
    confirmation = await store.consume(workspace_id, code_hash, now)
    if confirmation is None:
        used = await store.find(workspace_id, code_hash)
        if used is None:
            raise ConfirmationRefused(spec.name, "no such confirmation code in this workspace")
        # A code used before: a repeat of exactly that call gets its first outcome (while it
        # is kept, even after the code's expiry); anything else is refused as reuse.
        _check(used, call, at=used.created_at)
        earlier = await store.written(workspace_id, controls.idempotency_key or str(used.id), now)
        if earlier is None:
            raise ConfirmationRefused(spec.name, "it was already used")
        return _replay(call, earlier)
    _check(confirmation, call, at=now)
    key = controls.idempotency_key or str(confirmation.id)
    return await _execute(clock, store, upstream, call, key, before_upstream)


def _check(confirmation: Confirmation, call: _Call, *, at: dt.datetime) -> None:
    confirmation.check(
        workspace_id=call.scope.workspace.id,
        key_id=call.scope.key.id,
        tool=call.spec.name,
        connection_id=call.connection.id,
        arguments_digest=call.digest,
        policy_version=call.policy,
        now=at,
    )


async def _preview(
    clock: Clock,
    store: ConfirmationStore,
    upstream: UpstreamClient,
    call: _Call,
    controls: WriteControls,
) -> tuple[ToolOutput, UsageStatus]:
    confirmation, code = Confirmation.issue(
        workspace_id=call.scope.workspace.id,
        key_id=call.scope.key.id,
        tool=call.spec.name,
        connection_id=call.connection.id,
        arguments_digest=call.digest,
        policy_version=call.policy,
        now=clock.now(),
    )
    await store.issue(confirmation)
    store_label = call.connection.label
    changes = call.arguments.model_dump(mode="json", exclude_none=True)
    preview = WritePreview(
        status="confirmation_required",
        tool=call.spec.name,
        platform=call.spec.platform.value,
        store=store_label,
        connection_id=str(call.connection.id),
        changes=changes,
        before=await _current_values(upstream, call, changes),
        expires_at=confirmation.expires_at,
        confirmation=code,
        idempotency_key=controls.idempotency_key or str(confirmation.id),
    )
    text = preview_text(call.spec.name, store_label, confirmation.expires_at, code)
    if preview.before:
        # The store's current values are third-party text (a product title can carry an
        # injected instruction): marked as such, never in the gateway's own voice.
        current = ", ".join(f"{name}: {value!r}" for name, value in sorted(preview.before.items()))
        text += " Current values: " + mark_untrusted(
            redact_text(current[:1000]), call.spec.platform.value
        )
    return (
        ToolOutput(structured=preview.model_dump(mode="json"), text=text),
        UsageStatus.CONFIRMATION_REQUIRED,
    )


async def _current_values(
    upstream: UpstreamClient, call: _Call, changes: dict[str, Any]
) -> dict[str, Any] | None:
    """Best effort: the values the write would replace, by the tool's declared read (one of
    its platform's own read tools, allowed to this key). Any failure shows no "before"."""
    current = call.spec.current
    if current is None:
        return None
    try:
        read = call.scope.policy.authorise(current.read)
        if read.is_write or read.platform is not call.spec.platform:
            return None
        arguments = read.input_model.model_validate(
            {name: changes[source] for name, source in current.arguments.items()}
        )
        output = await upstream.call(
            UpstreamCall(
                tool=read,
                arguments=arguments,
                connection=call.connection,
                credentials=call.scope.lease(call.connection),
            )
        )
    except Exception:
        return None
    values = output.structured
    return {
        field: values[source]
        for field, source in current.fields.items()
        if field in changes and source in values
    }


async def _by_dashboard(
    clock: Clock,
    store: ConfirmationStore,
    upstream: UpstreamClient,
    call: _Call,
    controls: WriteControls,
    before_upstream: Callable[[], Awaitable[None]] | None,
) -> tuple[ToolOutput, UsageStatus]:
    """A write of a workspace that approves writes on its dashboard (see the module's
    docstring): request, wait, execute once, or refuse."""
    workspace_id = call.scope.workspace.id
    name = call.spec.name
    binding = ApprovalBinding(
        key_id=call.scope.key.id,
        tool=name,
        connection_id=call.connection.id,
        arguments_digest=call.digest,
        policy_version=call.policy,
    )
    now = clock.now()
    step, approval = next_step(await store.approvals_for(workspace_id, binding), now)
    if step is Step.REQUEST or approval is None:
        return await _request_approval(clock, store, call, binding)
    if step is Step.WAIT:
        return _approval_output(call, approval, "awaiting_approval")
    if step is Step.REJECTED:
        await store.close_approval(workspace_id, approval.id, now)
        raise ApprovalRefused(
            name,
            "a person rejected it on the dashboard; call the tool again only if the user "
            "wants to ask for approval anew",
        )
    if step is Step.EXPIRED:
        await store.close_approval(workspace_id, approval.id, now)
        raise ApprovalRefused(
            name,
            "its approval request expired before it was approved on the dashboard; call the "
            "tool again to request a new approval",
        )
    key = controls.idempotency_key or str(approval.id)
    if step is Step.EXECUTE:
        if before_upstream is not None:
            # Before the approval is closed: a refusal here (the month's quota) leaves the
            # approval usable once the quota allows.
            await before_upstream()
        closed = await store.close_approval(workspace_id, approval.id, now)
        if closed is not None:
            return await _execute(clock, store, upstream, call, key, None)
    # Executed already (or by a concurrent retry this instant): that write's outcome.
    earlier = await store.written(workspace_id, key, now)
    if earlier is None:
        raise WriteInProgress(name)
    return _replay(call, earlier)


async def _request_approval(
    clock: Clock, store: ConfirmationStore, call: _Call, binding: ApprovalBinding
) -> tuple[ToolOutput, UsageStatus]:
    changes = call.arguments.model_dump(mode="json", exclude_none=True)
    try:
        approval = WriteApproval.request(
            workspace_id=call.scope.workspace.id,
            binding=binding,
            platform=call.spec.platform.value,
            store=call.connection.label,
            changes=changes,
            now=clock.now(),
        )
    except ValueError as error:
        raise InvalidArguments(call.spec.name, [str(error)]) from None
    await store.request_approval(approval)
    return _approval_output(call, approval, "approval_required")


def _approval_output(
    call: _Call, approval: WriteApproval, status: Literal["approval_required", "awaiting_approval"]
) -> tuple[ToolOutput, UsageStatus]:
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


def _replay(call: _Call, earlier: IdempotentWrite) -> tuple[ToolOutput, UsageStatus]:
    if earlier.tool != call.spec.name or earlier.arguments_digest != call.digest:
        raise IdempotencyConflict(call.spec.name)
    outcome = earlier.outcome
    if earlier.state is WriteState.IN_PROGRESS or outcome is None:
        raise WriteInProgress(call.spec.name)
    if earlier.state is WriteState.FAILED:
        raise WriteAlreadyExecuted(call.spec.name, f"it failed: {outcome.error}")
    if outcome.structured is None:
        raise WriteAlreadyExecuted(call.spec.name, outcome.text)
    return ToolOutput(structured=outcome.structured, text=outcome.text), UsageStatus.REPLAYED


async def _execute(
    clock: Clock,
    store: ConfirmationStore,
    upstream: UpstreamClient,
    call: _Call,
    key: str,
    before_upstream: Callable[[], Awaitable[None]] | None,
) -> tuple[ToolOutput, UsageStatus]:
    if before_upstream is not None:
        # Before the claim: a refusal here (the month's quota) leaves no key in flight.
        await before_upstream()
    workspace_id = call.scope.workspace.id
    claim = IdempotentWrite.claim(
        workspace_id=workspace_id,
        idempotency_key=key,
        tool=call.spec.name,
        arguments_digest=call.digest,
        now=clock.now(),
    )
    earlier = await store.claim(claim)
    if earlier is not None:
        return _replay(call, earlier)
    try:
        output = await upstream.call(
            UpstreamCall(
                tool=call.spec,
                arguments=call.arguments,
                connection=call.connection,
                credentials=call.scope.lease(call.connection),
                idempotency_key=key,
            )
        )
    except BaseException as error:
        message = error.message if isinstance(error, ShopMcpError) else "internal error"
        await _finish(store, workspace_id, key, WriteState.FAILED, WriteOutcome.failed(message))
        raise
    outcome = WriteOutcome.succeeded(output.structured, output.text)
    await _finish(store, workspace_id, key, WriteState.SUCCEEDED, outcome)
    return output, UsageStatus.OK


async def _finish(
    store: ConfirmationStore,
    workspace_id: WorkspaceId,
    key: str,
    state: WriteState,
    outcome: WriteOutcome,
) -> None:
    try:
        await store.finish(workspace_id, key, state, outcome)
    except Exception:
        # The write's own answer stands. The claim stays "in progress", so a repeat of the key
        # is refused (never sent again) rather than answered wrongly.
        return
