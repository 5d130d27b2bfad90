"""Magento's ``searchCriteria``: the query a search endpoint takes and the envelope it answers.

A search is built from :class:`Filter` rows whose ``field`` is a :class:`SearchField` constant
chosen by the tool, never taken from input; only values come from validated input. Every
search endpoint (``/V1/orders``, ``/V1/products``, ``/V1/customers/search``, ...) answers
``{items, search_criteria, total_count}``, parsed by :class:`SearchResults`. The echoed
``search_criteria`` is not read: a tool reports the page it asked for.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Generic, TypeVar

import attrs
import httpx
from pydantic import Field

from shopmcp_adapters.upstreams.magento.parsing import NullableList, Upstream


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
    STATE = "state"
    RULE_ID = "rule_id"
    CODE = "code"
    IS_ACTIVE = "is_active"
    TITLE = "title"
    IDENTIFIER = "identifier"
    SOURCE_CODE = "source_code"
    ENABLED = "enabled"
    ID = "id"
    SORT_ORDER = "sort_order"


class Condition(enum.StrEnum):
    EQ = "eq"
    NEQ = "neq"
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


def equals(field: SearchField, value: str | int) -> FilterGroup:
    return [Filter(field, str(value))]


def contains(text: str, *fields: SearchField) -> FilterGroup:
    """Any of ``fields`` contains ``text``: ``like %text%`` (inputs are validated to hold no
    ``%`` or ``\\`` of their own)."""
    return [Filter(field, f"%{text}%", Condition.LIKE) for field in fields]


def created_between(start: dt.date | None, end: dt.date | None) -> list[FilterGroup]:
    """``created_at`` bounds covering whole days, both inclusive."""
    groups: list[FilterGroup] = []
    if start is not None:
        groups.append([Filter(SearchField.CREATED_AT, f"{start} 00:00:00", Condition.GTEQ)])
    if end is not None:
        groups.append([Filter(SearchField.CREATED_AT, f"{end} 23:59:59", Condition.LTEQ)])
    return groups


ItemT = TypeVar("ItemT")


class SearchResults(Upstream, Generic[ItemT]):
    """A search endpoint's answer: one page of ``items`` and the ``total_count`` of matches
    (``items`` may be left out or null when nothing matches)."""

    items: NullableList[ItemT] = Field(default_factory=list)
    total_count: int = 0
