"""Server secrets kept as files under the data dir for the embedded default (the OAuth state
secret), with the local master keys' file rules: created once, atomically, mode 0600 in a 0700
directory; a file others can read, a symlink, or one of the wrong size is refused.

Every replica must sign and verify with the same secret: with several gateway processes on
different machines, set the secret in the environment instead (``SHOPMCP_OAUTH_STATE_SECRET``).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from shopmcp_adapters.vault.local import LocalKeyFileError, _read_private, _write_exclusive

SECRET_BYTES = 32
OAUTH_STATE_SECRET = Path("oauth") / "state.secret"


def load_or_create_secret(path: Path, size: int = SECRET_BYTES) -> bytes:
    """The secret in ``path``, generated first if there is none (a concurrent first run that
    won keeps its own, and both read it)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        with contextlib.suppress(FileExistsError):
            _write_exclusive(path, os.urandom(size))
    secret = _read_private(path, size)
    if len(secret) != size:
        raise LocalKeyFileError(f"{path} does not hold a {size}-byte secret")
    return secret
