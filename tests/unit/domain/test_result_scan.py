"""The fast paths of the result scan find exactly what the plain definitions find.

The card scan (``_card_candidates``) must yield exactly the matches of
``_CARD_CANDIDATE.finditer`` over the whole text, and a result's redaction must equal what
judging each string alone finds (the shapes and card numbers that occur in some string, run
over every string): the detection over the whole result in front of it may only skip work
that would have changed nothing, whatever JSON's escaping does to a string. Inputs are
generated, including adversarial ones: long digit strings, Luhn near misses, digits of other
scripts, characters outside latin-1 (the scan's positions must stay the text's), secrets at the
boundaries of strings and next to characters JSON escapes.
"""

from __future__ import annotations

import time
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from shopmcp_domain import redaction
from shopmcp_domain.redaction import CARD_REDACTED, redact_result, redact_result_text

_CARD = redaction._CARD_CANDIDATE


def _luhn_complete(body: str) -> str:
    """``body`` with the check digit that makes it Luhn-valid."""
    for check in "0123456789":
        if redaction._luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable")


_ISSUERS = ["4", "51", "55", "2221", "34", "37", "6011", "65", "36", "3528", "62", "9"]


@st.composite
def _card_like(draw: st.DrawFn) -> str:
    """Card numbers, Luhn-valid or one digit off, plain or grouped by spaces or dashes."""
    issuer = draw(st.sampled_from(_ISSUERS))
    length = draw(st.integers(12, 20))
    rest = max(length - len(issuer), 0)
    body = issuer + draw(st.text(alphabet="0123456789", min_size=rest, max_size=rest))
    number = _luhn_complete(body)
    if draw(st.booleans()):  # a near miss: one digit changed
        at = draw(st.integers(0, len(number) - 1))
        digit = str((int(number[at]) + draw(st.integers(1, 9))) % 10)
        number = number[:at] + digit + number[at + 1 :]
    separator = draw(st.sampled_from(["", " ", "-", "  ", "--"]))
    if separator:
        groups = [number[i : i + 4] for i in range(0, len(number), 4)]
        number = separator.join(groups)
    return number


_NOISE = st.sampled_from(
    [
        "0", "7", " ", "-", "/", "#", "=", ":", ".", "_", "a", "Z", "x", "\n", "\t", '"', "\\",
        "gid://shopify/Order/", "\u0663", "\uff13", "\u00b9", "€", "é", "😀", "\ud800",
        "Order ", "#1001",
        "5641000000000", "2026-11-30", "+61 3 9000 0000",
    ]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_NOISE, _card_like()), max_size=12).map("".join)


def _reference_has_card(text: str) -> bool:
    return any(redaction._card(m) == CARD_REDACTED for m in _CARD.finditer(text))


@settings(max_examples=1500, deadline=None)
@given(_TEXT)
@example("x123 4111111111111111")
@example("4111111111111111")
@example("é4111111111111111😀4111 1111 1111 1111")
def test_the_card_scan_finds_exactly_the_candidates_of_the_plain_regex(text: str) -> None:
    fast = [(m.span(), m.group(0)) for m in redaction._card_candidates(text)]
    plain = [(m.span(), m.group(0)) for m in _CARD.finditer(text)]
    assert fast == plain
    assert redaction._has_card(text) == _reference_has_card(text)
    assert redaction._sub_cards(text, redaction._card) == _CARD.sub(redaction._card, text)


def test_a_card_after_a_short_number_is_found() -> None:
    # Missed before the scan was rewritten: the 13-digit run began at "123", which an
    # identifier's letter makes no candidate, and the scan went on after the run.
    text = "x123 4111111111111111"
    assert redact_result_text(text) == ("x123 [card]", 1)
    assert redact_result({"note": text}) == ({"note": "x123 [card]"}, 1)


def test_the_card_scan_stays_linear_on_long_digit_strings() -> None:
    text = ("1" * 10_000 + " ") * 20 + "-".join(["4111"] * 4000)
    started = time.perf_counter()
    assert not redaction._has_card(text)
    assert time.perf_counter() - started < 1.0


# --------------------------------------------------------------------------- whole results

_SECRETS = [
    "shpat_0123456789abcdef0123456789abcdef",
    "sk_live_51HxyzABCDEFGHIJKLMNOP",
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJ4ZXJvLXVzZXIifQ.c2lnbmF0dXJl",
    "AKIAIOSFODNN7EXAMPLE",
    "smcp_abcdefghijkl_s3cr3tpartthatmustgo",
    "smcp_abcdefghijkl_",
    "Bearer abc123def456ghi789",
    "bearer\tabc123def456ghi789",
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n",
    '"api_key": "k5l9m3n7b1v4c8x2"',
    "password=hunter2hunter2",
    "4111 1111 1111 1111",
    "key",
    "token",
    "Basic",
]
_PIECE = st.one_of(st.sampled_from(_SECRETS), _NOISE, _card_like())
_STRING = st.lists(_PIECE, max_size=5).map(" ".join)
_KEY = st.one_of(_STRING, st.sampled_from(["password", "api-key", "Access_Token", "note"]))
_RESULT = st.recursive(
    st.one_of(_STRING, st.integers(), st.none(), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEY, inner, max_size=4)),
    max_leaves=20,
)


def _all_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_all_strings(k), *_all_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _all_strings(item)]
    return []


def _labelled_pair(value: Any) -> bool:
    if isinstance(value, dict):
        return any(
            (redaction._labels_a_secret(k) and isinstance(v, str) and redaction._is_secret_value(v))
            or _labelled_pair(v)
            for k, v in value.items()
        )
    return isinstance(value, list) and any(_labelled_pair(item) for item in value)


def _per_string(value: Any) -> tuple[Any, int]:
    """The plain definition: the shapes (and cards) that occur in some string, each judged on
    that string alone, run over every string; and ``{"password": "..."}`` pairs."""
    if isinstance(value, str):
        return redact_result_text(value)
    found = [redaction._active(s) for s in _all_strings(value)]
    shapes = tuple(s for s in redaction._SHAPES if any(s in active for active, _ in found))
    cards = any(card for _, card in found)
    if not shapes and not cards and not _labelled_pair(value):
        return value, 0
    return redaction._walk(value, shapes, cards, 0)


@settings(max_examples=1500, deadline=None)
@given(_RESULT)
@example({"note": '{"api_key": "k5l9m3n7b1v4c8x2"}'})
@example({"note": "Authorization: Bearer\tabc123def456ghi789"})
@example({"password": "hunter2hunter2", "note": "two\nlines"})
@example({"note": "x123 4111111111111111"})
def test_a_result_is_redacted_exactly_as_each_string_judged_alone(value: Any) -> None:
    assert redact_result(value) == _per_string(value)


def test_json_inside_a_string_loses_its_secret() -> None:
    # A metafield's value is JSON text: escaped in the serialised result, so the scan must not
    # judge its shapes by the escaped form.
    out, count = redact_result({"metafield": '{"api_key": "k5l9m3n7b1v4c8x2"}'})
    assert count == 1 and "k5l9m3n7b1v4c8x2" not in repr(out)
    out, count = redact_result({"note": "Authorization: Bearer\tabc123def456ghi789"})
    assert count == 1 and "abc123def456ghi789" not in repr(out)


def test_no_card_pattern_shortcut_hides_a_match() -> None:
    # Every generated candidate position is where finditer puts it, also in long texts.
    text = " ".join(["gid://shopify/Order/5641000000000", "4111 1111 1111 1111"] * 200)
    assert [m.span() for m in redaction._card_candidates(text)] == [
        m.span() for m in _CARD.finditer(text)
    ]
