"""Redaction of secrets and personal data from text and nested data: for logs and error
reports, and for third-party text (an upstream's error message) before it reaches a chat
client. Pure functions, no I/O; idempotent (redacting twice changes nothing more).

What goes:
* MCP tokens ``smcp_<prefix>_<secret>``: the secret (the 12-character prefix is public and
  stays, so a log line still says which key); anything else after ``smcp_`` entirely.
* The path segment after ``/mcp/`` (where a merchant's URL carries the token), whatever it is
  (``shopmcp_adapters.observability.redact_path`` also drops query strings of URLs).
* ``Bearer``/``Basic``/``Token`` credentials; Stripe, Shopify and webhook secrets by their
  well-known prefixes.
* Email addresses, also URL-encoded (``%40``).
* Card-like numbers: 13-19 digits (spaces or dashes between groups allowed), standing alone,
  in a card network's issuer range, that pass the Luhn check; so order numbers and the long
  ids platforms put in paths are left alone.
* In nested data: the values under keys that name a secret (authorization, cookie, password,
  token, api_key, secret, ...), whatever the key's case or separators.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import attrs

REDACTED = "[redacted]"
EMAIL_REDACTED = "[email]"
CARD_REDACTED = "[card]"

_TOKEN = re.compile(r"smcp_[A-Za-z0-9_\-]*", re.IGNORECASE)
_TOKEN_WITH_PREFIX = re.compile(r"smcp_([a-z2-7]{12})_(.*)", re.IGNORECASE | re.DOTALL)
_MCP_SEGMENT = re.compile(
    r"(/mcp/)(?!\[redacted\])(?!smcp_[a-z2-7]{12}_\[redacted\])[^\s/?#\"'<>]+", re.IGNORECASE
)
_AUTH_SCHEME = re.compile(
    r"\b(bearer|basic)(\s+|%20)(?!\[redacted\])[^\s\"',;]+"
    r"|\b(token)(\s+|%20|=|:\s*)(?!\[redacted\])[A-Za-z0-9._~+/=\-]{16,}",
    re.IGNORECASE,
)
_VENDOR_SECRET = re.compile(
    r"\b((?:sk|rk)_(?:live|test)_|whsec_|shp(?:at|ca|pa|ss)_)[A-Za-z0-9_\-]+", re.IGNORECASE
)
_EMAIL = re.compile(
    # Bounded repetitions keep the scan linear on long strings without an "@".
    r"[A-Za-z0-9._%+\-]{1,64}(?:@|%40)[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?){1,10}",
    re.IGNORECASE,
)

# 13-19 digits, optionally grouped by single spaces or dashes, not inside a longer number.
# 13-19 digits, optionally grouped by single spaces or dashes, standing alone: not inside a
# longer number and not the tail of an identifier or path ("gid://shopify/Order/5641...",
# "#1001", "order_4111..."), where platform ids of that length are everywhere.
_CARD_CANDIDATE = re.compile(r"(?<![0-9A-Za-z_/#=:.-])[0-9](?:[ -]?[0-9]){12,18}(?![0-9])")
# The issuer ranges of the card networks (ISO/IEC 7812 IINs in use): Visa, Mastercard,
# American Express, Discover, Diners Club, JCB, UnionPay, Maestro. A Luhn-valid number outside
# them is an id, not a card.
_CARD_ISSUER = re.compile(
    r"^(4|5[1-5]|2(2[2-9][1-9]|2[3-9]|[3-6]|7[01]|720)|3[47]|6(011|5|4[4-9]|22)|3(0[0-5]|[68])"
    r"|35(2[89]|[3-8])|62|5[06-9]|6[0-9])"
)


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"[ -]", "", match.group(0))
    if _CARD_ISSUER.match(digits) and _luhn_valid(digits):
        return CARD_REDACTED
    return match.group(0)


_SECRET_KEY_PARTS = (
    "authorization",
    "cookie",
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "credential",
    "session",
    "csrf",
    "x_api_key",
    "private_key",
    "dsn",
)
_PERSONAL_KEYS = frozenset(
    {"email", "ip_address", "remote_addr", "x_forwarded_for", "x_real_ip", "forwarded"}
)


def _token(match: re.Match[str]) -> str:
    text = match.group(0)
    with_prefix = _TOKEN_WITH_PREFIX.fullmatch(text)
    if with_prefix is not None:
        if not with_prefix.group(2):
            return text  # "smcp_<prefix>_" before an existing "[redacted]"
        return f"smcp_{with_prefix.group(1)}_{REDACTED}"
    if text.lower() == "smcp_":
        return text
    return f"smcp_{REDACTED}"


def _auth(match: re.Match[str]) -> str:
    scheme, separator = match.group(1, 2) if match.group(1) else match.group(3, 4)
    return f"{scheme}{separator}{REDACTED}"


def redact_text(text: str) -> str:
    """Every secret and email address in ``text`` replaced."""
    text = _MCP_SEGMENT.sub(lambda m: m.group(1) + REDACTED, text)
    text = _TOKEN.sub(_token, text)
    text = _AUTH_SCHEME.sub(_auth, text)
    text = _VENDOR_SECRET.sub(lambda m: m.group(1) + REDACTED, text)
    if "@" in text or "%40" in text:
        text = _EMAIL.sub(EMAIL_REDACTED, text)
    return _CARD_CANDIDATE.sub(_card, text)


def _normal(key: str) -> str:
    return key.lower().replace("-", "_").replace(" ", "_")


def is_secret_key(key: str) -> bool:
    normal = _normal(key)
    return any(part in normal for part in _SECRET_KEY_PARTS) or normal in _PERSONAL_KEYS


def scrub(value: Any, _depth: int = 0) -> Any:
    """A copy of nested data (dicts, lists, tuples, sets) with every string redacted and the
    values under secret-naming keys replaced. Pairs like ``["Authorization", "..."]`` (headers
    as a list) count as a key and its value. Nesting deeper than 50 levels is cut off."""
    if _depth > 50:
        return REDACTED
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return REDACTED
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            if isinstance(key, str) and is_secret_key(key):
                out[redact_text(key)] = REDACTED
            else:
                out[scrub(key, _depth + 1)] = scrub(item, _depth + 1)
        return out
    if isinstance(value, list | tuple):
        if len(value) == 2 and isinstance(value[0], str) and is_secret_key(value[0]):
            items = [value[0], REDACTED]
        else:
            items = [scrub(item, _depth + 1) for item in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, set | frozenset):
        return [scrub(item, _depth + 1) for item in value]
    return value


# --------------------------------------------------------------------------- tool results
#
# A tool's result is the merchant's own data (customer emails and addresses are what an
# order lookup is for), so only credential-shaped strings are removed from it: whatever an
# upstream echoed back (a webhook's signing secret, an app's token in a metafield, a private
# key pasted into a product description, a card number typed into an order note).
#
# Speed: one alternation over every string costs milliseconds on a 16 KB result (Python's
# engine tries each alternative at each position). Instead each shape is its own precompiled
# regex behind literal triggers (``in`` is a C substring search); the whole result is
# serialised once and only the shapes whose trigger occurs anywhere in it are run at all, and
# then only on the strings that contain the trigger. A clean result costs one ``json.dumps``
# and a handful of substring searches.


@attrs.frozen
class _Shape:
    name: str
    # Substrings one of which every match contains (checked against the lowercased text when
    # ``fold`` is set).
    triggers: tuple[str, ...]
    pattern: re.Pattern[str]
    replace: Callable[[re.Match[str]], str]
    fold: bool = False

    def present(self, text: str, folded: str) -> bool:
        haystack = folded if self.fold else text
        return any(trigger in haystack for trigger in self.triggers)


def _whole(_: re.Match[str]) -> str:
    return REDACTED


def _keep_label(match: re.Match[str]) -> str:
    return match.group(1) + REDACTED


def _scheme(match: re.Match[str]) -> str:
    return match.group(1) + " " + REDACTED


_LABELS = (
    "x-auth-token", "x_auth_token", "x-auth-client", "x_auth_client", "netoapi_key",
    "netoapi-key", "x-api-key", "x_api_key", "x-shopify-access-token", "api_key", "api-key",
    "apikey", "api_secret", "api-secret", "apisecret", "access_token", "access-token",
    "refresh_token", "refresh-token", "client_secret", "client-secret", "consumer_secret",
    "consumer-secret", "secret_access_key", "secret-access-key", "password", "passwd",
)  # fmt: skip

_SHAPES = (
    # PEM private keys, with or without their END line (a truncated paste is a key too).
    _Shape(
        "pem",
        ("PRIVATE KEY-----",),
        re.compile(
            r"-----BEGIN [A-Z0-9 ]{0,30}PRIVATE KEY-----"
            r"(?:[A-Za-z0-9+/=\s:,\-]{0,16384}?-----END [A-Z0-9 ]{0,30}PRIVATE KEY-----"
            r"|[A-Za-z0-9+/=\s:,\-]{0,16384})"
        ),
        _whole,
    ),
    # The gateway's own tokens: the public prefix stays, the secret goes.
    _Shape(
        "smcp", ("smcp_",), re.compile(r"(?<![A-Za-z0-9])smcp_[A-Za-z0-9_\-]+"), lambda m: _token(m)
    ),
    # Shopify access tokens, custom-app and shared secrets (shpat_, shpca_, shpss_, ...).
    _Shape(
        "shopify", ("shp",), re.compile(r"(?<![A-Za-z0-9])shp[a-z]{2}_[A-Za-z0-9]{16,}"), _whole
    ),
    # Stripe secret and restricted keys, webhook signing secrets.
    _Shape(
        "stripe",
        ("k_live_", "k_test_", "whsec_"),
        re.compile(
            r"(?<![A-Za-z0-9])(?:[sr]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9+/=]{16,})"
        ),
        _whole,
    ),
    # Google OAuth access and refresh tokens, API keys, client secrets.
    _Shape("google_access", ("ya29.",), re.compile(r"ya29\.[A-Za-z0-9_\-]{16,}"), _whole),
    _Shape(
        "google_refresh", ("1//",), re.compile(r"(?<![A-Za-z0-9])1//[A-Za-z0-9_\-]{20,}"), _whole
    ),
    _Shape("google_key", ("AIza",), re.compile(r"AIza[A-Za-z0-9_\-]{35}"), _whole),
    _Shape("google_secret", ("GOCSPX-",), re.compile(r"GOCSPX-[A-Za-z0-9_\-]{16,}"), _whole),
    # JWTs (Xero's access and id tokens, any OIDC token): header and payload are base64url
    # JSON objects, so both start "eyJ".
    _Shape(
        "jwt",
        ("eyJ",),
        re.compile(r"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"),
        _whole,
    ),
    # AWS access key ids (a secret key beside one is caught by its label).
    _Shape(
        "aws",
        ("AKIA", "ASIA", "AIDA", "AROA"),
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|AIDA|AROA)[0-9A-Z]{16}(?![A-Z0-9])"),
        _whole,
    ),
    # Authorization header values.
    _Shape(
        "auth",
        ("bearer", "basic"),
        re.compile(r"\b((?i:bearer|basic))[ \t]+(?!\[redacted\])[A-Za-z0-9._~+/=\-]{8,}"),
        _scheme,
        fold=True,
    ),
    # A labelled secret: BigCommerce's X-Auth-Token, Neto's NETOAPI_KEY, api keys, OAuth
    # access/refresh tokens, client secrets, AWS secret keys, passwords; as a header, a
    # query parameter, JSON or YAML.
    _Shape(
        "labelled",
        ("token", "secret", "passw", "key"),
        re.compile(
            r"((?i:"
            + "|".join(re.escape(label) for label in sorted(_LABELS, key=len, reverse=True))
            + r")[\"']?[ \t]*[:=][ \t]*[\"']?)(?!\[redacted\])[A-Za-z0-9._~+/=\-]{8,}"
        ),
        _keep_label,
        fold=True,
    ),
)

_LABEL_KEYS = frozenset(label.replace("-", "_") for label in _LABELS)
_SECRET_VALUE = re.compile(r"[A-Za-z0-9._~+/=\-]{8,}")


def _labels_a_secret(key: object) -> bool:
    return isinstance(key, str) and key.lower().replace("-", "_") in _LABEL_KEYS


def _is_secret_value(value: str) -> bool:
    return _SECRET_VALUE.fullmatch(value) is not None


# Card numbers: 13-19 digits standing alone, then issuer range and Luhn (``_card``).
#
# Speed: ``_CARD_CANDIDATE`` run over a whole text makes Python's engine try every digit
# position (a result is full of prices, dates and ids), and it opens with a lookbehind. Every
# character a candidate is made of is a digit, a space or a dash, so a candidate lies inside a
# stretch of at least 13 such characters. One C pass (``bytes.translate``; the ``latin-1``
# encoding with ``replace`` keeps one byte per character, so positions are the text's) marks
# those characters, a substring search finds the stretches, and the regex runs only inside them
# (its lookbehind still sees the character before, and nothing after a stretch is a digit):
# exactly the matches ``_CARD_CANDIDATE.finditer(text)`` finds, in the same order.
_CARD_CHARS = b"0123456789 -"
_CARD_CLASSES = bytes(ord("d") if byte in _CARD_CHARS else ord("x") for byte in range(256))
_CARD_STRETCH = b"d" * 13


def _card_candidates(text: str) -> Iterator[re.Match[str]]:
    """Every match of ``_CARD_CANDIDATE`` in ``text``, as ``finditer`` would yield them."""
    classes = text.encode("latin-1", "replace").translate(_CARD_CLASSES)
    position = 0
    while (start := classes.find(_CARD_STRETCH, position)) != -1:
        end = classes.find(b"x", start)
        if end == -1:
            end = len(classes)
        yield from _CARD_CANDIDATE.finditer(text, start, end)
        position = end


def _sub_cards(text: str, replace: Callable[[re.Match[str]], str]) -> str:
    """``_CARD_CANDIDATE.sub(replace, text)``, with the candidates found by
    :func:`_card_candidates`."""
    pieces: list[str] = []
    last = 0
    for match in _card_candidates(text):
        pieces.append(text[last : match.start()])
        pieces.append(replace(match))
        last = match.end()
    if not pieces:
        return text
    pieces.append(text[last:])
    return "".join(pieces)


def _redact_with(text: str, shapes: Sequence[_Shape], cards: bool) -> tuple[str, int]:
    count = 0

    def counted(replace: Callable[[re.Match[str]], str]) -> Callable[[re.Match[str]], str]:
        def apply(match: re.Match[str]) -> str:
            nonlocal count
            replaced = replace(match)
            if replaced != match.group(0):
                count += 1
            return replaced

        return apply

    folded = text.lower() if any(shape.fold for shape in shapes) else text
    for shape in shapes:
        if shape.present(text, folded):
            text = shape.pattern.sub(counted(shape.replace), text)
    if cards:
        text = _sub_cards(text, counted(_card))
    return text, count


# No secret shape or card matches fewer characters than this.
_SHORTEST_SECRET = 13


def _has_card(text: str) -> bool:
    return any(_card(candidate) == CARD_REDACTED for candidate in _card_candidates(text))


def _active(text: str) -> tuple[tuple[_Shape, ...], bool]:
    """The shapes (and whether card numbers) that really occur in ``text``: a trigger first
    (a substring search), then the shape's own regex."""
    folded = text.lower()
    shapes = []
    for shape in _SHAPES:
        if shape.present(text, folded):
            match = shape.pattern.search(text)
            while match is not None and shape.replace(match) == match.group(0):
                match = shape.pattern.search(text, match.end())
            if match is not None:
                shapes.append(shape)
    return tuple(shapes), _has_card(text)


def redact_result_text(text: str) -> tuple[str, int]:
    """``text`` with every credential-shaped string and card number replaced, and how many
    were. Idempotent: a redacted text has nothing left to redact."""
    shapes, cards = _active(text)
    if not shapes and not cards:
        return text, 0
    return _redact_with(text, shapes, cards)


def _walk(value: Any, shapes: tuple[_Shape, ...], cards: bool, depth: int) -> tuple[Any, int]:
    if isinstance(value, str):
        if len(value) < _SHORTEST_SECRET:
            return value, 0
        return _redact_with(value, shapes, cards)
    if depth > 64:
        return REDACTED, 1
    if isinstance(value, Mapping):
        total = 0
        items: list[tuple[Any, Any]] = []
        for key, item in value.items():
            new_key, key_count = _walk(key, shapes, cards, depth + 1)
            if _labels_a_secret(key) and isinstance(item, str) and _is_secret_value(item):
                # {"password": "..."}: the label and the value are separate strings here.
                new_item, item_count = REDACTED, 1
            else:
                new_item, item_count = _walk(item, shapes, cards, depth + 1)
            total += key_count + item_count
            items.append((new_key, new_item))
        return (dict(items) if total else value), total
    if isinstance(value, list | tuple):
        total = 0
        out: list[Any] = []
        for item in value:
            new_item, item_count = _walk(item, shapes, cards, depth + 1)
            total += item_count
            out.append(new_item)
        if not total:
            return value, 0
        return (out if isinstance(value, list) else tuple(out)), total
    return value, 0


def redact_result(value: Any) -> tuple[Any, int]:
    """A copy of a tool result (JSON-shaped data) with every string, keys included, passed
    through :func:`redact_result_text`, and the number of redactions. A result with nothing
    to redact is returned as it was (no copy); nesting deeper than 64 levels is cut off."""
    if isinstance(value, str):
        return redact_result_text(value)
    try:
        # One serialisation tells which shapes can occur anywhere in the result at all.
        serialised = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return _walk(value, _SHAPES, True, 0)
    if "\\" in serialised:
        # Some string holds a character JSON escapes (a newline, a tab, a quote: JSON text in
        # a metafield). Escaped, it reads differently (a tab after "Bearer" becomes a backslash
        # and a "t", the quote after a label a backslash and a quote), so the escapes are read
        # back first: every string then stands in the text as it is, between quotes.
        serialised = _JSON_ESCAPE.sub(_unescape, serialised)
    # The text is the strings between quotes and JSON punctuation, which no card candidate
    # and no shape matches across except by finding more (the labelled shape finds
    # ``"password": "..."`` pairs, which ``_walk`` redacts by their key): a shape that matches
    # in some string matches here too.
    shapes, cards = _active(serialised)
    if not shapes and not cards:
        return value, 0
    return _walk(value, shapes, cards, 0)


_JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|(.))", re.DOTALL)
_JSON_ESCAPED = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code is not None:
        return chr(int(code, 16))
    char = match.group(2)
    return _JSON_ESCAPED.get(char, char)
