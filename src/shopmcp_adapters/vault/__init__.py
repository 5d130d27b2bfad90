"""The credential vault: envelope encryption of every stored credential.

Each credential is encrypted locally with AES-256-GCM under its own fresh data key; the data
key is wrapped by a master key and stored beside the ciphertext (see ``envelope`` for the
format, which both vaults share). Opening always uses the *requesting* workspace's context, so
a row copied into another workspace cannot be opened there. Every refusal is the domain's one
``CredentialUnavailable`` plus an audit line (``shopmcp.audit.vault``: ids and a reason code).

- ``KmsVault``: master key in KMS (``GenerateDataKey`` per seal, ``Decrypt`` per open, calls in
  worker threads). Plaintext data keys stay in a bounded in-memory cache for at most 60 s, and
  go sooner: ``await vault.start(changes)`` sweeps them out as they expire and drops a
  credential's keys as soon as a change feed reports its row deleted or re-sealed
  (``forget_credential`` / ``forget_workspace`` do it directly); ``await vault.aclose()``.
- ``LocalVault``: master key files under ``<data dir>/vault`` (mode 0600, generated on first
  run), key id ``local:<fingerprint>``; for the embedded default.
- ``rotation``: ``rewrap_all`` (with ``build_rewrap_vault``) re-wraps every data key under a
  new master key without touching ciphertexts (``shopmcp keys rewrap --to <key id>``),
  through a ``RewrapSource`` (PostgreSQL: ``PostgresOwnerStore``).

The composition root calls :func:`build_vault`::

    vault = build_vault(settings.kms_key_id, settings.data_dir, clock,
                        cache_seconds=settings.dek_cache_seconds)

With a KMS key id it returns a ``KmsVault`` (boto3 client with timeouts; it reads region,
credentials and ``AWS_ENDPOINT_URL_KMS`` from the environment; pass ``kms_client`` to supply
your own). Local key files already in the data dir still open credentials wrapped under them,
until they are rewrapped. Without one it returns a ``LocalVault``, creating the master key on
first run. ``cache_seconds`` above 60 is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shopmcp_adapters.vault.cache import MAX_TTL_SECONDS, DataKeyCache
from shopmcp_adapters.vault.keyring import KeyRing, KeyRingError, RoutingKeyRing
from shopmcp_adapters.vault.kms import KmsKeyRing
from shopmcp_adapters.vault.local import LocalKeyFileError, LocalKeyRing
from shopmcp_adapters.vault.vault import EnvelopeVault, KmsVault, LocalVault
from shopmcp_domain.ports import Clock


def kms_client_from_environment() -> Any:
    """A boto3 KMS client with bounded timeouts and standard retries."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=3, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"}
    )
    return boto3.session.Session().client("kms", config=config)


def build_vault(
    kms_key_id: str | None,
    data_dir: Path,
    clock: Clock,
    cache_seconds: float = MAX_TTL_SECONDS,
    kms_client: Any = None,
) -> EnvelopeVault:
    if cache_seconds > MAX_TTL_SECONDS:
        raise ValueError(f"data keys may be cached for at most {MAX_TTL_SECONDS:g}s")
    if kms_key_id:
        local = LocalKeyRing.load(data_dir)
        return KmsVault(
            kms_client if kms_client is not None else kms_client_from_environment(),
            kms_key_id,
            clock,
            cache_seconds=cache_seconds,
            local_keys=local if local.key_ids else None,
        )
    return LocalVault.from_data_dir(data_dir, clock, cache_seconds=cache_seconds)


def build_rewrap_vault(
    kms_key_id: str | None,
    data_dir: Path,
    clock: Clock,
    to_key_id: str,
    kms_client: Any = None,
) -> EnvelopeVault:
    """The vault ``shopmcp keys rewrap`` uses: it opens data keys under every local key in the
    data dir and, when KMS is configured or the target is a KMS key, under KMS; it wraps under
    ``to_key_id``. Nothing is cached (each data key is used once)."""
    rings: list[KeyRing] = []
    local = LocalKeyRing.load(data_dir)
    if local.key_ids:
        rings.append(local)
    if kms_key_id or not local.handles(to_key_id):
        rings.append(
            KmsKeyRing(kms_client if kms_client is not None else kms_client_from_environment())
        )
    if not rings:
        raise ValueError("no master keys: neither local key files nor a KMS key are configured")
    return EnvelopeVault(RoutingKeyRing(rings), to_key_id, clock, cache_seconds=0)


__all__ = [
    "DataKeyCache",
    "EnvelopeVault",
    "KeyRing",
    "KeyRingError",
    "KmsKeyRing",
    "KmsVault",
    "LocalKeyFileError",
    "LocalKeyRing",
    "LocalVault",
    "RoutingKeyRing",
    "build_rewrap_vault",
    "build_vault",
    "kms_client_from_environment",
]
