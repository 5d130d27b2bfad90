"""The CLI's error boundary: configuration mistakes (no AWS region, a malformed setting, an
unreachable database, an unreadable key file) become one line naming what to fix, never a
traceback. ``SHOPMCP_DEBUG=1`` shows the traceback of anything else."""

from __future__ import annotations

import os

MAX_CHARS = 400


def one_line(text: str) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= MAX_CHARS else line[: MAX_CHARS - 1] + "…"


def _aws(error: Exception) -> str | None:
    try:
        from botocore import exceptions as aws
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return None
    if isinstance(error, aws.NoRegionError):
        return (
            "AWS KMS needs a region and none is configured: set AWS_REGION "
            "(e.g. AWS_REGION=eu-west-1) for this command and the gateway"
        )
    if isinstance(error, aws.NoCredentialsError | aws.PartialCredentialsError):
        return (
            "AWS KMS: no usable AWS credentials (set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or run where an instance or task role applies)"
        )
    if isinstance(error, aws.ProfileNotFound):
        return f"AWS: {error} (check AWS_PROFILE)"
    if isinstance(error, aws.EndpointConnectionError | aws.ConnectTimeoutError):
        return f"AWS KMS is unreachable: {error} (check AWS_REGION and AWS_ENDPOINT_URL_KMS)"
    if isinstance(error, aws.ClientError):
        details = error.response.get("Error", {})
        return f"AWS KMS refused: {details.get('Code', 'error')}: {details.get('Message', '')}"
    if isinstance(error, aws.BotoCoreError):
        return f"AWS: {error}"
    return None


def _settings(error: Exception) -> str | None:
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return None
    problems = []
    for problem in error.errors():
        loc = problem["loc"]
        name = f"SHOPMCP_{str(loc[0]).upper()}" if error.title == "Settings" and loc else ""
        name = name or ".".join(str(part) for part in loc)
        problems.append(f"{name}: {problem['msg']}")
    return "invalid setting " + "; ".join(problems)


def _database(error: Exception) -> str | None:
    import asyncpg

    if isinstance(
        error, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError
    ):
        return f"the database refused the login: {error} (check SHOPMCP_DATABASE_URL)"
    if isinstance(error, asyncpg.PostgresError):
        return f"database error: {error}"
    if isinstance(error, OSError):  # refused, timed out, unresolvable (after _ours' file errors)
        return f"cannot reach a service: {error} (check SHOPMCP_DATABASE_URL and the others)"
    return None


def _ours(error: Exception) -> str | None:
    from shopmcp_adapters.postgres import MigrationError, RoleSetupError
    from shopmcp_adapters.vault import KeyRingError, LocalKeyFileError
    from shopmcp_domain.errors import ShopMcpError

    if isinstance(error, ShopMcpError):
        return error.message
    if isinstance(error, LocalKeyFileError | KeyRingError | MigrationError | RoleSetupError):
        return str(error)
    if isinstance(error, PermissionError | FileNotFoundError):
        return f"{error.strerror}: {error.filename} (check SHOPMCP_DATA_DIR)"
    if isinstance(error, ValueError):
        return str(error)
    return None


def describe(error: Exception) -> str | None:
    """One line for a known kind of failure; None for anything else (a bug)."""
    for reader in (_aws, _settings, _ours, _database):
        message = reader(error)
        if message is not None:
            return one_line(message)
    return None


def report(error: Exception) -> str:
    """What ``main`` prints for an exception no command handled. Re-raises it when
    SHOPMCP_DEBUG is set, so the traceback is one setting away."""
    if os.environ.get("SHOPMCP_DEBUG"):
        raise error
    message = describe(error)
    if message is None:
        message = one_line(
            f"unexpected {type(error).__name__}: {error} (SHOPMCP_DEBUG=1 shows the traceback)"
        )
    return f"error: {message}"
