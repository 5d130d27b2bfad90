"""Credentials: plaintext only in memory for one request, sealed (envelope-encrypted) at rest.

The sealed form is what the tenant store holds: ciphertext, nonce, the KMS-wrapped data key and
the id of the master key that wrapped it. Without the master key a row is useless.

Each sealing carries a *generation*: 1 when the credential is first stored, one more on every
re-seal (a provider rotation). The envelope binds it, and the connection row records the
current one, so an older sealing put back into the credential row (a rolled-back token) is
refused even though it is a genuine envelope.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from shopmcp_domain.ids import CredentialId, WorkspaceId

# Version 2 binds the generation into the envelope; version 1 (generation 1, unbound) still opens.
ENVELOPE_VERSION = 2
FIRST_GENERATION = 1


def valid_generation(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    """attrs validator: a generation is an int >= 1."""
    if isinstance(value, bool) or not isinstance(value, int) or value < FIRST_GENERATION:
        raise ValueError(f"{attribute.name} must be an integer >= {FIRST_GENERATION}")


@attrs.frozen
class EncryptionContext:
    """What a sealed credential is bound to. Opening with any other context fails.

    It is passed to KMS as ``EncryptionContext`` and folded into the AES-GCM associated data, so
    a row copied into another workspace (or onto another credential id) cannot be opened there.

    ``generation`` is the credential's generation as the *connection row* records it: sealing
    binds it into the envelope, and opening refuses a sealing of a lower generation (one put
    back after a rotation). It is not part of the KMS context: the data key does not depend on
    it, so rewrapping never needs it.
    """

    workspace_id: WorkspaceId
    credential_id: CredentialId
    generation: int = attrs.field(
        default=FIRST_GENERATION, kw_only=True, validator=valid_generation
    )

    def as_kms_context(self) -> dict[str, str]:
        return {"workspace_id": str(self.workspace_id), "credential_id": str(self.credential_id)}

    def canonical_bytes(self) -> bytes:
        return json.dumps(self.as_kms_context(), sort_keys=True, separators=(",", ":")).encode()


@attrs.frozen(repr=False)
class SealedCredential:
    """The at-rest form of one credential (never holds plaintext)."""

    id: CredentialId
    workspace_id: WorkspaceId
    ciphertext: bytes
    nonce: bytes
    wrapped_dek: bytes
    kms_key_id: str
    version: int = ENVELOPE_VERSION
    generation: int = FIRST_GENERATION

    @property
    def context(self) -> EncryptionContext:
        """The row's own context (owner-side jobs such as rewrap). A request opens with the
        context its connection row gives, never this one."""
        return EncryptionContext(
            workspace_id=self.workspace_id, credential_id=self.id, generation=self.generation
        )

    def __repr__(self) -> str:
        return (
            f"SealedCredential(id={self.id}, workspace_id={self.workspace_id}, "
            f"generation={self.generation}, kms_key_id={self.kms_key_id!r}, "
            f"ciphertext=<{len(self.ciphertext)} bytes>)"
        )


class CredentialPayload:
    """Plaintext credential fields (tokens, keys, secrets) for one connection.

    Its repr and str never show a value, so it cannot leak through a log line, a traceback's
    locals or an error report. Values are reached only by explicit indexing.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, str]) -> None:
        for key, value in values.items():
            if not isinstance(key, str) or not isinstance(value, str):
                raise TypeError("credential fields are str -> str")
        self._values: Mapping[str, str] = MappingProxyType(dict(values))

    def __getitem__(self, key: str) -> str:
        return self._values[key]

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._values.get(key, default)

    def keys(self) -> frozenset[str]:
        return frozenset(self._values)

    def replace(self, **changes: str) -> CredentialPayload:
        return CredentialPayload({**self._values, **changes})

    def to_bytes(self) -> bytes:
        return json.dumps(dict(self._values), sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> CredentialPayload:
        decoded = json.loads(data)
        if not isinstance(decoded, dict):
            raise ValueError("credential payload must be a JSON object")
        return cls(decoded)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CredentialPayload):
            return NotImplemented
        return dict(self._values) == dict(other._values)

    def __hash__(self) -> int:
        return hash(frozenset(self._values.items()))

    def __reduce__(self) -> str | tuple[object, ...]:
        # Pickling would copy plaintext into caches, queues or crash dumps: only the vault
        # serialises a payload, with to_bytes(), right before encrypting it.
        raise TypeError("credential payloads cannot be pickled")

    def __repr__(self) -> str:
        return f"CredentialPayload(fields={sorted(self._values)}, values=<redacted>)"

    __str__ = __repr__
