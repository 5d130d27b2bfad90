"""How the web pages answer: templates (Jinja, autoescaped), the headers every page carries,
form helpers, and the refusals turned into pages (a missing session is a redirect to sign in;
a workspace that is not yours is the same 404 page as one that does not exist)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from litestar import Request, Response
from litestar.datastructures import FormMultiDict
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template.config import TemplateConfig
from pydantic import ValidationError

from shopmcp_domain.dashboard_errors import NotSignedIn
from shopmcp_domain.errors import (
    InternalError,
    ShopMcpError,
)

TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES / "dashboard.css"

# Pages hold a workspace's metadata and, once, a key's token: never cached, never framed
# (clickjacking a "Disconnect" button), and no script or style from anywhere but here. Forms
# post here only; the Shopify install's form is redirected on to the shop's consent screen.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; "
        "form-action 'self' https://*.myshopify.com; frame-ancestors 'none'; base-uri 'none'"
    ),
}


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


def page(template_name: str, status: int = 200, /, **context: Any) -> Template:
    return Template(
        template_name=template_name, context=context, status_code=status, headers=dict(PAGE_HEADERS)
    )


def see_other(path: str, **kwargs: Any) -> Redirect:
    """The R of POST-redirect-GET: a 303, so a reload never posts the form again."""
    return Redirect(path=path, status_code=303, headers=dict(PAGE_HEADERS), **kwargs)


def text(form: FormMultiDict, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def texts(form: FormMultiDict, name: str) -> list[str]:
    return [v for v in form.getall(name, []) if isinstance(v, str) and v]


def field_errors(error: ValidationError, prefix: str = "") -> dict[str, str]:
    """A pydantic refusal as ``{field name: message}``, named as the form names its inputs
    (nested fields joined by dots: ``credentials.access_token``)."""
    out: dict[str, str] = {}
    for item in error.errors():
        name = prefix + ".".join(str(part) for part in item["loc"]) or "form"
        empty = item["type"] == "missing" or (
            item["type"] == "string_too_short" and item.get("ctx", {}).get("min_length") == 1
        )
        message = "Required." if empty else str(item["msg"]).removeprefix("Value error, ")
        out.setdefault(name, message)
    return out


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never ``//host`` or a URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/workspaces"


# --------------------------------------------------------------------------- refusals as pages


def _error_page(status: int, title: str, detail: str) -> Response[Any]:
    return page("error.html", status, title=title, detail=detail, account=None, workspace=None)


_TITLES = {
    400: "That request is not valid",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Not possible now",
    415: "Not accepted",
    422: "Not accepted",
    429: "Too many tries",
}


def domain_page(request: Request[Any, Any, Any], error: ShopMcpError) -> Response[Any]:
    if isinstance(error, NotSignedIn):
        target = request.url.path if request.method == "GET" else ""
        return see_other("/sign-in" + (f"?next={quote(target)}" if target else ""))
    status = error.http_status
    if isinstance(error, InternalError) and status >= 500:
        return _error_page(status, "Something failed", "Something failed inside the gateway.")
    return _error_page(status, _TITLES.get(status, "Refused"), error.message)


def http_page(_: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    status = error.status_code
    if status >= 500:
        return _error_page(status, "Something failed", "Something failed inside the gateway.")
    detail = (
        "Some of what was sent is not valid."
        if isinstance(error, ValidationException)
        else str(error.detail)[:300]
    )
    return _error_page(status, _TITLES.get(status, "Refused"), detail)


def unexpected_page(_: Request[Any, Any, Any], __: Exception) -> Response[Any]:
    # Logged with its traceback (redacted) by the app's exception logging handler.
    return _error_page(500, "Something failed", "Something failed inside the gateway.")


EXCEPTION_HANDLERS: Mapping[int | type[Exception], Any] = {
    ShopMcpError: domain_page,
    HTTPException: http_page,
    Exception: unexpected_page,
}
