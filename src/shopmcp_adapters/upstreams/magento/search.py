"""Magento's ``searchCriteria``: the query a search endpoint takes.

A search is built from :class:`Filter` rows whose ``field`` is a :class:`SearchField` constant
chosen by the tool, never taken from input; only values come from validated input.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

import attrs
import httpx


class SearchField(enum.StrEnum):
    """Every field a tool may filter or sort on. Constants: never taken from input."""

    STATUS = "status"
    ORDER_INCREMENT_ID = "increment_id"
    CREATED_AT = "created_at"
    CUSTOMER_EMAIL = "customer_email"
    CUSTOMER_ID = "customer_id"
    ORDER_ID = "order_id"
    SKU = "sku"
    NAME = "name"
    TYPE_ID = "type_id"
    EMAIL = "email"
    FIRSTNAME = "firstname"
    LASTNAME = "lastname"
    ENTITY_ID = "entity_id"


class Condition(enum.StrEnum):
    EQ = "eq"
    LIKE = "like"
    GTEQ = "gteq"
    LTEQ = "lteq"


class Direction(enum.StrEnum):
    ASC = "ASC"
    DESC = "DESC"


@attrs.frozen
class Filter:
    field: SearchField
    value: str
    condition: Condition = Condition.EQ


FilterGroup = Sequence[Filter]


@attrs.frozen
class SearchCriteria:
    """Filter groups are AND'ed; the filters inside one group are OR'ed."""

    groups: Sequence[FilterGroup] = ()
    page_size: int = 20
    current_page: int = 1
    sort: Sequence[tuple[SearchField, Direction]] = ()

    def params(self) -> httpx.QueryParams:
        pairs: list[tuple[str, str | int | float | bool | None]] = []
        for g, group in enumerate(self.groups):
            for f, item in enumerate(group):
                base = f"searchCriteria[filter_groups][{g}][filters][{f}]"
                pairs += [
                    (f"{base}[field]", item.field.value),
                    (f"{base}[value]", item.value),
                    (f"{base}[condition_type]", item.condition.value),
                ]
        for s, (field, direction) in enumerate(self.sort):
            pairs += [
                (f"searchCriteria[sortOrders][{s}][field]", field.value),
                (f"searchCriteria[sortOrders][{s}][direction]", direction.value),
            ]
        pairs += [
            ("searchCriteria[pageSize]", str(self.page_size)),
            ("searchCriteria[currentPage]", str(self.current_page)),
        ]
        return httpx.QueryParams(pairs)


def like_contains(text: str) -> str:
    """``%text%`` for a ``like`` filter (inputs are validated to hold no ``%`` or ``\\``)."""
    return f"%{text}%"
