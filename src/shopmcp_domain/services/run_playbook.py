"""The ``run_playbook`` use case: a tool-steps playbook's steps, in order, each through
:func:`call_tool`.

A playbook can never do what its key could not: every tool step is one ``call_tool`` with the
request's scope (policy, key scopes, connection scope, write opt-in and whitelist, validation,
confirmation, usage event and meter record), admitted against the workspace's rate limit like
a direct call (a run of five steps counts six: the run and each step). Each step's usage event
carries the playbook's id and version.

Writes and confirmation. A write step is a write call: when the gateway asks for confirmation
(a result whose ``status`` is ``confirmation_required``, with a one-time ``confirmation`` code),
the run stops after that step and its summary says ``confirmation_required``, listing each
pending write (for a ``for_each`` step, one per element) under a key: the step's id, or
``id[n]`` for element ``n``. To continue, call ``run_playbook`` again with the same arguments
and ``confirmations: {key: code}``; the run starts again from the first step (reads are
repeated; a code is bound to its exact call, so if the data changed since, the write is
refused rather than applied to something else) and passes each code as that call's
``confirmation`` argument.

In a workspace that approves writes on its dashboard (migration 0017) a write step answers
``approval_required`` (or ``awaiting_approval``) with no code: the run stops the same way, its
summary says ``approval_required`` and lists each pending write under ``approvals_needed``;
once a person has approved them on the dashboard, the same run again executes each once.

A step that fails (refused, invalid arguments, upstream error) or whose references find
nothing stops the run; the summary lists what ran, what failed and why.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import attrs

from shopmcp_domain.errors import (
    AuditUnavailable,
    InternalError,
    ShopMcpError,
)
from shopmcp_domain.limit_ports import RateLimiter
from shopmcp_domain.playbook_steps import (
    AnyStep,
    FilterStep,
    ReconcileStep,
    ToolStep,
    filter_records,
    reconcile,
)
from shopmcp_domain.playbook_templates import (
    ResolveError,
    Scope,
    parse_reference,
    render_value,
    resolve_reference,
)
from shopmcp_domain.playbooks import Playbook, PlaybookMode
from shopmcp_domain.services.admission import admit
from shopmcp_domain.services.call_tool import PlaybookStamp, ToolCallDeps, call_tool
from shopmcp_domain.services.scope import RequestScope

CONFIRMATION_REQUIRED = "confirmation_required"
# A write awaiting a person's approval on the dashboard (no code: see ``approvals``).
APPROVAL_REQUIRED = "approval_required"
_AWAITING_APPROVAL = frozenset({APPROVAL_REQUIRED, "awaiting_approval"})
# A step's result larger than this (as JSON) is summarised, not returned whole.
MAX_STEP_RESULT_BYTES = 200_000


@attrs.frozen
class PlaybookRunDeps:
    tool_call: ToolCallDeps
    limiter: RateLimiter


class RunArgumentsError(ValueError):
    pass


def check_run_arguments(playbook: Playbook, values: Mapping[str, Any]) -> None:
    declared = {a.name for a in playbook.arguments}
    missing = [a.name for a in playbook.arguments if a.required and a.name not in values]
    unknown = sorted(set(values) - declared)
    problems = []
    if missing:
        problems.append(f"missing arguments: {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown arguments: {', '.join(unknown)}")
    if problems:
        raise RunArgumentsError("; ".join(problems))


def _bounded(result: Any) -> Any:
    size = len(json.dumps(result, separators=(",", ":"), default=str))
    if size <= MAX_STEP_RESULT_BYTES:
        return result
    return {"omitted": f"the result is {size} bytes; later steps still saw all of it"}


@attrs.define
class _Run:
    deps: PlaybookRunDeps
    scope: RequestScope
    playbook: Playbook
    args: Mapping[str, Any]
    confirmations: Mapping[str, str]
    results: dict[str, Any] = attrs.Factory(dict)
    outcomes: list[dict[str, Any]] = attrs.Factory(list)
    pending: dict[str, Any] = attrs.Factory(dict)
    awaiting: dict[str, Any] = attrs.Factory(dict)

    @property
    def stamp(self) -> PlaybookStamp:
        return PlaybookStamp(self.playbook.id, self.playbook.version)

    def _scope(self, item: Any = None, has_item: bool = False) -> Scope:
        return Scope(args=self.args, steps=self.results, item=item, has_item=has_item)

    async def _call(self, step: ToolStep, key: str, arguments: Any) -> Mapping[str, Any]:
        if not isinstance(arguments, dict):
            raise ResolveError("the step's arguments are not an object")
        code = self.confirmations.get(key)
        if code is not None:
            arguments = {**arguments, "confirmation": code}
        admission = await admit(self.scope.workspace, self.deps.limiter)
        output = await call_tool(
            self.deps.tool_call, self.scope, admission, step.tool, arguments, playbook=self.stamp
        )
        structured = dict(output.structured)
        if structured.get("status") == CONFIRMATION_REQUIRED:
            self.pending[key] = structured
        elif structured.get("status") in _AWAITING_APPROVAL:
            self.awaiting[key] = structured
        return structured

    async def tool_step(self, step: ToolStep) -> dict[str, Any]:
        outcome: dict[str, Any] = {"id": step.id, "kind": "tool", "tool": step.tool}
        if step.for_each is None:
            arguments = render_value(step.arguments, self._scope())
            result: Any = await self._call(step, step.id, arguments)
            outcome["calls"] = 1
        else:
            source = resolve_reference(parse_reference(step.for_each.source), self._scope())
            if not isinstance(source, list):
                raise ResolveError(f"{step.for_each.source} is not a list")
            if len(source) > step.for_each.max:
                raise ResolveError(
                    f"{step.for_each.source} has {len(source)} elements; "
                    f"for_each allows at most {step.for_each.max}"
                )
            items = []
            for index, element in enumerate(source):
                arguments = render_value(step.arguments, self._scope(element, has_item=True))
                items.append(await self._call(step, f"{step.id}[{index}]", arguments))
            result = {"items": items}
            outcome["calls"] = len(items)
        self.results[step.id] = result
        outcome["result"] = _bounded(result)
        return outcome

    def reconcile_step(self, step: ReconcileStep) -> dict[str, Any]:
        sides = []
        for side in (step.left, step.right):
            records = resolve_reference(parse_reference(side.source), self._scope())
            if not isinstance(records, list):
                raise ResolveError(f"{side.source} is not a list")
            sides.append(records)
        result = reconcile(sides[0], sides[1], step.left, step.right, step.tolerance)
        self.results[step.id] = result
        return {"id": step.id, "kind": "reconcile", "result": _bounded(result)}

    def filter_step(self, step: FilterStep) -> dict[str, Any]:
        records = resolve_reference(parse_reference(step.source), self._scope())
        if not isinstance(records, list):
            raise ResolveError(f"{step.source} is not a list")
        value = render_value(step.value, self._scope())
        result = filter_records(records, step.field, step.op, value)
        self.results[step.id] = result
        return {"id": step.id, "kind": "filter", "result": _bounded(result)}


async def run_playbook(
    deps: PlaybookRunDeps,
    scope: RequestScope,
    playbook: Playbook,
    arguments: Mapping[str, Any],
    confirmations: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Run ``playbook``'s steps; the structured summary of the run. Raises
    :class:`RunArgumentsError` for missing or unknown arguments (nothing ran), and
    :class:`AuditUnavailable` when a step could not be audited (its answer is withheld)."""
    if playbook.mode is not PlaybookMode.TOOL_STEPS:
        raise RunArgumentsError(
            f"{playbook.name} is an instructions playbook: use it as a prompt, not a run"
        )
    check_run_arguments(playbook, arguments)
    run = _Run(deps, scope, playbook, dict(arguments), dict(confirmations or {}))
    status = "completed"
    for step in playbook.steps:
        try:
            if isinstance(step, ToolStep):
                outcome = await run.tool_step(step)
            elif isinstance(step, FilterStep):
                outcome = run.filter_step(step)
            else:
                outcome = run.reconcile_step(step)
        except AuditUnavailable:
            raise
        except ResolveError as error:
            run.outcomes.append(_failed(step, "invalid_reference", str(error)))
            status = "failed"
            break
        except ShopMcpError as error:
            safe = not isinstance(error, InternalError) and type(error) is not ShopMcpError
            message = error.message if safe else "internal error"
            run.outcomes.append(_failed(step, error.code, message))
            status = "failed"
            break
        except ValueError as error:  # reconcile's and filter's bound
            run.outcomes.append(_failed(step, "invalid_input", str(error)))
            status = "failed"
            break
        outcome["status"] = "ok"
        if run.pending:
            outcome["status"] = CONFIRMATION_REQUIRED
            run.outcomes.append(outcome)
            status = CONFIRMATION_REQUIRED
            break
        if run.awaiting:
            outcome["status"] = APPROVAL_REQUIRED
            run.outcomes.append(outcome)
            status = APPROVAL_REQUIRED
            break
        run.outcomes.append(outcome)
    ran = {o["id"] for o in run.outcomes}
    summary: dict[str, Any] = {
        "playbook": playbook.name,
        "playbook_id": str(playbook.id),
        "version": playbook.version,
        "status": status,
        "steps": run.outcomes,
        "not_run": [s.id for s in playbook.steps if s.id not in ran],
    }
    if run.pending:
        summary["confirmations_needed"] = {
            key: {
                "confirmation": preview.get("confirmation"),
                "preview": {k: v for k, v in preview.items() if k != "confirmation"},
            }
            for key, preview in run.pending.items()
        }
        summary["resume"] = (
            "Show the merchant each pending write; if they agree, call run_playbook again with "
            "the same arguments and confirmations mapping each key above to its code."
        )
    if run.awaiting:
        summary["approvals_needed"] = dict(run.awaiting)
        summary["resume"] = (
            "Each pending write awaits a person's approval on the dashboard's Writes page; "
            "once the merchant says they are approved, call run_playbook again with the same "
            "arguments (no code: nothing you send can approve them)."
        )
    return summary


def _failed(step: AnyStep, code: str, message: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": step.id, "kind": step.kind, "status": "failed"}
    if isinstance(step, ToolStep):
        out["tool"] = step.tool
    out["error"] = {"code": code, "message": message}
    return out


def summary_text(summary: Mapping[str, Any]) -> str:
    lines = [f"Playbook {summary['playbook']} (version {summary['version']}): {summary['status']}."]
    for outcome in summary["steps"]:
        what = outcome.get("tool", outcome["kind"])
        line = f"- {outcome['id']} ({what}): {outcome['status']}"
        if "error" in outcome:
            line += f": {outcome['error']['message']}"
        elif "calls" in outcome:
            line += f", {outcome['calls']} call(s)"
        lines.append(line)
    if summary["not_run"]:
        lines.append(f"Not run: {', '.join(summary['not_run'])}.")
    if "resume" in summary:
        lines.append(summary["resume"])
    return "\n".join(lines)
