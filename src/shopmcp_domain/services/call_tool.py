"""The tools/call use case.

authorise (the scope exists) -> rate limit -> policy -> connection (the ``store`` argument,
taken out of the arguments) -> a write's ``confirmation``/``idempotency_key`` taken out ->
write whitelist -> validate the rest -> a write: preview, or its confirmation checked and an
idempotency key claimed (``confirmed_write``) -> monthly quota, counted only for a call that
goes upstream (refused past it, or metered as overage where the plan bills it) ->
credentials -> upstream -> result redacted (credential-shaped strings, card numbers; counted)
and its third-party text marked -> usage event + meter record -> result.

The rate limit was counted once by the entry point, which passes its :class:`Admission` in:
this use case never asks the limiter. Every call, whatever its outcome (a refused admission
included), leaves exactly one usage event and one meter record. A refusal at any step before
"upstream" means no upstream request was ever built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from pydantic import BaseModel, ValidationError

from shopmcp_domain.confirmation_ports import ConfirmationStore
from shopmcp_domain.confirmations import split_write_controls
from shopmcp_domain.errors import (
    AuditUnavailable,
    InternalError,
    InvalidArguments,
    ShopMcpError,
    UpstreamError,
    UpstreamUnavailable,
    UsageStatus,
)
from shopmcp_domain.ids import ConnectionId, PlaybookId, new_usage_event_id
from shopmcp_domain.limit_ports import QuotaCounter
from shopmcp_domain.operability_ports import CallObserver
from shopmcp_domain.platforms import Platform
from shopmcp_domain.ports import (
    AuditLog,
    Clock,
    ToolOutput,
    UpstreamCall,
    UpstreamClient,
)
from shopmcp_domain.results import mark_output, mark_preview, redact_output
from shopmcp_domain.services.admission import Admission, raise_if_refused
from shopmcp_domain.services.confirmed_write import call_write
from shopmcp_domain.services.quota import count_tool_call
from shopmcp_domain.services.scope import RequestScope
from shopmcp_domain.tools.spec import ToolSpec
from shopmcp_domain.tools.stores import split_store_argument
from shopmcp_domain.tools.whitelist import check_write
from shopmcp_domain.usage import MeterRecord, UsageEvent, tool_label


class NoObserver:
    """Reports go nowhere (metrics off)."""

    def tool_call(self, platform: str, tool: str, status: UsageStatus, seconds: float) -> None:
        pass

    def upstream_error(self, platform: str, status: str) -> None:
        pass

    def rate_limited(self, method: str) -> None:
        pass


NO_OBSERVER = NoObserver()
# Labels for a call that never reached an authorised tool (bounded: never the client's text).
UNKNOWN = "unknown"


@attrs.frozen
class ToolCallDeps:
    clock: Clock
    audit: AuditLog
    upstreams: Mapping[Platform, UpstreamClient]
    quota: QuotaCounter
    # Required: there is no way to run a write tool without its confirmation.
    confirmations: ConfirmationStore
    observer: CallObserver = NO_OBSERVER


def _problems(error: ValidationError) -> list[str]:
    # Location and message only: pydantic's "input_value" would echo the caller's data.
    out = []
    for item in error.errors(include_url=False, include_input=False):
        where = ".".join(str(part) for part in item["loc"]) or "(arguments)"
        out.append(f"{where}: {item['msg']}")
    return out


def validate_arguments(spec: ToolSpec, arguments: Mapping[str, Any]) -> BaseModel:
    if spec.whitelist is not None:
        check_write(spec.name, spec.whitelist, arguments)
    try:
        return spec.input_model.model_validate(dict(arguments))
    except ValidationError as error:
        raise InvalidArguments(spec.name, _problems(error)) from None


@attrs.frozen
class PlaybookStamp:
    """Which playbook (and version) a call is a step of: recorded on its usage event."""

    playbook_id: PlaybookId
    version: int


async def call_tool(
    deps: ToolCallDeps,
    scope: RequestScope,
    admission: Admission,
    name: str,
    arguments: Mapping[str, Any] | None,
    *,
    playbook: PlaybookStamp | None = None,
) -> ToolOutput:
    started = deps.clock.monotonic()
    connection_id: ConnectionId | None = None
    status = UsageStatus.OK
    error_class: str | None = None
    cache_hit = False
    overage = False
    platform = tool = UNKNOWN
    redactions = 0
    try:
        raise_if_refused(admission)
        spec = scope.policy.authorise(name)
        platform, tool = spec.platform.value, spec.name
        # ``store`` is the gateway's argument, not the tool's: resolved first, so the tool's
        # strict input model (and a write's whitelist) sees only the tool's own arguments.
        store, tool_arguments = split_store_argument(arguments or {})
        connection = scope.connection_for(spec, store)
        connection_id = connection.id
        if spec.is_write:
            # Taken out first, like ``store``: the whitelist and the input model never see them.
            controls, tool_arguments = split_write_controls(spec.name, tool_arguments)
        validated = validate_arguments(spec, tool_arguments)
        upstream = deps.upstreams.get(spec.platform)
        if upstream is None:
            raise InternalError(f"no upstream client for {spec.platform.value}")

        async def count_quota() -> None:
            # Only a call that goes upstream counts against the month (a write's preview, a
            # refused confirmation or a replayed outcome does not).
            nonlocal overage
            overage = (await count_tool_call(deps.quota, deps.clock, scope.workspace)).overage

        if spec.is_write:
            # Writes are never served from a cache: previewed, confirmed, run once.
            output, status = await call_write(
                deps.clock,
                deps.confirmations,
                upstream,
                scope,
                spec,
                connection,
                validated,
                controls,
                before_upstream=count_quota,
            )
            # A preview's current values and a write's result are store text too (merge of
            # confirm and safety: every tool result is redacted and marked, writes included).
            safe = redact_output(output)
            redactions = safe.redactions
            return mark_preview(spec, safe.output)
        await count_quota()
        output = await upstream.call(
            UpstreamCall(
                tool=spec,
                arguments=validated,
                connection=connection,
                credentials=scope.lease(connection),
            )
        )
        cache_hit = output.cache_hit
        # Whatever the upstream echoed (a token in a metafield, a key pasted into a note)
        # stops here, for every tool alike.
        safe = redact_output(output)
        redactions = safe.redactions
        # Third-party free text (notes, descriptions, reasons...) is marked as such.
        return mark_output(spec, safe.output)
    except ShopMcpError as error:
        status = error.usage_status
        error_class = type(error).__name__
        if isinstance(error, UpstreamError):
            deps.observer.upstream_error(platform, str(error.status))
        elif isinstance(error, UpstreamUnavailable):
            deps.observer.upstream_error(platform, "unavailable")
        raise
    except Exception as error:
        status = UsageStatus.INTERNAL_ERROR
        error_class = type(error).__name__
        raise InternalError() from error
    finally:
        elapsed = deps.clock.monotonic() - started
        deps.observer.tool_call(platform, tool, status, elapsed)
        event = UsageEvent(
            id=new_usage_event_id(),
            workspace_id=scope.workspace.id,
            key_prefix=scope.key.prefix,
            tool=tool_label(name),
            connection_id=connection_id,
            latency_ms=round(elapsed * 1000, 3),
            status=status,
            error_class=error_class,
            created_at=deps.clock.now(),
            cache_hit=cache_hit,
            playbook_id=playbook.playbook_id if playbook else None,
            playbook_version=playbook.version if playbook else None,
            redactions=redactions,
        )
        # Committed before the result goes back: an answered call is never missing its row.
        # The log retries what it can; a write that still fails withholds the result.
        try:
            await deps.audit.record(event, MeterRecord.for_event(event, overage=overage))
        except Exception as error:
            if isinstance(error, ShopMcpError) and not isinstance(error, InternalError):
                raise  # a refusal of the log's own (the workspace erased mid-call)
            raise AuditUnavailable() from error
