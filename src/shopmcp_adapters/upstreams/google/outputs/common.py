"""What the Google output models share: the base model, and the readers of Google's JSON
encodings (64-bit integers and metric values as strings, enums in capitals, money in micros)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.config import JsonDict


def _advertised(schema: JsonDict) -> None:
    # A tool's output always has every field of its model and nothing else; defaults only fill
    # what Google leaves out (it omits empty lists, false booleans and unset values).
    schema["additionalProperties"] = False
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for prop in properties.values():
            if isinstance(prop, dict):
                prop.pop("default", None)


class Output(BaseModel):
    """The base of every Google output model (and of the parts they hold)."""

    model_config = ConfigDict(
        extra="ignore",  # Google's objects carry more than a tool reports
        json_schema_serialization_defaults_required=True,
        json_schema_extra=_advertised,
    )


def finite_number(value: str, integer: bool) -> int | float:
    """A GA4 metric value (always a string) as a number; anything else is not a metric."""
    if not isinstance(value, str):
        raise ValueError("metric values are strings")
    if integer:
        return int(value)
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("metric values are finite numbers")
    return number


def _int64(value: Any) -> Any:
    # Google's JSON carries int64 as a string of digits.
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


Int64 = Annotated[int, BeforeValidator(_int64)]


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# A Google enum value (SHOPPING_ADS, DISAPPROVED) in lower case, as texts show it.
EnumText = Annotated[str | None, BeforeValidator(_lower)]


def _from_micros(value: Any) -> str:
    if not (isinstance(value, str) and value.lstrip("-").isdigit()):
        raise ValueError("amountMicros is an int64 (a string of digits)")
    return str(Decimal(value).scaleb(-6).quantize(Decimal("0.01")))


class Money(Output):
    amount: Annotated[str, BeforeValidator(_from_micros)] = Field(
        validation_alias="amountMicros", description="The amount in the currency's units"
    )
    currency: str = Field(validation_alias="currencyCode")


def last_segment(name: str) -> str:
    """The id at the end of a resource name (``accounts/123/issues/abc`` -> ``abc``)."""
    return name.rsplit("/", 1)[-1]
