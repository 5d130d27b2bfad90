"""Version 1 envelopes (before credential generations), for the tests that prove stored data
keeps opening: a golden sealing made by the version 1 code, and the version 1 format written
out independently of the code under test."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shopmcp_adapters.vault import LocalKeyRing, LocalVault
from shopmcp_adapters.vault.local import key_id_for
from shopmcp_domain.credentials import CredentialPayload, EncryptionContext, SealedCredential
from shopmcp_domain.ids import CredentialId, WorkspaceId
from shopmcp_domain.ports import Clock

# Sealed by the version 1 code (main before generations existed) under a fixed local master
# key: the stored data this release must keep opening.
V1_MASTER_KEY = bytes(range(32))
V1_WORKSPACE = WorkspaceId(uuid.UUID("6f9c3f0e-4d1a-4b7e-9c2d-1a2b3c4d5e6f"))
V1_CREDENTIAL = CredentialId(uuid.UUID("0b7e2a9d-8c6f-4e3b-a1d0-f9e8d7c6b5a4"))
V1_PAYLOAD = CredentialPayload({"access_token": "shpat_v1_golden"})
V1_SEALED = SealedCredential(
    id=V1_CREDENTIAL,
    workspace_id=V1_WORKSPACE,
    nonce=bytes.fromhex("fb6a62a228d3c8dda4d1f05f"),
    ciphertext=bytes.fromhex(
        "64e35d70ded23f9d6c1f5df29087a8e45a0eef4f93d8bb4f1e9503bc6244ef0824dd213344ff27ff7f30"
        "2dd5c426961b1339fb0af852d14f071d343d923e7445c3bb58410f2b78ac0556e59acff74a1a27a4"
    ),
    wrapped_dek=bytes.fromhex(
        "4481886d9310825b36b99243cd1e2bb14f1bc730785919e6b0c4fe453cbf9528d5eb9a7cd595c83fea"
        "45c140b55eb4f74334f4d89c9c58b444a7d12a"
    ),
    kms_key_id="local:67a1023cdb46a7b9",
    version=1,
    generation=1,
)


def v1_ciphertext(dek: bytes, context: EncryptionContext, plaintext: bytes) -> tuple[bytes, bytes]:
    """The version 1 format written out independently of the code under test."""
    okm = HKDF(
        algorithm=hashes.SHA256(),
        length=64,
        salt=None,
        info=b"shopmcp envelope v1: aes-256-gcm key || key commitment",
    ).derive(dek)
    key, commitment = okm[:32], okm[32:]
    aad = json.dumps(
        {
            "v": 1,
            "workspace_id": str(context.workspace_id),
            "credential_id": str(context.credential_id),
            "key_commitment": commitment.hex(),
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    nonce = bytes(12)
    return nonce, commitment + AESGCM(key).encrypt(nonce, plaintext, aad)


def v1_vault(clock: Clock) -> LocalVault:
    """A local vault holding the golden sealing's master key."""
    key_id = key_id_for(V1_MASTER_KEY)
    assert key_id == V1_SEALED.kms_key_id
    return LocalVault(LocalKeyRing(Path("/nonexistent"), {key_id: V1_MASTER_KEY}, key_id), clock)
