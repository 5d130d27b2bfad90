"""The pieces the Magento output models parse Magento's JSON with.

An output model is what a tool advertises as ``outputSchema`` (its serialised field names)
and also the parser of Magento's answer (admin-schema 2.4.9 shapes): ``validation_alias`` and
``AliasPath`` name where a field sits in Magento's object, the annotated types here read
Magento's encodings (decimals as strings, ``""`` for unset, status codes, the
``custom_attributes`` list), and :func:`nest` offers Magento's one flat object to the nested
models that read it too (an order's summary, a product's summary). A body of the wrong shape
fails validation; ``PlatformModule`` reports that as an invalid upstream response.

Every model also validates its own serialised form: field names are accepted beside the
aliases, and :func:`derive` computes a field only when the data lacks it, so a tool's output
can be checked against its model. An alias is looked up first; a field name is used only when
Magento's object does not have the alias, and no Magento object read here has a key named like
such a field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    TypeAdapter,
)
from pydantic.config import JsonDict

from shopmcp_adapters.upstreams.magento.inputs.common import ProductStatus, Visibility

T = TypeVar("T")


def _advertised(schema: JsonDict) -> None:
    # A tool's output always has every field of its model and nothing else. Defaults only
    # fill keys Magento leaves out; they are not part of what a client is promised.
    schema["additionalProperties"] = False
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for prop in properties.values():
            if isinstance(prop, dict):
                prop.pop("default", None)


class Output(BaseModel):
    """The base of every tool's output model."""

    model_config = ConfigDict(
        extra="ignore",  # Magento's objects carry far more than a tool reports
        validate_by_alias=True,
        validate_by_name=True,  # a tool's own output validates (see the module docstring)
        json_schema_serialization_defaults_required=True,
        json_schema_extra=_advertised,
    )


class Upstream(BaseModel):
    """A piece of Magento's answer that a parser reads but no tool returns as such."""

    model_config = ConfigDict(extra="ignore")


# --------------------------------------------------------------------------- Magento's encodings


def _blank_is_none(value: Any) -> Any:
    return None if value is None or value == "" else value


def text_or_none(value: Any) -> Any:
    return value if isinstance(value, str) else None


def _unset_is_zero(value: Any) -> Any:
    return value or 0


def _null_is_empty(value: Any) -> Any:
    return [] if value is None else value


def _code_or_name(enum: type[ProductStatus] | type[Visibility]) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if isinstance(value, str) and value in list(enum):
            return enum(value)  # a tool's own output, read back
        return enum.from_code(value)

    return read


def _flag(value: Any) -> Any:
    # Magento's yes/no columns: 0/1, "0"/"1", booleans, or null for unset.
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if value in (0, 1, "0", "1"):
        return bool(int(value))
    return value  # anything else fails bool validation


# Decimals arrive as numbers or numeric strings; an unset one as null or "".
Amount = Annotated[float | None, BeforeValidator(_blank_is_none)]
# Quantities: unset (null, 0, "") is zero.
Quantity = Annotated[float, BeforeValidator(_unset_is_zero)]
# Free-text values that Magento may also send as a number or an array: text or nothing.
Text = Annotated[str | None, BeforeValidator(text_or_none)]
NullableList = Annotated[list[T], BeforeValidator(_null_is_empty)]
# Magento's product codes (status 1/2, visibility 1-4); an unknown code is no value.
StatusCode = Annotated[ProductStatus | None, BeforeValidator(_code_or_name(ProductStatus))]
VisibilityCode = Annotated[Visibility | None, BeforeValidator(_code_or_name(Visibility))]


Flag = Annotated[bool | None, BeforeValidator(_flag)]


def _digits(value: Any) -> Any:
    # The schema declares these ids as integers; Magento returns the entity's id as its
    # database driver read it, which can be a string of digits.
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value


# The bare answers of Magento's action endpoints: the id of what a POST created (an invoice,
# a shipment, a credit memo), the confirmation of an order action, and the nothing (null or an
# empty array) of a service method without a result.
CREATED_ID = TypeAdapter(Annotated[StrictInt, BeforeValidator(_digits), Field(ge=1)])
CONFIRMATION = TypeAdapter(StrictBool)
NO_RESULT = TypeAdapter(None | Annotated[list[Any], Field(max_length=0)])


def full_name(first: object, last: object) -> str | None:
    parts = [str(part) for part in (first, last) if part]
    return " ".join(parts) or None


# --------------------------------------------------------------------------- reshaping


def derive(data: Any, field: str, compute: Callable[[Mapping[str, Any]], Any]) -> Any:
    """``field`` computed from Magento's object, which lacks it; a tool's own output (which
    has it) is left alone."""
    if isinstance(data, Mapping) and field not in data:
        return {**data, field: compute(data)}
    return data


def nest(data: Any, *fields: str) -> Any:
    """Magento's one flat object, offered under ``fields`` as well, for the nested models that
    read their own keys of it."""
    if isinstance(data, Mapping):
        return {**data, **{field: data for field in fields if field not in data}}
    return data


class _CustomAttribute(Upstream):
    attribute_code: str
    value: Any = None


_CUSTOM_ATTRIBUTES = TypeAdapter(NullableList[_CustomAttribute])


def custom_attributes_by_code(data: Any) -> Any:
    """Magento lists most product attributes as ``[{attribute_code, value}]``; keyed by code
    they can be read with an ``AliasPath`` like any other field."""
    if isinstance(data, Mapping) and "custom_attributes" in data:
        rows = _CUSTOM_ATTRIBUTES.validate_python(data["custom_attributes"])
        return {**data, "custom_attributes": {row.attribute_code: row.value for row in rows}}
    return data
