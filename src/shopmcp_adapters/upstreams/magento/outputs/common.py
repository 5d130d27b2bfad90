"""What several Magento outputs share: the page a search tool reports, and an address."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    Field,
    model_validator,
)

from shopmcp_adapters.upstreams.magento.parsing import (
    Flag,
    Output,
    Text,
    derive,
    full_name,
    text_or_none,
)


class Paging(Output):
    total_count: int
    page: int
    page_size: int


def empty_is_none(value: Any) -> Any:
    return value or None


def _street_lines(value: Any) -> Any:
    value = [] if value is None else value
    return [str(line) for line in value] if isinstance(value, list) else value


def _region_name(value: Any) -> Any:
    # Order addresses name the region; customer addresses nest {region, region_code, region_id}.
    if isinstance(value, Mapping):
        value = value.get("region")
    return text_or_none(value)


class Address(Output):
    name: str | None = None
    street: Annotated[list[str], BeforeValidator(_street_lines)] = Field(default_factory=list)
    city: Text = None
    region: Annotated[str | None, BeforeValidator(_region_name)] = None
    postcode: Text = None
    country_id: Text = None
    telephone: Text = None

    @model_validator(mode="before")
    @classmethod
    def _from_magento(cls, data: Any) -> Any:
        return derive(
            data,
            "name",
            lambda address: full_name(address.get("firstname"), address.get("lastname")),
        )


class DocumentComment(Output):
    """A comment in an order's history or on an invoice, shipment or credit memo."""

    comment: Text = None
    created_at: Text = None
    is_customer_notified: Flag = None
    is_visible_on_front: Flag = None
