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

import re
from collections.abc import Mapping
from typing import Any

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
