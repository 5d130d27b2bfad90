"""Settings read from the environment as a container runtime passes it."""

from __future__ import annotations

import pytest

from shopmcp_entrypoints.settings import Settings


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """compose.yaml passes optional settings through as `${VAR:-}`: empty means the default."""
    for name in ("KMS_KEY_ID", "STRIPE_API_KEY", "SENTRY_DSN", "WRITES_UNLOCKED_PLATFORMS"):
        monkeypatch.setenv(f"SHOPMCP_{name}", "")
    settings = Settings()
    assert settings.kms_key_id is None and settings.stripe_api_key is None
    assert settings.sentry_dsn is None and settings.writes_unlocked_platforms == []
