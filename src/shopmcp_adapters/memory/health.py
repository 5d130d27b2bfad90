"""A readiness probe tests set by hand: answering, refusing, or frozen (never answering, as a
database whose server stopped reading does)."""

from __future__ import annotations

import asyncio
import enum

import attrs


class ProbeState(enum.Enum):
    UP = "up"
    DOWN = "down"
    FROZEN = "frozen"


@attrs.define
class FakeReadinessProbe:
    name: str
    state: ProbeState = ProbeState.UP
    checks: int = 0

    async def check(self) -> None:
        self.checks += 1
        if self.state is ProbeState.DOWN:
            raise ConnectionRefusedError("connection refused")
        if self.state is ProbeState.FROZEN:
            await asyncio.Event().wait()
