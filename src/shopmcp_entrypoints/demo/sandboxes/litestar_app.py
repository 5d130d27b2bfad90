"""What both sandboxes share: a Litestar app that checks the store's token header before any
handler runs (in constant time), answers JSON, and stays quiet (no OpenAPI routes, no debug
pages, and no logging set-up, since a sandbox runs inside the demo's or the tests' process)."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from litestar import Litestar, Request, Response
from litestar.datastructures import State
from litestar.enums import MediaType
from litestar.types import BeforeRequestHookHandler, ControllerRouterHandler, ExceptionHandlersMap


def json_response(content: Any, status: int = 200) -> Response[Any]:
    return Response(content, status_code=status, media_type=MediaType.JSON)


def token_check(
    header: str, expected: str, refusal: Callable[[], Response[Any]]
) -> BeforeRequestHookHandler:
    """A ``before_request`` hook answering ``refusal()`` unless ``header`` is ``expected``."""
    expected_bytes = expected.encode()

    async def check(request: Request[Any, Any, Any]) -> Response[Any] | None:
        presented = request.headers.get(header, "").encode()
        return None if hmac.compare_digest(presented, expected_bytes) else refusal()

    return check


def sandbox_app(
    route_handlers: Sequence[ControllerRouterHandler],
    *,
    authenticate: BeforeRequestHookHandler,
    exception_handlers: ExceptionHandlersMap,
    state: Mapping[str, Any] | None = None,
) -> Litestar:
    return Litestar(
        route_handlers=route_handlers,
        before_request=authenticate,
        exception_handlers=exception_handlers,
        state=State(dict(state or {})),
        openapi_config=None,
        logging_config=None,
        debug=False,
    )
