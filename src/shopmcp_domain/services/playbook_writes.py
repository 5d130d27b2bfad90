"""``create_playbook`` and ``delete_playbook``: previewed, confirmed, executed once, with the
guarantees of a platform write (:mod:`shopmcp_domain.services.confirmed_write`).

A playbook is what later runs in the merchant's name with a key's permissions, so saving,
replacing or deleting one is a write that needs the user's approval, like a write to a store:

* No ``confirmation``: the call is validated in full against the workspace as it is now
  (unknown tools, tools the key may not call, templates, a name that exists without
  ``replace``, a playbook that is not there to delete), so a bad definition gets its error
  before any code is issued; then a :class:`PlaybookPreview` (what would be saved -- a new
  playbook or version N+1 of one -- or which playbook and version would be deleted) and a
  one-time code bound to the key, the workspace, the tool, a digest of the validated
  arguments and a digest of the state the preview described (the playbook and version it
  replaces or deletes). Nothing is saved.
* ``confirmation``: consumed atomically, its binding checked (another key, another tool,
  other arguments, expiry: refused, nothing changed); then the call is validated again and
  the workspace must still be as the preview described (else refused); then executed under an
  idempotency key (the client's, else the confirmation's id), claimed first, so a repeat of the
  key or of the used code gets the first outcome and nothing is saved twice.

Dashboard approval (a workspace whose ``write_approval`` is ``dashboard``): no code exists --
else a model obeying injected text could create a playbook and confirm it itself. After the
same validation, the first call stores a pending write (the tool, ``gateway`` as its store,
the definition that would be saved or the playbook and version that would be deleted) bound to
the key, the tool, the arguments digest and the state the plan saw; a person approves or
rejects it on the dashboard; the approved retry runs the plan once. A playbook changed since
the request is another state: the retry asks for a new approval. A ``confirmation`` is refused.
The machinery (codes, approvals, running once) is shared with platform writes:
:mod:`~shopmcp_domain.services.confirmation_flow`.

These tools have no connection: their confirmations are bound to
:data:`~shopmcp_domain.confirmations.GATEWAY_CONNECTION_ID`. The owner's per-platform
confirmation opt-out does not apply (see :func:`managed_call`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs
from pydantic import BaseModel, ConfigDict, Field

from shopmcp_domain.approvals import ApprovalBinding
from shopmcp_domain.confirmation_ports import ConfirmationStore
from shopmcp_domain.confirmations import (
    CONFIRMATION_ARGUMENT,
    GATEWAY_CONNECTION_ID,
    Confirmation,
    WriteControls,
    arguments_digest,
    gateway_policy_version,
)
from shopmcp_domain.errors import ConfirmationRefused, UsageStatus
from shopmcp_domain.playbook_definitions import PlaybookDefinition, definition_of
from shopmcp_domain.playbooks import Playbook
from shopmcp_domain.ports import (
    Clock,
    TenantRepository,
    ToolOutput,
)
from shopmcp_domain.services import playbooks as use_cases
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

# The "platform" and "store" a pending playbook write names on the dashboard: the gateway's
# own configuration, not a store.
GATEWAY = "gateway"
CREATE_PLAYBOOK = "create_playbook"
DELETE_PLAYBOOK = "delete_playbook"


class PlaybookPreview(BaseModel):
    """The structured result of a first ``create_playbook``/``delete_playbook`` call: what
    confirming would do, and the code that confirms it. Nothing has been saved or deleted."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["confirmation_required"]
    tool: str
    action: Literal["create", "new_version", "delete"]
    summary: str = Field(description="What confirming does, in one sentence.")
    playbook: dict[str, Any] = Field(
        description="The validated definition that would be saved, or the playbook that "
        "would be deleted."
    )
    version: int = Field(description="The version that would be saved, or deleted.")
    replaces_version: int | None = Field(
        description="The version a new version would replace; null for a new playbook."
    )
    expires_at: dt.datetime
    confirmation: str = Field(
        description="Call the same tool again with the same arguments and this code as "
        "'confirmation' to do it. Usable once, until expires_at."
    )
    idempotency_key: str = Field(
        description="The key the confirmed call runs under (a repeat returns its first result)."
    )


@attrs.frozen
class Managed:
    """What one call of a management tool answered: its output, the status of its usage
    event, and the playbook it saved or deleted (None for a preview, a refusal or a replay)."""

    output: ToolOutput
    status: UsageStatus
    playbook: Playbook | None = None


@attrs.frozen
class _Plan:
    """What the call would do to the workspace as it is now, validated."""

    action: Literal["create", "new_version", "delete"]
    # The playbook that would be stored, or deleted.
    playbook: Playbook
    # The stored playbook a new version replaces (None for a new one; the playbook itself for
    # a delete).
    replaces: Playbook | None
    policy: str

    @property
    def replaced_version(self) -> int | None:
        return self.replaces.version if self.action == "new_version" and self.replaces else None

    @property
    def summary(self) -> str:
        name, version = self.playbook.name, self.playbook.version
        if self.action == "create":
            return f"Save the new playbook {name!r} (version 1)"
        if self.action == "new_version":
            return f"Save playbook {name!r} as version {version}, replacing version {version - 1}"
        return f"Delete playbook {name!r} (version {version})"

    @property
    def shown(self) -> dict[str, Any]:
        """What a person approving it on the dashboard reads: the definition that would be
        saved, or which playbook and version would be deleted."""
        shown: dict[str, Any] = {"action": self.action, "summary": self.summary}
        if self.action == "delete":
            shown["delete"] = {
                "name": self.playbook.name,
                "id": str(self.playbook.id),
                "version": self.playbook.version,
            }
            return shown
        shown["version"] = self.playbook.version
        if self.replaced_version is not None:
            shown["replaces_version"] = self.replaced_version
        shown["playbook"] = definition_of(self.playbook).model_dump(mode="json", exclude_none=True)
        return shown


def _state_policy(tool: str, replaces: Playbook | None) -> str:
    # The playbook the preview showed being replaced or deleted, by id and version: a delete
    # and re-create, or another edit, between the preview and the confirmation is not what
    # the user approved.
    state: dict[str, Any] = {"id": None, "version": None}
    if replaces is not None:
        state = {"id": str(replaces.id), "version": replaces.version}
    return gateway_policy_version(tool, state)


@attrs.frozen
class ManagedCall:
    """One validated call of a management tool: the workspace, the key and the arguments."""

    scope: RequestScope
    tool: str
    arguments: BaseModel
    definition: PlaybookDefinition | None = None
    replace: bool = False
    playbook_name: str = ""

    @property
    def digest(self) -> str:
        return arguments_digest(self.arguments, GATEWAY_CONNECTION_ID)

    @property
    def identity(self) -> WriteIdentity:
        return WriteIdentity(self.scope.workspace.id, self.tool, self.digest)

    async def plan(self, tenants: TenantRepository, clock: Clock) -> _Plan:
        """Every check the call would meet, against the workspace now; nothing is changed."""
        ws = self.scope.workspace.id
        if self.definition is not None:
            playbook, existing = await use_cases.preview_save(
                tenants,
                clock,
                ws,
                self.definition,
                use_cases.scope_tool_problem(self.scope),
                replace=self.replace,
            )
            action: Literal["create", "new_version"] = "new_version" if existing else "create"
            return _Plan(action, playbook, existing, _state_policy(self.tool, existing))
        target = await use_cases.get_playbook(tenants, ws, self.playbook_name)
        return _Plan("delete", target, target, _state_policy(self.tool, target))

    async def execute(self, tenants: TenantRepository, clock: Clock, plan: _Plan) -> ToolOutput:
        ws = self.scope.workspace.id
        if plan.action == "delete":
            deleted = await use_cases.delete_playbook(
                tenants, ws, plan.playbook.name, expected=plan.replaces
            )
            return ToolOutput({"deleted": deleted.name}, f"Deleted playbook {deleted.name}.")
        saved = await use_cases.store_previewed(tenants, clock, ws, plan.playbook, plan.replaces)
        definition = definition_of(saved).model_dump(mode="json", exclude_none=True)
        return ToolOutput(
            {"saved": definition}, f"Saved playbook {saved.name} (version {saved.version})."
        )


async def managed_call(
    clock: Clock,
    store: ConfirmationStore,
    tenants: TenantRepository,
    call: ManagedCall,
    controls: WriteControls,
) -> Managed:
    """The management call's answer, previewed or confirmed (see the module's docstring).

    Always confirmed: the owner's confirmation opt-out (``workspace.confirmation_off``) is per
    platform, about a store's writes the owner chose to trust; a playbook is the gateway's own
    configuration -- what later runs with a key's permissions -- which no platform setting
    covers, and which a key that may write could otherwise change without its user seeing."""
    write = call.identity
    now = clock.now()
    dashboard = call.scope.workspace.approves_on_dashboard
    if dashboard and controls.confirmation is not None:
        raise refuse_code_on_dashboard(call.tool)
    if controls.confirmation is None:
        earlier = await replay_key(store, write, controls.idempotency_key, now)
        if earlier is not None:
            return Managed(*earlier)
        plan = await call.plan(tenants, clock)
        if dashboard:
            return await _by_dashboard(clock, store, tenants, call, plan, controls)
        return await _preview(clock, store, call, plan, controls)

    # A code used before answers a repeat of exactly its call with the first outcome. (The
    # workspace has changed since -- by that very call -- so the state the preview described
    # is not checked again then.)
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
        return Managed(*redeemed.replayed)
    plan = await call.plan(tenants, clock)
    if plan.policy != redeemed.confirmation.policy_version:
        raise ConfirmationRefused(
            call.tool, f"playbook {plan.playbook.name!r} changed since the preview"
        )
    key = controls.idempotency_key or str(redeemed.confirmation.id)
    output, status = await run_once(
        clock, store, write, key, lambda _key: call.execute(tenants, clock, plan)
    )
    return _managed(output, status, plan)


def _managed(output: ToolOutput, status: UsageStatus, plan: _Plan) -> Managed:
    # The playbook is named only when this call saved or deleted it (not for a replay).
    return Managed(output, status, plan.playbook if status is UsageStatus.OK else None)


async def _by_dashboard(
    clock: Clock,
    store: ConfirmationStore,
    tenants: TenantRepository,
    call: ManagedCall,
    plan: _Plan,
    controls: WriteControls,
) -> Managed:
    """A workspace that approves writes on its dashboard: no code; the first call stores a
    pending write showing what would be saved (the definition) or deleted, bound to the key,
    the tool, the arguments and the state the plan was made against (the playbook id and
    version replaced or deleted), so an approval is for that state only: a playbook changed
    since is a new request. The approved retry runs the plan once."""
    request = ApprovalRequest(
        binding=ApprovalBinding(
            key_id=call.scope.key.id,
            tool=call.tool,
            connection_id=GATEWAY_CONNECTION_ID,
            arguments_digest=call.digest,
            policy_version=plan.policy,
        ),
        platform=GATEWAY,
        store=GATEWAY,
        changes=plan.shown,
    )
    output, status = await approve_on_dashboard(
        clock,
        store,
        call.identity,
        request,
        controls.idempotency_key,
        lambda _key: call.execute(tenants, clock, plan),
    )
    return _managed(output, status, plan)


def _check(confirmation: Confirmation, call: ManagedCall, *, at: dt.datetime) -> None:
    # The state the preview described is compared by the caller (with its own message): here
    # the binding of the call itself -- workspace, key, tool, arguments -- and the expiry.
    confirmation.check(
        workspace_id=call.scope.workspace.id,
        key_id=call.scope.key.id,
        tool=call.tool,
        connection_id=GATEWAY_CONNECTION_ID,
        arguments_digest=call.digest,
        policy_version=confirmation.policy_version,
        now=at,
    )


async def _preview(
    clock: Clock,
    store: ConfirmationStore,
    call: ManagedCall,
    plan: _Plan,
    controls: WriteControls,
) -> Managed:
    confirmation, code = Confirmation.issue(
        workspace_id=call.scope.workspace.id,
        key_id=call.scope.key.id,
        tool=call.tool,
        connection_id=GATEWAY_CONNECTION_ID,
        arguments_digest=call.digest,
        policy_version=plan.policy,
        now=clock.now(),
    )
    await store.issue(confirmation)
    preview = PlaybookPreview(
        status="confirmation_required",
        tool=call.tool,
        action=plan.action,
        summary=plan.summary,
        playbook=definition_of(plan.playbook).model_dump(mode="json", exclude_none=True),
        version=plan.playbook.version,
        replaces_version=plan.replaced_version,
        expires_at=confirmation.expires_at,
        confirmation=code,
        idempotency_key=controls.idempotency_key or str(confirmation.id),
    )
    done = "deleted" if plan.action == "delete" else "saved"
    text = (
        f"Nothing has been {done} yet. Show the user the playbook below and ask them to "
        f"approve: {plan.summary}. Only if they do, call {call.tool} again with exactly the "
        f'same arguments plus "{CONFIRMATION_ARGUMENT}": "{code}". The code works once and '
        f"expires at {confirmation.expires_at.isoformat()}."
    )
    return Managed(
        ToolOutput(structured=preview.model_dump(mode="json"), text=text),
        UsageStatus.CONFIRMATION_REQUIRED,
    )
