"""Assembling Shopify search ``query`` strings from validated values.

The search syntax has fields, comparators, boolean connectives, negation, grouping, wildcards
and quoting. A value that reached the string unquoted could add any of them, so every
free-text value is (1) already restricted by its input model to a narrow character set and
(2) re-checked here and placed in double quotes, making it exactly one phrase. Identifiers are
digits only; dates are formatted by us; enum values come from fixed Literal sets. The result
still travels as the ``$query`` GraphQL variable, never inside the document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

_FIELD_RE = re.compile(r"^[a-z_]+$")
_SAFE_TEXT_RE = re.compile(r"^[\w][\w .,'&/+#-]*$")
_EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_DIGITS_RE = re.compile(r"^[0-9]{1,20}$")
_ENUM_RE = re.compile(r"^[A-Za-z_]+$")


class UnsafeSearchValue(ValueError):
    """A value reached the query builder without passing its input model's checks."""


def _field(name: str) -> str:
    if not _FIELD_RE.fullmatch(name):
        raise UnsafeSearchValue("bad search field")
    return name


def phrase(field: str | None, value: str) -> str:
    """``field:"value"`` (or just ``"value"`` for the default field), as one quoted phrase."""
    if not _SAFE_TEXT_RE.fullmatch(value) or len(value) > 100:
        raise UnsafeSearchValue("search text has characters outside the allowed set")
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return quoted if field is None else f"{_field(field)}:{quoted}"


def email(field: str, value: str) -> str:
    """``field:"address"``: an email address is one quoted token."""
    if not _EMAIL_RE.fullmatch(value) or len(value) > 254:
        raise UnsafeSearchValue("not an email address")
    return f'{_field(field)}:"{value}"'


def number(field: str, digits: str) -> str:
    if not _DIGITS_RE.fullmatch(digits):
        raise UnsafeSearchValue("search ids are digits")
    return f"{_field(field)}:{digits}"


def enum(field: str, value: str) -> str:
    if not _ENUM_RE.fullmatch(value):
        raise UnsafeSearchValue("bad enum value")
    return f"{_field(field)}:{value}"


def date_from(field: str, day: dt.date) -> str:
    """On or after the start of ``day`` (UTC)."""
    return f"{_field(field)}:>='{day.isoformat()}T00:00:00Z'"


def date_to(field: str, day: dt.date) -> str:
    """Before the start of the next day, so ``day`` itself is included."""
    end = day + dt.timedelta(days=1)
    return f"{_field(field)}:<'{end.isoformat()}T00:00:00Z'"


def join(terms: Iterable[str | None]) -> str | None:
    """Terms joined with spaces (an implicit AND); None when there is no filter."""
    kept = [t for t in terms if t]
    return " ".join(kept) if kept else None
