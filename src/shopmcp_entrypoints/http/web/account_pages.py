"""Signing in and out, and the list of your workspaces.

Sign-in is two plain forms: an address (a code is mailed; the embedded default writes it to the
local outbox, ``shopmcp mail tail``), then the code, which opens a session cookie exactly as
``POST /api/v1/auth/session`` does. Before there is a session, the forms' CSRF token is bound to
a random pre-session cookie (``SameSite=Strict``), so another site cannot sign a browser in to
an account of its choosing.
"""

from __future__ import annotations

import hmac
import uuid
from base64 import urlsafe_b64decode, urlsafe_b64encode
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from pydantic import ValidationError

from shopmcp_domain.accounts import CODE_LIFETIME
from shopmcp_domain.dashboard_errors import (
    CsrfRejected,
    NotSignedIn,
    SignInFailed,
    SignInThrottled,
)
from shopmcp_domain.ids import SessionId
from shopmcp_domain.services import sign_in
from shopmcp_domain.services.sign_in import SignedIn
from shopmcp_entrypoints.dashboard_ports import DashboardPorts
from shopmcp_entrypoints.http.api.auth import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SIGNED_IN,
    cleared_cookie,
    is_loopback,
    session_cookie,
)
from shopmcp_entrypoints.http.api.schemas import CodeRequest, SignInRequest, WorkspaceCreate
from shopmcp_entrypoints.http.api.workspaces import create_workspace, my_workspaces
from shopmcp_entrypoints.http.web.rendering import (
    field_errors,
    page,
    safe_next,
    see_other,
    text,
)

SIGN_IN_COOKIE = "shopmcp_sign_in"
# The address a code was sent to, carried from the first form to the second in a cookie
# rather than the URL (no address in browser history, proxies' logs or a Referer).
SIGN_IN_EMAIL_COOKIE = "shopmcp_sign_in_email"


def _sign_in_nonce(request: Request[Any, Any, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.cookies.get(SIGN_IN_COOKIE, ""))
    except ValueError:
        return None


def _sign_in_cookie(
    request: Request[Any, Any, Any], key: str, value: str, max_age: int = 3600
) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        path="/sign-in",
        httponly=True,
        secure=not is_loopback(request),
        samesite="strict",
        max_age=max_age,
    )


def _nonce_cookie(request: Request[Any, Any, Any], nonce: uuid.UUID) -> Cookie:
    return _sign_in_cookie(request, SIGN_IN_COOKIE, str(nonce))


def _email_cookie(request: Request[Any, Any, Any], email: str) -> Cookie:
    encoded = urlsafe_b64encode(email.encode()).decode("ascii")
    return _sign_in_cookie(
        request, SIGN_IN_EMAIL_COOKIE, encoded, int(CODE_LIFETIME.total_seconds())
    )


def _emailed(request: Request[Any, Any, Any]) -> str:
    try:
        raw = request.cookies.get(SIGN_IN_EMAIL_COOKIE, "")[:400]
        return urlsafe_b64decode(raw.encode("ascii")).decode()[:254]
    except (ValueError, UnicodeError):
        return ""


def _sign_in_page(
    request: Request[Any, Any, Any],
    dashboard: DashboardPorts,
    template_name: str,
    status: int = 200,
    /,
    **context: Any,
) -> Template:
    """A sign-in form, with a pre-session CSRF token (and its cookie when there is none)."""
    nonce = _sign_in_nonce(request)
    fresh = nonce is None
    nonce = nonce or uuid.uuid4()
    response = page(
        template_name,
        status,
        account=None,
        workspace=None,
        csrf=dashboard.secret.csrf_token(SessionId(nonce)),
        **context,
    )
    if fresh:
        response.cookies.append(_nonce_cookie(request, nonce))
    return response


async def _check_sign_in_csrf(request: Request[Any, Any, Any], dashboard: DashboardPorts) -> None:
    nonce = _sign_in_nonce(request)
    presented = text(await request.form(), CSRF_FIELD)
    if nonce is None or not presented:
        raise CsrfRejected()
    expected = dashboard.secret.csrf_token(SessionId(nonce))
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise CsrfRejected()


@get("/", include_in_schema=False)
async def home() -> Redirect:
    return see_other("/workspaces")


async def _signed_in_already(request: Request[Any, Any, Any], dashboard: DashboardPorts) -> bool:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return False
    try:
        await sign_in.resolve_session(dashboard.identity, dashboard.clock, token)
    except NotSignedIn:
        return False
    return True


@get("/sign-in", include_in_schema=False)
async def sign_in_form(
    request: Request[Any, Any, Any],
    dashboard: NamedDependency[DashboardPorts],
    next: FromQuery[str | None] = None,
) -> Template | Redirect:
    if await _signed_in_already(request, dashboard):
        return see_other(safe_next(next))
    return _sign_in_page(
        request, dashboard, "sign_in.html", email="", errors={}, next=safe_next(next)
    )


@post("/sign-in", include_in_schema=False)
async def send_code(
    request: Request[Any, Any, Any], dashboard: NamedDependency[DashboardPorts]
) -> Template | Redirect:
    await _check_sign_in_csrf(request, dashboard)
    form = await request.form()
    email, target = text(form, "email").strip(), safe_next(text(form, "next"))
    try:
        wanted = CodeRequest(email=email)
        await sign_in.request_code(
            dashboard.identity,
            dashboard.mailer,
            dashboard.clock,
            dashboard.secret,
            wanted.email,
            signup_open=dashboard.signup_open,
        )
    except ValidationError as error:
        errors = field_errors(error)
        return _sign_in_page(
            request, dashboard, "sign_in.html", 400, email=email, errors=errors, next=target
        )
    except SignInThrottled as error:
        errors = {"email": error.message}
        return _sign_in_page(
            request, dashboard, "sign_in.html", 429, email=email, errors=errors, next=target
        )
    return see_other(
        "/sign-in/code",
        query_params={"next": target, "sent": "1"},
        cookies=[_email_cookie(request, wanted.email)],
    )


@get("/sign-in/code", include_in_schema=False)
async def code_form(
    request: Request[Any, Any, Any],
    dashboard: NamedDependency[DashboardPorts],
    next: FromQuery[str | None] = None,
    sent: FromQuery[str | None] = None,
) -> Template:
    return _sign_in_page(
        request,
        dashboard,
        "sign_in_code.html",
        email=_emailed(request),
        errors={},
        next=safe_next(next),
        sent=sent == "1",
        minutes=int(CODE_LIFETIME.total_seconds() // 60),
    )


@post("/sign-in/code", include_in_schema=False)
async def redeem_code(
    request: Request[Any, Any, Any], dashboard: NamedDependency[DashboardPorts]
) -> Template | Redirect:
    await _check_sign_in_csrf(request, dashboard)
    form = await request.form()
    email, code = text(form, "email").strip(), text(form, "code").strip()
    target = safe_next(text(form, "next"))

    def again(status: int, errors: dict[str, str]) -> Template:
        return _sign_in_page(
            request,
            dashboard,
            "sign_in_code.html",
            status,
            email=email[:254],
            errors=errors,
            next=target,
            sent=False,
            minutes=int(CODE_LIFETIME.total_seconds() // 60),
        )

    try:
        wanted = SignInRequest(email=email, code=code)
        _, issued = await sign_in.redeem_code(
            dashboard.identity,
            dashboard.clock,
            dashboard.secret,
            wanted.email,
            wanted.code,
            signup_open=dashboard.signup_open,
        )
    except ValidationError as error:
        return again(400, field_errors(error))
    except (SignInFailed, SignInThrottled) as error:
        return again(error.http_status, {"code": error.message})
    cookie = session_cookie(request, issued.token, issued.session)
    spent = [_sign_in_cookie(request, key, "", 0) for key in (SIGN_IN_COOKIE, SIGN_IN_EMAIL_COOKIE)]
    return see_other(target, cookies=[cookie, *spent])


@post("/sign-out", dependencies=SIGNED_IN, include_in_schema=False)
async def sign_out(
    request: Request[Any, Any, Any],
    signed_in: NamedDependency[SignedIn],
    dashboard: NamedDependency[DashboardPorts],
) -> Redirect:
    await sign_in.revoke_session(
        dashboard.identity, dashboard.clock, signed_in.account.id, signed_in.session.id
    )
    return see_other("/sign-in", cookies=[cleared_cookie(request)])


# --------------------------------------------------------------------------- workspaces


def account_chrome(signed_in: SignedIn, dashboard: DashboardPorts) -> dict[str, Any]:
    """What every signed-in page shows around its content: who you are, a sign-out form."""
    return {
        "account": signed_in.account,
        "csrf": dashboard.secret.csrf_token(signed_in.session.id),
    }


async def _workspaces_page(
    signed_in: SignedIn,
    dashboard: DashboardPorts,
    status: int = 200,
    name: str = "",
    errors: dict[str, str] | None = None,
    notice: str = "",
) -> Template:
    return page(
        "workspaces.html",
        status,
        workspace=None,
        workspaces=await my_workspaces(dashboard, signed_in),
        name=name,
        errors=errors or {},
        notice=notice,
        **account_chrome(signed_in, dashboard),
    )


_NOTICES = {"deleted": "The workspace was deleted."}


@get("/workspaces", dependencies=SIGNED_IN, include_in_schema=False)
async def workspaces(
    signed_in: NamedDependency[SignedIn],
    dashboard: NamedDependency[DashboardPorts],
    done: FromQuery[str | None] = None,
) -> Template:
    return await _workspaces_page(signed_in, dashboard, notice=_NOTICES.get(done or "", ""))


@post("/workspaces", dependencies=SIGNED_IN, include_in_schema=False)
async def create(
    request: Request[Any, Any, Any],
    signed_in: NamedDependency[SignedIn],
    dashboard: NamedDependency[DashboardPorts],
) -> Template | Redirect:
    name = text(await request.form(), "name").strip()
    try:
        created = await create_workspace(dashboard, signed_in, WorkspaceCreate(name=name))
    except ValidationError as error:
        return await _workspaces_page(signed_in, dashboard, 400, name, field_errors(error))
    return see_other(f"/workspaces/{created.id}/settings/connections?done=created")


@get("/settings/connections", dependencies=SIGNED_IN, include_in_schema=False)
async def my_connections(
    signed_in: NamedDependency[SignedIn], dashboard: NamedDependency[DashboardPorts]
) -> Redirect:
    """The address the security page names: your workspace's connections (the list of your
    workspaces when you have several, or none)."""
    mine = await my_workspaces(dashboard, signed_in)
    if len(mine) == 1:
        return see_other(f"/workspaces/{mine[0].id}/settings/connections")
    return see_other("/workspaces")


ROUTES = [
    home,
    sign_in_form,
    send_code,
    code_form,
    redeem_code,
    sign_out,
    workspaces,
    create,
    my_connections,
]
