"""The template language of tool-steps playbooks: a parser over a tiny grammar, no evaluator.

A step's arguments are JSON. Any string in them may hold ``{{ reference }}`` placeholders::

    reference := root segment*
    root      := "args" "." NAME              the playbook's arguments
               | "steps" "." NAME             an earlier step's structured result
               | "item"                       the current element of a ``for_each`` step
    segment   := "." NAME                     a key of a JSON object
               | "[" DIGITS "]"               an element of a JSON array
               | "[*]"                        every element of an array (at most once)
    NAME      := [A-Za-z_][A-Za-z0-9_]{0,63}

A string that is exactly one placeholder takes the referenced JSON value as it is (a list of
ids stays a list); a placeholder inside longer text must resolve to a string, number or
boolean, which is spliced in as text. Resolution walks JSON values only (dict keys and list
indexes): there is no attribute access, no call, no filter, no arithmetic, no loop. Parsing
happens when a playbook is created, so a template that does not parse is never stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

MAX_TEMPLATE_CHARS = 2_000
MAX_SEGMENTS = 16
MAX_PLACEHOLDERS = 16

_NAME = r"[A-Za-z_][A-Za-z0-9_]{0,63}"
_NAME_RE = re.compile(_NAME)
_PLACEHOLDER_RE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_SEGMENT_RE = re.compile(rf"\.({_NAME})|\[(\d{{1,6}})\]|\[(\*)\]")

ROOTS = ("args", "steps", "item")


class TemplateError(ValueError):
    """A template that does not parse, or refers to something it may not."""


class ResolveError(ValueError):
    """A reference that parsed but found nothing of the right kind in the run's data."""


@attrs.frozen
class Key:
    name: str


@attrs.frozen
class Index:
    position: int


@attrs.frozen
class Every:
    """``[*]``: the rest of the path is applied to every element of the array."""


Segment = Key | Index | Every


@attrs.frozen
class Reference:
    """A parsed placeholder: ``root`` ("args", "steps" or "item"), the name after it (the
    argument's or the step's; empty for ``item``) and the path below that."""

    root: str
    name: str
    path: tuple[Segment, ...]

    def __str__(self) -> str:
        out = self.root + (f".{self.name}" if self.name else "")
        for segment in self.path:
            match segment:
                case Key(name):
                    out += f".{name}"
                case Index(position):
                    out += f"[{position}]"
                case Every():
                    out += "[*]"
        return out


def parse_reference(text: str) -> Reference:
    """One reference (the inside of a placeholder, or a ``for_each`` source)."""
    source = text.strip()
    if not source:
        raise TemplateError("an empty reference")
    head = _NAME_RE.match(source)
    if head is None or head.group(0) not in ROOTS:
        raise TemplateError(f"a reference starts with one of {', '.join(ROOTS)}: {source!r}")
    root = head.group(0)
    position = head.end()
    segments: list[Segment] = []
    while position < len(source):
        match = _SEGMENT_RE.match(source, position)
        if match is None:
            raise TemplateError(f"cannot parse {source!r} at character {position + 1}")
        name, index, every = match.groups()
        if name is not None:
            segments.append(Key(name))
        elif index is not None:
            segments.append(Index(int(index)))
        elif every is not None:
            segments.append(Every())
        position = match.end()
    if len(segments) > MAX_SEGMENTS:
        raise TemplateError(f"a reference has at most {MAX_SEGMENTS} parts: {source!r}")
    if sum(isinstance(s, Every) for s in segments) > 1:
        raise TemplateError(f"a reference may use [*] once: {source!r}")
    name = ""
    if root != "item":
        if not segments or not isinstance(segments[0], Key):
            raise TemplateError(f"{root} is followed by .name: {source!r}")
        name = segments[0].name
        segments = segments[1:]
    return Reference(root=root, name=name, path=tuple(segments))


@attrs.frozen
class Template:
    """A parsed string: literal text and references, in order. ``whole`` when the string is
    exactly one placeholder (its value keeps its JSON type)."""

    parts: tuple[str | Reference, ...]

    @property
    def whole(self) -> Reference | None:
        if len(self.parts) == 1 and isinstance(self.parts[0], Reference):
            return self.parts[0]
        return None

    @property
    def references(self) -> tuple[Reference, ...]:
        return tuple(p for p in self.parts if isinstance(p, Reference))


def parse_template(text: str) -> Template:
    if len(text) > MAX_TEMPLATE_CHARS:
        raise TemplateError(f"a template has at most {MAX_TEMPLATE_CHARS} characters")
    parts: list[str | Reference] = []
    position = 0
    for match in _PLACEHOLDER_RE.finditer(text):
        if match.start() > position:
            parts.append(text[position : match.start()])
        parts.append(parse_reference(match.group(1)))
        position = match.end()
    rest = text[position:]
    if "{{" in rest or "}}" in rest:
        raise TemplateError(f"an unbalanced '{{{{' or '}}}}' in {text[:80]!r}")
    if rest:
        parts.append(rest)
    if sum(isinstance(p, Reference) for p in parts) > MAX_PLACEHOLDERS:
        raise TemplateError(f"a string holds at most {MAX_PLACEHOLDERS} placeholders")
    return Template(tuple(parts))


def references_in(value: Any) -> Iterator[Reference]:
    """Every reference in a JSON value's strings (keys are literal, never templates).
    Raises :class:`TemplateError` for a string that does not parse."""
    if isinstance(value, str):
        yield from parse_template(value).references
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from references_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from references_in(item)


# --------------------------------------------------------------------------- resolution


@attrs.frozen
class Scope:
    """What references resolve against: the run's arguments, the finished steps' structured
    results (JSON), and the ``for_each`` element when there is one."""

    args: Mapping[str, Any]
    steps: Mapping[str, Any]
    item: Any = None
    has_item: bool = False


def _walk(value: Any, path: Sequence[Segment], where: str) -> Any:
    for i, segment in enumerate(path):
        match segment:
            case Key(name):
                if not isinstance(value, Mapping) or name not in value:
                    raise ResolveError(f"{where}: no key {name!r}")
                value = value[name]
            case Index(position):
                if not isinstance(value, list | tuple) or position >= len(value):
                    raise ResolveError(f"{where}: no element {position}")
                value = value[position]
            case Every():
                if not isinstance(value, list | tuple):
                    raise ResolveError(f"{where}: [*] applies to a list")
                rest = path[i + 1 :]
                return [_walk(element, rest, where) for element in value]
    return value


def resolve_reference(reference: Reference, scope: Scope) -> Any:
    where = str(reference)
    if reference.root == "args":
        if reference.name not in scope.args:
            raise ResolveError(f"{where}: argument not given")
        base = scope.args[reference.name]
    elif reference.root == "steps":
        if reference.name not in scope.steps:
            raise ResolveError(f"{where}: step has no result")
        base = scope.steps[reference.name]
    else:
        if not scope.has_item:
            raise ResolveError(f"{where}: item is only defined in a for_each step")
        base = scope.item
    return _walk(base, reference.path, where)


def _as_text(value: Any, reference: Reference) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    if value is None:
        return ""
    raise ResolveError(f"{reference}: a list or object cannot be placed inside text")


def render_template(template: Template, scope: Scope) -> Any:
    whole = template.whole
    if whole is not None:
        return resolve_reference(whole, scope)
    out = []
    for part in template.parts:
        out.append(
            part if isinstance(part, str) else _as_text(resolve_reference(part, scope), part)
        )
    return "".join(out)


def render_value(value: Any, scope: Scope) -> Any:
    """A step's argument JSON with every placeholder filled."""
    if isinstance(value, str):
        return render_template(parse_template(value), scope)
    if isinstance(value, Mapping):
        return {key: render_value(item, scope) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [render_value(item, scope) for item in value]
    return value
