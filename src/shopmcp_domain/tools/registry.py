"""The tool registry: every tool the gateway knows, built once at start."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.spec import ToolSpec


class ToolRegistry(Mapping[str, ToolSpec]):
    """An immutable name -> spec table. Duplicate names and shared operations are refused, so
    every registered name maps to exactly one upstream operation and vice versa."""

    def __init__(self, specs: Iterable[ToolSpec]) -> None:
        by_name: dict[str, ToolSpec] = {}
        by_operation: dict[tuple[Platform, str], str] = {}
        for spec in specs:
            if spec.name in by_name:
                raise ValueError(f"duplicate tool name {spec.name!r}")
            op = (spec.platform, spec.operation.key)
            if op in by_operation:
                raise ValueError(
                    f"tools {by_operation[op]!r} and {spec.name!r} share operation {op[1]!r}"
                )
            by_name[spec.name] = spec
            by_operation[op] = spec.name
        self._specs = dict(sorted(by_name.items()))

    def __getitem__(self, name: str) -> ToolSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    def for_platform(self, platform: Platform) -> list[ToolSpec]:
        return [spec for spec in self._specs.values() if spec.platform is platform]

    def __hash__(self) -> int:
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other
