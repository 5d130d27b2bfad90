"""The tool registry: every tool the gateway knows, built once at start."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from shopmcp_domain.platforms import Platform
from shopmcp_domain.tools.spec import ToolSpec


class ToolRegistry(Mapping[str, ToolSpec]):
    """An immutable name -> spec table. Every registered name maps to exactly one upstream
    operation (a spec holds one); duplicate names are refused. Two tools may share an
    endpoint when they send it different fixed queries (say, one customer by id and a search),
    so operations are not required to be unique across tools."""

    def __init__(self, specs: Iterable[ToolSpec]) -> None:
        by_name: dict[str, ToolSpec] = {}
        for spec in specs:
            if spec.name in by_name:
                raise ValueError(f"duplicate tool name {spec.name!r}")
            by_name[spec.name] = spec
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
