"""Store URLs are checked once and their parsed form reused; a refused URL is refused every
time and never kept (it may carry credentials)."""

from __future__ import annotations

import pytest

from shopmcp_adapters.upstreams import http
from shopmcp_adapters.upstreams.http import InvalidUpstreamUrl, require_https_url


def test_a_checked_url_is_parsed_once_and_reused() -> None:
    url = "https://reuse.myshopify.com/admin/api/2025-07/graphql.json"
    first = require_https_url(url)
    assert require_https_url(url) is first
    assert (first.scheme, first.host, first.path) == (
        "https",
        "reuse.myshopify.com",
        "/admin/api/2025-07/graphql.json",
    )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://plain.example.com/x", "https"),
        ("https://user:secret@creds.example.com/x", "no credentials"),
        ("https:///no-host", "host"),
    ],
)
def test_a_refused_url_is_refused_every_time_and_never_kept(url: str, reason: str) -> None:
    for _ in range(2):
        with pytest.raises(InvalidUpstreamUrl, match=reason):
            require_https_url(url)
    assert url not in http._CHECKED_URLS


def test_the_kept_urls_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "_CHECKED_URLS", {})
    monkeypatch.setattr(http, "_CHECKED_URLS_MAX", 3)
    for n in range(10):
        require_https_url(f"https://s{n}.example.com/")
        assert len(http._CHECKED_URLS) <= 3
    assert "https://s9.example.com/" in http._CHECKED_URLS
