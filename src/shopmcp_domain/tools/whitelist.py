"""Write whitelists: the field-level gate every write passes before a request exists.

Two rules, applied to the raw arguments before validation or any upstream work:
1. a global hard-forbidden set is refused wherever it appears (at any depth), whatever a tool's
   whitelist says: credentials, roles, account state and identifier renames;
2. a top-level field outside the tool's whitelist is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from shopmcp_domain.errors import WriteFieldRejected


@attrs.frozen
class WriteWhitelist:
    """Fields a write tool may set (``writable``) and the fields that locate its target."""

    writable: frozenset[str]
    locators: frozenset[str] = frozenset()

    @property
    def accepted(self) -> frozenset[str]:
        return self.writable | self.locators


FORBIDDEN_WRITE_FIELDS: frozenset[str] = frozenset(
    {
        # credentials and privilege
        "password",
        "password_hash",
        "password_confirmation",
        "new_password",
        "current_password",
        "api_key",
        "access_token",
        "token",
        "secret",
        "role_id",
        "role",
        "roles",
        "permissions",
        "is_admin",
        "group_id",
        "customer_group_id",
        # account state
        "is_active",
        "active",
        "disable_auto_group_change",
        "store_credit",
        # identifier renames and structural changes
        "sku",
        "id",
        "entity_id",
        "attribute_set_id",
        "type_id",
        "website_id",
        "website_ids",
        "store_id",
        "custom_attributes",
        "extension_attributes",
        "email",
        "handle",
    }
)


def _normalise(name: str) -> str:
    # "Role_ID", "roleId" and "role-id" are the same field to a lenient upstream.
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and name[i - 1].islower():
            out.append("_")
        out.append("_" if ch in "- ." else ch.lower())
    return "".join(out).strip("_")


def _nested_keys(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield str(key)
            yield from _nested_keys(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _nested_keys(inner)


def check_write(tool: str, whitelist: WriteWhitelist, arguments: Mapping[str, Any]) -> None:
    """Raise :class:`WriteFieldRejected` unless every field is whitelisted and none forbidden."""
    # A locator (say Magento's sku in the URL) may name a forbidden field at the top level only:
    # it selects the target and is never written. Nested anywhere, the same name is a rename.
    top = (str(key) for key in arguments if key not in whitelist.locators)
    nested = (key for value in arguments.values() for key in _nested_keys(value))
    forbidden = {key for key in (*top, *nested) if _normalise(key) in FORBIDDEN_WRITE_FIELDS}
    not_allowed = {key for key in arguments if key not in whitelist.accepted} - forbidden
    if forbidden or not_allowed:
        raise WriteFieldRejected(tool, sorted(forbidden), sorted(not_allowed))
