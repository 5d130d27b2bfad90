"""Master keys in AWS KMS (or any KMS-compatible endpoint), through a boto3 KMS client.

boto3 is blocking: every call runs in a worker thread (``anyio.to_thread``), at most
``max_concurrency`` at a time, so a slow KMS can neither stall the event loop nor eat the
default thread pool. The client should be built with connect/read timeouts (``build_vault``
does). Errors become ``KeyRingError`` carrying only the AWS error code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import anyio
import anyio.to_thread
from botocore.exceptions import BotoCoreError, ClientError

from shopmcp_adapters.vault.envelope import DEK_BYTES, MAX_KEY_ID_CHARS
from shopmcp_adapters.vault.keyring import LOCAL_PREFIX, KeyRingError
from shopmcp_domain.credentials import EncryptionContext


class KmsKeyRing:
    def __init__(self, client: Any, *, max_concurrency: int = 8) -> None:
        self._client = client
        self._limiter = anyio.CapacityLimiter(max_concurrency)
        self._resolved: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"KmsKeyRing(max_concurrency={self._limiter.total_tokens:g})"

    def handles(self, key_id: str) -> bool:
        return bool(key_id) and not key_id.startswith(LOCAL_PREFIX)

    async def _call(self, method: Callable[..., Mapping[str, Any]], **kwargs: Any) -> Any:
        try:
            return await anyio.to_thread.run_sync(
                functools.partial(method, **kwargs), limiter=self._limiter
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "client_error")
            reason = f"kms:{code}"
        except BotoCoreError as exc:
            reason = f"kms:{type(exc).__name__}"
        # Raised outside the handler: no botocore exception (or its message) is chained.
        raise KeyRingError(reason[:100])

    async def ping(self, key_id: str) -> None:
        """Ask KMS now (``DescribeKey``, never the remembered answer) whether the key is there
        and enabled; ``KeyRingError`` if not. For readiness."""
        response = await self._call(self._client.describe_key, KeyId=key_id)
        if response.get("KeyMetadata", {}).get("KeyState", "Enabled") != "Enabled":
            raise KeyRingError("kms:key_not_enabled")

    async def resolve(self, key_id: str) -> str:
        if key_id in self._resolved:
            return self._resolved[key_id]
        response = await self._call(self._client.describe_key, KeyId=key_id)
        metadata = response.get("KeyMetadata", {})
        arn = metadata.get("Arn")
        if not isinstance(arn, str) or not 0 < len(arn) <= MAX_KEY_ID_CHARS:
            raise KeyRingError("kms:bad_describe_key_response")
        if metadata.get("KeyState", "Enabled") != "Enabled":
            raise KeyRingError("kms:key_not_enabled")
        self._resolved[key_id] = arn
        return arn

    async def generate(self, key_id: str, context: EncryptionContext) -> tuple[bytes, bytes, str]:
        response = await self._call(
            self._client.generate_data_key,
            KeyId=key_id,
            KeySpec="AES_256",
            EncryptionContext=context.as_kms_context(),
        )
        plaintext, wrapped = response.get("Plaintext"), response.get("CiphertextBlob")
        if not isinstance(plaintext, bytes) or len(plaintext) != DEK_BYTES:
            raise KeyRingError("kms:bad_generate_data_key_response")
        if not isinstance(wrapped, bytes):
            raise KeyRingError("kms:bad_generate_data_key_response")
        return plaintext, wrapped, self._key_id(response, key_id)

    async def wrap(self, key_id: str, dek: bytes, context: EncryptionContext) -> tuple[bytes, str]:
        response = await self._call(
            self._client.encrypt,
            KeyId=key_id,
            Plaintext=dek,
            EncryptionContext=context.as_kms_context(),
        )
        wrapped = response.get("CiphertextBlob")
        if not isinstance(wrapped, bytes):
            raise KeyRingError("kms:bad_encrypt_response")
        return wrapped, self._key_id(response, key_id)

    async def unwrap(self, key_id: str, wrapped: bytes, context: EncryptionContext) -> bytes:
        # KeyId pins the master key: KMS refuses a blob wrapped under any other key.
        response = await self._call(
            self._client.decrypt,
            CiphertextBlob=wrapped,
            KeyId=key_id,
            EncryptionContext=context.as_kms_context(),
        )
        plaintext = response.get("Plaintext")
        if not isinstance(plaintext, bytes) or len(plaintext) != DEK_BYTES:
            raise KeyRingError("kms:bad_decrypt_response")
        return plaintext

    @staticmethod
    def _key_id(response: Mapping[str, Any], requested: str) -> str:
        key_id = response.get("KeyId", requested)
        if not isinstance(key_id, str) or not 0 < len(key_id) <= MAX_KEY_ID_CHARS:
            raise KeyRingError("kms:bad_key_id_in_response")
        return key_id
