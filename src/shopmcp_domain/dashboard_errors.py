"""The dashboard's refusals (sessions, sign-in, roles, CSRF, request checks, connect
probes): one typed error each, on the same ShopMcpError base as the gateway's."""

from __future__ import annotations

from collections.abc import Sequence

from shopmcp_domain.errors import (
    Conflict,
    ShopMcpError,
)

# --------------------------------------------------------------------------- the dashboard


class NotSignedIn(ShopMcpError):
    """No session, or one that is unknown, expired or revoked: one refusal for all."""

    code = "not_signed_in"
    http_status = 401

    def __init__(self) -> None:
        super().__init__("sign in first (the session is missing, expired or revoked)")


class SignInFailed(ShopMcpError):
    """A sign-in code that does not open a session: wrong, expired, already used, out of
    attempts, or never sent. One message for every cause, so nothing is learnt."""

    code = "sign_in_failed"
    http_status = 401

    def __init__(self) -> None:
        super().__init__("that code is not valid; ask for a new one")


class SignInThrottled(ShopMcpError):
    """Too many codes asked for one address within the window."""

    code = "sign_in_throttled"
    http_status = 429

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(retry_after, 1.0)
        super().__init__(
            f"too many sign-in codes asked for this address; try again in "
            f"{self.retry_after / 60:.0f} minutes"
        )


class RoleRequired(ShopMcpError):
    """A member whose role does not allow the action. Only ever raised to a member of the
    workspace: anyone else gets ``NotFound`` and learns nothing of it."""

    code = "role_required"
    http_status = 403

    def __init__(self, needed: str) -> None:
        self.needed = needed
        super().__init__(f"this needs the {needed} role in the workspace")


class StaffOnly(ShopMcpError):
    code = "staff_only"
    http_status = 403

    def __init__(self) -> None:
        super().__init__("the admin console is for staff accounts")


class CsrfRejected(ShopMcpError):
    """A state-changing request carried by a session cookie without proof it came from the
    dashboard itself: JSON (which a cross-site form cannot send) or the session's CSRF token."""

    code = "csrf_rejected"
    http_status = 403

    def __init__(self) -> None:
        super().__init__(
            "a request made with the session cookie must be JSON (Content-Type: "
            "application/json) or carry the session's CSRF token"
        )


class InvalidRequest(ShopMcpError):
    """A request the API cannot take as it is (a value out of range, a malformed cursor)."""

    code = "invalid_request"
    http_status = 422


class WorkspaceNotActive(Conflict):
    """A change to a workspace that is pending deletion or suspended."""

    code = "workspace_not_active"

    def __init__(self, status: str) -> None:
        self.status = status
        super().__init__(f"the workspace is {status.replace('_', ' ')}: nothing can change")


class LastOwner(Conflict):
    code = "last_owner"

    def __init__(self) -> None:
        super().__init__("a workspace keeps at least one owner")


class ProbeFailed(ShopMcpError):
    """The validation read with a candidate credential did not succeed: nothing was saved.
    ``reason`` is the upstream's refusal as the tool error would word it."""

    code = "credential_rejected"
    http_status = 422

    def __init__(self, platform: str, reason: str) -> None:
        self.platform = platform
        self.reason = reason
        super().__init__(
            f"{platform} did not accept the credential, so nothing was saved: {reason}"
        )


class ScopesNotGranted(ShopMcpError):
    """An OAuth install granted fewer scopes than were asked for."""

    code = "scopes_not_granted"
    http_status = 422

    def __init__(self, platform: str, missing: Sequence[str]) -> None:
        self.missing = tuple(sorted(missing))
        super().__init__(
            f"{platform} granted fewer permissions than asked for (missing: "
            f"{', '.join(self.missing)}), so nothing was connected; approve every requested "
            "permission and try again"
        )
