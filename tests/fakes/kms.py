"""A small in-memory KMS with the semantics the vault relies on: GenerateDataKey, Encrypt,
Decrypt (EncryptionContext must match exactly; KeyId, if given, must be the wrapping key),
DescribeKey; errors are botocore ``ClientError``s with KMS's codes. It counts calls and records
the thread each ran on."""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections import Counter
from typing import Any

from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

REGION_ACCOUNT = "arn:aws:kms:us-east-1:111122223333"


def _error(code: str, operation: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"fake {code}"}}, operation)


class FakeKms:
    def __init__(self, *, delay: float = 0.0) -> None:
        self._keys: dict[str, bytes] = {}  # arn -> master key
        self._aliases: dict[str, str] = {}
        self.enabled: dict[str, bool] = {}
        self.calls: Counter[str] = Counter()
        self.threads: set[int] = set()
        self.delay = delay
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0

    def create_key(self, alias: str | None = None) -> str:
        key_uuid = str(uuid.uuid4())
        arn = f"{REGION_ACCOUNT}:key/{key_uuid}"
        self._keys[arn] = AESGCM.generate_key(bit_length=256)
        self.enabled[arn] = True
        self._aliases[key_uuid] = arn
        if alias:
            self._aliases[alias] = arn
        return arn

    def _arn(self, key_id: str, operation: str) -> str:
        arn = key_id if key_id in self._keys else self._aliases.get(key_id)
        if arn is None:
            raise _error("NotFoundException", operation)
        if not self.enabled[arn]:
            raise _error("DisabledException", operation)
        return arn

    def _enter(self, operation: str) -> None:
        self.threads.add(threading.get_ident())
        with self._lock:
            self.calls[operation] += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.in_flight -= 1

    @staticmethod
    def _aad(arn: str, context: dict[str, str]) -> bytes:
        return json.dumps([arn, context], sort_keys=True).encode()

    def _wrap(self, arn: str, plaintext: bytes, context: dict[str, str]) -> bytes:
        nonce = os.urandom(12)
        index = list(self._keys).index(arn).to_bytes(2, "big")
        sealed = AESGCM(self._keys[arn]).encrypt(nonce, plaintext, self._aad(arn, context))
        # Padded like a real KMS blob (~184 bytes for a 32-byte key).
        return b"FK" + index + nonce + sealed + b"\x00" * 90

    def describe_key(self, *, KeyId: str) -> dict[str, Any]:
        self._enter("DescribeKey")
        arn = self._arn(KeyId, "DescribeKey")
        return {"KeyMetadata": {"Arn": arn, "KeyState": "Enabled"}}

    def generate_data_key(
        self, *, KeyId: str, KeySpec: str, EncryptionContext: dict[str, str]
    ) -> dict[str, Any]:
        self._enter("GenerateDataKey")
        assert KeySpec == "AES_256"
        arn = self._arn(KeyId, "GenerateDataKey")
        plaintext = os.urandom(32)
        return {
            "Plaintext": plaintext,
            "CiphertextBlob": self._wrap(arn, plaintext, EncryptionContext),
            "KeyId": arn,
        }

    def encrypt(
        self, *, KeyId: str, Plaintext: bytes, EncryptionContext: dict[str, str]
    ) -> dict[str, Any]:
        self._enter("Encrypt")
        arn = self._arn(KeyId, "Encrypt")
        return {"CiphertextBlob": self._wrap(arn, Plaintext, EncryptionContext), "KeyId": arn}

    def decrypt(
        self,
        *,
        CiphertextBlob: bytes,
        EncryptionContext: dict[str, str],
        KeyId: str | None = None,
    ) -> dict[str, Any]:
        self._enter("Decrypt")
        if (
            CiphertextBlob[:2] != b"FK"
            or len(CiphertextBlob) < 2 + 2 + 12 + 16 + 90
            or CiphertextBlob[-90:] != b"\x00" * 90
        ):
            raise _error("InvalidCiphertextException", "Decrypt")
        keys = list(self._keys)
        index = int.from_bytes(CiphertextBlob[2:4], "big")
        if index >= len(keys):
            raise _error("InvalidCiphertextException", "Decrypt")
        arn = keys[index]
        if KeyId is not None and self._arn(KeyId, "Decrypt") != arn:
            raise _error("IncorrectKeyException", "Decrypt")
        if not self.enabled[arn]:
            raise _error("DisabledException", "Decrypt")
        body = CiphertextBlob[4:-90]
        try:
            plaintext = AESGCM(self._keys[arn]).decrypt(
                body[:12], body[12:], self._aad(arn, EncryptionContext)
            )
        except InvalidTag:
            raise _error("InvalidCiphertextException", "Decrypt") from None
        return {"Plaintext": plaintext, "KeyId": arn}
