"""One exception class per refusal. Each carries a stable ``code``, the usage status it is
audited under, and a message that is safe to show to a merchant's chat client (it never
contains secrets, argument values, response bodies or personal data).

The entrypoints map these once to MCP tool errors and once to RFC 9457 problem details.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from shopmcp_domain.redaction import redact_text
from shopmcp_domain.text import escaped_label
from shopmcp_domain.untrusted import clean_upstream_text, mark_untrusted


class UsageStatus(enum.StrEnum):
    """How a tools/call ended, as recorded in the audit trail."""

    OK = "ok"
    UNAUTHENTICATED = "unauthenticated"
    WORKSPACE_INACTIVE = "workspace_inactive"
    RATE_LIMITED = "rate_limited"
    QUOTA_EXHAUSTED = "quota_exhausted"
    UNKNOWN_TOOL = "unknown_tool"
    NOT_ALLOWED = "not_allowed"
    INVALID_ARGUMENTS = "invalid_arguments"
    WRITE_FIELD_REJECTED = "write_field_rejected"
    CONNECTION_UNAVAILABLE = "connection_unavailable"
    CREDENTIAL_UNAVAILABLE = "credential_unavailable"
    UPSTREAM_ERROR = "upstream_error"
    UPSTREAM_RATE_LIMITED = "upstream_rate_limited"
    UPSTREAM_UNAVAILABLE = "upstream_unavailable"
    INTERNAL_ERROR = "internal_error"
    # A write's first call: a preview and a confirmation code, nothing sent upstream.
    CONFIRMATION_REQUIRED = "confirmation_required"
    # A confirmation that does not match the call, has expired or was used.
    CONFIRMATION_REFUSED = "confirmation_refused"
    # A repeated idempotency key answered with the first outcome, nothing sent upstream.
    REPLAYED = "replayed"


class ShopMcpError(Exception):
    code: str = "internal_error"
    usage_status: UsageStatus = UsageStatus.INTERNAL_ERROR
    http_status: int = 500

    def __init__(self, message: str = "internal error") -> None:
        super().__init__(message)
        self.message = message


class InternalError(ShopMcpError):
    """An unexpected failure, reported to the client without its details."""


class RateLimiterUnavailable(InternalError):
    """The rate limiter could not decide (its store unreachable): the request is refused, so
    an outage never lifts the limit. A refused tools/call reads as any internal error."""

    code = "rate_limiter_unavailable"
    http_status = 503

    def __init__(self) -> None:
        super().__init__("rate limiter unavailable, try again shortly")


class AuditUnavailable(InternalError):
    """A call's usage event could not be committed. Its result is withheld, because an answered
    call always has its row; the call itself may still have reached the store."""

    code = "audit_unavailable"
    http_status = 503

    def __init__(self) -> None:
        super().__init__(
            "the call could not be recorded in the audit trail, so its result was withheld; "
            "it may have reached the store, so check there before repeating a write"
        )


class AuthenticationFailed(ShopMcpError):
    """Unknown, revoked or malformed token: one message for all, so nothing is learnt."""

    code = "unauthenticated"
    usage_status = UsageStatus.UNAUTHENTICATED
    http_status = 401

    def __init__(self) -> None:
        super().__init__("invalid or revoked MCP key")


class KeyOfErasedWorkspace(AuthenticationFailed):
    """A revoked key whose workspace is pending deletion, presented with its right secret: the
    holder proved they held it, so they are told why it stopped working (anyone else gets the
    plain :class:`AuthenticationFailed`)."""

    def __init__(self) -> None:
        ShopMcpError.__init__(
            self,
            "this workspace is pending deletion: its keys were revoked and it serves no tools",
        )


class WorkspaceInactive(ShopMcpError):
    code = "workspace_inactive"
    usage_status = UsageStatus.WORKSPACE_INACTIVE
    http_status = 403

    def __init__(self) -> None:
        super().__init__("this workspace is pending deletion and serves no tools")


class RateLimited(ShopMcpError):
    code = "rate_limited"
    usage_status = UsageStatus.RATE_LIMITED
    http_status = 429

    def __init__(self, limit: int, window_seconds: float, retry_after: float) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self.retry_after = max(retry_after, 0.0)
        super().__init__(
            f"rate limit of {limit} requests per {window_seconds:g}s reached; "
            f"retry after {self.retry_after:.1f}s"
        )


class UnknownTool(ShopMcpError):
    code = "unknown_tool"
    usage_status = UsageStatus.UNKNOWN_TOOL
    http_status = 404

    def __init__(self, name: str) -> None:
        # The name is the client's: shown escaped and bounded, never raw.
        self.tool = escaped_label(name, max_chars=100)
        super().__init__(f"unknown tool '{self.tool}'")


class ToolNotAllowed(ShopMcpError):
    code = "tool_not_allowed"
    usage_status = UsageStatus.NOT_ALLOWED
    http_status = 403

    def __init__(self, name: str, reason: str) -> None:
        self.tool = name
        self.reason = reason
        super().__init__(f"tool {name!r} is not available to this key: {reason}")


class InvalidArguments(ShopMcpError):
    code = "invalid_arguments"
    usage_status = UsageStatus.INVALID_ARGUMENTS
    http_status = 422

    def __init__(self, tool: str, problems: Sequence[str]) -> None:
        self.tool = tool
        self.problems = tuple(problems)
        super().__init__(f"invalid arguments for {tool!r}: " + "; ".join(self.problems))


class WriteFieldRejected(ShopMcpError):
    """A write named a field outside its whitelist or on the global forbidden list."""

    code = "write_field_rejected"
    usage_status = UsageStatus.WRITE_FIELD_REJECTED
    http_status = 422

    def __init__(self, tool: str, forbidden: Sequence[str], not_allowed: Sequence[str]) -> None:
        self.tool = tool
        self.forbidden = tuple(sorted(forbidden))
        self.not_allowed = tuple(sorted(not_allowed))
        parts = []
        if self.forbidden:
            parts.append("forbidden fields: " + ", ".join(self.forbidden))
        if self.not_allowed:
            parts.append("fields not writable by this tool: " + ", ".join(self.not_allowed))
        super().__init__(f"{tool!r} refused the write ({'; '.join(parts)}); nothing was sent")


class ConfirmationRefused(ShopMcpError):
    """A write's confirmation code does not confirm this call: nothing was sent upstream."""

    code = "confirmation_refused"
    usage_status = UsageStatus.CONFIRMATION_REFUSED
    http_status = 409

    def __init__(self, tool: str, reason: str) -> None:
        self.tool = tool
        self.reason = reason
        super().__init__(
            f"the confirmation for {tool!r} was refused: {reason}. Nothing was sent to the "
            "store; call the tool again without a confirmation to get a new preview"
        )


class ApprovalRefused(ShopMcpError):
    """A write of a workspace that approves writes on the dashboard, refused: its approval was
    rejected or expired, or the call carries a confirmation code (no code exists in that
    mode). Nothing was sent upstream."""

    code = "approval_refused"
    usage_status = UsageStatus.CONFIRMATION_REFUSED
    http_status = 409

    def __init__(self, tool: str, reason: str) -> None:
        self.tool = tool
        self.reason = reason
        super().__init__(
            f"the write {tool!r} was not executed: {reason}. Nothing was sent to the store"
        )


class ApprovalNotPending(ShopMcpError):
    """A dashboard decision on a pending write that is no longer pending: already approved or
    rejected, already answered to the chat, or expired. Nothing changed."""

    code = "approval_not_pending"
    http_status = 409

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"this write can no longer be decided: {reason}; nothing changed")


class IdempotencyConflict(ShopMcpError):
    """An idempotency key already used for another call (another tool or other arguments)."""

    code = "idempotency_conflict"
    usage_status = UsageStatus.CONFIRMATION_REFUSED
    http_status = 409

    def __init__(self, tool: str) -> None:
        self.tool = tool
        super().__init__(
            f"this idempotency key was already used for another write than this {tool!r} "
            "call; nothing was sent to the store"
        )


class WriteInProgress(ShopMcpError):
    """A repeated idempotency key whose first call has not finished."""

    code = "write_in_progress"
    usage_status = UsageStatus.CONFIRMATION_REFUSED
    http_status = 409

    def __init__(self, tool: str) -> None:
        self.tool = tool
        super().__init__(
            f"the write {tool!r} with this idempotency key is still running; nothing more "
            "was sent to the store: check its result before trying again"
        )


class WriteAlreadyExecuted(ShopMcpError):
    """A repeated idempotency key whose first outcome is replayed as a refusal: it failed, or
    its result was too large to keep. Nothing is sent upstream either way."""

    code = "write_already_executed"
    usage_status = UsageStatus.REPLAYED
    http_status = 409

    def __init__(self, tool: str, detail: str) -> None:
        self.tool = tool
        super().__init__(
            f"{tool!r} already ran with this idempotency key and nothing more was sent to "
            f"the store; its first outcome: {detail}"
        )


class PlatformUnavailable(ShopMcpError):
    """A platform name with no tool module (yet): one message wherever a platform is named."""

    code = "platform_unavailable"
    http_status = 422

    def __init__(self, platform: str, available: Sequence[object]) -> None:
        self.platform = platform
        names = ", ".join(str(getattr(p, "value", p)) for p in available)
        super().__init__(f"{platform} has no tool module yet (available: {names})")


class StoreAddressRefused(ShopMcpError):
    """A store address the gateway may not connect to (a private, loopback or otherwise
    non-public address, or a name that does not resolve: one message for all)."""

    code = "store_address_refused"
    http_status = 422

    def __init__(self, platform: str, detail: str) -> None:
        self.platform = platform
        super().__init__(f"{platform} store refused: {detail}")


class ConnectionUnavailable(ShopMcpError):
    code = "connection_unavailable"
    usage_status = UsageStatus.CONNECTION_UNAVAILABLE
    http_status = 409

    def __init__(self, platform: str, reason: str = "not connected") -> None:
        self.platform = platform
        super().__init__(f"{platform} connection unavailable: {reason}")


class ReauthorizationRequired(ConnectionUnavailable):
    """The provider refused the connection's grant (OAuth ``invalid_grant``: revoked by the
    merchant, expired, or its refresh token already spent). The connection is marked
    ``needs_reauth``; only the merchant connecting it again helps, so nothing retries."""

    code = "reauthorization_required"

    def __init__(self, platform: str) -> None:
        super().__init__(
            platform,
            "its authorisation was revoked or has expired; connect it again "
            f"(shopmcp connect {platform}) and retry",
        )


class CredentialUnavailable(ShopMcpError):
    """A sealed credential could not be opened. Every cause gives this same message."""

    code = "credential_unavailable"
    usage_status = UsageStatus.CREDENTIAL_UNAVAILABLE
    http_status = 500

    def __init__(self) -> None:
        super().__init__("the stored credential could not be opened")


class UpstreamError(ShopMcpError):
    """The upstream answered 4xx. Surfaced and never retried. Its message is third-party text:
    redacted like a log line, capped, and marked as untrusted where the client sees it."""

    code = "upstream_error"
    usage_status = UsageStatus.UPSTREAM_ERROR
    http_status = 502

    def __init__(
        self,
        platform: str,
        status: int,
        upstream_message: str,
        note: str = "",
        *,
        summary: str | None = None,
    ) -> None:
        """``note`` follows and ``summary`` precedes the upstream's words: both are the
        gateway's own (what it means, what to do), so they stay outside the marking."""
        self.platform = platform
        self.status = status
        self.upstream_message = clean_upstream_text(upstream_message)
        marked = mark_untrusted(self.upstream_message, platform)
        message = f"{platform} answered {status}: {marked}{note}"
        super().__init__(f"{summary} ({message})" if summary else message)


class UpstreamRateLimited(UpstreamError):
    code = "upstream_rate_limited"
    usage_status = UsageStatus.UPSTREAM_RATE_LIMITED

    def __init__(
        self,
        platform: str,
        upstream_message: str,
        retry_after: float | None,
        status: int = 429,
    ) -> None:
        self.retry_after = retry_after
        note = f" (retry after {retry_after:.1f}s)" if retry_after is not None else ""
        super().__init__(platform, status, upstream_message, note)


class UpstreamUnavailable(ShopMcpError):
    """Connection failure, timeout or 5xx after the bounded retries allowed for reads.
    ``upstream_message``, when the upstream said something, is third-party text (marked)."""

    code = "upstream_unavailable"
    usage_status = UsageStatus.UPSTREAM_UNAVAILABLE
    http_status = 503

    def __init__(self, platform: str, detail: str, upstream_message: str | None = None) -> None:
        self.platform = platform
        message = f"{platform} is unavailable: {redact_text(detail)[:300]}"
        if upstream_message is not None:
            marked = mark_untrusted(clean_upstream_text(upstream_message), platform)
            message = f"{message}: {marked}"
        super().__init__(message)


class UpstreamResponseInvalid(UpstreamUnavailable):
    """The upstream answered 2xx with a body we cannot parse into the tool's output model."""

    code = "upstream_response_invalid"


class CrossTenantWrite(ShopMcpError):
    """A unit of work bound to one workspace tried to write another workspace's row. The
    tenant store refuses it (Row-Level Security's WITH CHECK in PostgreSQL)."""

    code = "cross_tenant_write"

    def __init__(self) -> None:
        super().__init__("row belongs to another workspace")


class NotFound(ShopMcpError):
    code = "not_found"
    http_status = 404

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")


class Conflict(ShopMcpError):
    code = "conflict"
    http_status = 409


class PlaybookInvalid(ShopMcpError):
    """A playbook definition refused at creation or import (each problem listed)."""

    code = "invalid_playbook"
    usage_status = UsageStatus.INVALID_ARGUMENTS
    http_status = 422

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid playbook: " + "; ".join(self.problems))


class FlowRefusal(enum.StrEnum):
    """Why an OAuth connect flow's callback did not connect anything."""

    INVALID_STATE = "invalid_state"  # malformed, tampered with, or naming no flow
    EXPIRED = "expired"
    REPLAYED = "replayed"  # the state was already used once
    WRONG_PLATFORM = "wrong_platform"
    DENIED = "denied"  # the provider sent an error (the merchant said no, or it refused)
    CODE_REFUSED = "code_refused"  # the token endpoint refused the authorization code
    NO_STORE = "no_store"  # the grant authorises no store we could connect
    CHOICE_NEEDED = "choice_needed"  # several stores authorised and none chosen


class OAuthFlowRefused(ShopMcpError):
    """A connect flow's callback that cannot complete. The message is safe to show on the
    callback page: it never holds the code, a token or the state."""

    code = "oauth_flow_refused"
    http_status = 400

    def __init__(self, reason: FlowRefusal, message: str) -> None:
        self.reason = reason
        super().__init__(message)


class OAuthNotConfigured(ShopMcpError):
    """The operator has not configured an OAuth client for the platform."""

    code = "oauth_not_configured"
    http_status = 503

    def __init__(self, platform: str, hint: str = "") -> None:
        self.platform = platform
        detail = f" ({hint})" if hint else ""
        super().__init__(
            f"{platform} cannot be connected: this gateway has no OAuth client for it{detail}"
        )


class DuplicateStoreLabel(Conflict):
    """A second connection of a platform that the merchant would recognise by the same label
    as one already connected: a tool's ``store`` argument could not tell them apart."""

    code = "duplicate_store_label"

    def __init__(self, platform: str, label: str) -> None:
        self.platform = platform
        self.label = label
        super().__init__(
            f"this workspace already has a {platform} store labelled {label!r}: "
            "give the new connection a display name that tells the two apart"
        )


def writes_locked_reason(platform: str) -> str:
    """Why a locked platform's write tools are hidden: one wording for the policy's refusal
    and for the opt-in that cannot take effect."""
    return f"the operator has locked write tools for {platform} on this gateway"


class WritesLocked(ShopMcpError):
    """A workspace asked to enable writes for a platform whose writes the operator has not
    unlocked: the opt-in would have no effect, so it is refused rather than recorded."""

    code = "writes_locked"
    http_status = 409

    def __init__(self, platform: str) -> None:
        self.platform = platform
        super().__init__(
            f"{writes_locked_reason(platform)}; the operator must unlock them before a "
            "workspace can enable them"
        )


class StoreLimitReached(Conflict):
    """Connecting one more store of a platform would exceed what the workspace's plan
    allows."""

    code = "store_limit_reached"

    def __init__(self, platform: str, plan: str, allowed: int) -> None:
        self.platform = platform
        self.plan = plan
        self.allowed = allowed
        stores = "store" if allowed == 1 else "stores"
        super().__init__(
            f"the {plan} plan allows {allowed} {platform} {stores} per workspace: "
            "disconnect one or upgrade the plan to connect another"
        )


class QuotaExhausted(ShopMcpError):
    """The workspace used its plan's monthly tool calls and the plan does not bill overage.
    Not retryable before ``resets_at``: retrying sooner only meets the same refusal."""

    code = "quota_exhausted"
    usage_status = UsageStatus.QUOTA_EXHAUSTED
    http_status = 429

    def __init__(self, plan: str, quota: int, resets_at: str) -> None:
        self.plan = plan
        self.quota = quota
        self.resets_at = resets_at
        super().__init__(
            f"the {plan} plan's {quota:,} tool calls this month are used up; calls resume "
            f"at {resets_at} (UTC), or upgrade the plan. Retrying sooner will not help"
        )


class QuotaUnavailable(InternalError):
    """The quota counter could not decide (its store unreachable): the call is refused, so an
    outage never lifts the quota."""

    code = "quota_unavailable"
    http_status = 503

    def __init__(self) -> None:
        super().__init__("the usage quota could not be checked, try again shortly")
