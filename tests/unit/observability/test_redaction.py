"""The redaction functions, attacked with every shape a secret or an email address takes."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopmcp_adapters.observability import redact_path, redact_text, scrub
from tests.unit.observability.secrets_ import (
    BEARER,
    EMAIL,
    PREFIX,
    SECRET,
    SHOPIFY_TOKEN,
    STRIPE_KEY,
    TOKEN,
    leaks,
    stable_id,
)


def test_a_token_keeps_its_public_prefix_and_loses_its_secret() -> None:
    assert redact_text(f"key {TOKEN} used") == f"key smcp_{PREFIX}_[redacted] used"


@pytest.mark.parametrize(
    "text",
    [
        TOKEN,
        TOKEN.upper(),
        f"GET /mcp/{TOKEN} HTTP/1.1",
        f"GET /mcp/{TOKEN}?x=1",
        f"https://gw.example/mcp/{TOKEN}/",
        f"url=https%3A%2F%2Fgw.example%2Fmcp%2F{TOKEN}",
        f'{{"url": "/mcp/{TOKEN}"}}',
        f"'{TOKEN}'",
        f"token={TOKEN}&x=1",
        f"{TOKEN[:-5]}",  # truncated
        f"{TOKEN}extra-chars_and-more",
        f"smcp_{SECRET}",  # no prefix
        f"smcp__{SECRET}",
        f"/mcp{TOKEN}",  # the mount also matches /mcpXYZ
        f"prefix:{TOKEN}:suffix",
        f"Authorization: Bearer {TOKEN}",
        f"authorization: bearer {BEARER}",
        f"AUTHORIZATION: BEARER {BEARER}",
        f"Bearer%20{BEARER}",
        f"Basic {BEARER}",
        f"token {BEARER}",
        f"token: {BEARER}",
        f"contact {EMAIL} now",
        f"<{EMAIL}>",
        f"mailto:{EMAIL}",
        f"{EMAIL.upper()}",
        f"customer={urllib.parse.quote(EMAIL)}",
        f"https://shop.example/customers?email={urllib.parse.quote_plus(EMAIL)}",
        f"stripe {STRIPE_KEY}",
        f"shopify {SHOPIFY_TOKEN}",
        f"multi {TOKEN} and {EMAIL} and Bearer {BEARER} and {STRIPE_KEY}",
        f"newline\n{TOKEN}\n{EMAIL}",
    ],
    ids=stable_id,
)
def test_nothing_secret_survives(text: str) -> None:
    out = redact_text(text)
    assert leaks(out) == [], out
    assert leaks(out.lower()) == [] or EMAIL.lower() not in out.lower()
    assert redact_text(out) == out  # idempotent


def test_a_malformed_path_segment_after_mcp_is_redacted_whatever_it_is() -> None:
    assert redact_text("POST /mcp/not-a-token-but-secret HTTP/1.1") == (
        "POST /mcp/[redacted] HTTP/1.1"
    )


def test_ordinary_text_is_left_alone() -> None:
    text = "tool shopify_get_product answered 200 in 12 ms; the token for workspace is fine"
    assert redact_text(text) == text
    assert redact_text("/api/workspaces/123/keys") == "/api/workspaces/123/keys"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"/mcp/{TOKEN}", "/mcp/[redacted]"),
        (f"/mcp/{TOKEN}/", "/mcp/[redacted]/"),
        (f"/MCP/{TOKEN}", "/MCP/[redacted]"),
        ("/mcp/garbage", "/mcp/[redacted]"),
        ("/mcp", "/mcp"),
        ("/mcp/", "/mcp/"),
        (f"/mcp/{TOKEN}?email={EMAIL}", "/mcp/[redacted]?[redacted]"),
        ("/healthz?probe=1#frag", "/healthz?[redacted]"),
        (f"https://user:pw@gw.example/mcp/{TOKEN}", "https://gw.example/mcp/[redacted]"),
        (f"/api/{EMAIL}/x", "/api/[email]/x"),
    ],
    ids=stable_id,
)
def test_redact_path_for_access_logs(path: str, expected: str) -> None:
    assert redact_path(path) == expected


def test_scrub_walks_nested_data_and_redacts_secret_named_keys_in_any_case() -> None:
    data = {
        "Authorization": f"Bearer {BEARER}",
        "headers": [
            ["AUTHORIZATION", "hdr-auth-value-q7"],
            ("x-api-key", "api-key-value-q7"),
            ["Accept", "json"],
        ],
        "nested": {"deeper": [{"note": f"for {EMAIL}", "Refresh-Token": "refresh-value-q7"}]},
        "set": {f"{TOKEN}"},
        "tuple": ("Cookie", "session=cookie-value-q7"),
        EMAIL: "key is an email",
        "client_secret": "client-secret-value-q7",
        "blob": b"raw bytes " + TOKEN.encode(),
        "count": 3,
    }
    out = scrub(data)
    text = repr(out)
    assert leaks(text) == [], text
    for secret in (
        "hdr-auth-value-q7",
        "api-key-value-q7",
        "refresh-value-q7",
        "session=cookie-value-q7",
        "client-secret-value-q7",
    ):
        assert secret not in text
    assert out["count"] == 3
    assert out["headers"][2] == ["Accept", "json"]
    assert data["Authorization"] == f"Bearer {BEARER}"  # a copy: the input is untouched


def test_scrub_cuts_off_absurd_nesting() -> None:
    deep: dict[str, object] = {"x": TOKEN}
    for _ in range(200):
        deep = {"x": deep}
    assert leaks(repr(scrub(deep))) == []


def _fastest_redaction(scale: int) -> float:
    blob = "a" * 50_000 * scale + "." * 12_500 * scale + "smcp_" * 2_500 * scale + "@"
    times = []
    for _ in range(3):
        started = time.perf_counter()
        redact_text(blob)
        times.append(time.perf_counter() - started)
    return min(times)


def test_redaction_stays_linear_on_long_inputs() -> None:
    # Compared with itself at a quarter of the size, so machine load does not decide the
    # outcome: linear work grows 4x, quadratic backtracking 16x.
    small, large = _fastest_redaction(1), _fastest_redaction(4)
    assert large < 8 * small + 0.05


@settings(max_examples=200, deadline=None)
@given(
    before=st.text(max_size=40),
    after=st.text(max_size=40),
    secret=st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        min_size=43,
        max_size=43,
    ),
)
def test_any_token_in_any_surrounding_text_loses_its_secret(
    before: str, after: str, secret: str
) -> None:
    token = f"smcp_{PREFIX}_{secret}"
    out = redact_text(before + token + after)
    assert secret not in out
