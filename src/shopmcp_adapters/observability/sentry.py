"""Sentry: an error report carries no secret and no personal data.

``before_send`` drops request bodies, cookies, query strings, the user, local variables and
IP-bearing headers; redacts the MCP token in URLs and transaction names (``/mcp/[redacted]``);
and runs every remaining string of the event (messages, exception values, breadcrumbs,
extra, tags, contexts) through the same redaction as the logs.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any, cast

import sentry_sdk

from shopmcp_adapters.observability.redaction import redact_path
from shopmcp_domain.redaction import REDACTED, is_secret_key, redact_text, scrub

if TYPE_CHECKING:
    from sentry_sdk._types import Event as SentryEvent
    from sentry_sdk._types import Hint

Event = dict[str, Any]

_DROPPED_REQUEST_FIELDS = ("data", "cookies", "query_string", "env")
_DROPPED_HEADERS = frozenset(
    {"cookie", "set_cookie", "x_forwarded_for", "x_real_ip", "forwarded", "true_client_ip"}
)


def _clean_headers(headers: Any) -> Any:
    if isinstance(headers, MutableMapping):
        return {
            name: (REDACTED if is_secret_key(name) else value)
            for name, value in headers.items()
            if name.lower().replace("-", "_") not in _DROPPED_HEADERS
        }
    if isinstance(headers, list):
        return [
            [pair[0], REDACTED if is_secret_key(str(pair[0])) else pair[1]]
            for pair in headers
            if isinstance(pair, list | tuple)
            and len(pair) == 2
            and str(pair[0]).lower().replace("-", "_") not in _DROPPED_HEADERS
        ]
    return {}


def _clean_request(request: Any) -> Any:
    if not isinstance(request, MutableMapping):
        return request
    request = dict(request)
    for field in _DROPPED_REQUEST_FIELDS:
        request.pop(field, None)
    if isinstance(request.get("url"), str):
        request["url"] = redact_path(request["url"])
    if "headers" in request:
        request["headers"] = _clean_headers(request["headers"])
    return request


def _drop_frame_vars(event: Event) -> None:
    sources: list[Any] = []
    exception = event.get("exception")
    if isinstance(exception, MutableMapping):
        sources += exception.get("values") or []
    threads = event.get("threads")
    if isinstance(threads, MutableMapping):
        sources += threads.get("values") or []
    for source in sources:
        stacktrace = source.get("stacktrace") if isinstance(source, MutableMapping) else None
        if isinstance(stacktrace, MutableMapping):
            for frame in stacktrace.get("frames") or []:
                if isinstance(frame, MutableMapping):
                    frame.pop("vars", None)


def _clean_breadcrumb(crumb: Any) -> Any:
    if not isinstance(crumb, MutableMapping):
        return crumb
    crumb = dict(crumb)
    data = crumb.get("data")
    if isinstance(data, MutableMapping):
        data = dict(data)
        for key in ("url", "http.url"):
            if isinstance(data.get(key), str):
                data[key] = redact_path(data[key])
        for key in ("http.query", "http.fragment", "body", "request_body", "response_body"):
            data.pop(key, None)
        crumb["data"] = data
    return scrub(crumb)


WORKSPACE_TAG = "workspace_id"


def tag_workspace(workspace_id: object) -> None:
    """Scope the current request's error reports to its workspace (the only identity they
    carry: the security page's "users by workspace_id only, never by email"). Cheap, and
    nothing when Sentry is not started. The SDK's ASGI integration gives each request its own
    isolation scope, so the tag does not outlive the request."""
    if sentry_sdk.is_initialized():
        sentry_sdk.get_isolation_scope().set_tag(WORKSPACE_TAG, str(workspace_id))


def before_send(event: Event, hint: Any = None) -> Event:
    """Sentry's ``before_send`` (and ``before_send_transaction``): the cleaned event. The
    user, whatever the SDK or a library put there, becomes the workspace tag alone."""
    event = dict(event)
    event.pop("user", None)
    tags = event.get("tags")
    workspace_id = tags.get(WORKSPACE_TAG) if isinstance(tags, MutableMapping) else None
    if isinstance(workspace_id, str):
        event["user"] = {"id": workspace_id}
    if "request" in event:
        event["request"] = _clean_request(event["request"])
    if isinstance(event.get("transaction"), str):
        event["transaction"] = redact_path(event["transaction"])
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, MutableMapping):
        event["breadcrumbs"] = {
            **breadcrumbs,
            "values": [_clean_breadcrumb(c) for c in breadcrumbs.get("values") or []],
        }
    elif isinstance(breadcrumbs, list):
        event["breadcrumbs"] = [_clean_breadcrumb(c) for c in breadcrumbs]
    cleaned: Event = scrub(event)  # new containers all the way down: the input is untouched
    _drop_frame_vars(cleaned)
    return cleaned


def before_breadcrumb(crumb: dict[str, Any], hint: Any = None) -> dict[str, Any]:
    cleaned: dict[str, Any] = _clean_breadcrumb(crumb)
    return cleaned


def _sentry_before_send(event: SentryEvent, hint: Hint) -> SentryEvent | None:
    return cast("SentryEvent", before_send(cast(Event, event), hint))


def init_sentry(
    dsn: str | None,
    environment: str,
    *,
    release: str | None = None,
    traces_sample_rate: float = 0.0,
    **options: Any,
) -> bool:
    """Start Sentry with the scrubbing hooks and no personal data; nothing when ``dsn`` is
    empty. Returns whether Sentry was started. ``options`` go to ``sentry_sdk.init``."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        # The successor of send_default_pii=False (which sentry-sdk 2.75 deprecates): no
        # user identity, cookies, bodies, query parameters, frame variables, gen-AI or SQL
        # data; headers only through the SDK's denylist, and before_send drops more.
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "denylist"}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "gen_ai": {"inputs": False, "outputs": False},
            "database_query_data": False,
            "stack_frame_variables": False,
        },
        max_request_body_size="never",
        before_send=_sentry_before_send,
        before_send_transaction=_sentry_before_send,
        before_breadcrumb=before_breadcrumb,
        **options,
    )
    return True


__all__ = [
    "WORKSPACE_TAG",
    "before_breadcrumb",
    "before_send",
    "init_sentry",
    "redact_text",
    "tag_workspace",
]
