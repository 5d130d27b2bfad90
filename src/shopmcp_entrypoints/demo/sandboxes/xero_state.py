"""The Xero sandbox's state and errors: its books, tokens and rate budgets, and the error shapes
the Accounting API answers with."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import time
from collections.abc import Callable
from typing import Any

import attrs

MINIMUM_TOKEN_LENGTH = 16
TOKEN_PATH = "/connect/token"  # noqa: S105 - a path
CONNECTIONS_PATH = "/connections"
API_PREFIX = "/api.xro/2.0"
ACCESS_TOKEN_SECONDS = 1800
MINUTE_LIMIT = 60
DAY_LIMIT = 5000
_ID = r"([0-9a-fA-F-]{36})"
_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")
_CLAUSE_TEXT = re.compile(r'^([A-Za-z]+)=="([A-Z-]+)"$')
_CLAUSE_BOOL = re.compile(r"^([A-Za-z]+)==(true|false)$")
_CLAUSE_DATE = re.compile(r"^([A-Za-z]+)(>=|<=)DateTime\((\d{4}),(\d{2}),(\d{2})\)$")


def refresh_token_for(token: str) -> str:
    """The first refresh token the sandbox whose access token is ``token`` accepts."""
    return "xero-sandbox-rt-" + hashlib.sha256(f"refresh:{token}".encode()).hexdigest()[:40]


class XeroApiError(Exception):
    def __init__(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def _problem(status: int, title: str, detail: str) -> XeroApiError:
    return XeroApiError(status, {"Title": title, "Status": status, "Detail": detail})


def _validation(message: str) -> XeroApiError:
    return XeroApiError(
        400,
        {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": [{"ValidationErrors": [{"Message": message}]}],
        },
    )


def _day(value: Any) -> dt.date | None:
    matched = _MS_DATE.fullmatch(value) if isinstance(value, str) else None
    if matched is None:
        return None
    return dt.datetime.fromtimestamp(int(matched.group(1)) / 1000, tz=dt.UTC).date()


@attrs.define
class SandboxState:
    token: str = attrs.field(repr=False)
    books: dict[str, Any]
    now: Callable[[], float] = time.time
    issued: set[str] = attrs.Factory(set)
    refresh_tokens: set[str] = attrs.Factory(set)
    minute: int = -1
    minute_calls: int = 0
    day_calls: int = 0

    def accepts(self, presented: str) -> bool:
        known = [self.token, *self.issued]
        matches = [hmac.compare_digest(presented.encode(), k.encode()) for k in known]
        return any(matches)

    def count_call(self) -> dict[str, str]:
        """Count one API call against the limits: the headers to send, or a 429."""
        minute = int(self.now() // 60)
        if minute != self.minute:
            self.minute, self.minute_calls = minute, 0
        if self.minute_calls >= MINUTE_LIMIT:
            retry = str(max(1, 60 - int(self.now() % 60)))
            raise XeroApiError(
                429,
                None,
                {
                    "Retry-After": retry,
                    "X-Rate-Limit-Problem": "minute",
                    "X-MinLimit-Remaining": "0",
                },
            )
        self.minute_calls += 1
        self.day_calls += 1
        return {
            "X-MinLimit-Remaining": str(MINUTE_LIMIT - self.minute_calls),
            "X-DayLimit-Remaining": str(max(DAY_LIMIT - self.day_calls, 0)),
            "X-AppMinLimit-Remaining": "9999",
        }
