"""Who is calling: sessions (cookie or bearer token), CSRF, and a member's access to a
workspace, as Litestar dependencies; and the routes that sign in and out.

- A session token comes as ``Authorization: Bearer smss_...`` (scripts) or the
  ``shopmcp_session`` cookie (``HttpOnly``, ``SameSite=Lax``, ``Secure`` unless the request is
  to a loopback host).
- CSRF: a state-changing request carried by the cookie must be JSON (``Content-Type:
  application/json``, which a cross-site form cannot send without a preflight the API never
  grants) or carry the session's CSRF token (``X-CSRF-Token`` header or a ``csrf_token`` form
  field: what the web pages' forms post). A bearer token is not ambient, so it needs neither.
- Every route under ``/api/v1/workspaces/{workspace_id}`` declares the role it needs
  (``opt={"role": ...}``); :func:`provide_access` answers 404 to anyone who is not a member.
"""

from __future__ import annotations

import hmac
import ipaddress
import uuid
from typing import Any

from litestar import Request, Response, delete, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody

from shopmcp_adapters.observability import tag_workspace
from shopmcp_domain.accounts import CODE_LIFETIME, AuthSecret, Role, Session
from shopmcp_domain.dashboard_errors import (
    CsrfRejected,
    NotSignedIn,
)
from shopmcp_domain.errors import InternalError
from shopmcp_domain.ids import SessionId, WorkspaceId
from shopmcp_domain.services import sign_in
from shopmcp_domain.services.dashboard import Access, authorize
from shopmcp_domain.services.sign_in import SignedIn
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api.schemas import (
    AccountOut,
    CodeRequest,
    CodeSentOut,
    SessionOut,
    SignedInOut,
    SignInRequest,
    WhoAmIOut,
)

SESSION_COOKIE = "shopmcp_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
ROLE_OPT = "role"


def needs(role: Role) -> dict[str, Any]:
    """A workspace route's ``opt``: the least role a member needs for it."""
    return {ROLE_OPT: role}


def content_type(request: Request[Any, Any, Any]) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _presented(request: Request[Any, Any, Any]) -> tuple[str, bool]:
    """The session token and whether it came by cookie."""
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip(), False
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return cookie, True
    raise NotSignedIn()


async def check_csrf(request: Request[Any, Any, Any], session: Session, secret: AuthSecret) -> None:
    """Refuse a cookie-carried state change that is neither JSON nor holding the session's
    CSRF token (for the web pages' form posts too)."""
    expected = secret.csrf_token(session.id)
    presented = request.headers.get(CSRF_HEADER)
    kind = content_type(request)
    if presented is None and kind in _FORM_TYPES:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        presented = value if isinstance(value, str) else None
    if presented is not None and hmac.compare_digest(presented.encode(), expected.encode()):
        return
    if kind == "application/json" and presented is None:
        return
    raise CsrfRejected()


async def provide_signed_in(
    request: Request[Any, Any, Any], dashboard: NamedDependency[DashboardPorts]
) -> SignedIn:
    token, by_cookie = _presented(request)
    signed = await sign_in.resolve_session(dashboard.identity, dashboard.clock, token)
    if by_cookie and request.method in UNSAFE_METHODS:
        await check_csrf(request, signed.session, dashboard.secret)
    return signed


async def provide_access(
    request: Request[Any, Any, Any],
    workspace_id: FromPath[uuid.UUID],
    signed_in: NamedDependency[SignedIn],
    dashboard: NamedDependency[DashboardPorts],
) -> Access:
    needed = request.route_handler.opt.get(ROLE_OPT)
    if not isinstance(needed, Role):
        raise InternalError("a workspace route declares no role")
    access = await authorize(
        dashboard.tenants, signed_in.account, WorkspaceId(workspace_id), needed
    )
    tag_workspace(str(access.workspace_id))
    return access


SIGNED_IN = {"signed_in": Provide(provide_signed_in)}
MEMBER = {**SIGNED_IN, "access": Provide(provide_access)}


def is_loopback(request: Request[Any, Any, Any]) -> bool:
    host = (request.url.hostname or "").strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def session_cookie(request: Request[Any, Any, Any], token: str, session: Session) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        path="/",
        httponly=True,
        secure=not is_loopback(request),
        samesite="lax",
        expires=int(session.absolute_expires_at.timestamp()),
    )


def cleared_cookie(request: Request[Any, Any, Any]) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        path="/",
        httponly=True,
        secure=not is_loopback(request),
        samesite="lax",
        max_age=0,
    )


# --------------------------------------------------------------------------- routes


@post("/api/v1/auth/code", status_code=202, tags=["sessions"])
async def send_code(
    data: JSONBody[CodeRequest], dashboard: NamedDependency[DashboardPorts]
) -> CodeSentOut:
    """Mail a one-time sign-in code (8 digits, 10 minutes, 5 tries). The answer is the same
    whether or not the address has an account."""
    await sign_in.request_code(
        dashboard.identity,
        dashboard.mailer,
        dashboard.clock,
        dashboard.secret,
        data.email,
        signup_open=dashboard.signup_open,
    )
    return CodeSentOut(
        detail="if this address may sign in, a code is on its way",
        expires_in_seconds=int(CODE_LIFETIME.total_seconds()),
    )


@post("/api/v1/auth/session", status_code=201, tags=["sessions"])
async def open_session(
    request: Request[Any, Any, Any],
    data: JSONBody[SignInRequest],
    dashboard: NamedDependency[DashboardPorts],
) -> Response[SignedInOut]:
    """Redeem a code: a session (its token shown once, and set as an HttpOnly cookie)."""
    account, issued = await sign_in.redeem_code(
        dashboard.identity,
        dashboard.clock,
        dashboard.secret,
        data.email,
        data.code,
        signup_open=dashboard.signup_open,
    )
    body = SignedInOut(
        token=issued.token,
        csrf_token=dashboard.secret.csrf_token(issued.session.id),
        session=SessionOut.of(issued.session, issued.session.id),
        account=AccountOut.of(account),
    )
    return Response(
        body,
        status_code=201,
        cookies=[session_cookie(request, issued.token, issued.session)],
        headers={"Cache-Control": "no-store"},
    )


@get("/api/v1/session", dependencies=SIGNED_IN, tags=["sessions"])
async def whoami(
    signed_in: NamedDependency[SignedIn], dashboard: NamedDependency[DashboardPorts]
) -> WhoAmIOut:
    """The signed-in account, its session and the session's CSRF token."""
    return WhoAmIOut(
        account=AccountOut.of(signed_in.account),
        session=SessionOut.of(signed_in.session, signed_in.session.id),
        csrf_token=dashboard.secret.csrf_token(signed_in.session.id),
    )


@delete("/api/v1/session", dependencies=SIGNED_IN, status_code=204, tags=["sessions"])
async def sign_out(
    request: Request[Any, Any, Any],
    signed_in: NamedDependency[SignedIn],
    dashboard: NamedDependency[DashboardPorts],
) -> Response[None]:
    """Revoke this session (refused from the next request on) and clear its cookie."""
    await sign_in.revoke_session(
        dashboard.identity, dashboard.clock, signed_in.account.id, signed_in.session.id
    )
    return Response(None, status_code=204, cookies=[cleared_cookie(request)])


@get("/api/v1/sessions", dependencies=SIGNED_IN, tags=["sessions"])
async def my_sessions(
    signed_in: NamedDependency[SignedIn], dashboard: NamedDependency[DashboardPorts]
) -> list[SessionOut]:
    sessions = await sign_in.list_sessions(dashboard.identity, signed_in.account.id)
    return [SessionOut.of(s, signed_in.session.id) for s in sessions]


@delete("/api/v1/sessions/{session_id:uuid}", dependencies=SIGNED_IN, tags=["sessions"])
async def revoke_my_session(
    session_id: FromPath[uuid.UUID],
    signed_in: NamedDependency[SignedIn],
    dashboard: NamedDependency[DashboardPorts],
) -> None:
    """Revoke one of your sessions (another browser, a lost laptop)."""
    await sign_in.revoke_session(
        dashboard.identity, dashboard.clock, signed_in.account.id, SessionId(session_id)
    )


ROUTES = [send_code, open_session, whoami, sign_out, my_sessions, revoke_my_session]
