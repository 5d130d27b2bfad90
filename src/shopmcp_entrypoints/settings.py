"""Settings from the environment (``SHOPMCP_*``). Read once, in the composition root, never
at import time. Every external service is optional: unset means the embedded default."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from shopmcp_domain.platforms import Platform


class Settings(BaseSettings):
    # An empty variable counts as unset (compose files pass `${VAR:-}` through as "").
    model_config = SettingsConfigDict(env_prefix="SHOPMCP_", extra="ignore", env_ignore_empty=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # The URL merchants paste; used to print MCP URLs and to derive allowed origins/hosts.
    public_base_url: str | None = None
    data_dir: Path = Path(".shopmcp")

    # Unset: embedded PostgreSQL under data_dir. Set: an admin login that owns migrations,
    # roles and cross-tenant jobs (it reaches shopmcp_owner with SET ROLE).
    database_url: SecretStr | None = None
    # The runtime's login as shopmcp_tenant (NOBYPASSRLS). Unset: the same server as
    # database_url with user shopmcp_tenant and no password (trust, peer, cert or .pgpass).
    tenant_database_url: SecretStr | None = None
    # The MCP runtime's login as shopmcp_mcp (migration 0005: exactly what a tools/call needs).
    # Unset: the same server as database_url with user shopmcp_mcp and no password.
    mcp_database_url: SecretStr | None = None
    # Unset: local vault with a master key under data_dir.
    kms_key_id: str | None = None
    # Data keys stay in memory at most this long (capped at 60 s by the vault).
    dek_cache_seconds: float = Field(default=60.0, gt=0, le=60)
    # Unset: in-process rate limiter and read cache.
    redis_url: SecretStr | None = None
    # How long identical read calls of a platform whose package caches reads (Xero) are
    # answered from the short-lived cache (0 turns it off); a write on the connection
    # invalidates them at once. The in-process cache holds at most read_cache_max_entries.
    read_cache_ttl_seconds: float = Field(default=30.0, ge=0, le=300)
    read_cache_max_entries: int = Field(default=10_000, ge=1, le=1_000_000)
    # Unset: the meter outbox accumulates and nothing is sent.
    stripe_api_key: SecretStr | None = None
    stripe_meter_event_name: str = "shopmcp_tool_call"
    # Tests and sandboxes only: the origin the Stripe library sends meter events to instead of
    # https://api.stripe.com (a local fake Stripe). Never set in production.
    stripe_api_base: str | None = None
    # The background jobs (today the meter-outbox drain) run inside the gateway unless a
    # separate `shopmcp worker` process runs them (then set this to false for the gateway).
    run_worker_in_gateway: bool = True
    sentry_dsn: SecretStr | None = None
    environment: str = "development"

    # Extra CA bundle for upstream TLS (the sandbox's local CA). Verification stays on.
    upstream_ca_bundle: str | None = None
    # Sandbox only (``shopmcp demo``, tests): per platform, one origin that replaces the
    # platform's own for every connection (``{"shopify": "https://127.0.0.1:8443"}`` serves
    # every shop name). Never set in production.
    upstream_base_urls: dict[Platform, str] = Field(default_factory=dict)
    # Exempt from the SSRF guard's public-address rule (the sandbox on loopback): ``host`` (any
    # port) or ``host:port`` (``[v6]:port``). Checked again at connect time.
    upstream_allowed_hosts: list[str] = Field(default_factory=list)
    # How long one upstream attempt may wait for the answer (a read is retried twice on a
    # timeout, so a call can wait about three times this). Tests shorten it.
    upstream_read_timeout_seconds: float = Field(default=20.0, gt=0, le=120)

    # Platforms whose write tools the operator unlocks (a JSON list: ``["magento"]``). A
    # platform whose package declares its writes operator-locked (Magento) serves no write
    # tool until it is listed here; only then does a workspace's own opt-in apply.
    writes_unlocked_platforms: list[Platform] = Field(default_factory=list)

    # OAuth connect flows (Xero, Google): the gateway's client registration with each provider.
    # Unset: connecting that platform is refused with a message naming these two settings.
    xero_client_id: str | None = None
    xero_client_secret: SecretStr | None = None
    google_client_id: str | None = None
    google_client_secret: SecretStr | None = None
    # The public origin providers send browsers back to: ``<it>/oauth/<platform>/callback`` is
    # the redirect URI to register with each. Unset: public_base_url, else http://host:port.
    oauth_redirect_base_url: str | None = None
    # Signs OAuth states (at least 32 characters). Unset: a random secret kept under data_dir,
    # which only processes sharing that directory share: set it when replicas do not.
    oauth_state_secret: SecretStr | None = Field(default=None, min_length=32)

    # The dashboard's sign-in email. Unset URL: messages are written to a local outbox under
    # data_dir (``shopmcp mail tail`` prints them). Set: a transactional-email provider's HTTP
    # API, sent a JSON {"from", "to", "subject", "text"} with the key as a bearer token.
    email_api_url: str | None = None
    email_api_key: SecretStr | None = None
    email_from: str = "ShopMCP <no-reply@shopmcp.invalid>"
    # Whether an address without an account may sign in (its account is made at the first
    # sign-in). Off: accounts come from `shopmcp account create` or an owner adding a member.
    signup_open: bool = False
    # Hashes sign-in codes and derives CSRF tokens (at least 32 characters; the same on every
    # replica). Unset: a random secret kept under data_dir.
    auth_secret: SecretStr | None = Field(default=None, min_length=32)

    # Shopify's OAuth install flow (a public or custom app's client credentials). Unset: a
    # Shopify store is connected with an Admin API token instead.
    shopify_client_id: str | None = None
    shopify_client_secret: SecretStr | None = None
    # The access scopes the install asks for (and checks were all granted).
    shopify_scopes: list[str] = Field(
        default_factory=lambda: [
            "read_products",
            "read_orders",
            "read_customers",
            "read_inventory",
            "read_locations",
            "read_fulfillments",
        ]
    )

    # Transport security for the MCP endpoint (DNS-rebinding protection).
    allowed_origins: list[str] = Field(default_factory=list)
    allowed_hosts: list[str] = Field(default_factory=list)
    max_request_bytes: int = Field(default=1_048_576, ge=1024)
    # The server's event loop and HTTP parser (uvicorn's names). "auto" takes uvloop and
    # httptools when installed (they are, with this package): measurably less CPU per call.
    event_loop: Literal["auto", "asyncio", "uvloop"] = "auto"
    http_parser: Literal["auto", "h11", "httptools"] = "auto"
    # tools/call served without the SDK's per-request session (identical answers, less CPU).
    # Off only to compare the two paths.
    mcp_fast_path: bool = True
