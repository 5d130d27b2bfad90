"""What the Google tools' inputs share: the strict base model, Google's numeric ids, page
tokens, and the text rules filter values are held to."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

# GA4 property ids and Merchant Center account ids are int64 numbers.
MAX_GOOGLE_ID = 2**63 - 1

PropertyId = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_GOOGLE_ID,
        description=(
            "The GA4 property's numeric id (properties/<id>), as "
            "google_list_analytics_properties shows it"
        ),
    ),
]
MerchantAccountId = Annotated[
    int,
    Field(
        ge=1,
        le=MAX_GOOGLE_ID,
        description=(
            "The Merchant Center account's numeric id, as google_list_merchant_accounts shows it"
        ),
    ),
]
# Google's page tokens are opaque; these are the characters they are made of.
PageToken = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2048, pattern=r"^[A-Za-z0-9_\-=.+/~]+$"),
    Field(description="The next_page_token of the previous page (omit for the first page)"),
]


class GoogleInput(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def unique(values: list[object], name: str) -> None:
    if len(set(values)) != len(values):
        raise ValueError(f"{name} has a repeated value")


# --------------------------------------------------------------------------- filter values

# One line of ordinary text: no control characters (which would reach the upstream's query
# language) and no leading or trailing blanks.
_TEXT_RE = re.compile(r"^[^\x00-\x1f\x7f\s](?:[^\x00-\x1f\x7f]*[^\x00-\x1f\x7f\s])?$")


def check_text(value: str, what: str, max_chars: int) -> str:
    if len(value) > max_chars or not _TEXT_RE.fullmatch(value):
        raise ValueError(
            f"{what} must be one line of text, at most {max_chars} characters, without "
            "control characters or surrounding blanks"
        )
    return value


def check_pattern(value: str, what: str, pattern: re.Pattern[str], form: str) -> str:
    if not pattern.fullmatch(value):
        raise ValueError(f"{what} must be {form}")
    return value


def check_choice(value: str, what: str, choices: tuple[str, ...]) -> str:
    """``value`` in the spelling of ``choices`` (matched without regard to case)."""
    for choice in choices:
        if value.casefold() == choice.casefold():
            return choice
    raise ValueError(f"{what} must be one of: {', '.join(choices)}")
