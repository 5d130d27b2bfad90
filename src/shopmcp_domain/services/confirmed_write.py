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
from typing import Any

import attrs
from pydantic import BaseModel

from shopmcp_domain.approvals import ApprovalBinding
from shopmcp_domain.confirmation_ports import ConfirmationStore
from shopmcp_domain.confirmations import (
    Confirmation,
    WriteControls,
    WritePreview,
    arguments_digest,
    policy_version,
    preview_text,
)
from shopmcp_domain.connections import Connection
from shopmcp_domain.errors import UsageStatus
from shopmcp_domain.ports import (
    Clock,
    ToolOutput,
    UpstreamCall,
    UpstreamClient,
)
from shopmcp_domain.redaction import redact_text
from shopmcp_domain.services.confirmation_flow import (
    ApprovalRequest,
    WriteIdentity,
    approve_on_dashboard,
    redeem_code,
    refuse_code_on_dashboard,
    replay_key,
    run_once,
)
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

    @property
    def identity(self) -> WriteIdentity:
        return WriteIdentity(self.scope.workspace.id, self.spec.name, self.digest)


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
    write = call.identity
    now = clock.now()
    dashboard = scope.workspace.approves_on_dashboard
    if dashboard and controls.confirmation is not None:
        raise refuse_code_on_dashboard(spec.name)

    if controls.confirmation is None:
        earlier = await replay_key(store, write, controls.idempotency_key, now)
        if earlier is not None:
            return earlier
        if scope.workspace.confirms_writes(spec.platform):
            if dashboard:
                return await _by_dashboard(clock, store, upstream, call, controls, before_upstream)
            return await _preview(clock, store, upstream, call, controls)
        key = controls.idempotency_key or str(uuid.uuid4())
        return await _execute(clock, store, upstream, call, key, before_upstream)

    redeemed = await redeem_code(
        store,
        write,
        controls.confirmation,
        controls.idempotency_key,
        lambda confirmation, at: _check(confirmation, call, at=at),
        now,
    )
    if redeemed.confirmation is None:
        assert redeemed.replayed is not None
        return redeemed.replayed
    key = controls.idempotency_key or str(redeemed.confirmation.id)
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
    request = ApprovalRequest(
        binding=ApprovalBinding(
            key_id=call.scope.key.id,
            tool=call.spec.name,
            connection_id=call.connection.id,
            arguments_digest=call.digest,
            policy_version=call.policy,
        ),
        platform=call.spec.platform.value,
        store=call.connection.label,
        changes=call.arguments.model_dump(mode="json", exclude_none=True),
    )
    return await approve_on_dashboard(
        clock,
        store,
        call.identity,
        request,
        controls.idempotency_key,
        lambda key: _send(upstream, call, key),
        before_run=before_upstream,
    )


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
    return await run_once(
        clock, store, call.identity, key, lambda sent_key: _send(upstream, call, sent_key)
    )


async def _send(upstream: UpstreamClient, call: _Call, key: str) -> ToolOutput:
    return await upstream.call(
        UpstreamCall(
            tool=call.spec,
            arguments=call.arguments,
            connection=call.connection,
            credentials=call.scope.lease(call.connection),
            idempotency_key=key,
        )
    )
