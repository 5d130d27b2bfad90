"""Local master keys for the embedded default (no ``SHOPMCP_KMS_KEY_ID``).

Keys live in ``<data dir>/vault/``: one file per key, ``<fingerprint>.key``, holding 32 random
bytes, created with mode 0600 atomically (``O_CREAT | O_EXCL``, then a hard link that never
overwrites), and an ``active`` file naming the key new credentials are sealed under. A key file
that group or others can read (or a symlink, or the wrong size) is refused. The key id is
``local:<fingerprint>``, the fingerprint being a short domain-separated SHA-256 of the key.

Several keys may coexist, so ``shopmcp vault new-local-key`` + ``shopmcp vault rewrap --to``
rotate from one local key to another; ``shopmcp vault retire-key`` deletes the old file once
nothing is wrapped under it.
Wrapping is AES-256-GCM with the key id and the encryption context as associated data.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from shopmcp_adapters.vault.envelope import DEK_BYTES, NONCE_BYTES
from shopmcp_adapters.vault.keyring import LOCAL_PREFIX, KeyRingError
from shopmcp_domain.credentials import EncryptionContext

KEY_BYTES = 32
VAULT_DIRNAME = "vault"
ACTIVE_FILENAME = "active"
_FINGERPRINT_CHARS = 16
_WRAP_AAD_PREFIX = b"shopmcp local wrap v1\x00"


class LocalKeyFileError(Exception):
    """A key file is unsafe or unreadable. The message names the path, never its contents."""


def fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"shopmcp local master key\x00" + key).hexdigest()[:_FINGERPRINT_CHARS]


def key_id_for(key: bytes) -> str:
    return LOCAL_PREFIX + fingerprint(key)


def _write_exclusive(path: Path, data: bytes) -> None:
    """Create ``path`` with mode 0600 holding ``data``, atomically: written to a fresh temporary
    file first, then hard-linked into place (``link`` never replaces an existing file, so a
    reader never sees a partial key and two racing first runs cannot overwrite each other)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(tmp, path)  # FileExistsError if someone else got there first
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _read_private(path: Path, max_bytes: int) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        raise LocalKeyFileError(f"cannot open {path} (missing, or a symlink)") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LocalKeyFileError(f"{path} is not a regular file")
        if info.st_mode & 0o077:
            raise LocalKeyFileError(
                f"{path} is readable or writable by group/others "
                f"(mode {stat.S_IMODE(info.st_mode):o}); chmod 600 it"
            )
        if info.st_uid != os.geteuid():
            raise LocalKeyFileError(f"{path} is owned by another user")
        data = os.read(fd, max_bytes + 1)
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise LocalKeyFileError(f"{path} is too large")
    return data


class LocalKeyRing:
    """The local master keys of one data directory."""

    def __init__(self, directory: Path, keys: dict[str, bytes], active: str | None) -> None:
        self.directory = directory
        self._keys = keys
        self.active_key_id = active

    def __repr__(self) -> str:
        return (
            f"LocalKeyRing(directory={str(self.directory)!r}, key_ids={sorted(self._keys)}, "
            f"active={self.active_key_id!r})"
        )

    @property
    def key_ids(self) -> frozenset[str]:
        return frozenset(self._keys)

    # ---- loading and creating

    @classmethod
    def load(cls, data_dir: Path) -> LocalKeyRing:
        """Every key under ``data_dir`` (none if the directory does not exist)."""
        directory = data_dir / VAULT_DIRNAME
        keys: dict[str, bytes] = {}
        active: str | None = None
        if directory.is_dir():
            for path in sorted(directory.glob("*.key")):
                key = _read_private(path, KEY_BYTES)
                if len(key) != KEY_BYTES:
                    raise LocalKeyFileError(f"{path} does not hold a {KEY_BYTES}-byte key")
                key_id = key_id_for(key)
                if path.name != f"{fingerprint(key)}.key":
                    raise LocalKeyFileError(f"{path} does not match its key's fingerprint")
                keys[key_id] = key
            active_path = directory / ACTIVE_FILENAME
            if active_path.exists():
                active = _read_private(active_path, 256).decode("ascii", "replace").strip()
                if active not in keys:
                    raise LocalKeyFileError(f"{active_path} names a key that is not present")
        return cls(directory, keys, active)

    @classmethod
    def load_or_create(cls, data_dir: Path) -> LocalKeyRing:
        """First run: generate a key and make it active. Later runs: load what is there."""
        ring = cls.load(data_dir)
        if ring.active_key_id is not None:
            return ring
        key_id = ring.create_key()
        # If a concurrent first run won, use its key (ours stays, unused and harmless).
        with contextlib.suppress(FileExistsError):
            _write_exclusive(ring.directory / ACTIVE_FILENAME, key_id.encode() + b"\n")
        return cls.load(data_dir)

    def create_key(self) -> str:
        """Generate a new key file; returns its id (not activated)."""
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
        _write_exclusive(self.directory / f"{fingerprint(key)}.key", key)
        key_id = key_id_for(key)
        self._keys[key_id] = key
        return key_id

    def activate(self, key_id: str) -> None:
        """Make ``key_id`` the key new credentials are sealed under (atomic replace)."""
        if key_id not in self._keys:
            raise LocalKeyFileError(f"unknown local key {key_id}")
        staged = self.directory / f".{ACTIVE_FILENAME}.{os.getpid()}.new"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(staged)
        _write_exclusive(staged, key_id.encode() + b"\n")
        os.replace(staged, self.directory / ACTIVE_FILENAME)
        self.active_key_id = key_id

    def remove_key(self, key_id: str) -> None:
        """Delete a key file for good (retiring it once nothing is wrapped under it: whatever
        still is, a backup included, can never be opened again). The active key is refused."""
        if key_id not in self._keys:
            raise LocalKeyFileError(f"unknown local key {key_id}")
        if key_id == self.active_key_id:
            raise LocalKeyFileError(f"{key_id} is the active key; activate another one first")
        (self.directory / f"{key_id.removeprefix(LOCAL_PREFIX)}.key").unlink()
        del self._keys[key_id]

    # ---- KeyRing

    def handles(self, key_id: str) -> bool:
        return key_id.startswith(LOCAL_PREFIX)

    def _key(self, key_id: str) -> bytes:
        key = self._keys.get(key_id)
        if key is None:
            raise KeyRingError("local:unknown_key")
        return key

    async def resolve(self, key_id: str) -> str:
        self._key(key_id)
        return key_id

    async def generate(self, key_id: str, context: EncryptionContext) -> tuple[bytes, bytes, str]:
        dek = AESGCM.generate_key(bit_length=DEK_BYTES * 8)
        wrapped, key_id = await self.wrap(key_id, dek, context)
        return dek, wrapped, key_id

    async def wrap(self, key_id: str, dek: bytes, context: EncryptionContext) -> tuple[bytes, str]:
        master = self._key(key_id)
        nonce = os.urandom(NONCE_BYTES)
        wrapped = AESGCM(master).encrypt(nonce, dek, self._aad(key_id, context))
        return nonce + wrapped, key_id

    async def unwrap(self, key_id: str, wrapped: bytes, context: EncryptionContext) -> bytes:
        master = self._key(key_id)
        try:
            dek = AESGCM(master).decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], self._aad(key_id, context)
            )
        except InvalidTag:
            dek = b""
        if len(dek) != DEK_BYTES:
            raise KeyRingError("local:unwrap_failed")
        return dek

    @staticmethod
    def _aad(key_id: str, context: EncryptionContext) -> bytes:
        return _WRAP_AAD_PREFIX + key_id.encode() + b"\x00" + context.canonical_bytes()
