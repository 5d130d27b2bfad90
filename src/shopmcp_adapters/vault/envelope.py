"""The envelope format shared by every vault (KMS and local), version 2 (version 1 still opens).

A credential is encrypted locally with AES-256-GCM under a fresh 256-bit data key (DEK); only the
wrapped DEK (encrypted by a master key: KMS or a local key file) is stored beside it.

AES-GCM does not commit to its key: a ciphertext can be crafted that decrypts under two keys.
So the DEK is never used directly. HKDF-SHA256 expands it into an encryption key and a 32-byte
key commitment; the commitment is stored in front of the GCM output, checked in constant time
before decrypting, and also bound into the associated data. A wrapped key swapped for another
(even one the attacker could get wrapped under the right context) therefore fails.

The associated data binds the envelope version, the workspace id, the credential id, the
credential's generation (version 2) and the key commitment. (A hash of the *wrapped* key would
bind the key too, but it changes on every rewrap and would force re-encrypting the ciphertext;
the commitment is a hash of the key itself and survives rotation, so rewrap leaves ciphertext,
nonce and generation untouched.)

The generation is what stops a rollback: every re-seal of a credential is one generation higher
and the connection row records the current one, so an older sealing put back into the row opens
only to be refused as older (the vault compares), and one whose stored generation number was
raised to pass that comparison fails authentication here. Version 1 envelopes predate the
generation: they are generation 1 by definition and their associated data has no generation
field (so stored rows keep opening); a version 1 envelope claiming any other generation, or a
version 2 envelope relabelled as version 1, is refused.

Layout of ``SealedCredential``: ``nonce`` = 12 random bytes; ``ciphertext`` = commitment (32)
|| AES-GCM ciphertext || tag (16); ``wrapped_dek`` = the master key's wrapping of the DEK;
``kms_key_id`` = the master key that wrapped it; ``version`` = 2; ``generation`` >= 1.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shopmcp_domain.credentials import (
    ENVELOPE_VERSION,
    FIRST_GENERATION,
    EncryptionContext,
    SealedCredential,
)

VERSION = ENVELOPE_VERSION
LEGACY_VERSION = 1  # no generation in the associated data
SUPPORTED_VERSIONS = frozenset({LEGACY_VERSION, VERSION})
DEK_BYTES = 32
NONCE_BYTES = 12
COMMITMENT_BYTES = 32
TAG_BYTES = 16
# A KMS ciphertext blob for a 32-byte key is about 184 bytes, a local wrap 60: anything far
# outside that range is refused before any master key (or KMS) is asked.
MIN_WRAPPED_DEK_BYTES = 48
MAX_WRAPPED_DEK_BYTES = 1024
MAX_CIPHERTEXT_BYTES = 64 * 1024
MAX_KEY_ID_CHARS = 2048  # a KMS key ARN or alias ARN fits
# Unchanged in version 2 (only the associated data grew), so both versions derive alike.
_HKDF_INFO = b"shopmcp envelope v1: aes-256-gcm key || key commitment"


class EnvelopeError(Exception):
    """Internal: why an envelope was refused. Never leaves the vault (it becomes the domain's
    one generic ``CredentialUnavailable``); its text is a fixed reason code, never data."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _derive(dek: bytes) -> tuple[bytes, bytes]:
    if len(dek) != DEK_BYTES:
        raise EnvelopeError("bad_data_key")
    okm = HKDF(
        algorithm=hashes.SHA256(), length=DEK_BYTES + COMMITMENT_BYTES, salt=None, info=_HKDF_INFO
    ).derive(dek)
    return okm[:DEK_BYTES], okm[DEK_BYTES:]


def associated_data(
    context: EncryptionContext,
    commitment: bytes,
    *,
    version: int = VERSION,
    generation: int | None = None,
) -> bytes:
    """The AES-GCM associated data. ``generation`` defaults to ``context.generation``; it is
    bound in version 2 only (version 1's fields and bytes are exactly what they always were)."""
    fields: dict[str, str | int] = {
        "v": version,
        "workspace_id": str(context.workspace_id),
        "credential_id": str(context.credential_id),
        "key_commitment": commitment.hex(),
    }
    if version != LEGACY_VERSION:
        fields["generation"] = context.generation if generation is None else generation
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def encrypt(dek: bytes, context: EncryptionContext, plaintext: bytes) -> tuple[bytes, bytes]:
    """Return ``(nonce, ciphertext)`` for ``plaintext`` under ``dek``, bound to ``context``
    (its ids and its generation), in the current version."""
    key, commitment = _derive(dek)
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext, associated_data(context, commitment))
    return nonce, commitment + sealed


def decrypt(dek: bytes, context: EncryptionContext, sealed: SealedCredential) -> bytes:
    """Open ``sealed`` (made by :func:`encrypt`, or a version 1 envelope) under ``dek`` with
    the requesting ``context``'s ids and the generation and version the envelope claims (a
    claim the associated data makes the tag check). Raises ``EnvelopeError`` on any mismatch.
    Whether that generation is recent enough is the caller's question."""
    key, commitment = _derive(dek)
    ciphertext = sealed.ciphertext
    if not hmac.compare_digest(commitment, ciphertext[:COMMITMENT_BYTES]):
        raise EnvelopeError("key_commitment_mismatch")
    aad = associated_data(context, commitment, version=sealed.version, generation=sealed.generation)
    try:
        return AESGCM(key).decrypt(sealed.nonce, ciphertext[COMMITMENT_BYTES:], aad)
    except InvalidTag:
        raise EnvelopeError("authentication_failed") from None


def check_shape(sealed: SealedCredential) -> None:
    """Refuse malformed envelopes before any master key is asked to unwrap anything."""
    if sealed.version not in SUPPORTED_VERSIONS:
        raise EnvelopeError("unsupported_version")
    generation = sealed.generation
    if isinstance(generation, bool) or not isinstance(generation, int) or generation < 1:
        raise EnvelopeError("bad_generation")
    if sealed.version == LEGACY_VERSION and generation != FIRST_GENERATION:
        # Version 1 does not bind a generation: any number but 1 on it is an edit.
        raise EnvelopeError("bad_generation")
    if len(sealed.nonce) != NONCE_BYTES:
        raise EnvelopeError("bad_nonce_length")
    if not MIN_WRAPPED_DEK_BYTES <= len(sealed.wrapped_dek) <= MAX_WRAPPED_DEK_BYTES:
        raise EnvelopeError("bad_wrapped_key_length")
    if not COMMITMENT_BYTES + TAG_BYTES <= len(sealed.ciphertext) <= MAX_CIPHERTEXT_BYTES:
        raise EnvelopeError("bad_ciphertext_length")
    if not 0 < len(sealed.kms_key_id) <= MAX_KEY_ID_CHARS or not sealed.kms_key_id.isprintable():
        raise EnvelopeError("bad_key_id")


def wrapped_key_digest(key_id: str, wrapped_dek: bytes) -> bytes:
    """A digest naming one wrapped key (used as a cache key; never the key itself)."""
    digest = hashlib.sha256()
    encoded = key_id.encode()
    digest.update(len(encoded).to_bytes(4, "big") + encoded)
    digest.update(wrapped_dek)
    return digest.digest()
