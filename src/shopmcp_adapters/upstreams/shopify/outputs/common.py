"""Output models of the Shopify tools, parsed straight from the Admin GraphQL ``data``.

Each model is both the structured content a tool returns (its field names, serialised) and
the parser of the upstream node it comes from: ``validation_alias`` names the GraphQL field,
``AliasPath`` reaches into nested objects and a connection's ``nodes``, and before-validators
read a ``MoneyBag`` or a list of named quantities. A node of the wrong shape fails validation,
which the platform module turns into ``UpstreamResponseInvalid``. The models are described
in comments, not docstrings: a docstring would become the advertised schema's description.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import AliasPath, BaseModel, BeforeValidator, ConfigDict, Field, model_validator


class OutputModel(BaseModel):
    model_config = ConfigDict(
        # Upstream nodes carry fields a tool does not return: they are dropped.
        extra="ignore",
        # A serialised output (field names, not Shopify's) parses back to itself.
        frozen=True,
        # What is serialised is exactly the fields, always all of them (a default only fills
        # in while parsing): the advertised schema closes the object and requires every field.
        json_schema_extra={"additionalProperties": False},
        json_schema_serialization_defaults_required=True,
    )


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def nested(first: str, *rest: str | int) -> Any:
    """A field read from inside a nested object that may be null or absent (an order without
    a customer, a customer without an address): then the field is null."""
    return Field(
        default=None, validation_alias=AliasPath(first, *rest), json_schema_extra=_no_default
    )


def absent(alias: str) -> Any:
    """A field some shapes of a node do not have (a union member without it): then null."""
    return Field(default=None, validation_alias=alias, json_schema_extra=_no_default)


def _pluck(key: str, items: Any) -> Any:
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise ValueError(f"expected a list of objects with {key}")
    return [item.get(key) for item in items]


def plucked(key: str) -> BeforeValidator:
    """A list of objects read as the list of their ``key`` (``[{action: X}]`` as ``[X]``)."""
    return BeforeValidator(lambda items: _pluck(key, items))


# An amount in the shop's currency, from a MoneyBag (its shopMoney) or a MoneyV2 (the amount).
class Money(OutputModel):
    amount: str
    currency: str = Field(validation_alias="currencyCode")

    @model_validator(mode="before")
    @classmethod
    def _shop_money(cls, value: Any) -> Any:
        if isinstance(value, Mapping) and "shopMoney" in value:
            return value["shopMoney"]
        return value


class PageInfo(OutputModel):
    has_next_page: bool = Field(validation_alias="hasNextPage")
    end_cursor: str | None = Field(validation_alias="endCursor")
