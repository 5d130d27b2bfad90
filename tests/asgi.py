"""Litestar apps as the plain ASGI callable that httpx's (and httpx2's) ``ASGITransport`` takes.

Litestar types ``__call__`` with its own precise scope and event TypedDicts; the transports
accept the generic ``MutableMapping`` form of the same protocol. Callables are contravariant in
their parameters, so no annotation can bridge the two: the one cast lives here rather than an
ignore at every call site. At run time the app is passed through unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, cast

from litestar import Litestar

Message = MutableMapping[str, Any]
ASGIApp = Callable[
    [
        MutableMapping[str, Any],
        Callable[[], Awaitable[Message]],
        Callable[[Message], Awaitable[None]],
    ],
    Awaitable[None],
]


def asgi_app(app: Litestar) -> ASGIApp:
    """``app`` itself, typed the way ``httpx.ASGITransport(app=...)`` expects."""
    return cast(ASGIApp, app)
