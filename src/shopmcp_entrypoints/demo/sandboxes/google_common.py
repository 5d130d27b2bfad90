"""What the Google sandbox's API engines share: Google's error envelope, the deterministic
day figures, the facet combinations reports group over, and request-body checks."""

from __future__ import annotations

import datetime as dt
import itertools
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from shopmcp_entrypoints.demo.sandboxes.google_data import Facet

# Rate keys that multiply across facets; the others (an item's price, a visitor type's share
# of new users, a query's position) are set by the one facet that has them.
_MULTIPLIED = frozenset({"cr", "eng", "aov", "ctr", "buy", "rank"})
# The most facet combinations times days one sandbox report may add up.
MAX_CELLS = 400_000

HTTP_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
}


class GoogleApiError(Exception):
    """An answer in Google's error envelope: ``{"error": {code, message, status, details}}``."""

    def __init__(self, code: int, message: str, details: Sequence[Mapping[str, Any]] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = list(details)

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "status": HTTP_STATUS.get(self.code, "UNKNOWN"),
        }
        if self.details:
            error["details"] = self.details
        return {"error": error}


def invalid(message: str) -> GoogleApiError:
    return GoogleApiError(400, message)


def require_known_fields(body: Any, allowed: Iterable[str]) -> Mapping[str, Any]:
    """Google refuses a JSON payload naming a field its message does not have."""
    if not isinstance(body, Mapping):
        raise invalid("Invalid JSON payload received. Expected an object.")
    allowed = set(allowed)
    for name in body:
        if name not in allowed:
            raise invalid(
                f'Invalid JSON payload received. Unknown name "{name}": Cannot find field.'
            )
    return body


def noise(salt: str, day: dt.date) -> float:
    """A fixed number in [0, 1) for a salt and a day."""
    return (zlib.crc32(f"{salt}:{day.isoformat()}".encode()) % 10_000) / 10_000


_WEEKDAY = (1.0, 0.97, 0.95, 0.98, 1.02, 1.15, 1.22)
_EPOCH = dt.date(2024, 1, 1)


def day_volume(salt: str, day: dt.date, base: float) -> float:
    """A day's volume: weekly rhythm, a slow trend and a fixed wobble per day."""
    trend = 1 + 0.0004 * max((day - _EPOCH).days, 0)
    return base * _WEEKDAY[day.weekday()] * (0.85 + 0.3 * noise(salt, day)) * trend


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


@attrs.frozen
class Cell:
    """One combination of facet rows: the dimension values it fixes, its share of the volume
    and its rates."""

    values: dict[str, str]
    weight: float
    rates: dict[str, float]


def cells(facets: Sequence[Facet], needed: set[str]) -> list[Cell]:
    """Every combination of the rows of the facets that hold a needed dimension."""
    used = [f for f in facets if needed & set(f.dimensions)]
    out = []
    for combo in itertools.product(*(f.rows for f in used)):
        values: dict[str, str] = {}
        weight = 1.0
        rates: dict[str, float] = {}
        for facet, (facet_values, facet_weight, facet_rates) in zip(used, combo, strict=True):
            values.update(zip(facet.dimensions, facet_values, strict=True))
            weight *= facet_weight
            for key, rate in facet_rates.items():
                rates[key] = rates.get(key, 1.0) * rate if key in _MULTIPLIED else rate
        out.append(Cell(values, weight, rates))
    return out


def known_dimensions(facets: Sequence[Facet]) -> set[str]:
    return {d for f in facets for d in f.dimensions}


def check_size(cell_count: int, day_count: int) -> None:
    if cell_count * max(day_count, 1) > MAX_CELLS:
        raise invalid(
            "The sandbox adds up at most 400,000 dimension combinations per request; "
            "ask for fewer dimensions or a shorter period."
        )


def accumulate(into: dict[str, float], values: Mapping[str, float]) -> None:
    for key, value in values.items():
        into[key] = into.get(key, 0.0) + value


def sort_rows(
    rows: list[tuple[tuple[str, ...], Any]], orders: Iterator[tuple[Any, bool]]
) -> list[tuple[tuple[str, ...], Any]]:
    """Rows sorted by their keys, then stably by each order (last first), as a database would
    with its tie-breaker."""
    ordered = sorted(rows, key=lambda row: row[0])
    for key, descending in reversed(list(orders)):
        ordered.sort(key=key, reverse=descending)
    return ordered
