"""Keyset-pagination cursors: an opaque ``(created_at, id)`` pair, base64url. A malformed
cursor is the client's mistake (422), never a failure."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid

from shopmcp_domain.dashboard_errors import InvalidRequest


def encode_cursor(created_at: dt.datetime, row_id: uuid.UUID) -> str:
    raw = f"{created_at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(cursor: str | None) -> tuple[dt.datetime, uuid.UUID] | None:
    if cursor is None or cursor == "":
        return None
    try:
        if len(cursor) > 200:
            raise ValueError("too long")
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        stamp, _, row_id = raw.partition("|")
        created_at = dt.datetime.fromisoformat(stamp)
        if created_at.tzinfo is None:
            raise ValueError("naive")
        return created_at, uuid.UUID(row_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidRequest("the cursor is not one this API gave out") from None
