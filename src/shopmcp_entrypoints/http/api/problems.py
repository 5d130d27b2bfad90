"""One error format for every failure of the API: RFC 9457 problem details
(``application/problem+json``), mapped once from the domain's errors (each carries its
``code`` and ``http_status``) and from the framework's own refusals (routing, validation).

A problem is ``{"type", "title", "status", "detail", "code"}`` (plus ``errors`` for invalid
input and ``retry_after`` for throttling). ``type`` is ``urn:shopmcp:problem:<code>``, stable
for clients to branch on. An unexpected failure is a 500 whose detail says nothing more.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Reference,
    Schema,
)

from shopmcp_domain.dashboard_errors import SignInThrottled
from shopmcp_domain.errors import (
    InternalError,
    RateLimited,
    ShopMcpError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"

_FRAMEWORK_CODES = {
    400: "invalid_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    headers: dict[str, str] | None = None,
    **extensions: Any,
) -> Response[dict[str, Any]]:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {
        "type": f"urn:shopmcp:problem:{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extensions,
    }
    return Response(
        body,
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def domain_problem(_: Request[Any, Any, Any], error: ShopMcpError) -> Response[dict[str, Any]]:
    if isinstance(error, InternalError) and error.http_status >= 500:
        return problem(error.http_status, error.code, "something failed inside the gateway")
    headers: dict[str, str] = {}
    extensions: dict[str, Any] = {}
    if isinstance(error, RateLimited | SignInThrottled):
        seconds = max(1, round(error.retry_after))
        headers["Retry-After"] = str(seconds)
        extensions["retry_after"] = seconds
    return problem(error.http_status, error.code, error.message, headers=headers, **extensions)


def _validation_errors(error: ValidationException) -> list[dict[str, str]]:
    out = []
    for item in error.extra if isinstance(error.extra, list) else []:
        if isinstance(item, dict):
            out.append(
                {
                    "where": str(item.get("key") or item.get("source") or "body")[:100],
                    "message": str(item.get("message", "invalid"))[:300],
                }
            )
    return out


def http_problem(_: Request[Any, Any, Any], error: HTTPException) -> Response[dict[str, Any]]:
    status = error.status_code
    code = _FRAMEWORK_CODES.get(status, "internal_error" if status >= 500 else "refused")
    if status >= 500:
        return problem(status, code, "something failed inside the gateway")
    if isinstance(error, ValidationException):
        return problem(status, code, "the request is not valid", errors=_validation_errors(error))
    headers = {k: v for k, v in (error.headers or {}).items() if k.lower() == "allow"}
    return problem(status, code, str(error.detail)[:300], headers=headers)


def unexpected_problem(_: Request[Any, Any, Any], __: Exception) -> Response[Any]:
    # Logged (with its traceback, redacted) by the app's exception logging handler.
    return problem(500, "internal_error", "something failed inside the gateway")


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    ShopMcpError: domain_problem,
    HTTPException: http_problem,
    Exception: unexpected_problem,
}


# --------------------------------------------------------------------------- the OpenAPI side

PROBLEM_SCHEMA = Schema(
    type=OpenAPIType.OBJECT,
    description="RFC 9457 problem details",
    properties={
        "type": Schema(type=OpenAPIType.STRING, description="urn:shopmcp:problem:<code>"),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER),
        "detail": Schema(type=OpenAPIType.STRING),
        "code": Schema(type=OpenAPIType.STRING, description="stable, for clients to branch on"),
    },
    required=["type", "title", "status", "detail", "code"],
)
_DESCRIPTIONS = {
    "400": "The request is not valid (errors lists where)",
    "401": "No session, or one expired or revoked",
    "403": "Your role does not allow this, or a cookie-carried change without CSRF proof",
    "404": "Not found: also every workspace you are not a member of",
    "409": "Conflicts with the current state (already connected, writes locked, ...)",
    "422": "Refused as given (a credential the store rejected, a malformed cursor, ...)",
}


def document_problems(schema: OpenAPI, public: set[tuple[str, str]]) -> None:
    """Every API operation's refusals, documented as the problems they are."""
    components = schema.components
    if components.schemas is None:
        components.schemas = {}
    components.schemas["Problem"] = PROBLEM_SCHEMA
    content = {
        PROBLEM_MEDIA_TYPE: OpenAPIMediaType(schema=Reference("#/components/schemas/Problem"))
    }
    for path, item in (schema.paths or {}).items():
        if not path.startswith("/api/"):
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(item, method, None)
            if operation is None:
                continue
            responses = operation.responses if operation.responses is not None else {}
            wanted = {"400", "404", "409", "422"}
            if (method.upper(), path) not in public:
                wanted |= {"401", "403"}
            for status in sorted(wanted | {s for s in responses if s.startswith(("4", "5"))}):
                description = _DESCRIPTIONS.get(status, "Refused")
                responses[status] = OpenAPIResponse(description=description, content=content)
            operation.responses = responses
