"""What every route of the BigCommerce sandbox shares: its refusals (in the v2 or v3 error
shape), typed reading of query parameters, and v2/v3 paging.

The sandbox reads only the query parameters it emulates for a route and refuses any other
(BigCommerce itself ignores unknown ones): a request the module builds wrongly fails here
instead of quietly answering the unfiltered list.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from shopmcp_entrypoints.demo.sandboxes.bigcommerce_data import JSON

STATUS_DOCS = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"
MAX_LIMIT = 250


class BigCommerceRefusal(Exception):
    """An error answer: ``[{status, message}]`` on v2 routes, ``{status, title, type, errors}``
    on v3 routes."""

    def __init__(self, status: int, title: str, errors: Mapping[str, str] | None = None) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.errors = dict(errors or {})

    def body(self, v2: bool) -> Any:
        if v2:
            detail = "; ".join(f"{k}: {v}" for k, v in self.errors.items())
            return [
                {"status": self.status, "message": self.title + (f" ({detail})" if detail else "")}
            ]
        return {
            "status": self.status,
            "title": self.title,
            "type": STATUS_DOCS,
            "errors": self.errors,
        }


def not_found(what: str) -> BigCommerceRefusal:
    return BigCommerceRefusal(404, f"The requested {what} was not found.")


class Query:
    """One request's query parameters, read by name; ``done`` refuses the unread ones."""

    def __init__(self, params: Mapping[str, str]) -> None:
        self._params = dict(params)
        self._read: set[str] = set()

    def text(self, name: str) -> str | None:
        self._read.add(name)
        return self._params.get(name)

    def integer(self, name: str, low: int = 0, high: int = 2_147_483_647) -> int | None:
        raw = self.text(name)
        if raw is None:
            return None
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise BigCommerceRefusal(422, "Invalid query parameter", {name: "not a valid number"})
        return int(raw)

    def integers(self, name: str) -> set[int] | None:
        raw = self.text(name)
        if raw is None:
            return None
        values = raw.split(",")
        if not all(v.isdigit() for v in values):
            raise BigCommerceRefusal(422, "Invalid query parameter", {name: "not a list of ids"})
        return {int(v) for v in values}

    def texts(self, name: str) -> set[str] | None:
        raw = self.text(name)
        return None if raw is None else set(raw.split(","))

    def boolean(self, name: str) -> bool | None:
        raw = self.text(name)
        if raw is None:
            return None
        if raw not in ("true", "false", "1", "0"):
            raise BigCommerceRefusal(422, "Invalid query parameter", {name: "not a boolean"})
        return raw in ("true", "1")

    def when(self, name: str) -> dt.datetime | None:
        """A date filter as v2 takes it: ISO 8601 or RFC 2822."""
        raw = self.text(name)
        if raw is None:
            return None
        try:
            value = (
                dt.datetime.fromisoformat(raw)
                if raw[:4].isdigit()
                else email.utils.parsedate_to_datetime(raw)
            )
        except (TypeError, ValueError):
            raise BigCommerceRefusal(400, "Invalid date", {name: raw[:40]}) from None
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

    def done(self) -> None:
        unread = sorted(set(self._params) - self._read)
        if unread:
            raise BigCommerceRefusal(
                400,
                "The sandbox does not emulate these query parameters",
                dict.fromkeys(unread, ""),
            )


def keep(items: Iterable[JSON], *tests: tuple[Any, Callable[[JSON, Any], bool]]) -> list[JSON]:
    """The items passing every ``(value, test)`` whose value was given (not None)."""
    return [item for item in items if all(v is None or test(item, v) for v, test in tests)]


def _limits(query: Query, default: int) -> tuple[int, int]:
    page = query.integer("page", low=1) or 1
    limit = query.integer("limit", low=1, high=MAX_LIMIT) or default
    return page, limit


def v2_page(items: list[JSON], query: Query, default: int = 50) -> list[JSON]:
    """A v2 page: a bare array (an empty one is answered 204 by the route)."""
    page, limit = _limits(query, default)
    query.done()
    return items[(page - 1) * limit : page * limit]


def v3_page(items: list[JSON], query: Query, default: int = 50) -> JSON:
    page, limit = _limits(query, default)
    query.done()
    chunk = items[(page - 1) * limit : page * limit]
    pages = max(1, -(-len(items) // limit))
    links = {"current": f"?page={page}&limit={limit}"}
    if page < pages:
        links["next"] = f"?page={page + 1}&limit={limit}"
    pagination = {
        "total": len(items),
        "count": len(chunk),
        "per_page": limit,
        "current_page": page,
        "total_pages": pages,
        "links": links,
    }
    return {"data": chunk, "meta": {"pagination": pagination}}


def like(field: str) -> Callable[[JSON, Any], bool]:
    return lambda item, value: str(value).lower() in str(item.get(field, "")).lower()


def among(field: str) -> Callable[[JSON, Any], bool]:
    return lambda item, values: item.get(field) in values


def equals(field: str) -> Callable[[JSON, Any], bool]:
    return lambda item, value: item.get(field) == value


def body_object(body: Any) -> JSON:
    if not isinstance(body, dict):
        raise BigCommerceRefusal(400, "The request body must be a JSON object")
    return body
