"""The pieces the Neto output models parse Neto's JSON with.

Neto's JSON is a translation of its XML: every value is a string (``"718.43"``, ``"2"``,
``"True"``), an unset value is ``""``, an unset date ``"0000-00-00 00:00:00"``, and a repeated
element arrives as a list (or, for one element, possibly the bare object). The annotated types
here read those encodings; an output model names where each field sits in Neto's object with
``validation_alias``/``AliasPath``, so its serialised names stay the field names.

Dates: Neto sends ``YYYY-MM-DD HH:MM:SS`` and, for most fields, a ``*UTC`` variant beside the
store-local one; the docs recommend the UTC variant. :func:`timestamp` turns the UTC variant
into ISO 8601 ending in ``Z`` and falls back to the local value as ISO 8601 without an offset,
so a value never claims a zone it does not have.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, TypeAdapter
from pydantic.config import JsonDict

T = TypeVar("T")

NETO_DATETIME = "%Y-%m-%d %H:%M:%S"
NETO_DATE = "%Y-%m-%d"


def _advertised(schema: JsonDict) -> None:
    # A tool's output always has every field of its model and nothing else. Defaults only
    # fill keys Neto leaves out (it returns only what was selected, and omits empty values).
    schema["additionalProperties"] = False
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for prop in properties.values():
            if isinstance(prop, dict):
                prop.pop("default", None)


class Output(BaseModel):
    """The base of every tool's output model."""

    model_config = ConfigDict(
        extra="ignore",  # Neto's objects carry more than a tool reports
        json_schema_serialization_defaults_required=True,
        json_schema_extra=_advertised,
    )


M = TypeVar("M", bound=Output)


# --------------------------------------------------------------------------- Neto's encodings


def _blank_is_none(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _text(value: Any) -> Any:
    value = _blank_is_none(value)
    # A number where text is expected (an id sent as 7) is read as its text; anything else
    # (an object, a list) is a wrong shape and fails.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _number(value: Any) -> Any:
    value = _blank_is_none(value)
    if isinstance(value, str):
        return value.strip().replace(",", "")
    return value


def _flag(value: Any) -> Any:
    value = _blank_is_none(value)
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes", "y"):
            return True
        if lowered in ("false", "0", "no", "n"):
            return False
    if isinstance(value, int) and not isinstance(value, bool) and value in (0, 1):
        return bool(value)
    return value


def _repeated(value: Any) -> Any:
    """A repeated element: a list, one bare object, or nothing ("" for an empty element)."""
    value = _blank_is_none(value)
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [value]
    return value


def _datetime_text(value: Any) -> Any:
    """``YYYY-MM-DD HH:MM:SS`` (or a date alone) as ISO 8601 without an offset; the all-zero
    date Neto uses for "never" is no value."""
    value = _blank_is_none(value)
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("0000-00-00"):
        return None
    for pattern in (NETO_DATETIME, NETO_DATE):
        try:
            parsed = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return parsed.date().isoformat() if pattern == NETO_DATE else parsed.isoformat()
    raise ValueError("not a Neto date")


Text = Annotated[str | None, BeforeValidator(_text)]
Amount = Annotated[float | None, BeforeValidator(_number)]
Count = Annotated[int | None, BeforeValidator(_number)]
Flag = Annotated[bool | None, BeforeValidator(_flag)]
Repeated = Annotated[list[T], BeforeValidator(_repeated)]
LocalDateTime = Annotated[str | None, BeforeValidator(_datetime_text)]


# --------------------------------------------------------------------------- reshaping


def timestamp(data: Any, field: str, utc_key: str | None, local_key: str) -> Any:
    """Neto's object with ``field`` set from ``utc_key`` (ISO 8601 with ``Z``) when Neto sent
    it, else from ``local_key`` (ISO 8601, store time, no offset)."""
    if not isinstance(data, Mapping) or field in data:
        return data
    value: str | None = None
    if utc_key is not None:
        value = _datetime_text(data.get(utc_key))
        if value is not None and "T" in value:
            value += "Z"
    if value is None:
        value = _datetime_text(data.get(local_key))
    return {**data, field: value}


def timestamps(data: Any, fields: Sequence[tuple[str, str | None, str]]) -> Any:
    for field, utc_key, local_key in fields:
        data = timestamp(data, field, utc_key, local_key)
    return data


def joined(*parts: object) -> str | None:
    words = [str(part).strip() for part in parts if isinstance(part, str) and part.strip()]
    return " ".join(words) or None


def _required_text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _first(value: Any) -> Any:
    # Some templates show a single value inside a list (RMA lines' "SKU": ["..."]).
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


# An identifier Neto must send: text (a number is read as its text), never empty.
Id = Annotated[str, BeforeValidator(_required_text), StringConstraints(min_length=1)]
Single = BeforeValidator(_first)


def rows(data: Mapping[str, Any], key: str, model: type[M]) -> list[M]:
    """The repeated element ``key`` of Neto's answer, each parsed by ``model`` (an absent or
    empty element is no rows)."""
    return _adapter(model).validate_python(data.get(key))


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(model: type[M]) -> TypeAdapter[list[M]]:
    if model not in _ADAPTERS:
        _ADAPTERS[model] = TypeAdapter(Repeated[model])  # type: ignore[valid-type]
    return _ADAPTERS[model]


def unwrap(value: Any, inner: str) -> Any:
    """``{"Category": [...]}`` or ``[{"Category": [...]}, ...]`` (Neto's XML-shaped wrappers)
    as the list of inner objects."""
    if isinstance(value, Mapping) and inner in value:
        return value[inner]
    if isinstance(value, list) and all(isinstance(v, Mapping) and inner in v for v in value):
        flat: list[Any] = []
        for wrapper in value:
            item = wrapper[inner]
            flat.extend(item if isinstance(item, list) else [item])
        return flat
    return value


def nest(data: Any, *fields: str) -> Any:
    """Neto's one flat object, offered under ``fields`` too, for the nested models reading it."""
    if isinstance(data, Mapping):
        return {**data, **{field: data for field in fields if field not in data}}
    return data


def derive(data: Any, field: str, value: Any) -> Any:
    """Neto's object with ``field`` added (computed from it by the caller)."""
    if isinstance(data, Mapping) and field not in data:
        return {**data, field: value}
    return data
