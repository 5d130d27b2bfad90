"""A Shopify stand-in for many stores at once, with faults on demand.

It is the hot-path benchmark's HTTPS stand-in (:mod:`benchmarks.hot_path.standin`: the same
asyncio HTTP/1.1 protocol and the same check of the request) serving one store per access
token: the token ``shpat_rs_<slug>`` opens the store ``<slug>.myshopify.com``, and its
``ListOrders`` page carries the slug in every order's name and customer name. The gateway
reaches every store at the stand-in's one origin (``SHOPMCP_UPSTREAM_BASE_URLS``), so the token
is what tells the stores apart, and a response that reaches the wrong workspace shows another
slug. Slugs look like ``rs-<scenario>-<nn>`` (:data:`SLUG_RE` finds them in any body).

Control, over the same HTTPS port:

* ``POST /__standin/faults`` ``{"slug": ..., "status": 503}`` answers that store's requests
  with that status (Shopify's error shape; a 429 with ``Retry-After: 2``); ``{"slug": ...,
  "hold": true}`` never answers them (the gateway's read timeout ends each attempt);
  ``{"slug": ...}`` clears the fault.
* ``GET /__standin/stats``: per slug, upstream requests received, served and faulted.

Run as ``python -m tests.resilience.standin`` with ``BENCH_TLS_CERT`` and ``BENCH_TLS_KEY``; it
prints ``{"port": N}`` once it listens and serves until SIGTERM.
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import re
from typing import Any, Final

import attrs
from benchmarks.hot_path import exchange
from benchmarks.hot_path.standin import UNAUTHORIZED, http_response, request_refusal, serve

TOKEN_PREFIX: Final = "shpat_rs_"
SLUG_RE: Final = re.compile(rb"rs-[a-z]+-\d{2}")
FAULTS_PATH: Final = "/__standin/faults"
STATS_PATH: Final = "/__standin/stats"
_STATUS_TEXT: Final = {
    403: ("403 Forbidden", b'{"errors":"[API] This action requires merchant approval."}'),
    429: (
        "429 Too Many Requests",
        b'{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to '
        b'resume uninterrupted service."}',
    ),
    500: ("500 Internal Server Error", b'{"errors":"Internal Server Error"}'),
    503: ("503 Service Unavailable", b'{"errors":"Service Unavailable"}'),
}


def slug_for(scenario: str, index: int) -> str:
    slug = f"rs-{scenario}-{index:02d}"
    if not SLUG_RE.fullmatch(slug.encode()):
        raise ValueError(f"not a stand-in slug: {slug}")
    return slug


def token_for(slug: str) -> str:
    return TOKEN_PREFIX + slug


def shop_for(slug: str) -> str:
    return f"{slug}.myshopify.com"


def order_name_suffix(slug: str) -> str:
    return f" {slug}"


def orders_body(slug: str) -> bytes:
    """The store's page of 20 orders: the benchmark's orders, each marked with the slug."""
    nodes = exchange.order_nodes()
    for node in nodes:
        node["name"] += order_name_suffix(slug)
        node["customer"]["displayName"] += f" ({slug})"
    return exchange.graphql_response_body(nodes)


@attrs.frozen
class Fault:
    status: int | None = None
    hold: bool = False

    def response(self) -> bytes | None:
        if self.hold or self.status is None:
            return None
        status, body = _STATUS_TEXT.get(self.status, (f"{self.status} Error", b'{"errors":"x"}'))
        headers = ((b"retry-after", b"2"),) if self.status == 429 else ()
        return http_response(status, body, headers=headers)


@attrs.define
class Counts:
    requests: int = 0
    served: int = 0
    faulted: int = 0


class Stores:
    """Implements the benchmark stand-in's ``Answers``: one store per token."""

    def __init__(self) -> None:
        self.refused = 0
        self.counts: collections.defaultdict[str, Counts] = collections.defaultdict(Counts)
        self.faults: dict[str, Fault] = {}
        self._pages: dict[str, bytes] = {}

    def answer(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> bytes | None:
        if target == STATS_PATH and method == "GET":
            return self._json({s: attrs.asdict(c) for s, c in self.counts.items()})
        if target == FAULTS_PATH and method == "POST":
            return self._set_fault(body)
        refusal = request_refusal(method, target, body)
        slug = self._slug(headers.get("x-shopify-access-token", ""))
        if refusal is None and slug is None:
            refusal = UNAUTHORIZED
        if refusal is not None or slug is None:
            self.refused += 1
            return refusal
        counts = self.counts[slug]
        counts.requests += 1
        fault = self.faults.get(slug)
        if fault is not None:
            counts.faulted += 1
            return fault.response()
        counts.served += 1
        page = self._pages.get(slug)
        if page is None:
            page = self._pages[slug] = http_response("200 OK", orders_body(slug))
        return page

    @staticmethod
    def _slug(token: str) -> str | None:
        slug = token.removeprefix(TOKEN_PREFIX)
        if slug == token or not SLUG_RE.fullmatch(slug.encode()):
            return None
        return slug

    def _set_fault(self, body: bytes) -> bytes:
        try:
            request: Any = json.loads(body)
            slug = request["slug"]
            if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug.encode()):
                raise ValueError("slug")
            fault = Fault(status=request.get("status"), hold=bool(request.get("hold", False)))
        except (ValueError, KeyError, TypeError):
            return http_response("400 Bad Request", b'{"errors":"bad fault"}')
        if fault.status is None and not fault.hold:
            self.faults.pop(slug, None)
        else:
            self.faults[slug] = fault
        return self._json({"slug": slug, "fault": attrs.asdict(fault)})

    @staticmethod
    def _json(value: Any) -> bytes:
        return http_response("200 OK", json.dumps(value).encode())


def main() -> None:
    asyncio.run(serve(os.environ["BENCH_TLS_CERT"], os.environ["BENCH_TLS_KEY"], Stores()))


if __name__ == "__main__":
    main()
