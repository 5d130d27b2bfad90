"""What the Shopify module sends, checked against the pinned Admin API schema.

Each check returns a list of problems (empty when all is well), so a test can show every one:
- ``document_problems``: the document does not validate (a removed or unknown field, argument
  or type), selects something deprecated, or leaves out the ``@idempotent`` key a mutation's
  description says is required from some version on (Shopify enforces that at run time only);
- ``variables_problems``: the variables do not fit the document's types (a removed input field
  such as ``ignoreCompareQuantity``), use a deprecated input field or enum value, or leave out
  an input field whose description says it must be sent even when null
  (``changeFromQuantity``);
- ``filter_problems``: a search ``query`` string uses a filter the connection's ``query``
  argument does not document, or a value outside the filter's documented acceptable values.

The schema is the pruned copy of the official introspection next to the fixtures, kept with
the descriptions these checks read (see ``fixtures/shopify/prune_schema.py``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
from graphql import (
    FieldNode,
    GraphQLArgument,
    GraphQLSchema,
    GraphQLType,
    OperationDefinitionNode,
    OperationType,
    TypeInfo,
    TypeInfoVisitor,
    VariableNode,
    Visitor,
    build_schema,
    get_nullable_type,
    is_enum_type,
    is_input_object_type,
    is_list_type,
    parse,
    type_from_ast,
    validate,
    visit,
)
from graphql.execution.values import get_variable_values
from graphql.validation import NoDeprecatedCustomRule

from shopmcp_adapters.upstreams.shopify.documents import API_VERSION

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "shopify"

# "As of 2026-04, the idempotency key is required and must be provided using the
# `@idempotent` directive." (some descriptions write "As of version `2026-04`").
_IDEMPOTENCY_REQUIRED = re.compile(
    r"As of (?:version )?`?(\d{4}-\d{2})`?, the idempotency key is required"
)
# "This field is mandatory: you must explicitly pass in a value, even if that value is null".
_MANDATORY = re.compile(r"\bthis field is mandatory\b", re.IGNORECASE)


@functools.cache
def pinned_schema() -> GraphQLSchema:
    """The pruned schema of the Admin API version the module is pinned to."""
    path = FIXTURES / f"admin_{API_VERSION}.pruned.graphql"
    if not path.exists():
        raise AssertionError(
            f"no pinned schema for {API_VERSION}: run {path.parent}/prune_schema.py"
        )
    return build_schema(path.read_text(), assume_valid=True)


def operation_of(document: str) -> OperationDefinitionNode:
    [operation] = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
    return operation


# --------------------------------------------------------------------------- documents


def document_problems(
    schema: GraphQLSchema, document: str, api_version: str = API_VERSION
) -> list[str]:
    ast = parse(document)
    invalid = [error.message for error in validate(schema, ast)]
    if invalid:
        return invalid
    deprecated = [error.message for error in validate(schema, ast, [NoDeprecatedCustomRule])]
    return deprecated + _missing_idempotency_keys(schema, operation_of(document), api_version)


def _missing_idempotency_keys(
    schema: GraphQLSchema, operation: OperationDefinitionNode, api_version: str
) -> list[str]:
    if operation.operation is not OperationType.MUTATION or schema.mutation_type is None:
        return []
    problems = []
    for selection in operation.selection_set.selections:
        if not isinstance(selection, FieldNode):
            continue
        field = schema.mutation_type.fields[selection.name.value]
        required = _IDEMPOTENCY_REQUIRED.search(field.description or "")
        given = any(d.name.value == "idempotent" for d in selection.directives or ())
        if required and required.group(1) <= api_version and not given:
            problems.append(
                f"Mutation.{selection.name.value} requires @idempotent(key: ...) "
                f"as of {required.group(1)}"
            )
    return problems


# --------------------------------------------------------------------------- variables


def variables_problems(
    schema: GraphQLSchema, document: str, variables: Mapping[str, Any]
) -> list[str]:
    definitions = operation_of(document).variable_definitions or ()
    coerced = get_variable_values(schema, definitions, dict(variables))
    if isinstance(coerced, list):
        return [error.message for error in coerced]
    problems: list[str] = []
    for definition in definitions:
        name = definition.variable.name.value
        if name in variables:
            type_ = type_from_ast(schema, definition.type)
            assert type_ is not None  # the variables coerced, so their types exist
            _walk(type_, variables[name], f"${name}", problems)
    return problems


def _walk(type_: GraphQLType, value: Any, where: str, problems: list[str]) -> None:
    nullable = get_nullable_type(type_)  # type: ignore[call-overload]
    if value is None:
        return
    if is_list_type(nullable):
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            _walk(nullable.of_type, item, f"{where}[{index}]", problems)
    elif is_input_object_type(nullable):
        for name, field in nullable.fields.items():
            if name in value:
                if field.deprecation_reason:
                    problems.append(f"{where}.{name} is deprecated: {field.deprecation_reason}")
                _walk(field.type, value[name], f"{where}.{name}", problems)
            elif _MANDATORY.search(field.description or ""):
                problems.append(f"{where}.{name} is missing; the schema says it must be sent")
    elif is_enum_type(nullable):
        enum_value = nullable.values.get(value)
        if enum_value is not None and enum_value.deprecation_reason:
            problems.append(f"{where} {value} is deprecated: {enum_value.deprecation_reason}")


# --------------------------------------------------------------------------- search filters


@attrs.frozen
class SearchFilter:
    name: str
    # The documented acceptable values (lower case), or None where any value is accepted.
    values: frozenset[str] | None

    def accepts_name(self, name: str) -> bool:
        # A templated name such as ``metafields.{namespace}.{key}`` stands for a family.
        pattern = re.sub(r"\\\{[a-z_]+\\\}", r"[A-Za-z0-9_-]+", re.escape(self.name))
        return re.fullmatch(pattern, name) is not None


# A row starts a line: "| name | type | description | acceptable_values | default | example |";
# cells wrap over several lines in 2026-07, and a few rows have only the first cells.
_ROW = re.compile(r"^\| (?P<name>[a-z][a-z0-9_]*(?:\.\{?[a-z_]+\}?)*) \| (?P<type>[a-z]+) \|", re.M)
_TABLE_END = "\nYou can apply one or more filters"


def documented_filters(argument: GraphQLArgument) -> dict[str, SearchFilter]:
    """The filters a connection's ``query`` argument documents in its description's table."""
    text = argument.description or ""
    end = text.find(_TABLE_END)
    text = text if end < 0 else text[:end]
    starts = [m for m in _ROW.finditer(text) if m.group("type") != "type"]  # not the header
    filters = {}
    for row, following in zip(starts, [*starts[1:], None], strict=True):
        cells = " ".join(text[row.start() : following.start() if following else None].split())
        columns = [c.strip() for c in cells.removeprefix("|").removesuffix("|").split("|")]
        listed = re.findall(r"`([^`]+)`", columns[3]) if len(columns) > 3 else []
        # Values such as "* {channel_app_id}-approved" describe a family, not a closed set.
        closed = listed and not any("{" in v or "*" in v for v in listed)
        name = row.group("name")
        filters[name] = SearchFilter(name, frozenset(v.lower() for v in listed) if closed else None)
    return filters


@attrs.frozen
class Term:
    field: str | None
    comparator: str
    value: str


_TERM = re.compile(
    r"""(?:(?P<field>[A-Za-z_][A-Za-z0-9_.-]*):)?(?P<comparator>[<>]=?)?"""
    r"""(?P<value>"(?:[^"\\]|\\.)*"|'[^'\\]*'|[^\s"'()]+)"""
)
_CONNECTIVES = {"AND", "OR"}


def terms(query: str) -> list[Term]:
    """The terms of a search string (connectives skipped); ValueError where none can be read."""
    found, position = [], 0
    while position < len(query):
        if query[position].isspace():
            position += 1
            continue
        match = _TERM.match(query, position)
        if match is None:
            raise ValueError(f"cannot read a search term at {query[position:]!r}")
        position = match.end()
        if position < len(query) and not query[position].isspace():
            raise ValueError(f"a search term runs into {query[position:]!r}")
        field, value = match.group("field"), match.group("value")
        if field is None and value in _CONNECTIVES:
            continue
        found.append(Term(field, match.group("comparator") or "", value))
    return found


@attrs.frozen
class SearchedConnection:
    where: str  # "QueryRoot.orders"
    argument: GraphQLArgument


def searched_connection(schema: GraphQLSchema, document: str) -> SearchedConnection | None:
    """The field whose ``query`` argument the document fills from a variable, if any."""
    found: list[SearchedConnection] = []
    info = TypeInfo(schema)

    class _Find(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            parent, field = info.get_parent_type(), info.get_field_def()
            for argument in node.arguments or ():
                if argument.name.value == "query" and isinstance(argument.value, VariableNode):
                    assert parent is not None and field is not None
                    found.append(
                        SearchedConnection(f"{parent.name}.{node.name.value}", field.args["query"])
                    )

    visit(parse(document), TypeInfoVisitor(info, _Find()))
    if len(found) > 1:
        raise AssertionError("a document searches one connection")
    return found[0] if found else None


def filter_problems(schema: GraphQLSchema, document: str, query: str) -> list[str]:
    connection = searched_connection(schema, document)
    if connection is None:
        return ["the document takes no search query"]
    filters = documented_filters(connection.argument)
    try:
        read = terms(query)
    except ValueError as error:
        return [f"{connection.where}: {error}"]
    problems = []
    for term in read:
        name = term.field or "default"
        documented = next((f for f in filters.values() if f.accepts_name(name)), None)
        if documented is None:
            problems.append(f"{connection.where}: {name!r} is not a documented search filter")
            continue
        if documented.values is None or term.comparator:
            continue
        # Shopify's own examples write these values in either case (status:active,
        # product_status:ACTIVE), so they are compared without it; a list is comma-separated.
        given = {v.lower() for v in term.value.strip("'\"").split(",")}
        if not given <= documented.values:
            problems.append(
                f"{connection.where}: {term.value!r} is not a documented value of {name!r} "
                f"({', '.join(sorted(documented.values))})"
            )
    return problems
