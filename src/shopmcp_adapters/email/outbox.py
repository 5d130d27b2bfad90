"""The embedded default's mail: messages appended as JSON lines to ``<data dir>/mail/outbox``
(directory 0700, file 0600: it holds live sign-in codes), for ``shopmcp mail tail`` to print.
Nothing is delivered anywhere."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path

from shopmcp_domain.identity import EmailMessage

OUTBOX = Path("mail") / "outbox"


def outbox_path(data_dir: Path) -> Path:
    return data_dir / OUTBOX


class LocalOutbox:
    def __init__(self, data_dir: Path, now: Callable[[], dt.datetime]) -> None:
        self.path = outbox_path(data_dir)
        self._now = now

    def __repr__(self) -> str:
        return f"LocalOutbox(path={str(self.path)!r})"

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as file:
            file.write(line + "\n")

    async def send(self, message: EmailMessage) -> None:
        record = {
            "at": self._now().isoformat(),
            "to": message.to,
            "subject": message.subject,
            "text": message.text,
        }
        await asyncio.to_thread(self._append, json.dumps(record))


def read_outbox(data_dir: Path, last: int = 10) -> list[dict[str, str]]:
    """The ``last`` messages written, oldest first (none when nothing was sent yet)."""
    path = outbox_path(data_dir)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[-last:] if line.strip()]
